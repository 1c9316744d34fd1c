//! Storage: one diesel connection type over SQLite (embedded default) and PostgreSQL (production), chosen by
//! the database URL at run time, with pooled connections, embedded migrations, and the one helper that runs
//! queries on the blocking pool.
//!
//! SQLite is used the way it wants to be used for a server: WAL, a busy timeout set first on every
//! connection, foreign keys on, `synchronous=NORMAL` (in WAL mode a commit survives any crash of the process;
//! only a power loss or OS crash can lose the last commits, never corrupt the file), and a single writer
//! connection, so concurrent requests queue for the writer instead of meeting "database is locked". Every
//! write runs in `BEGIN IMMEDIATE`, so a transaction never has to upgrade from reader to writer halfway.

pub mod text_enum;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{AppError, AppResult};

/// Migrations for PostgreSQL.
pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// Migrations for SQLite (same version names as PostgreSQL's).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// A connection to either backend. Queries written against it use only what both share.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL (production).
    Pg(PgConnection),
    /// SQLite (embedded default). Last: it would accept any string as a URL.
    Sqlite(SqliteConnection),
}

/// Which backend a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

impl Backend {
    /// `postgres://` or `postgresql://` is PostgreSQL; anything else is a SQLite path.
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// The SQLite file path a URL names (`sqlite://PATH`, `sqlite:PATH` or a bare path).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// Opens connections by URL scheme and sets up every new SQLite connection.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
}

impl Manager {
    /// A manager for this URL.
    pub fn new(url: &str) -> Manager {
        Manager {
            url: url.to_string(),
            backend: Backend::of_url(url),
        }
    }

    /// Open one connection.
    pub fn establish(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match self.backend {
            Backend::Postgres => Ok(DbConnection::Pg(PgConnection::establish(&self.url)?)),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(sqlite_path(&self.url))?;
                // busy_timeout first: everything after it, WAL included, may have to wait for a lock.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 30000;
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA cache_size = -32000;
                     PRAGMA temp_store = MEMORY;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        self.establish()
            .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// A pool of connections.
pub type DbPool = Pool<Manager>;

/// The database handle the service passes around: a pool for reads and one for writes (on SQLite the write
/// pool has exactly one connection).
#[derive(Clone)]
pub struct Db {
    read: DbPool,
    write: DbPool,
    backend: Backend,
}

impl Db {
    /// Connect, creating the SQLite file (and its folder) when missing. Does not migrate. The pools keep one
    /// idle connection ready (for the service).
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        Self::connect_idle(url, pool_size, 1)
    }

    /// Connect for a one-shot command: no idle connection is kept, so the pool never opens one in the
    /// background while the process exits (libpq's TLS clean-up at exit can crash a thread that is still
    /// connecting).
    pub fn connect_once(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        Self::connect_idle(url, pool_size, 0)
    }

    fn connect_idle(url: &str, pool_size: u32, min_idle: u32) -> anyhow::Result<Db> {
        let backend = Backend::of_url(url);
        if backend == Backend::Sqlite {
            if let Some(parent) = std::path::Path::new(sqlite_path(url)).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent)?;
                }
            }
        }
        let manager = Manager::new(url);
        // Open one connection first so a bad URL or a server that is down is reported as what it is.
        manager
            .establish()
            .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
        let build = |size: u32| {
            Pool::builder()
                .max_size(size.max(1))
                .min_idle(Some(min_idle))
                .test_on_check_out(false)
                .connection_timeout(Duration::from_secs(30))
                .build(manager.clone())
        };
        let (read, write) = match backend {
            Backend::Sqlite => (build(pool_size)?, build(1)?),
            Backend::Postgres => {
                let p = build(pool_size)?;
                (p.clone(), p)
            }
        };
        Ok(Db {
            read,
            write,
            backend,
        })
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Apply every pending embedded migration.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.write.get()?;
        run_migrations(&mut conn)
    }

    /// Run a read on the current thread (command line, start-up).
    pub fn read_now<T>(&self, f: impl FnOnce(&mut DbConnection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.read.get()?;
        f(&mut conn)
    }

    /// Run `f` in one write transaction on the current thread; an error rolls everything back.
    pub fn write_now<T>(&self, f: impl FnOnce(&mut DbConnection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.write.get()?;
        write_transaction(&mut conn, f)
    }

    /// Run `f` in one read-only transaction that sees a single snapshot of the database (on PostgreSQL,
    /// REPEATABLE READ), on the current thread.
    pub fn snapshot_now<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> AppResult<T>,
    ) -> AppResult<T> {
        let mut conn = self.read.get()?;
        type Tm = <DbConnection as Connection>::TransactionManager;
        Tm::begin_transaction(&mut conn)?;
        if let DbConnection::Pg(c) = &mut *conn {
            c.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        let out = f(&mut conn);
        if let Err(e) = Tm::rollback_transaction(&mut conn) {
            tracing::error!(error = %e, "ending a read transaction failed");
        }
        out
    }

    /// [`Db::snapshot_now`] on the blocking pool.
    pub async fn snapshot<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.snapshot_now(f)).await?
    }

    /// Run a read on the blocking pool (checkout and query both off the async workers).
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.read_now(f)).await?
    }

    /// Run a write transaction on the blocking pool.
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.write_now(f)).await?
    }
}

/// Apply pending migrations on one connection; returns the versions applied.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        DbConnection::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.into_iter().map(|v| v.to_string()).collect())
}

/// Revert every migration (used by the migration round-trip test).
pub fn revert_all_migrations(conn: &mut DbConnection) -> anyhow::Result<()> {
    match conn {
        DbConnection::Pg(c) => c.revert_all_migrations(PG_MIGRATIONS).map(|_| ()),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
    }
    .map_err(|e| anyhow::anyhow!("revert failed: {e}"))
}

/// One write transaction: `BEGIN IMMEDIATE` on SQLite, `BEGIN` on PostgreSQL. Commits when `f` succeeds,
/// rolls back when it fails (a refusal raised halfway leaves nothing behind).
pub fn write_transaction<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> AppResult<T>,
) -> AppResult<T> {
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    type Tm = <DbConnection as Connection>::TransactionManager;
    match f(conn) {
        Ok(value) => {
            Tm::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = Tm::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}
