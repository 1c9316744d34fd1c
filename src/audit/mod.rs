//! The audit trail: every write is recorded (actor, time, action, entity, id, a hash of the content) in an
//! append-only, hash-chained log, inside the same transaction as the write.
//!
//! Entry `n` stores `hash_n = sha256(n | at | actor | action | entity | entity_id | content_hash | hash_{n-1})`.
//! The chain's tip is kept in `audit_head`, a single row every writer updates first, which both numbers the
//! entries without gaps and serialises appends on PostgreSQL (SQLite has one writer anyway). Verification
//! (`verify.rs`) walks the chain, checks the tip and the last checkpoint, and recomputes the content hash of
//! every audited row.

pub mod handlers;
pub mod verify;

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::error::AppResult;
use crate::schema::{audit_head, audit_log};

/// A record whose writes are audited. Its content hash is the SHA-256 of its JSON form as stored.
pub trait Audited: Serialize {
    /// Entity name in the log (`organisation`, `user`, `slaughterhouse`, ...).
    const ENTITY: &'static str;
    /// The record's id.
    fn entity_id(&self) -> &str;
}

/// SHA-256 of a record's stored form, hex.
pub fn content_hash<T: Serialize>(row: &T) -> String {
    let bytes = serde_json::to_vec(row).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// One entry of the log.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When (UTC).
    pub at: chrono::NaiveDateTime,
    /// The user who wrote; `None` for the command line and the service itself.
    pub actor_id: Option<String>,
    /// What was done (`create`, `update`, `disable`, ...).
    pub action: String,
    /// Entity name.
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// SHA-256 of the record's content after the write.
    pub content_hash: String,
    /// The previous entry's hash (64 zeros for the first).
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl AuditEntry {
    /// The hash this entry must carry, from its other fields.
    pub fn expected_hash(&self) -> String {
        let text = format!(
            "{}|{}|{}|{}|{}|{}|{}|{}",
            self.seq,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6f"),
            self.actor_id.as_deref().unwrap_or("-"),
            self.action,
            self.entity,
            self.entity_id,
            self.content_hash,
            self.prev_hash
        );
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// Append the write of `row` to the log. Call inside the write's transaction, after the write, with the row
/// as it now stands in the database.
pub fn record<T: Audited>(
    conn: &mut DbConnection,
    actor_id: Option<&str>,
    action: &str,
    row: &T,
) -> AppResult<()> {
    // Taking the tip's row lock first orders concurrent writers on PostgreSQL.
    let (seq, prev_hash): (i64, String) = diesel::update(audit_head::table.find(1))
        .set(audit_head::seq.eq(audit_head::seq + 1))
        .returning((audit_head::seq, audit_head::hash))
        .get_result(conn)?;
    let mut entry = AuditEntry {
        seq,
        at: crate::time::now(),
        actor_id: actor_id.map(str::to_string),
        action: action.to_string(),
        entity: T::ENTITY.to_string(),
        entity_id: row.entity_id().to_string(),
        content_hash: content_hash(row),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry.expected_hash();
    diesel::insert_into(audit_log::table)
        .values(&entry)
        .execute(conn)?;
    diesel::update(audit_head::table.find(1))
        .set(audit_head::hash.eq(&entry.hash))
        .execute(conn)?;
    Ok(())
}
