//! Settings of every command, from flags or `NIUYANG_*` environment variables. Each setting is documented
//! here, where it is read, and listed in `docs/configuration.md`.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

/// Where the data lives: shared by every command (`serve`, `migrate`, `user`, `demo`, `audit`).
#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Database URL: a SQLite path or `sqlite://PATH`, or `postgres://...`. Default: `niuyang.db` in the data
    /// directory.
    #[arg(long, env = "NIUYANG_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Folder for the SQLite file and the generated token-signing key. Created when missing.
    #[arg(
        long,
        env = "NIUYANG_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Connections in the pool (PostgreSQL: all; SQLite: readers, besides its single writer).
    #[arg(long, env = "NIUYANG_DB_POOL_SIZE", default_value_t = 8, global = true)]
    pub pool_size: u32,

    /// Milliseconds a request may wait for the database (getting a connection included); past it the request
    /// answers 503 `database_timeout` and an uncommitted write is rolled back. Also SQLite's busy timeout.
    #[arg(
        long,
        env = "NIUYANG_DB_DEADLINE_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub db_deadline_ms: u64,

    /// PostgreSQL: seconds to wait while opening a connection (libpq `connect_timeout`; at least 2).
    #[arg(
        long,
        env = "NIUYANG_DB_CONNECT_TIMEOUT_SECS",
        default_value_t = 3,
        global = true
    )]
    pub db_connect_timeout_secs: u64,

    /// PostgreSQL: seconds of silence before TCP keepalive probes start (libpq `keepalives_idle`).
    #[arg(
        long,
        env = "NIUYANG_DB_KEEPALIVES_IDLE_SECS",
        default_value_t = 10,
        global = true
    )]
    pub db_keepalives_idle_secs: u64,

    /// PostgreSQL: seconds between unanswered keepalive probes (libpq `keepalives_interval`).
    #[arg(
        long,
        env = "NIUYANG_DB_KEEPALIVES_INTERVAL_SECS",
        default_value_t = 3,
        global = true
    )]
    pub db_keepalives_interval_secs: u64,

    /// PostgreSQL: unanswered keepalive probes before the connection is dead (libpq `keepalives_count`).
    #[arg(
        long,
        env = "NIUYANG_DB_KEEPALIVES_COUNT",
        default_value_t = 3,
        global = true
    )]
    pub db_keepalives_count: u32,

    /// PostgreSQL: milliseconds sent data may stay unacknowledged before the connection is dead (libpq
    /// `tcp_user_timeout`).
    #[arg(
        long,
        env = "NIUYANG_DB_TCP_USER_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub db_tcp_user_timeout_ms: u64,

    /// PostgreSQL: `statement_timeout` of every statement the service runs, in milliseconds (0: none). It
    /// frees the connection of a request that gave up at its deadline.
    #[arg(
        long,
        env = "NIUYANG_DB_STATEMENT_TIMEOUT_MS",
        default_value_t = 30_000,
        global = true
    )]
    pub db_statement_timeout_ms: u64,

    /// SQLite: the most pages (4 KiB each) the database file may grow to; writes past it answer 507
    /// `storage_full`, as on a full disk. Unset: no limit but the disk.
    #[arg(long, env = "NIUYANG_SQLITE_MAX_PAGES", global = true)]
    pub sqlite_max_pages: Option<u64>,
}

impl DatabaseSettings {
    /// The pool options these settings name.
    pub fn options(&self) -> crate::db::DbOptions {
        use std::time::Duration;
        crate::db::DbOptions {
            pool_size: self.pool_size,
            deadline: Duration::from_millis(self.db_deadline_ms.max(100)),
            connect_timeout: Duration::from_secs(self.db_connect_timeout_secs),
            keepalives_idle: Duration::from_secs(self.db_keepalives_idle_secs),
            keepalives_interval: Duration::from_secs(self.db_keepalives_interval_secs),
            keepalives_count: self.db_keepalives_count,
            tcp_user_timeout: Duration::from_millis(self.db_tcp_user_timeout_ms),
            statement_timeout: Duration::from_millis(self.db_statement_timeout_ms),
            sqlite_max_pages: self.sqlite_max_pages,
        }
    }

    /// The URL in force: the configured one, or the SQLite file in the data directory.
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(u) if !u.trim().is_empty() => u.trim().to_string(),
            _ => self
                .data_dir
                .join("niuyang.db")
                .to_string_lossy()
                .into_owned(),
        }
    }
}

/// Settings of the HTTP service.
#[derive(Debug, Clone, Args)]
pub struct ServeSettings {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "NIUYANG_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "NIUYANG_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Seconds between writes of the verification counts (counted in memory in between) and runs of the
    /// copied-label signals on the lots verified.
    #[arg(
        long,
        env = "NIUYANG_VERIFY_FLUSH_SECS",
        default_value_t = 5,
        global = true
    )]
    pub verify_flush_secs: u64,

    /// Seconds between runs of the scheduled rules (docs/rules.md); 0 turns them off (run `niuyang sweep`
    /// from cron instead).
    #[arg(
        long,
        env = "NIUYANG_RULES_SWEEP_SECS",
        default_value_t = 600,
        global = true
    )]
    pub rules_sweep_secs: u64,

    /// Seconds a stopping service (SIGTERM, SIGINT) gives requests in flight to finish; it accepts no new
    /// connections meanwhile, and those still running then are dropped.
    #[arg(
        long,
        env = "NIUYANG_SHUTDOWN_TIMEOUT_SECS",
        default_value_t = 30,
        global = true
    )]
    pub shutdown_timeout_secs: u64,

    /// Address and port of a separate listener that serves only `GET /metrics` (e.g. `127.0.0.1:9090`).
    /// Unset: no such listener.
    #[arg(long, env = "NIUYANG_METRICS_BIND", global = true)]
    pub metrics_bind: Option<String>,

    /// Bearer secret for `GET /metrics` (at least 16 bytes). Set, the main port serves `/metrics` to
    /// callers that send it (and the metrics listener asks for it too); unset, the main port does not
    /// serve `/metrics`.
    #[arg(
        long,
        env = "NIUYANG_METRICS_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub metrics_token: Option<String>,

    #[command(flatten)]
    pub auth: AuthSettings,
}

/// Tokens, passwords and login throttling.
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// Token-signing secret (HS256, at least 32 bytes). Default: generated on first start and kept in
    /// `DATA_DIR/jwt-secret` with owner-only permissions.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_JWT_SECRET",
        hide_env_values = true
    )]
    pub jwt_secret: Option<String>,

    /// Lifetime of an access token, in seconds. The service enforces it whatever a token claims: a token
    /// whose `exp - iat` is longer, or that was issued longer ago, is refused (`token_lifetime_exceeded`), so
    /// lowering it also ends older, longer-lived tokens.
    #[arg(long, global = true, env = "NIUYANG_TOKEN_TTL_SECS", default_value_t = 8 * 3600)]
    pub token_ttl_secs: u64,

    /// Password of the `admin` account created on first start. Default: a random one, printed once on
    /// standard output.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_ADMIN_PASSWORD",
        hide_env_values = true
    )]
    pub admin_password: Option<String>,

    /// Failed logins an account-and-address pair may make before it is slowed down. After that the pair
    /// waits 1 s, 2 s, 4 s, ... (doubling with each failure, up to `login_backoff_max_secs`) before its next
    /// attempt, answered 429 with `Retry-After` meanwhile. The same account from another address is not
    /// affected (no account is ever locked), and a successful login clears the pair.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_LOGIN_FREE_FAILURES",
        default_value_t = 5
    )]
    pub login_free_failures: u32,

    /// Longest wait, in seconds, that repeated failures of one account-and-address pair can reach.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_LOGIN_BACKOFF_MAX_SECS",
        default_value_t = 15 * 60
    )]
    pub login_backoff_max_secs: u64,

    /// Seconds after its last failure that an account-and-address pair is forgotten (its count starts
    /// again from zero). Longer than `login_backoff_max_secs`, so that waiting out the longest back-off does
    /// not also reset it.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_LOGIN_FORGET_SECS",
        default_value_t = 24 * 3600
    )]
    pub login_forget_secs: u64,

    /// Failed logins allowed per client address, across all accounts, within `login_window_secs`; more get
    /// 429 until the oldest leaves the window (an address trying many accounts). IPv6 addresses count by
    /// their /64 prefix.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_LOGIN_MAX_FAILURES_PER_CLIENT",
        default_value_t = 20
    )]
    pub login_max_failures_per_client: u32,

    /// Length of the per-address failed-login window, in seconds.
    #[arg(long, global = true, env = "NIUYANG_LOGIN_WINDOW_SECS", default_value_t = 15 * 60)]
    pub login_window_secs: u64,

    /// Password checks and hashes (argon2id: tens of milliseconds of CPU and about 19 MiB each) that may
    /// run at once; 0: one per CPU core. They run on the blocking pool, never while holding a database
    /// connection.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_PASSWORD_CHECKS",
        default_value_t = 0
    )]
    pub password_checks: usize,

    /// Milliseconds a login (or password change) waits for a free password check; when none frees up in
    /// time the answer is 503 `password_checks_busy` with `Retry-After`, instead of a queue without bound.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_PASSWORD_CHECK_WAIT_MS",
        default_value_t = 2000
    )]
    pub password_check_wait_ms: u64,

    /// Verifications allowed per client address per minute (public `/api/v1/verify`, `/t/`, Digital
    /// Link); more get 429 with `Retry-After`.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_VERIFY_PER_MINUTE",
        default_value_t = 120
    )]
    pub verify_per_minute: u32,

    /// Complaints a client address may file per hour through the public form and API (hotline operators
    /// are not limited); more get 429 with `Retry-After`.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_COMPLAINTS_PER_HOUR",
        default_value_t = 10
    )]
    pub complaints_per_hour: u32,

    /// Ticket look-ups and reward claims a client address may make per minute (each needs the access code,
    /// so this is what stops guessing); more get 429 with `Retry-After`.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_TICKET_LOOKUPS_PER_MINUTE",
        default_value_t = 20
    )]
    pub ticket_lookups_per_minute: u32,

    /// Proxies whose `X-Forwarded-For` header is believed (comma-separated IP addresses). From any other
    /// peer the header is ignored and the peer address is the client.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            jwt_secret: None,
            token_ttl_secs: 8 * 3600,
            admin_password: None,
            login_free_failures: 5,
            login_backoff_max_secs: 15 * 60,
            login_forget_secs: 24 * 3600,
            login_max_failures_per_client: 20,
            login_window_secs: 15 * 60,
            password_checks: 0,
            password_check_wait_ms: 2000,
            verify_per_minute: 120,
            complaints_per_hour: 10,
            ticket_lookups_per_minute: 20,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Parameters of the rule (notice art. 十一: they are configuration, not constants) and of the public
/// addresses printed on labels.
#[derive(Debug, Clone, Args)]
pub struct RuleSettings {
    /// Days an 动物A (inter-provincial) certificate is valid, the day of issue counting as the first.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_ANIMAL_A_VALID_DAYS",
        default_value_t = 5
    )]
    pub animal_a_valid_days: u32,

    /// Days an 动物B (in-province) certificate is valid (1: the day of issue only).
    #[arg(
        long,
        global = true,
        env = "NIUYANG_ANIMAL_B_VALID_DAYS",
        default_value_t = 1
    )]
    pub animal_b_valid_days: u32,

    /// Days an 产品A product certificate is valid, the day of issue counting as the first.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_PRODUCT_A_VALID_DAYS",
        default_value_t = 7
    )]
    pub product_a_valid_days: u32,

    /// Days an 产品B product certificate is valid (1: the day of issue only).
    #[arg(
        long,
        global = true,
        env = "NIUYANG_PRODUCT_B_VALID_DAYS",
        default_value_t = 1
    )]
    pub product_b_valid_days: u32,

    /// Shelf life of chilled meat in days after the slaughter date (sets a lot's use-by date).
    #[arg(
        long,
        global = true,
        env = "NIUYANG_SHELF_LIFE_CHILLED_DAYS",
        default_value_t = 7
    )]
    pub shelf_life_chilled_days: u32,

    /// Shelf life of frozen meat in days after the slaughter date.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_SHELF_LIFE_FROZEN_DAYS",
        default_value_t = 180
    )]
    pub shelf_life_frozen_days: u32,

    /// Working days within which a complaint must be dispatched to an officer.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_COMPLAINT_DISPATCH_DAYS",
        default_value_t = 1
    )]
    pub complaint_dispatch_days: u32,

    /// Working days within which a complaint must be concluded (substantiated or not), from its receipt.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_COMPLAINT_CONCLUDE_DAYS",
        default_value_t = 15
    )]
    pub complaint_conclude_days: u32,

    /// Public holidays (comma-separated dates) that are not working days. The default is the State
    /// Council's 2026 schedule plus New Year's Day 2027; add each year's schedule when it is published.
    #[arg(long, global = true, env = "NIUYANG_HOLIDAYS", value_delimiter = ',', default_value = HOLIDAYS_2026)]
    pub holidays: Vec<chrono::NaiveDate>,

    /// Weekend days worked in exchange for holidays (调休, comma-separated dates).
    #[arg(long, global = true, env = "NIUYANG_MAKEUP_WORKDAYS", value_delimiter = ',', default_value = MAKEUP_2026)]
    pub makeup_workdays: Vec<chrono::NaiveDate>,

    /// Days a reporter's personal data (name and phone, and a reward claimant's name, phone and account) is
    /// kept after the complaint is closed with no reward outstanding; the scheduled sweep then erases it
    /// (个人信息保护法 arts. 19, 47). 365 covers the six months in which the handling of the complaint, or a
    /// penalty it led to, can be taken to court (行政诉讼法 art. 46) and the 60 days for administrative
    /// reconsideration, with room for the yearly review of complaint handling. 0: erase at the first sweep
    /// after closing.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_REPORTER_RETENTION_DAYS",
        default_value_t = 365
    )]
    pub reporter_retention_days: u32,

    /// Copied-label signal 1: verifications of a lot from the board of a stall that never received it, at or
    /// above which a violation is recorded.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_COPIED_LABEL_FOREIGN_STALL_SCANS",
        default_value_t = 3
    )]
    pub copied_label_foreign_stall_scans: i64,

    /// Copied-label signal 2: verifications after the use-by date once every holder's stock is gone.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_COPIED_LABEL_LATE_SCANS",
        default_value_t = 5
    )]
    pub copied_label_late_scans: i64,

    /// Copied-label signal 3: verifications a kilogram of the lot can explain; more than this many per kg
    /// (and at least `copied_label_min_scans`) is a signal.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_COPIED_LABEL_SCANS_PER_KG",
        default_value_t = 5
    )]
    pub copied_label_scans_per_kg: i64,

    /// Copied-label signal 3: the fewest verifications that can be a signal, however light the lot.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_COPIED_LABEL_MIN_SCANS",
        default_value_t = 30
    )]
    pub copied_label_min_scans: i64,

    /// The public address of the service, as printed in QR labels: labels encode `{this}/t/{code}`.
    #[arg(
        long,
        global = true,
        env = "NIUYANG_PUBLIC_BASE_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_base_url: String,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            animal_a_valid_days: 5,
            animal_b_valid_days: 1,
            product_a_valid_days: 7,
            product_b_valid_days: 1,
            shelf_life_chilled_days: 7,
            shelf_life_frozen_days: 180,
            complaint_dispatch_days: 1,
            complaint_conclude_days: 15,
            reporter_retention_days: 365,
            holidays: dates(HOLIDAYS_2026),
            makeup_workdays: dates(MAKEUP_2026),
            copied_label_foreign_stall_scans: 3,
            copied_label_late_scans: 5,
            copied_label_scans_per_kg: 5,
            copied_label_min_scans: 30,
            public_base_url: "http://127.0.0.1:8080".to_string(),
        }
    }
}

/// Public holidays of 2026 (国务院办公厅 schedule) and New Year's Day 2027.
pub const HOLIDAYS_2026: &str = "2026-01-01,2026-01-02,2026-01-03,\
2026-02-15,2026-02-16,2026-02-17,2026-02-18,2026-02-19,2026-02-20,2026-02-21,2026-02-22,2026-02-23,\
2026-04-04,2026-04-05,2026-04-06,2026-05-01,2026-05-02,2026-05-03,2026-05-04,2026-05-05,\
2026-06-19,2026-06-20,2026-06-21,2026-09-25,2026-09-26,2026-09-27,\
2026-10-01,2026-10-02,2026-10-03,2026-10-04,2026-10-05,2026-10-06,2026-10-07,2027-01-01";

/// Make-up working days (调休) of 2026.
pub const MAKEUP_2026: &str = "2026-01-04,2026-02-14,2026-02-28,2026-05-09,2026-09-20,2026-10-10";

fn dates(list: &str) -> Vec<chrono::NaiveDate> {
    list.split(',')
        .filter_map(|d| d.trim().parse().ok())
        .collect()
}

impl RuleSettings {
    /// The working-day calendar deadlines are counted in.
    pub fn calendar(&self) -> crate::workdays::Calendar {
        crate::workdays::Calendar::new(
            self.holidays.iter().copied(),
            self.makeup_workdays.iter().copied(),
        )
    }

    /// The public verification address of a trace code.
    pub fn verification_url(&self, code: &str) -> String {
        format!("{}/t/{code}", self.public_base_url.trim_end_matches('/'))
    }
}
