//! Files that hold evidence or secrets are created readable by their owner only: the SQLite database (its
//! WAL and shared-memory files take the database file's permissions from SQLite), the folder made for it,
//! and every backup. Files that already exist are left as they are.

use std::fs::File;
use std::io;
use std::path::Path;

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
