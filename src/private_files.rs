//! Files that hold evidence or secrets are created readable by their owner only: the SQLite database (its
//! WAL and shared-memory files take the database file's permissions from SQLite), the folder made for it,
//! and every backup. Files that already exist are left as they are.

use std::fs::File;
use std::io;
use std::path::Path;

use crate::db::{sqlite_path, Backend};

/// Create `path` and any missing parents with permissions `0700` (owner only). Folders that exist already
/// are not changed.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    if path.as_os_str().is_empty() || path.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Create a new, empty file with permissions `0600` (owner only), failing if it exists.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).read(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// For a SQLite URL: create the database's folder (`0700`) and an empty database file (`0600`) when they
/// are missing, before anything opens it (SQLite would create it `0644`). PostgreSQL URLs are left alone.
/// (`Db::connect` does the same through `db::create_private_file`; this is for code that opens the file
/// without a pool, such as restore.)
pub fn ensure_private_sqlite_file(url: &str) -> anyhow::Result<()> {
    if Backend::of_url(url) != Backend::Sqlite {
        return Ok(());
    }
    let path = sqlite_path(url);
    if let Some(parent) = Path::new(path).parent() {
        create_private_dir(parent)
            .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", parent.display()))?;
    }
    crate::db::create_private_file(path).map_err(|e| anyhow::anyhow!("cannot create {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
