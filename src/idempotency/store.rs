//! The key rows and [`once`], the helper every repeat-safe create runs inside its write transaction.

use actix_web::HttpResponse;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::key::Bound;
use super::seal;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::schema::idempotency_keys as k;

/// What a repeat-safe create answers.
#[derive(Debug)]
pub enum Answer<T> {
    /// Recorded now (201).
    Fresh(T),
    /// Recorded before under the same key: the answer stored then, as JSON (200).
    Replayed(serde_json::Value),
}

impl<T: Serialize> Answer<T> {
    /// Was the record made by this request?
    pub fn is_fresh(&self) -> bool {
        matches!(self, Answer::Fresh(_))
    }

    /// 201 with the new record, or 200 with the answer stored under the key.
    pub fn respond(self) -> HttpResponse {
        match self {
            Answer::Fresh(v) => HttpResponse::Created().json(v),
            Answer::Replayed(v) => HttpResponse::Ok().json(v),
        }
    }

    /// The answer as JSON, and whether it is fresh.
    pub fn into_json(self) -> AppResult<(serde_json::Value, bool)> {
        match self {
            Answer::Fresh(v) => Ok((serde_json::to_value(v).map_err(internal)?, true)),
            Answer::Replayed(v) => Ok((v, false)),
        }
    }
}

impl<T: DeserializeOwned> Answer<T> {
    /// The answer as its type (read back from JSON when replayed), and whether it is fresh.
    pub fn into_typed(self) -> AppResult<(T, bool)> {
        match self {
            Answer::Fresh(v) => Ok((v, true)),
            Answer::Replayed(v) => Ok((serde_json::from_value(v).map_err(internal)?, false)),
        }
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("idempotency: {e}"))
}

fn reused() -> AppError {
    crate::refusal::Code::IdempotencyKeyReused.into()
}

/// The answer a key row stores while its write is still running (never seen committed).
const PENDING: &str = "";

#[derive(Queryable)]
struct Stored {
    operation: String,
    fingerprint: String,
    answer: String,
}

fn find(conn: &mut DbConnection, key: &Bound) -> QueryResult<Option<Stored>> {
    k::table
        .find((&key.scope, &key.key_hash))
        .select((k::operation, k::fingerprint, k::answer))
        .first(conn)
        .optional()
}

fn replay<T>(key: &Bound, row: Stored) -> AppResult<Answer<T>> {
    if row.operation != key.operation || row.fingerprint != key.fingerprint {
        return Err(reused());
    }
    let json = match (&key.seal, seal::is_sealed(&row.answer)) {
        (Some(s), true) => seal::open(s, &row.answer)
            .ok_or_else(|| AppError::from(crate::refusal::Code::IdempotencyAnswerUnavailable))?,
        (None, false) => row.answer,
        _ => {
            return Err(internal(
                "a stored answer is sealed for one operation and not another",
            ))
        }
    };
    if json == PENDING {
        return Err(internal("a key row committed without its answer"));
    }
    Ok(Answer::Replayed(
        serde_json::from_str(&json).map_err(internal)?,
    ))
}

/// Run a create once per key, inside the caller's write transaction. Without a key, `write` just runs.
/// With one: the answer stored under it when it is known (409 `idempotency_key_reused` when it was used
/// for another operation or other content); else the key is claimed, `write` runs, and its answer is
/// stored with the key, committed with the write or not at all.
///
/// The claim comes first: on PostgreSQL a concurrent twin's insert of the same key waits for the first
/// transaction and then clashes, and the twin answers with what the first one stored (on SQLite the single
/// writer already serialises them). A refused write stores nothing, so sending it again tries it again.
pub fn once<T, F>(conn: &mut DbConnection, key: Option<&Bound>, write: F) -> AppResult<Answer<T>>
where
    T: Serialize,
    F: FnOnce(&mut DbConnection) -> AppResult<T>,
{
    let Some(key) = key else {
        return write(conn).map(Answer::Fresh);
    };
    if let Some(row) = find(conn, key)? {
        return replay(key, row);
    }
    // In a savepoint, so that a clash leaves the transaction usable for reading the twin's answer.
    let claimed = conn.transaction(|c| {
        diesel::insert_into(k::table)
            .values((
                k::scope.eq(&key.scope),
                k::key_hash.eq(&key.key_hash),
                k::operation.eq(key.operation),
                k::fingerprint.eq(&key.fingerprint),
                k::answer.eq(PENDING),
                k::created_at.eq(crate::time::now()),
            ))
            .execute(c)
    });
    match claimed {
        Ok(_) => {}
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            tracing::debug!(
                operation = key.operation,
                "a concurrent twin recorded it first"
            );
            let row = find(conn, key)?.ok_or_else(|| internal("a clashing key row is gone"))?;
            return replay(key, row);
        }
        Err(e) => return Err(e.into()),
    }
    let value = write(conn)?;
    let json = serde_json::to_string(&value).map_err(internal)?;
    let answer = match &key.seal {
        Some(s) => seal::seal(s, &json),
        None => json,
    };
    diesel::update(k::table.find((&key.scope, &key.key_hash)))
        .set(k::answer.eq(answer))
        .execute(conn)?;
    Ok(Answer::Fresh(value))
}
