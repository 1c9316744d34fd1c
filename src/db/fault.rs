//! What a database error means for the client: the database is unreachable (503), it has no room left to
//! write (507), a statement ran past its deadline (503), or something else (a constraint, a bug).
//!
//! diesel reports a lost PostgreSQL connection as `ClosedConnection` or `UnableToSendCommand`, and a
//! connection whose transaction could not be ended as `BrokenTransactionManager`; everything else arrives as
//! `Unknown` with the server's message, which is all it keeps (no SQLSTATE), so the few server conditions
//! that matter here are recognised by their message: SQLite's `SQLITE_FULL` ("database or disk is full"),
//! PostgreSQL's `disk_full` (53100, "No space left on device"), its shutdown and start-up messages (class 57)
//! and `statement_timeout` cancelling a statement (57014).

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// The kind of trouble a database error shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The database cannot be reached, is shutting down or starting, or the connection died.
    Unavailable,
    /// The database has no room left to write.
    StorageFull,
    /// A statement was cancelled at its deadline, or waited too long for a lock.
    Timeout,
    /// Not a fault of the database's availability (a constraint, no such row, a bug).
    Other,
}

/// Messages (lower case) that mean the disk or the database's size limit is full.
const FULL: &[&str] = &[
    "database or disk is full",
    "no space left on device",
    "could not extend file",
    "disk full",
];

/// Messages (lower case) that mean the server went away or is not accepting work.
const GONE: &[&str] = &[
    "terminating connection",
    "server closed the connection",
    "the database system is shutting down",
    "the database system is starting up",
    "the database system is in recovery mode",
    "no connection to the server",
    "connection to server",
    "could not connect",
    "connection refused",
    "disk i/o error",
    "unable to open database file",
    "attempt to write a readonly database",
];

/// Messages (lower case) that mean a statement hit its deadline or a lock wait ran out.
const TIMEOUT: &[&str] = &[
    "canceling statement due to statement timeout",
    "canceling statement due to lock timeout",
    "database is locked",
    "database table is locked",
];

/// Classify a diesel error.
pub fn classify(e: &DieselError) -> Fault {
    match e {
        DieselError::DatabaseError(kind, info) => match kind {
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand => {
                Fault::Unavailable
            }
            DatabaseErrorKind::Unknown => classify_message(info.message()),
            _ => Fault::Other,
        },
        DieselError::BrokenTransactionManager => Fault::Unavailable,
        DieselError::RollbackErrorOnCommit {
            rollback_error,
            commit_error,
        } => match classify(commit_error) {
            Fault::Other => classify(rollback_error),
            f => f,
        },
        _ => Fault::Other,
    }
}

/// Classify a server or library message.
pub fn classify_message(message: &str) -> Fault {
    let m = message.to_lowercase();
    if FULL.iter().any(|s| m.contains(s)) {
        Fault::StorageFull
    } else if TIMEOUT.iter().any(|s| m.contains(s)) {
        Fault::Timeout
    } else if GONE.iter().any(|s| m.contains(s)) {
        Fault::Unavailable
    } else {
        Fault::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_classified() {
        assert_eq!(
            classify_message("database or disk is full"),
            Fault::StorageFull
        );
        assert_eq!(
            classify_message("could not extend file \"base/1/2\": No space left on device"),
            Fault::StorageFull
        );
        assert_eq!(
            classify_message("terminating connection due to administrator command"),
            Fault::Unavailable
        );
        assert_eq!(
            classify_message("canceling statement due to statement timeout"),
            Fault::Timeout
        );
        assert_eq!(classify_message("database is locked"), Fault::Timeout);
        assert_eq!(
            classify_message("UNIQUE constraint failed: lots.trace_code"),
            Fault::Other
        );
    }

    #[test]
    fn kinds_are_classified() {
        let closed = DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_string()),
        );
        assert_eq!(classify(&closed), Fault::Unavailable);
        assert_eq!(
            classify(&DieselError::BrokenTransactionManager),
            Fault::Unavailable
        );
        assert_eq!(classify(&DieselError::NotFound), Fault::Other);
        let unique = DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_string()),
        );
        assert_eq!(classify(&unique), Fault::Other);
    }
}
