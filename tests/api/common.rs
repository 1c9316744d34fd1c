//! The test harness: an in-process application over its own database (a temporary SQLite file, or a fresh
//! PostgreSQL database when `NIUYANG_TEST_POSTGRES_URL` is set), with helpers to call it as anyone.

#![allow(dead_code)]

use std::collections::HashMap;

use actix_web::http::{header, Method, StatusCode};
use actix_web::{test, web};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use niuyang::app::{build_app, AppState};
use niuyang::auth::Auth;
use niuyang::config::AuthSettings;
use niuyang::db::Db;
use serde_json::Value;

/// The base URL of the PostgreSQL server to test against, if any.
pub fn postgres_base() -> Option<String> {
    std::env::var("NIUYANG_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// A database of the test's own, removed (or, on PostgreSQL, emptied for the next test) when dropped.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<PgDb>,
}

/// A PostgreSQL database of a test: its server, its name, and whether it goes back to the process's pool.
struct PgDb {
    base: String,
    name: String,
    pooled: bool,
}

/// Replace the database name in a PostgreSQL URL.
fn with_database(base: &str, name: &str) -> String {
    let (head, query) = match base.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (base, None),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = head[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(head.len());
    let mut url = format!("{}/{}", &head[..path_start], name);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

/// What a template database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// Migrated, nothing else.
    Migrated,
    /// Migrated, with the demo dataset (default rule settings).
    Demo,
}

/// A template built once per test process: on SQLite the file to copy; on PostgreSQL the migrated database
/// to copy and the rows of every table that has any (what a pooled database is refilled with); for the demo,
/// the demo's output (accounts with their passwords).
struct Built {
    source: String,
    rows: Vec<(String, String)>,
    demo: Option<Value>,
}

static MIGRATED: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
static DEMO: std::sync::OnceLock<Built> = std::sync::OnceLock::new();

/// PostgreSQL databases of this process that a finished test left, ready to be emptied and reused: creating
/// and dropping a database for every test took most of the PostgreSQL run (each forces the server to copy
/// files, write them to its log and sync them).
static PG_FREE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
static PG_NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Where test databases go: a memory file system when there is one (a commit's sync costs nothing there,
/// and the tests do not test the disk), else the temporary directory.
pub fn scratch_root() -> std::path::PathBuf {
    let shm = std::path::Path::new("/dev/shm");
    if tempfile::tempdir_in(shm).is_ok() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// A temporary directory under [`scratch_root`].
pub fn scratch_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("niuyang-test-")
        .tempdir_in(scratch_root())
        .expect("temp dir")
}

/// Where this process keeps its SQLite templates; folders left by test processes that are gone are removed.
fn template_dir() -> std::path::PathBuf {
    let root = scratch_root();
    if let Ok(entries) = std::fs::read_dir(&root) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("niuyang-test-templates-") {
                if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
    }
    let dir = root.join(format!("niuyang-test-templates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("template dir");
    dir
}

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

/// Rows of one text column.
fn texts(conn: &mut diesel::pg::PgConnection, sql: &str) -> Vec<String> {
    use diesel::RunQueryDsl;
    diesel::sql_query(sql)
        .load::<Text>(conn)
        .expect("query")
        .into_iter()
        .map(|r| r.t)
        .collect()
}

/// Drop the PostgreSQL templates and test databases of test processes that are gone.
fn drop_stale_pg_databases(admin: &mut diesel::pg::PgConnection) {
    let names = texts(
        admin,
        "SELECT datname AS t FROM pg_database WHERE datname LIKE 'niuyang_tmpl_%' OR datname LIKE 'niuyang_test_%'",
    );
    for name in names {
        // Only names that carry a process id (older test processes named theirs otherwise, and drop them).
        let Ok(pid) = name.split('_').nth(2).unwrap_or_default().parse::<u32>() else {
            continue;
        };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// The tables a test can write, in a PostgreSQL database.
fn pg_tables(conn: &mut diesel::pg::PgConnection) -> Vec<String> {
    texts(
        conn,
        "SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' \
         AND tablename <> '__diesel_schema_migrations' ORDER BY tablename",
    )
}

/// What a pooled database must still look like to be reused: its tables, columns, indexes and constraints.
fn pg_shape(conn: &mut diesel::pg::PgConnection) -> String {
    texts(
        conn,
        "SELECT concat_ws('|', \
           (SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, column_name) \
              FROM information_schema.columns WHERE table_schema = 'public'), \
           (SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = 'public'), \
           (SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint c \
              JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public')) AS t",
    )
    .concat()
}

/// Build a template: a database migrated (and loaded with the demo), every connection to it closed.
fn build_template(kind: Template) -> Built {
    let tag = match kind {
        Template::Migrated => "migrated",
        Template::Demo => "demo",
    };
    let (url, source) = match postgres_base() {
        Some(base) => {
            let name = format!("niuyang_tmpl_{}_{tag}", std::process::id());
            let mut admin =
                diesel::pg::PgConnection::establish(&base).expect("connect to the test server");
            drop_stale_pg_databases(&mut admin);
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .expect("drop an old template");
            if kind == Template::Migrated {
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the template");
                admin
                    .batch_execute(&format!(
                        "ALTER DATABASE {name} SET synchronous_commit = off"
                    ))
                    .expect("settings of the template");
            } else {
                // Copying the migrated template is quicker than migrating again.
                let migrated = MIGRATED.get_or_init(|| build_template(Template::Migrated));
                pg_copy(&base, &name, &migrated.source);
            }
            (with_database(&base, &name), name)
        }
        None => {
            let path = template_dir().join(format!("{tag}.db"));
            let _ = std::fs::remove_file(&path);
            let url = path.to_string_lossy().into_owned();
            (url.clone(), url)
        }
    };
    let demo = {
        let db = Db::connect_once(&url, 2).expect("connect to the template");
        db.migrate().expect("migrate the template");
        let demo = (kind == Template::Demo).then(|| {
            let out =
                niuyang::demo::load(&db, &niuyang::config::RuleSettings::default()).expect("demo");
            serde_json::to_value(&out).expect("json")
        });
        niuyang::audit::seal_all(&db).expect("seal");
        if postgres_base().is_none() {
            db.read_now(|c| Ok(c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?))
                .expect("checkpoint");
        }
        demo
    };
    // On PostgreSQL, the rows of every table that has any, as JSON, to refill a pooled database with.
    let mut rows = Vec::new();
    if postgres_base().is_some() {
        let mut conn = diesel::pg::PgConnection::establish(&url).expect("connect to the template");
        for table in pg_tables(&mut conn) {
            let json = texts(
                &mut conn,
                &format!("SELECT coalesce(json_agg(x), '[]')::text AS t FROM {table} x"),
            )
            .concat();
            if json != "[]" {
                rows.push((table, json));
            }
        }
    }
    Built { source, rows, demo }
}

/// Empty a pooled PostgreSQL database and fill it with a template's rows; false if a test changed its
/// shape (renamed a table, say), so that it cannot be reused.
fn pg_refill(base: &str, name: &str, migrated: &Built, built: &Built) -> bool {
    if let Ok(mut admin) = diesel::pg::PgConnection::establish(base) {
        let _ = admin.batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ));
    }
    let Ok(mut conn) = diesel::pg::PgConnection::establish(&with_database(base, name)) else {
        return false;
    };
    static SHAPE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let shape = SHAPE.get_or_init(|| {
        let mut t = diesel::pg::PgConnection::establish(&with_database(base, &migrated.source))
            .expect("connect to the template");
        pg_shape(&mut t)
    });
    if pg_shape(&mut conn) != *shape {
        return false;
    }
    // DELETE, not TRUNCATE: emptying a few small tables is far quicker than giving each new files.
    let mut sql =
        "SET synchronous_commit = off; SET session_replication_role = replica; BEGIN;".to_string();
    for table in pg_tables(&mut conn) {
        sql.push_str(&format!("DELETE FROM {table};"));
    }
    for (table, json) in &built.rows {
        sql.push_str(&format!(
            "INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, '{}');",
            json.replace('\'', "''")
        ));
    }
    sql.push_str("COMMIT;");
    conn.batch_execute(&sql).expect("refill a pooled database");
    true
}

impl TestDb {
    /// A database of the test's own, copied from a template built once per test process (migrating and
    /// loading the demo for every test took most of the suite's time). On PostgreSQL a database a finished
    /// test left is emptied and refilled instead when there is one.
    pub fn from_template(kind: Template) -> (TestDb, Option<Value>) {
        let cell = match kind {
            Template::Migrated => &MIGRATED,
            Template::Demo => &DEMO,
        };
        let built = cell.get_or_init(|| build_template(kind));
        let db = match postgres_base() {
            Some(base) => {
                let migrated = MIGRATED.get_or_init(|| build_template(Template::Migrated));
                let reuse = loop {
                    let Some(name) = PG_FREE.lock().expect("pool").pop() else {
                        break None;
                    };
                    if pg_refill(&base, &name, migrated, built) {
                        break Some(name);
                    }
                    if let Ok(mut admin) = diesel::pg::PgConnection::establish(&base) {
                        let _ = admin
                            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                    }
                };
                let name = match reuse {
                    Some(name) => name,
                    None => {
                        let name = format!(
                            "niuyang_test_{}_{}",
                            std::process::id(),
                            PG_NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                        );
                        pg_copy(&base, &name, &migrated.source);
                        if kind != Template::Migrated {
                            assert!(pg_refill(&base, &name, migrated, built), "fill {name}");
                        }
                        name
                    }
                };
                TestDb {
                    url: with_database(&base, &name),
                    _dir: None,
                    pg: Some(PgDb {
                        base,
                        name,
                        pooled: true,
                    }),
                }
            }
            None => {
                let dir = scratch_dir();
                let path = dir.path().join("test.db");
                std::fs::copy(&built.source, &path).expect("copy the template");
                TestDb {
                    url: path.to_string_lossy().into_owned(),
                    _dir: Some(dir),
                    pg: None,
                }
            }
        };
        (db, built.demo.clone())
    }

    /// A fresh, empty database (not migrated), removed when dropped.
    pub fn new() -> TestDb {
        match postgres_base() {
            Some(base) => {
                let name = format!(
                    "niuyang_test_{}_{}",
                    std::process::id(),
                    uuid::Uuid::new_v4().simple()
                );
                let mut admin =
                    diesel::pg::PgConnection::establish(&base).expect("connect to the test server");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the test database");
                admin
                    .batch_execute(&format!(
                        "ALTER DATABASE {name} SET synchronous_commit = off"
                    ))
                    .expect("settings of the test database");
                TestDb {
                    url: with_database(&base, &name),
                    _dir: None,
                    pg: Some(PgDb {
                        base,
                        name,
                        pooled: false,
                    }),
                }
            }
            None => {
                let dir = scratch_dir();
                let url = dir.path().join("test.db").to_string_lossy().into_owned();
                TestDb {
                    url,
                    _dir: Some(dir),
                    pg: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    /// A raw connection outside the service (to tamper with data behind its back).
    pub fn raw(&self) -> niuyang::db::DbConnection {
        niuyang::db::Manager::new(&self.url)
            .establish()
            .expect("raw connection")
    }
}

/// Copy a PostgreSQL template into a new database whose commits do not wait for the disk.
fn pg_copy(base: &str, name: &str, template: &str) {
    let mut admin = diesel::pg::PgConnection::establish(base).expect("connect to the test server");
    // A copy needs the template to itself for a moment; another test's copy may hold it.
    let mut tries = 0;
    loop {
        match admin.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}")) {
            Ok(()) => break,
            Err(_) if tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => panic!("copy the template: {e}"),
        }
    }
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {name} SET synchronous_commit = off"
        ))
        .expect("settings of the test database");
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(pg) = &self.pg else { return };
        if pg.pooled && !std::thread::panicking() {
            PG_FREE.lock().expect("pool").push(pg.name.clone());
        } else if let Ok(mut admin) = diesel::pg::PgConnection::establish(&pg.base) {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", pg.name));
        }
    }
}

/// A response, read whole.
pub struct Resp {
    pub status: StatusCode,
    pub body: Value,
    pub headers: actix_web::http::header::HeaderMap,
}

impl Resp {
    /// The problem code of an error response.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

impl std::fmt::Debug for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

/// A demo account with a token.
#[derive(Clone, Debug)]
pub struct Account {
    pub username: String,
    pub password: String,
    pub role: String,
    pub org_id: String,
    pub user_id: String,
    pub token: String,
}

/// The application as one boxed service, built once per test.
type AppService = actix_service::boxed::BoxService<
    actix_http::Request,
    actix_web::dev::ServiceResponse,
    actix_web::Error,
>;

/// An application over its own database. Fields drop in order: the service and its pool go before the
/// database, so that no connection of this test is left when the database is removed or reused.
pub struct TestApp {
    pub state: web::Data<AppState>,
    pub accounts: HashMap<String, Account>,
    /// Organisations the builders made, by name.
    pub orgs: HashMap<String, String>,
    /// The next number for the builders' certificates, ear tags and vouchers.
    pub serial: std::sync::atomic::AtomicU32,
    service: std::cell::OnceCell<AppService>,
    pub db: TestDb,
}

/// The password of every account the harness makes.
pub const PASSWORD: &str = "Test-password-123";

/// One hash of [`PASSWORD`] for the whole process (hashing takes tens of milliseconds).
pub fn password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| niuyang::auth::password::hash(PASSWORD).expect("hash"))
}

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

/// The bearer secret of `/metrics` in the in-process application.
pub const METRICS_TOKEN: &str = "test-metrics-token-0123456789";

impl TestApp {
    /// An empty application (migrated, no accounts).
    pub fn empty() -> TestApp {
        Self::with_settings(AuthSettings::default())
    }

    pub fn with_settings(settings: AuthSettings) -> TestApp {
        Self::with_all(settings, niuyang::config::RuleSettings::default())
    }

    /// An application with these rule parameters and the demo dataset.
    pub fn with_rules_and_demo(rules: niuyang::config::RuleSettings) -> TestApp {
        let mut app = Self::with_all(AuthSettings::default(), rules);
        app.load_demo();
        app
    }

    pub fn with_all(settings: AuthSettings, rules: niuyang::config::RuleSettings) -> TestApp {
        Self::on(TestDb::from_template(Template::Migrated).0, settings, rules)
    }

    /// The application over this database (migrated here if it is not yet).
    fn on(db: TestDb, settings: AuthSettings, rules: niuyang::config::RuleSettings) -> TestApp {
        let pool = Db::connect(&db.url, 4).expect("connect");
        pool.migrate().expect("migrate");
        let state = web::Data::new(AppState {
            db: pool,
            auth: Auth::new(settings, SECRET),
            rules: std::sync::Arc::new(rules),
            verify_cache: std::sync::Arc::default(),
            verify_counter: std::sync::Arc::default(),
            metrics: std::sync::Arc::new(niuyang::metrics::Metrics::new(Some(
                METRICS_TOKEN.to_string(),
            ))),
        });
        TestApp {
            db,
            state,
            accounts: HashMap::new(),
            orgs: HashMap::new(),
            serial: std::sync::atomic::AtomicU32::new(1),
            service: std::cell::OnceCell::new(),
        }
    }

    /// An application with the demo dataset and a token for every demo account.
    pub fn with_demo() -> TestApp {
        let (db, demo) = TestDb::from_template(Template::Demo);
        let mut app = Self::on(
            db,
            AuthSettings::default(),
            niuyang::config::RuleSettings::default(),
        );
        app.take_accounts(&demo.expect("the demo template's accounts"));
        app
    }

    /// Load the demo dataset now (with this application's rules) and take a token for every account.
    pub fn load_demo(&mut self) {
        let out = niuyang::demo::load(&self.state.db, &self.state.rules).expect("demo");
        let json = serde_json::to_value(&out).expect("json");
        self.take_accounts(&json);
    }

    /// A token for every account of the demo's output.
    fn take_accounts(&mut self, json: &Value) {
        for a in json["accounts"].as_array().expect("accounts") {
            let username = a["username"].as_str().unwrap_or_default().to_string();
            let user = self
                .state
                .db
                .read_now(|c| Ok(niuyang::users::queries::find_by_username(c, &username)?))
                .expect("read")
                .expect("user");
            let token = self
                .state
                .auth
                .tokens
                .issue(&user.id, user.session_epoch)
                .expect("token");
            self.accounts.insert(
                username.clone(),
                Account {
                    username,
                    password: a["password"].as_str().unwrap_or_default().to_string(),
                    role: a["role"].as_str().unwrap_or_default().to_string(),
                    org_id: a["org_id"].as_str().unwrap_or_default().to_string(),
                    user_id: user.id,
                    token,
                },
            );
        }
    }

    /// A user made directly (no password change needed), with a token; every such user's password is
    /// [`PASSWORD`], hashed once per process.
    pub fn make_user(
        &mut self,
        username: &str,
        role: niuyang::policy::Role,
        org_id: &str,
    ) -> Account {
        let password = PASSWORD.to_string();
        let user = self
            .state
            .db
            .write_now(|c| {
                niuyang::users::queries::create(
                    c,
                    None,
                    niuyang::users::queries::NewUser {
                        username,
                        password_hash: password_hash(),
                        role,
                        org_id,
                        must_change_password: false,
                    },
                )
            })
            .expect("user");
        let token = self.state.auth.tokens.issue(&user.id, 0).expect("token");
        let a = Account {
            username: username.to_string(),
            password,
            role: role.to_string(),
            org_id: org_id.to_string(),
            user_id: user.id,
            token,
        };
        self.accounts.insert(username.to_string(), a.clone());
        a
    }

    /// Write the verification counts and run the copied-label signals now (the service does it every few
    /// seconds); returns the signals recorded.
    pub fn flush_verifications(&self) -> usize {
        niuyang::verify::signals::flush(
            &self.state.db,
            &self.state.verify_counter,
            &self.state.verify_cache,
            &self.state.rules,
        )
        .expect("flush")
    }

    pub fn account(&self, username: &str) -> &Account {
        self.accounts
            .get(username)
            .unwrap_or_else(|| panic!("no demo account {username}"))
    }

    pub fn token(&self, username: &str) -> String {
        self.account(username).token.clone()
    }

    /// Id of a demo organisation by exact name.
    pub fn org_id(&self, name: &str) -> String {
        let name = name.to_string();
        self.state
            .db
            .read_now(move |c| {
                use diesel::prelude::*;
                use niuyang::schema::organisations;
                Ok(organisations::table
                    .filter(organisations::name.eq(name))
                    .select(organisations::id)
                    .first::<String>(c)?)
            })
            .expect("organisation")
    }

    /// Send a request and read the whole response.
    pub async fn send(&self, req: test::TestRequest) -> Resp {
        if self.service.get().is_none() {
            use actix_service::ServiceExt;
            let app = test::init_service(build_app(self.state.clone())).await;
            let boxed = actix_service::boxed::service(app.map(|res| res.map_into_boxed_body()));
            let _ = self.service.set(boxed);
        }
        let service = self.service.get().expect("service");
        let res = test::call_service(service, req.to_request()).await;
        read(res).await
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        self.send(request(method, path, token, body)).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    /// Log in with a password; returns the response.
    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/api/v1/auth/login",
            None,
            serde_json::json!({"username": username, "password": password}),
        )
        .await
    }
}

pub fn request(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> test::TestRequest {
    let mut req = test::TestRequest::default().method(method).uri(path);
    if let Some(t) = token {
        req = req.insert_header((header::AUTHORIZATION, format!("Bearer {t}")));
    }
    if let Some(b) = body {
        req = req.set_json(b);
    }
    req
}

pub async fn read<B: actix_web::body::MessageBody>(
    res: actix_web::dev::ServiceResponse<B>,
) -> Resp {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = test::read_body(res).await;
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Resp {
        status,
        body,
        headers,
    }
}

/// A designation request body with a valid, unique credit code.
pub fn designation(name: &str, district: &str, n: u32) -> Value {
    let uscc = niuyang::demo::demo_uscc("440111", &format!("7T{n:05}"));
    serde_json::json!({
        "name": name,
        "district": district,
        "address": "广州市测试路 1 号",
        "uscc": uscc,
        "designation_no": format!("穗牛羊定字测试{n}号"),
        "species": "both",
        "halal": {"number": format!("QZ-{n}"), "expires_on": "2099-12-31"},
        "licence_no": format!("L-{n}"),
        "licence_valid_from": "2020-01-01",
        "licence_valid_until": "2099-12-31",
        "designated_on": "2020-01-01"
    })
}
