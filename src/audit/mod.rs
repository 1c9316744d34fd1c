//! The audit trail: every write is recorded (actor, time, action, entity, id, a hash of the content) in an
//! append-only, hash-chained log.
//!
//! Recording happens in two steps, so that writers never queue behind one another:
//! 1. [`record`], inside the write's own transaction, adds a row to `audit_pending`: the record of the
//!    write is committed with the write, or not at all.
//! 2. [`seal`] (the service's sealer thread, every command before it exits, and every verification first)
//!    moves pending rows in batches into `audit_log`, numbering them without gaps and chaining them:
//!    `hash_n = sha256(n | at | actor | action | entity | entity_id | content_hash | hash_{n-1})`.
//!    The chain's tip lives in `audit_head`, a single row the sealer locks, so sealers never interleave.
//!
//! A single chained append per write would make the tip row a lock every writer holds until its commit:
//! measured with pgbench on these 2 cores that caps PostgreSQL at about 700 writes/s, against about 2,700
//! without it. Verification (`verify.rs`) walks the chain, checks the tip and the last checkpoint, and
//! recomputes the content hash of every audited row.

pub mod handlers;
pub mod verify;

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Db, DbConnection};
use crate::error::AppResult;
use crate::schema::{audit_head, audit_log, audit_pending};

/// A record whose writes are audited. Its content hash is the SHA-256 of its JSON form as stored.
pub trait Audited: Serialize {
    /// Entity name in the log (`organisation`, `user`, `slaughterhouse`, ...).
    const ENTITY: &'static str;
    /// The record's id.
    fn audit_id(&self) -> &str;
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

/// Record the write of `row`. Call inside the write's transaction, after the write, with the row as it now
/// stands in the database.
pub fn record<T: Audited>(
    conn: &mut DbConnection,
    actor_id: Option<&str>,
    action: &str,
    row: &T,
) -> AppResult<()> {
    diesel::insert_into(audit_pending::table)
        .values((
            audit_pending::id.eq(uuid::Uuid::new_v4().to_string()),
            audit_pending::at.eq(crate::time::now()),
            audit_pending::actor_id.eq(actor_id),
            audit_pending::action.eq(action),
            audit_pending::entity.eq(T::ENTITY),
            audit_pending::entity_id.eq(row.audit_id()),
            audit_pending::content_hash.eq(content_hash(row)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Actions that record something other than the write of a row: a read of confidential data
/// (`view_reporter`, whose content hash is that of the record read) or an administrator clearing the
/// in-memory login throttles (`clear_login_throttle`, whose content hash is that of what was cleared).
/// Verification does not compare these with any row.
pub const ACCESS_ACTIONS: &[&str] = &["view_reporter", "clear_login_throttle"];

/// Is `action` the record of a read?
pub fn is_access(action: &str) -> bool {
    ACCESS_ACTIONS.contains(&action)
}

/// A write recorded but not yet sealed into the chain.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_pending)]
pub struct PendingEntry {
    /// Id.
    pub id: String,
    /// When (UTC).
    pub at: chrono::NaiveDateTime,
    /// The user who wrote.
    pub actor_id: Option<String>,
    /// What was done.
    pub action: String,
    /// Entity name.
    pub entity: String,
    /// Entity id.
    pub entity_id: String,
    /// SHA-256 of the record's content after the write.
    pub content_hash: String,
}

/// Seal up to `max` pending entries into the chain, oldest first, in one transaction. Returns how many.
pub fn seal(db: &Db, max: i64) -> AppResult<usize> {
    db.write_now(|conn| {
        // Lock the tip first, then read what is pending: a second sealer waits here and then sees only
        // what the first one left.
        let (mut seq, mut prev_hash): (i64, String) = diesel::update(audit_head::table.find(1))
            .set(audit_head::seq.eq(audit_head::seq))
            .returning((audit_head::seq, audit_head::hash))
            .get_result(conn)?;
        let pending: Vec<PendingEntry> = audit_pending::table
            .order((audit_pending::at.asc(), audit_pending::id.asc()))
            .limit(max)
            .select(PendingEntry::as_select())
            .load(conn)?;
        if pending.is_empty() {
            return Ok(0);
        }
        let mut entries = Vec::with_capacity(pending.len());
        for p in &pending {
            seq += 1;
            let mut e = AuditEntry {
                seq,
                at: p.at,
                actor_id: p.actor_id.clone(),
                action: p.action.clone(),
                entity: p.entity.clone(),
                entity_id: p.entity_id.clone(),
                content_hash: p.content_hash.clone(),
                prev_hash,
                hash: String::new(),
            };
            e.hash = e.expected_hash();
            prev_hash = e.hash.clone();
            entries.push(e);
        }
        // One statement per entry: multi-row inserts are not shared by both backends in diesel.
        for e in &entries {
            diesel::insert_into(audit_log::table)
                .values(e)
                .execute(conn)?;
        }
        let ids: Vec<&str> = pending.iter().map(|p| p.id.as_str()).collect();
        for chunk in ids.chunks(500) {
            diesel::delete(audit_pending::table.filter(audit_pending::id.eq_any(chunk)))
                .execute(conn)?;
        }
        diesel::update(audit_head::table.find(1))
            .set((audit_head::seq.eq(seq), audit_head::hash.eq(&prev_hash)))
            .execute(conn)?;
        Ok(pending.len())
    })
}

/// Seal everything pending now.
pub fn seal_all(db: &Db) -> AppResult<usize> {
    let mut total = 0;
    loop {
        let n = seal(db, 5_000)?;
        total += n;
        if n == 0 {
            return Ok(total);
        }
    }
}

/// Run the sealer on a thread of its own for as long as the process lives: seal what is pending, then
/// wait a little when there was nothing to seal.
pub fn spawn_sealer(db: Db) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("audit-sealer".into())
        .spawn(move || loop {
            match seal(&db, 5_000) {
                Ok(0) => std::thread::sleep(std::time::Duration::from_millis(200)),
                Ok(n) => crate::metrics::background::sealed(n),
                // An outage is logged once, by the database's health; sealing resumes when it ends.
                Err(e) if e.is_unavailable() => {
                    crate::metrics::background::seal_failed();
                    std::thread::sleep(std::time::Duration::from_secs(1))
                }
                Err(e) => {
                    crate::metrics::background::seal_failed();
                    tracing::error!(error = %e, "sealing the audit trail failed");
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
            }
        })
}
