//! `niuyang backup --to FILE` and `niuyang restore --from FILE [--force]`.
//!
//! - **SQLite**: SQLite's online backup API (through `rusqlite`, which links the same SQLite as diesel), so
//!   a backup can be taken while the service runs and writes: the copy is one consistent state of the
//!   database, the WAL's recent commits included. The backup is a plain SQLite file (rollback journal, no
//!   WAL beside it), checked with `PRAGMA quick_check` before it is given its name.
//! - **PostgreSQL**: `pg_dump --format=custom` (a consistent snapshot, online) and `pg_restore --clean
//!   --if-exists`, run without a shell; the password is handed over in `PGPASSWORD`, never on the command
//!   line, so it does not show in the process list.
//!
//! Every backup is written to a private temporary file beside its destination (`0600`), checked, flushed to
//! disk and only then renamed: a failed or interrupted backup never leaves a file under the name asked for.
//! An existing file is never overwritten. Restore checks the backup can be read first and refuses a target
//! that holds any table unless told `--force`. Neither command runs migrations: a backup is taken of the
//! database as it is, and the service migrates a restored database when it starts.

mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::db::{sqlite_path, Backend};
use crate::private_files::{create_private_dir, create_private_file};

/// What a backup wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The backup file.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The backup restored.
    pub from: PathBuf,
    /// Whether the target held tables before (`--force` was needed).
    pub replaced_existing: bool,
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Back up the database at `url` to `to`, which must not exist yet.
pub fn backup(url: &str, to: &Path) -> anyhow::Result<BackupReport> {
    anyhow::ensure!(
        !to.exists(),
        "{} exists already; a backup never overwrites a file: choose another name",
        to.display()
    );
    let backend = Backend::of_url(url);
    let partial = Partial::create(to)?;
    let written = match backend {
        Backend::Sqlite => sqlite::backup(Path::new(sqlite_path(url)), partial.path()),
        Backend::Postgres => postgres::backup(url, partial.path()),
    };
    written?;
    let bytes = partial.finish(to)?;
    Ok(BackupReport {
        backend: backend_name(backend),
        file: to.to_path_buf(),
        bytes,
    })
}

/// Restore the backup `from` into the database at `url`. Refuses a target that holds any table unless
/// `force`. Stop the service first.
pub fn restore(url: &str, from: &Path, force: bool) -> anyhow::Result<RestoreReport> {
    let backend = Backend::of_url(url);
    let kind = BackupKind::of_file(from)?;
    anyhow::ensure!(
        kind.backend() == backend,
        "{} is a {} backup and the database is {}: restore it into a {} database",
        from.display(),
        backend_name(kind.backend()),
        backend_name(backend),
        backend_name(kind.backend())
    );
    let replaced_existing = match backend {
        Backend::Sqlite => {
            sqlite::check_backup(from)?;
            sqlite::has_tables(Path::new(sqlite_path(url)))?
        }
        Backend::Postgres => {
            postgres::check_backup(from)?;
            postgres::has_tables(url)?
        }
    };
    anyhow::ensure!(
        !replaced_existing || force,
        "the target database is not empty; restoring would replace its contents: give --force to do so"
    );
    match backend {
        Backend::Sqlite => {
            ensure_private_sqlite_file(url)?;
            sqlite::restore(from, Path::new(sqlite_path(url)))?;
        }
        Backend::Postgres => postgres::restore(url, from)?,
    }
    Ok(RestoreReport {
        backend: backend_name(backend),
        from: from.to_path_buf(),
        replaced_existing,
    })
}

/// The kind of a backup file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BackupKind {
    /// A SQLite database file.
    Sqlite,
    /// A `pg_dump --format=custom` archive.
    PgCustom,
}

impl BackupKind {
    fn of_file(path: &Path) -> anyhow::Result<BackupKind> {
        use std::io::Read;
        let mut head = [0u8; 16];
        let mut f = std::fs::File::open(path)
            .map_err(|e| anyhow::anyhow!("cannot read the backup {}: {e}", path.display()))?;
        let n = f.read(&mut head)?;
        if head[..n].starts_with(b"SQLite format 3\0") {
            Ok(BackupKind::Sqlite)
        } else if head[..n].starts_with(b"PGDMP") {
            Ok(BackupKind::PgCustom)
        } else {
            anyhow::bail!(
                "{} is neither a SQLite database nor a pg_dump custom archive",
                path.display()
            )
        }
    }

    fn backend(self) -> Backend {
        match self {
            BackupKind::Sqlite => Backend::Sqlite,
            BackupKind::PgCustom => Backend::Postgres,
        }
    }
}

/// A private temporary file beside the destination, removed unless [`Partial::finish`]ed.
struct Partial {
    path: PathBuf,
    done: bool,
}

impl Partial {
    fn create(dest: &Path) -> anyhow::Result<Partial> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        create_private_dir(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", dir.display()))?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "backup".into());
        let path = dir.join(format!(".{name}.{}.partial", uuid::Uuid::new_v4().simple()));
        create_private_file(&path)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
        Ok(Partial { path, done: false })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Flush the file to disk, give it its name (never replacing a file), and flush the folder.
    fn finish(mut self, dest: &Path) -> anyhow::Result<u64> {
        let f = std::fs::File::open(&self.path)?;
        f.sync_all()?;
        let bytes = f.metadata()?.len();
        // A hard link fails if `dest` appeared meanwhile, where a rename would replace it.
        std::fs::hard_link(&self.path, dest)
            .map_err(|e| anyhow::anyhow!("cannot name the backup {}: {e}", dest.display()))?;
        self.done = true;
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(bytes)
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// For a SQLite URL: create the database's folder (`0700`) and an empty database file (`0600`) when they
/// are missing, before anything opens it (SQLite would create it `0644`). PostgreSQL URLs are left alone.
/// (`Db::connect` does the same through `db::create_private_file`; this is for code that opens the file
/// without a pool, such as restore.)
pub fn ensure_private_sqlite_file(url: &str) -> anyhow::Result<()> {
    if crate::db::Backend::of_url(url) != Backend::Sqlite {
        return Ok(());
    }
    let path = crate::db::sqlite_path(url);
    if let Some(parent) = std::path::Path::new(path).parent() {
        create_private_dir(parent)
            .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", parent.display()))?;
    }
    crate::db::create_private_file(path).map_err(|e| anyhow::anyhow!("cannot create {path}: {e}"))
}

#[cfg(test)]
mod private_file_tests {
    use super::ensure_private_sqlite_file;
    use crate::private_files::create_private_file;
    use std::path::Path;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn folders_and_files_are_owner_only_and_existing_ones_are_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a").join("b").join("n.db");
        ensure_private_sqlite_file(&format!("sqlite://{}", file.display())).unwrap();
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        assert_eq!(mode(&tmp.path().join("a").join("b")), 0o700);
        assert_eq!(mode(&file), 0o600);
        assert_eq!(std::fs::metadata(&file).unwrap().len(), 0);
        // An existing database is not touched; a new private file never replaces one.
        std::fs::write(&file, b"x").unwrap();
        ensure_private_sqlite_file(file.to_str().unwrap()).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
        assert!(create_private_file(&file).is_err());
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
        // Nothing to do for PostgreSQL or an in-memory database.
        ensure_private_sqlite_file("postgres://x@127.0.0.1:1/none").unwrap();
        ensure_private_sqlite_file(":memory:").unwrap();
    }
}
