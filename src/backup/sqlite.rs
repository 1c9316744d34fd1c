//! SQLite backups through SQLite's online backup API (`rusqlite::backup`): the whole database is copied in
//! one step under one read transaction, so the copy is a single consistent state even while the service
//! writes (in WAL mode a reader never blocks the writer).

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

/// How long a backup or restore keeps retrying while the database is busy.
const BUSY_LIMIT: Duration = Duration::from_secs(60);

/// Open an existing database (never creating one), waiting up to 30 s for locks.
fn open_existing(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", path.display()))?;
    conn.busy_timeout(Duration::from_secs(30))?;
    Ok(conn)
}

/// Copy every page of `from` into `to` in one step, retrying while either side is busy.
fn copy(from: &Connection, to: &mut Connection) -> anyhow::Result<()> {
    let backup = Backup::new(from, to)?;
    let deadline = Instant::now() + BUSY_LIMIT;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ if Instant::now() > deadline => {
                anyhow::bail!("the database stayed busy for {} s", BUSY_LIMIT.as_secs())
            }
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// `PRAGMA quick_check` answers `ok`.
fn quick_check(conn: &Connection) -> anyhow::Result<()> {
    let answer: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    anyhow::ensure!(answer == "ok", "the integrity check failed: {answer}");
    Ok(())
}

/// Back up the database at `source` into the (empty, private) file `dest`.
pub fn backup(source: &Path, dest: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        source.is_file(),
        "there is no database at {}",
        source.display()
    );
    let from = open_existing(source)?;
    let mut to = Connection::open_with_flags(
        dest,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    copy(&from, &mut to)?;
    drop(from);
    // One self-contained file: no WAL beside the backup.
    let mode: String = to.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    anyhow::ensure!(
        mode.eq_ignore_ascii_case("delete"),
        "the backup stayed in {mode} mode"
    );
    quick_check(&to).map_err(|e| anyhow::anyhow!("the backup just written is not sound: {e}"))?;
    to.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// The backup opens, passes `PRAGMA quick_check`, and is a Niuyang database (it has the migrations table
/// and the audit trail).
pub fn check_backup(path: &Path) -> anyhow::Result<()> {
    let unreadable = |e: &dyn std::fmt::Display| {
        anyhow::anyhow!("the backup {} cannot be read: {e}", path.display())
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| unreadable(&e))?;
    quick_check(&conn).map_err(|e| unreadable(&e))?;
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' \
             AND name IN ('__diesel_schema_migrations', 'audit_log', 'audit_head')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| unreadable(&e))?;
    anyhow::ensure!(
        tables == 3,
        "{} is a SQLite database but not a Niuyang backup",
        path.display()
    );
    Ok(())
}

/// Does the database at `path` exist and hold any table?
pub fn has_tables(path: &Path) -> anyhow::Result<bool> {
    if !path.exists() || std::fs::metadata(path)?.len() == 0 {
        return Ok(false);
    }
    let conn = open_existing(path)?;
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Copy the backup `from` over the database at `target` (which exists, possibly empty), through the
/// backup API, so the target's WAL and shared-memory files stay consistent.
pub fn restore(from: &Path, target: &Path) -> anyhow::Result<()> {
    let src = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut dst = open_existing(target)?;
    copy(&src, &mut dst)?;
    quick_check(&dst).map_err(|e| anyhow::anyhow!("the restored database is not sound: {e}"))?;
    dst.close().map_err(|(_, e)| e)?;
    Ok(())
}
