//! Storage: one diesel connection type over SQLite (embedded default) and PostgreSQL (production), chosen by
//! the database URL at run time, with pooled connections, embedded migrations, and the one helper that runs
//! queries on the blocking pool within a deadline.
//!
//! SQLite is used the way it wants to be used for a server: WAL, a busy timeout set first on every
//! connection, foreign keys on, `secure_delete` (an erased reporter's details are overwritten, not left in free
//! pages), `synchronous=FULL` (a commit is on disk before it is acknowledged, so not even
//! a power loss can take back an answered write), and a single writer connection, so concurrent requests
//! queue for the writer instead of meeting "database is locked". Every write runs in `BEGIN IMMEDIATE`, so a
//! transaction never has to upgrade from reader to writer halfway.
//!
//! Failure policy (see `docs/operations.md`):
//! - every database call from a request has a deadline ([`DbOptions::deadline`]); past it the request answers
//!   503 `database_timeout` and a write that has not committed yet is rolled back rather than committed late;
//! - PostgreSQL connections carry libpq's `connect_timeout`, TCP keepalives, `tcp_user_timeout` and a server
//!   `statement_timeout`, so a dead network or a stuck statement ends by itself and gives its slot back;
//! - a connection that failed as a connection is never returned to the pool, and [`health`] confirms an
//!   outage once, answers 503 at once while it lasts, and after it discards every connection from before.

pub mod fault;
pub mod health;
pub mod text_enum;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{AppError, AppResult};
pub use fault::Fault;
pub use health::Health;

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

/// Timeouts and sizes of the connection pools (`docs/configuration.md` lists the settings behind them).
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Connections in the pool (PostgreSQL: all; SQLite: readers, besides its single writer).
    pub pool_size: u32,
    /// How long a request may wait for the database, checkout included; also SQLite's busy timeout.
    pub deadline: Duration,
    /// libpq `connect_timeout` (whole seconds; libpq waits at least 2).
    pub connect_timeout: Duration,
    /// libpq `keepalives_idle`: silence before the first TCP keepalive probe.
    pub keepalives_idle: Duration,
    /// libpq `keepalives_interval`: between unanswered probes.
    pub keepalives_interval: Duration,
    /// libpq `keepalives_count`: unanswered probes before the connection counts as dead.
    pub keepalives_count: u32,
    /// libpq `tcp_user_timeout`: how long sent data may stay unacknowledged before the connection is dead.
    pub tcp_user_timeout: Duration,
    /// PostgreSQL `statement_timeout` for every statement of the service (0: none).
    pub statement_timeout: Duration,
    /// SQLite `max_page_count`: a size quota for the file (writes past it answer 507); `None`: no quota.
    pub sqlite_max_pages: Option<u64>,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            pool_size: 8,
            deadline: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            keepalives_idle: Duration::from_secs(10),
            keepalives_interval: Duration::from_secs(3),
            keepalives_count: 3,
            tcp_user_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(30),
            sqlite_max_pages: None,
        }
    }
}

impl DbOptions {
    /// Defaults with this pool size.
    pub fn with_pool_size(pool_size: u32) -> Self {
        DbOptions {
            pool_size,
            ..DbOptions::default()
        }
    }

    /// The PostgreSQL URL with the connection parameters added (those the URL names itself are kept).
    pub fn pg_url(&self, url: &str) -> String {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
        let has = |key: &str| query.split('&').any(|kv| kv.split('=').next() == Some(key));
        let mut params = Vec::new();
        let mut add = |key: &str, value: String| {
            if !has(key) {
                params.push(format!("{key}={value}"));
            }
        };
        add(
            "connect_timeout",
            self.connect_timeout.as_secs().max(1).to_string(),
        );
        add("keepalives", "1".into());
        add(
            "keepalives_idle",
            self.keepalives_idle.as_secs().max(1).to_string(),
        );
        add(
            "keepalives_interval",
            self.keepalives_interval.as_secs().max(1).to_string(),
        );
        add("keepalives_count", self.keepalives_count.max(1).to_string());
        add(
            "tcp_user_timeout",
            self.tcp_user_timeout.as_millis().to_string(),
        );
        if !self.statement_timeout.is_zero() {
            add(
                "options",
                format!(
                    "-c%20statement_timeout%3D{}",
                    self.statement_timeout.as_millis()
                ),
            );
        }
        if params.is_empty() {
            return url.to_string();
        }
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}{}", params.join("&"))
    }
}

/// A pooled connection: the connection, the epoch it was opened in, and whether it failed as a connection.
pub struct PooledConn {
    conn: DbConnection,
    epoch: u64,
    broken: bool,
}

/// Opens connections by URL scheme and sets up every new connection.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
    options: DbOptions,
    health: Arc<Health>,
}

impl Manager {
    /// A manager for this URL with the default options.
    pub fn new(url: &str) -> Manager {
        Self::with_options(url, DbOptions::default(), Arc::default())
    }

    fn with_options(url: &str, options: DbOptions, health: Arc<Health>) -> Manager {
        let backend = Backend::of_url(url);
        let url = match backend {
            Backend::Postgres => options.pg_url(url),
            Backend::Sqlite => url.to_string(),
        };
        Manager {
            url,
            backend,
            options,
            health,
        }
    }

    /// Open one connection.
    pub fn establish(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match self.backend {
            Backend::Postgres => Ok(DbConnection::Pg(PgConnection::establish(&self.url)?)),
            Backend::Sqlite => {
                let path = sqlite_path(&self.url);
                create_private_file(path).map_err(|e| {
                    diesel::ConnectionError::BadConnection(format!("cannot create {path}: {e}"))
                })?;
                let mut conn = SqliteConnection::establish(path)?;
                // busy_timeout first: everything after it, WAL included, may have to wait for a lock.
                let busy = self.options.deadline.as_millis().max(1_000);
                let quota = self
                    .options
                    .sqlite_max_pages
                    .map(|n| format!("PRAGMA max_page_count = {n};"))
                    .unwrap_or_default();
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {busy};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = FULL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA secure_delete = ON;
                     PRAGMA cache_size = -32000;
                     PRAGMA temp_store = MEMORY;
                     {quota}"
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    /// Open a fresh connection and run one statement on it (the prober's check).
    fn probe(&self) -> Result<(), String> {
        let mut conn = self.establish().map_err(|e| e.to_string())?;
        conn.batch_execute("SELECT 1").map_err(|e| e.to_string())
    }
}

/// Create the SQLite file readable by its owner only when it does not exist yet (SQLite gives its `-wal`
/// and `-shm` files the same permissions). An existing file is left as it is.
pub fn create_private_file(path: &str) -> std::io::Result<()> {
    let p = std::path::Path::new(path);
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") || p.exists() {
        return Ok(());
    }
    match crate::private_files::create_private_file(p) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

impl ManageConnection for Manager {
    type Connection = PooledConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PooledConn, Self::Error> {
        let epoch = self.health.epoch();
        let conn = self
            .establish()
            .map_err(diesel::r2d2::Error::ConnectionError)?;
        Ok(PooledConn {
            conn,
            epoch,
            broken: false,
        })
    }

    /// Checked at every checkout, and cheap: no round trip. A connection that failed as a connection, or was
    /// opened before the last outage ended, is discarded (r2d2 then hands out another one).
    fn is_valid(&self, conn: &mut PooledConn) -> Result<(), Self::Error> {
        if conn.broken || conn.epoch < self.health.epoch() {
            return Err(diesel::r2d2::Error::ConnectionError(
                diesel::ConnectionError::BadConnection("stale connection".into()),
            ));
        }
        Ok(())
    }

    fn has_broken(&self, conn: &mut PooledConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || conn.broken || conn.conn.is_broken()
    }
}

/// A pool of connections.
pub type DbPool = Pool<Manager>;

/// The pools' sizes and who waits for them (for `/metrics`).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct PoolStats {
    /// Connections open in the read pool.
    pub read_size: u32,
    /// Of them, idle.
    pub read_idle: u32,
    /// Connections open in the write pool (on PostgreSQL the same pool as reads).
    pub write_size: u32,
    /// Of them, idle.
    pub write_idle: u32,
    /// The most connections each pool may open.
    pub max_size: u32,
    /// Calls waiting for a connection now.
    pub waiters: u64,
}

/// The database handle the service passes around: a pool for reads and one for writes (on SQLite the write
/// pool has exactly one connection), the deadline of every call, and what is known of the database's health.
#[derive(Clone)]
pub struct Db {
    read: DbPool,
    write: DbPool,
    backend: Backend,
    deadline: Duration,
    health: Arc<Health>,
    waiters: Arc<AtomicU64>,
    /// SQLite: the file, and its page quota (to tell whether room has come back after a full disk).
    sqlite: Option<(std::path::PathBuf, Option<u64>)>,
}

/// Free bytes below which a SQLite database counts as still full after a write failed for want of room.
pub const MIN_FREE_BYTES: u64 = 1024 * 1024;

/// What readiness found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Readiness {
    /// Reads and writes work.
    Ready,
    /// The database cannot be reached.
    Unavailable,
    /// The database did not answer within the deadline.
    Timeout,
    /// Reads work; writes fail for want of room.
    StorageFull,
}

impl Db {
    /// Connect, creating the SQLite file (and its folder) when missing. Does not migrate. The pools keep one
    /// idle connection ready, and a prober watches the database's health (for the service).
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        Self::connect_with(url, &DbOptions::with_pool_size(pool_size))
    }

    /// [`Db::connect`] with these options.
    pub fn connect_with(url: &str, options: &DbOptions) -> anyhow::Result<Db> {
        Self::open(url, options, 1)
    }

    /// Connect for a one-shot command: no idle connection is kept, so the pool never opens one in the
    /// background while the process exits (libpq's TLS clean-up at exit can crash a thread that is still
    /// connecting), and no prober runs.
    pub fn connect_once(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        Self::open(url, &DbOptions::with_pool_size(pool_size), 0)
    }

    /// [`Db::connect_once`] with these options.
    pub fn connect_once_with(url: &str, options: &DbOptions) -> anyhow::Result<Db> {
        Self::open(url, options, 0)
    }

    fn open(url: &str, options: &DbOptions, min_idle: u32) -> anyhow::Result<Db> {
        let backend = Backend::of_url(url);
        if backend == Backend::Sqlite {
            if let Some(parent) = std::path::Path::new(sqlite_path(url)).parent() {
                crate::private_files::create_private_dir(parent)?;
            }
        }
        let health = Arc::new(Health::default());
        let manager = Manager::with_options(url, options.clone(), health.clone());
        // Open one connection first so a bad URL or a server that is down is reported as what it is.
        manager
            .establish()
            .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
        let build = |size: u32| {
            Pool::builder()
                .max_size(size.max(1))
                .min_idle(Some(min_idle))
                // Cheap: see `Manager::is_valid`.
                .test_on_check_out(true)
                .connection_timeout(options.deadline.max(Duration::from_millis(100)))
                // The prober reports outages, once; r2d2 would log every failed background connect.
                .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
                .build(manager.clone())
        };
        let (read, write) = match backend {
            Backend::Sqlite => (build(options.pool_size)?, build(1)?),
            Backend::Postgres => {
                let p = build(options.pool_size)?;
                (p.clone(), p)
            }
        };
        if min_idle > 0 {
            let prober = manager.clone();
            health.spawn_prober(move || prober.probe())?;
        }
        Ok(Db {
            read,
            write,
            backend,
            deadline: options.deadline,
            health,
            waiters: Arc::default(),
            sqlite: (backend == Backend::Sqlite).then(|| {
                (
                    std::path::PathBuf::from(sqlite_path(url)),
                    options.sqlite_max_pages,
                )
            }),
        })
    }

    /// After a write failed for want of room: is there room again? On SQLite at least [`MIN_FREE_BYTES`] free
    /// on the file's disk and within its page quota (a small write may fit where the next will not); on
    /// PostgreSQL, a write that committed says so.
    fn has_room(&self, conn: &mut DbConnection) -> bool {
        let Some((path, quota)) = &self.sqlite else {
            return true;
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let disk = rustix::fs::statvfs(dir)
            .map(|s| s.f_bavail.saturating_mul(s.f_frsize) >= MIN_FREE_BYTES)
            .unwrap_or(true);
        let within_quota = quota.is_none_or(|max| {
            #[derive(diesel::QueryableByName)]
            struct Pages {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            use diesel::RunQueryDsl;
            let mut count = |sql: &str| {
                diesel::sql_query(sql)
                    .get_result::<Pages>(conn)
                    .map(|p| p.n)
                    .unwrap_or(0)
            };
            let used = count("SELECT page_count AS n FROM pragma_page_count")
                - count("SELECT freelist_count AS n FROM pragma_freelist_count");
            let free_pages = i64::try_from(max).unwrap_or(i64::MAX) - used;
            free_pages.saturating_mul(4096) >= MIN_FREE_BYTES as i64
        });
        disk && within_quota
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// What is known of the database's health.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// The deadline of every call from a request.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The pools' sizes and waiters now.
    pub fn pool_stats(&self) -> PoolStats {
        let r = self.read.state();
        let w = self.write.state();
        PoolStats {
            read_size: r.connections,
            read_idle: r.idle_connections,
            write_size: w.connections,
            write_idle: w.idle_connections,
            max_size: self.read.max_size(),
            waiters: self.waiters.load(Ordering::Relaxed),
        }
    }

    /// Apply every pending embedded migration.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.write.get()?;
        run_migrations(&mut conn.conn)
    }

    /// A connection from `pool`, unless the database is known to be down (then at once: 503).
    fn checkout(&self, pool: &DbPool) -> AppResult<PooledConnection<Manager>> {
        if self.health.is_down() {
            return Err(AppError::Unavailable(Fault::Unavailable));
        }
        self.waiters.fetch_add(1, Ordering::Relaxed);
        let got = pool.get();
        self.waiters.fetch_sub(1, Ordering::Relaxed);
        got.map_err(|e| {
            self.health.suspect();
            AppError::Pool(e)
        })
    }

    /// Learn from the outcome of a call: a connection that failed as a connection leaves the pool and the
    /// prober looks; a write that failed for want of room marks the storage full, one that committed clears it.
    fn observe<T>(&self, conn: &mut PooledConn, out: &AppResult<T>, write: bool) {
        match out {
            Ok(_) if write && self.health.is_storage_full() => {
                if self.has_room(&mut conn.conn) {
                    self.health.storage_has_room();
                }
            }
            Ok(_) => {}
            Err(AppError::Database(e)) => match fault::classify(e) {
                Fault::Unavailable => {
                    conn.broken = true;
                    self.health.suspect();
                }
                Fault::StorageFull => self.health.storage_is_full(),
                Fault::Timeout | Fault::Other => {}
            },
            Err(_) => {}
        }
    }

    /// Run a read on the current thread (command line, start-up, background work).
    pub fn read_now<T>(&self, f: impl FnOnce(&mut DbConnection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.checkout(&self.read)?;
        let out = f(&mut conn.conn);
        self.observe(&mut conn, &out, false);
        out
    }

    /// Run `f` in one write transaction on the current thread; an error rolls everything back.
    pub fn write_now<T>(&self, f: impl FnOnce(&mut DbConnection) -> AppResult<T>) -> AppResult<T> {
        self.write_until(None, f)
    }

    /// A write transaction that is rolled back instead of committed once `deadline` has passed (its caller
    /// has already answered 503).
    fn write_until<T>(
        &self,
        deadline: Option<Instant>,
        f: impl FnOnce(&mut DbConnection) -> AppResult<T>,
    ) -> AppResult<T> {
        let mut conn = self.checkout(&self.write)?;
        let out = write_transaction_until(&mut conn.conn, deadline, f);
        self.observe(&mut conn, &out, true);
        out
    }

    /// Run `f` in one read-only transaction that sees a single snapshot of the database (on PostgreSQL,
    /// REPEATABLE READ), on the current thread.
    pub fn snapshot_now<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> AppResult<T>,
    ) -> AppResult<T> {
        let mut pooled = self.checkout(&self.read)?;
        let out = snapshot_transaction(&mut pooled.conn, f);
        self.observe(&mut pooled, &out, false);
        out
    }

    /// Wait for a blocking call, at most the deadline.
    async fn within_deadline<T>(
        &self,
        call: impl std::future::Future<Output = Result<AppResult<T>, actix_web::error::BlockingError>>,
    ) -> AppResult<T> {
        match actix_web::rt::time::timeout(self.deadline, call).await {
            Ok(out) => out?,
            Err(_) => {
                self.health.suspect();
                Err(AppError::Unavailable(Fault::Timeout))
            }
        }
    }

    /// Run work of several calls (`f` gets the handle) on the blocking pool, within `limit` rather than the
    /// deadline of one call: for whole-database work such as audit verification, which may take minutes on a
    /// large database but must still end when the database hangs.
    pub async fn long<T, F>(&self, limit: Duration, f: F) -> AppResult<T>
    where
        F: FnOnce(&Db) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        match actix_web::rt::time::timeout(limit, actix_web::web::block(move || f(&db))).await {
            Ok(out) => out?,
            Err(_) => {
                self.health.suspect();
                Err(AppError::Unavailable(Fault::Timeout))
            }
        }
    }

    /// [`Db::snapshot_now`] on the blocking pool, within the deadline.
    pub async fn snapshot<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        self.within_deadline(actix_web::web::block(move || db.snapshot_now(f)))
            .await
    }

    /// Run a read on the blocking pool (checkout and query both off the async workers), within the deadline.
    pub async fn read<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        self.within_deadline(actix_web::web::block(move || db.read_now(f)))
            .await
    }

    /// Run a write transaction on the blocking pool, within the deadline: one that could not commit in time
    /// is rolled back, so a 503 `database_timeout` seldom hides a committed write (a retry with the same
    /// `Idempotency-Key` settles it either way).
    pub async fn write<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        let deadline = Instant::now() + self.deadline;
        self.within_deadline(actix_web::web::block(move || {
            db.write_until(Some(deadline), f)
        }))
        .await
    }

    /// Is the database ready for requests? Answers within the deadline (at most 2 s): at once while an outage
    /// is known; after a write failed for want of room, by trying a write that changes nothing.
    pub async fn readiness(&self) -> Readiness {
        if self.health.is_down() {
            return Readiness::Unavailable;
        }
        let limit = self.deadline.min(Duration::from_secs(2));
        let full = self.health.is_storage_full();
        let db = self.clone();
        let check = actix_web::web::block(move || {
            if full {
                db.write_now(|conn| {
                    use crate::schema::audit_head;
                    use diesel::prelude::*;
                    diesel::update(audit_head::table.find(1))
                        .set(audit_head::seq.eq(audit_head::seq))
                        .execute(conn)?;
                    Ok(())
                })
            } else {
                db.read_now(|conn| Ok(conn.batch_execute("SELECT 1")?))
            }
        });
        match actix_web::rt::time::timeout(limit, check).await {
            Ok(Ok(Ok(()))) if self.health.is_storage_full() => Readiness::StorageFull,
            Ok(Ok(Ok(()))) => Readiness::Ready,
            Ok(Ok(Err(AppError::Database(e)))) if fault::classify(&e) == Fault::StorageFull => {
                Readiness::StorageFull
            }
            Ok(_) if self.health.is_storage_full() => Readiness::StorageFull,
            Ok(_) => Readiness::Unavailable,
            Err(_) => {
                self.health.suspect();
                Readiness::Timeout
            }
        }
    }
}

/// One read-only transaction on one snapshot; always rolled back.
fn snapshot_transaction<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> AppResult<T>,
) -> AppResult<T> {
    type Tm = <DbConnection as Connection>::TransactionManager;
    Tm::begin_transaction(conn)?;
    if let DbConnection::Pg(c) = conn {
        if let Err(e) =
            c.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        {
            let _ = Tm::rollback_transaction(conn);
            return Err(e.into());
        }
    }
    let out = f(conn);
    if let Err(e) = Tm::rollback_transaction(conn) {
        if out.is_ok() {
            return Err(e.into());
        }
    }
    out
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
    write_transaction_until(conn, None, f)
}

/// [`write_transaction`], rolled back instead of committed once `deadline` has passed.
fn write_transaction_until<T>(
    conn: &mut DbConnection,
    deadline: Option<Instant>,
    f: impl FnOnce(&mut DbConnection) -> AppResult<T>,
) -> AppResult<T> {
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    type Tm = <DbConnection as Connection>::TransactionManager;
    let out = f(conn).and_then(|value| {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            Err(AppError::Unavailable(Fault::Timeout))
        } else {
            Ok(value)
        }
    });
    match out {
        Ok(value) => {
            Tm::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = Tm::rollback_transaction(conn) {
                tracing::debug!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(e)
    }
}
