//! The binary: first start (admin password on standard output once, never in the logs; the key file),
//! structured logs with request ids, `migrate`, `user create`, `demo --json`, `audit verify`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

const BIN: &str = env!("CARGO_BIN_EXE_niuyang");

pub fn niuyang(db: &TestDb, data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("NIUYANG_ADMIN_PASSWORD")
        .env_remove("NIUYANG_JWT_SECRET")
        .env("NIUYANG_DATABASE_URL", &db.url)
        .env("NIUYANG_DATA_DIR", data_dir)
        .env("NIUYANG_LOG", "info");
    cmd
}

/// One HTTP/1.1 request over a fresh connection; returns status and body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> Option<(u16, String)> {
    http_as(port, method, path, body, None)
}

/// The same with a bearer token.
pub fn http_as(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> Option<(u16, String)> {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    crate::wire::request(port, method, path, &headers, body, Duration::from_secs(10))
        .map(|a| (a.status, a.body))
}

pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(db: &TestDb, data_dir: &std::path::Path) -> Server {
        Self::start_logging(db, data_dir, "info")
    }

    /// Start with the log at `level`.
    pub fn start_logging(db: &TestDb, data_dir: &std::path::Path, level: &str) -> Server {
        let port = crate::wire::free_port();
        let mut child = niuyang(db, data_dir)
            .env("NIUYANG_LOG", level)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some((200, _)) = http(port, "GET", "/health/ready", None) {
                return Server { child, port };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the service did not start");
    }

    /// Stop it and return (stdout, stderr).
    pub fn stop(mut self) -> (String, String) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut out = String::new();
        let mut err = String::new();
        if let Some(mut s) = self.child.stdout.take() {
            let _ = s.read_to_string(&mut out);
        }
        if let Some(s) = self.child.stderr.take() {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                err.push_str(&line);
                err.push('\n');
            }
        }
        (out, err)
    }
}

#[test]
fn first_start_prints_the_admin_password_once_and_never_logs_secrets() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let server = Server::start(&db, dir.path());
    // The password is on standard output: stop to read it.
    let (out, _) = server.stop();
    let password = out
        .split("one-time password: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the password is printed on stdout")
        .to_string();
    assert_eq!(password.len(), 20);

    let server = Server::start(&db, dir.path());
    let body = format!("{{\"username\":\"admin\",\"password\":\"{password}\"}}");
    let (status, answer) =
        http(server.port, "POST", "/api/v1/auth/login", Some(&body)).expect("login");
    assert_eq!(status, 200, "{answer}");
    let token: serde_json::Value = serde_json::from_str(&answer).expect("json");
    let token = token["access_token"].as_str().expect("token").to_string();
    let (status, _) = http(server.port, "GET", "/api/v1/nothing?secret=abc", None).expect("404");
    assert_eq!(status, 404);
    let (out, err) = server.stop();
    assert!(
        !out.contains("one-time password"),
        "printed only on the first start: {out}"
    );

    // Logs: JSON lines on stderr, each request with a request id; no password, token or query string.
    assert!(!err.contains(&password), "password in the logs");
    assert!(!err.contains(&token), "token in the logs");
    assert!(!err.contains("secret=abc"), "query string in the logs");
    let finished: Vec<serde_json::Value> = err
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "request finished")
        .collect();
    assert!(finished.len() >= 2, "{err}");
    for line in &finished {
        let id = line["span"]["request_id"].as_str().unwrap_or("");
        assert_eq!(id.len(), 36, "request id in {line}");
    }
    let ids: std::collections::HashSet<&str> = finished
        .iter()
        .filter_map(|l| l["span"]["request_id"].as_str())
        .collect();
    assert_eq!(ids.len(), finished.len(), "one id per request");

    // The generated signing key is kept with owner-only permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("jwt-secret"))
            .expect("key file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn admin_password_from_the_environment_is_not_printed() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let out = niuyang(&db, dir.path())
        .env("NIUYANG_ADMIN_PASSWORD", "From-the-env-123")
        .arg("migrate")
        .output()
        .expect("run");
    assert!(out.status.success());
    let mut cmd = niuyang(&db, dir.path());
    cmd.env("NIUYANG_ADMIN_PASSWORD", "From-the-env-123");
    let port = crate::wire::free_port();
    let mut child = cmd
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut status = None;
    while Instant::now() < deadline && status.is_none() {
        status = http(
            port,
            "POST",
            "/api/v1/auth/login",
            Some("{\"username\":\"admin\",\"password\":\"From-the-env-123\"}"),
        )
        .map(|(s, _)| s);
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, Some(200));
    let mut printed = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut printed);
    }
    assert!(!printed.contains("From-the-env-123"));
}

#[test]
fn demo_json_has_an_account_for_every_role_and_loads_once() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().expect("dir");
    let out = niuyang(&db, dir.path())
        .args(["demo", "--json"])
        .output()
        .expect("demo");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    let accounts = v["accounts"].as_array().expect("accounts");
    let roles: std::collections::HashSet<&str> =
        accounts.iter().filter_map(|a| a["role"].as_str()).collect();
    for role in [
        "admin",
        "slaughter_regulator",
        "market_regulator",
        "official_vet",
        "slaughterhouse",
        "vendor",
        "inspector",
        "hotline_operator",
    ] {
        assert!(roles.contains(role), "{role} missing");
    }
    for a in accounts {
        for field in ["username", "password", "role", "org_id"] {
            assert!(
                a[field].as_str().is_some_and(|s| !s.is_empty()),
                "{field} in {a}"
            );
        }
    }
    let kinds: std::collections::HashSet<&str> = v["organisations"]
        .as_array()
        .expect("organisations")
        .iter()
        .filter_map(|o| o["kind"].as_str())
        .collect();
    assert_eq!(kinds.len(), 7, "every kind of organisation: {kinds:?}");
    let lots = v["lots"].as_array().expect("lots");
    assert!(lots.len() >= 6, "{lots:?}");
    for l in lots {
        let code = l["trace_code"].as_str().expect("trace code");
        assert_eq!(niuyang::lots::trace_code::parse(code), Ok(code.to_string()));
        assert!(l["id"].as_str().is_some_and(|s| s.len() == 36));
    }

    let complaints = v["complaints"].as_array().expect("complaints");
    assert_eq!(complaints.len(), 2, "{complaints:?}");
    assert!(complaints
        .iter()
        .all(|c| c["access_code"].as_str().map(str::len) == Some(10)));

    let again = niuyang(&db, dir.path())
        .args(["demo"])
        .output()
        .expect("demo");
    assert!(!again.status.success());

    // user create on a demo organisation.
    let shop = accounts
        .iter()
        .find(|a| a["role"] == "vendor")
        .and_then(|a| a["org_id"].as_str())
        .expect("shop");
    let created = niuyang(&db, dir.path())
        .args([
            "user",
            "create",
            "--username",
            "new.clerk",
            "--role",
            "vendor",
            "--org",
            shop,
        ])
        .output()
        .expect("user create");
    assert!(
        created.status.success(),
        "{:?}: {} {}",
        created.status,
        String::from_utf8_lossy(&created.stdout),
        String::from_utf8_lossy(&created.stderr)
    );
    let u: serde_json::Value = serde_json::from_slice(&created.stdout).expect("json");
    assert_eq!(u["username"], "new.clerk");
    assert_eq!(u["one_time_password"].as_str().map(str::len), Some(20));
    let wrong = niuyang(&db, dir.path())
        .args([
            "user",
            "create",
            "--username",
            "x.y",
            "--role",
            "official_vet",
            "--org",
            shop,
        ])
        .output()
        .expect("user create");
    assert!(!wrong.status.success());

    // audit verify: sound, then broken after tampering.
    let ok = niuyang(&db, dir.path())
        .args(["audit", "verify"])
        .output()
        .expect("verify");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    a_change_behind_its_back_breaks_verification(&db, dir.path());
}

/// Rename the hotline centre behind the service's back: `niuyang audit verify` then fails with `row_altered`.
pub fn a_change_behind_its_back_breaks_verification(db: &TestDb, data_dir: &std::path::Path) {
    use diesel::connection::SimpleConnection;
    db.raw()
        .batch_execute("UPDATE organisations SET name = name || '!' WHERE kind = 'hotline_centre'")
        .expect("tamper");
    let broken = niuyang(db, data_dir)
        .args(["audit", "verify"])
        .output()
        .expect("verify");
    assert!(!broken.status.success());
    let report: serde_json::Value = serde_json::from_slice(&broken.stdout).expect("json");
    assert_eq!(report["first_broken"]["reason"], "row_altered");
}
