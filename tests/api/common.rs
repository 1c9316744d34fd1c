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

/// A database of the test's own, removed when dropped.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
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

impl TestDb {
    pub fn new() -> TestDb {
        match postgres_base() {
            Some(base) => {
                let name = format!("niuyang_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin =
                    diesel::pg::PgConnection::establish(&base).expect("connect to the test server");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create the test database");
                TestDb {
                    url: with_database(&base, &name),
                    _dir: None,
                    pg: Some((base, name)),
                }
            }
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
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

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = &self.pg {
            if let Ok(mut admin) = diesel::pg::PgConnection::establish(base) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
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

pub struct TestApp {
    pub db: TestDb,
    pub state: web::Data<AppState>,
    pub accounts: HashMap<String, Account>,
    service: std::cell::OnceCell<AppService>,
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
        let db = TestDb::new();
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
            service: std::cell::OnceCell::new(),
        }
    }

    /// An application with the demo dataset and a token for every demo account.
    pub fn with_demo() -> TestApp {
        let mut app = Self::empty();
        app.load_demo();
        app
    }

    pub fn load_demo(&mut self) {
        let out = niuyang::demo::load(&self.state.db, &self.state.rules).expect("demo");
        let json = serde_json::to_value(&out).expect("json");
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

    /// A user made directly (no password change needed), with a token.
    pub fn make_user(
        &mut self,
        username: &str,
        role: niuyang::policy::Role,
        org_id: &str,
    ) -> Account {
        let password = "Test-password-123".to_string();
        let user = self
            .state
            .db
            .write_now(|c| {
                niuyang::users::queries::create(
                    c,
                    None,
                    niuyang::users::queries::NewUser {
                        username,
                        password_hash: &niuyang::auth::password::hash(&password)?,
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
