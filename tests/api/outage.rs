//! Outages, seen from outside through the real binary: a PostgreSQL cluster of the test's own stopped with
//! `-m immediate` and started again under load; a database that stops answering (a freezing TCP proxy in front
//! of PostgreSQL, a lock held on SQLite); a full disk (a small tmpfs, or SQLite's `max_page_count` where
//! mounting is not allowed). Each polls to a generous deadline and prints the times it measured.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::common::*;
use crate::wire::{free_port, request, Answer};

const BIN: &str = env!("CARGO_BIN_EXE_niuyang");
const ADMIN_PASSWORD: &str = "Outage-Test-Admin-2026";

/// One request on a fresh connection, with a bearer token, waiting at most `wait` for the whole answer.
pub fn call(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
    wait: Duration,
) -> Option<Answer> {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    request(port, method, path, &headers, body, wait)
}

/// The real service on a free port, its log collected in a file.
pub struct Service {
    child: Child,
    pub port: u16,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Service {
    /// Start against `url` with these extra settings; waits until it is ready.
    pub fn start(url: &str, env: &[(&str, &str)]) -> Service {
        let dir = tempfile::tempdir().expect("dir");
        let port = free_port();
        let log = dir.path().join("service.log");
        let mut cmd = Command::new(BIN);
        cmd.env_remove("NIUYANG_JWT_SECRET")
            .env("NIUYANG_DATABASE_URL", url)
            .env("NIUYANG_DATA_DIR", dir.path())
            .env("NIUYANG_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NIUYANG_LOG", "info")
            .env("NIUYANG_WORKERS", "2")
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("spawn");
        let svc = Service {
            child,
            port,
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(a) = svc.get("/health/ready", None) {
                if a.status == 200 {
                    return svc;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the service did not start: {}", svc.log_text());
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Option<Answer> {
        call(self.port, "GET", path, None, token, Duration::from_secs(30))
    }

    pub fn post(&self, path: &str, body: &str, token: Option<&str>) -> Option<Answer> {
        call(
            self.port,
            "POST",
            path,
            Some(body),
            token,
            Duration::from_secs(30),
        )
    }

    /// The admin's token.
    pub fn admin_token(&self) -> String {
        let body = format!(r#"{{"username":"admin","password":"{ADMIN_PASSWORD}"}}"#);
        let a = self
            .post("/api/v1/auth/login", &body, None)
            .expect("login answered");
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()["access_token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A problem document with a Retry-After header and one of these codes.
fn assert_unavailable(a: &Answer, codes: &[&str]) {
    assert!(
        a.status == 503 || a.status == 507,
        "expected 503/507, got {} {}",
        a.status,
        a.body
    );
    assert_eq!(
        a.header("content-type"),
        Some("application/problem+json"),
        "{a:?}"
    );
    assert!(a.header("retry-after").is_some(), "Retry-After: {a:?}");
    let code = a.json()["code"].as_str().unwrap_or("").to_string();
    assert!(codes.contains(&code.as_str()), "code {code} of {a:?}");
}

fn new_org_body(i: usize) -> String {
    format!(r#"{{"kind":"hotline_centre","name":"停机测试机构 {i}"}}"#)
}

// ---------------------------------------------------------------------------------------------------------
// A PostgreSQL cluster of the test's own.

/// A throw-away cluster run by the `postgres` user on a free port, removed when dropped.
struct Cluster {
    dir: std::path::PathBuf,
    port: u16,
}

fn as_postgres(args: &[&str]) -> std::process::Output {
    Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .args(args)
        .output()
        .expect("runuser")
}

fn pg_bin(name: &str) -> String {
    for dir in ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin"] {
        let p = format!("{dir}/{name}");
        if std::path::Path::new(&p).exists() {
            return p;
        }
    }
    name.to_string()
}

impl Cluster {
    /// `None` when this machine cannot run one (not root, no `initdb`).
    fn start() -> Option<Cluster> {
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if !is_root || !std::path::Path::new(&pg_bin("initdb")).exists() {
            return None;
        }
        let dir =
            std::env::temp_dir().join(format!("niuyang-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("cluster dir");
        let chown = Command::new("chown")
            .args(["postgres:postgres", dir.to_str().unwrap_or_default()])
            .status()
            .expect("chown");
        assert!(chown.success());
        let data = dir.join("data");
        let out = as_postgres(&[
            &pg_bin("initdb"),
            "-D",
            data.to_str().unwrap_or_default(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        ]);
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let cluster = Cluster {
            dir,
            port: free_port(),
        };
        cluster.pg_ctl_start();
        Some(cluster)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl_start(&self) {
        let data = self.dir.join("data");
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.display()
        );
        let out = as_postgres(&[
            &pg_bin("pg_ctl"),
            "-D",
            data.to_str().unwrap_or_default(),
            "-o",
            &opts,
            "-l",
            self.dir.join("server.log").to_str().unwrap_or_default(),
            "-w",
            "-t",
            "60",
            "start",
        ]);
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn stop_immediate(&self) {
        let data = self.dir.join("data");
        let out = as_postgres(&[
            &pg_bin("pg_ctl"),
            "-D",
            data.to_str().unwrap_or_default(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]);
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = as_postgres(&[
            &pg_bin("pg_ctl"),
            "-D",
            data.to_str().unwrap_or_default(),
            "-m",
            "immediate",
            "stop",
        ]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Everything the load threads saw, in order, with when.
type Seen = Arc<Mutex<Vec<(Instant, u16, String)>>>;

/// Reads and writes from two threads until `stop`.
fn load(
    svc_port: u16,
    token: String,
    stop: Arc<AtomicBool>,
    seen: Seen,
) -> Vec<std::thread::JoinHandle<()>> {
    // A writer creating organisations and a reader listing them, each noting every answer.
    [true, false]
        .into_iter()
        .map(|write| {
            let (stop, seen, token) = (stop.clone(), seen.clone(), token.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Acquire) {
                    i += 1;
                    let body = new_org_body(i);
                    let (method, body) = if write {
                        ("POST", Some(body.as_str()))
                    } else {
                        ("GET", None)
                    };
                    let a = call(
                        svc_port,
                        method,
                        "/api/v1/organisations",
                        body,
                        Some(&token),
                        Duration::from_secs(30),
                    );
                    let (status, text) = a
                        .map(|a| (a.status, a.body))
                        .unwrap_or((0, "no answer".into()));
                    if let Ok(mut s) = seen.lock() {
                        s.push((Instant::now(), status, text));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        })
        .collect()
}

#[test]
fn a_postgresql_restart_is_answered_with_503_and_survived_without_a_restart() {
    if postgres_base().is_none() {
        eprintln!("PostgreSQL pass only (set NIUYANG_TEST_POSTGRES_URL)");
        return;
    }
    let Some(cluster) = Cluster::start() else {
        panic!("this test needs root and initdb to run a PostgreSQL cluster of its own");
    };
    let svc = Service::start(
        &cluster.url(),
        &[
            ("NIUYANG_DB_DEADLINE_MS", "3000"),
            ("NIUYANG_RULES_SWEEP_SECS", "2"),
        ],
    );
    let token = svc.admin_token();
    let stop = Arc::new(AtomicBool::new(false));
    let seen: Seen = Arc::default();
    let threads = load(svc.port, token.clone(), stop.clone(), seen.clone());
    std::thread::sleep(Duration::from_secs(2));

    // The outage.
    let down_at = Instant::now();
    cluster.stop_immediate();
    let mut first_503 = None;
    let mut probes = Vec::new();
    while down_at.elapsed() < Duration::from_secs(8) {
        let t = Instant::now();
        let ready = svc.get("/health/ready", None).expect("readiness answers");
        probes.push(("ready", ready.status, t.elapsed()));
        let live = svc.get("/health/live", None).expect("liveness answers");
        assert_eq!(live.status, 200, "liveness stays up");
        let a = svc
            .get("/api/v1/organisations", Some(&token))
            .expect("answer");
        probes.push(("read", a.status, t.elapsed()));
        if a.status == 503 && first_503.is_none() {
            first_503 = Some(down_at.elapsed());
        }
        if down_at.elapsed() > Duration::from_secs(2) {
            // Past the first moments every request answers 503 problem+json with Retry-After.
            assert_unavailable(&a, &["database_unavailable", "database_timeout"]);
            assert_eq!(ready.status, 503, "readiness says down: {}", ready.body);
            let w = svc
                .post(
                    "/api/v1/organisations",
                    &new_org_body(999_999),
                    Some(&token),
                )
                .expect("answer");
            assert_unavailable(&w, &["database_unavailable", "database_timeout"]);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let first_503 = first_503.expect("requests answered 503 during the outage");
    let slowest = probes.iter().map(|p| p.2).max().unwrap_or_default();

    // Back again, without restarting the service.
    let up_at = Instant::now();
    cluster.pg_ctl_start();
    let started = up_at.elapsed();
    let mut recovered = None;
    while up_at.elapsed() < Duration::from_secs(90) {
        if let Some(a) = svc.get("/api/v1/organisations", Some(&token)) {
            if a.status == 200 {
                recovered = Some(up_at.elapsed());
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let recovered = recovered.expect("requests succeed again after the restart");
    // Ready again, and writes work.
    let ready_again = (0..100)
        .find(|_| {
            let ok = svc
                .get("/health/ready", None)
                .is_some_and(|a| a.status == 200);
            if !ok {
                std::thread::sleep(Duration::from_millis(100));
            }
            ok
        })
        .is_some();
    assert!(ready_again, "readiness recovers");
    let w = svc
        .post(
            "/api/v1/organisations",
            &new_org_body(1_000_000),
            Some(&token),
        )
        .expect("answer");
    assert_eq!(w.status, 201, "{}", w.body);
    std::thread::sleep(Duration::from_secs(3));
    stop.store(true, Ordering::Release);
    for t in threads {
        let _ = t.join();
    }

    // Nothing but 2xx and 503 was ever answered: no 500, no hang.
    let seen = seen.lock().expect("seen").clone();
    let bad: Vec<_> = seen
        .iter()
        .filter(|(_, s, _)| !matches!(s, 200 | 201 | 503))
        .collect();
    assert!(bad.is_empty(), "answers other than 2xx/503: {bad:?}");

    // Background work resumed by itself: the audit trail is sealed and sound, the sweep ran again.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut sealed = false;
    while Instant::now() < deadline {
        let mut conn = niuyang::db::Manager::new(&cluster.url())
            .establish()
            .expect("raw connection");
        let pending: Count = diesel::sql_query("SELECT COUNT(*) AS n FROM audit_pending")
            .get_result(&mut conn)
            .expect("count");
        if pending.n == 0 {
            sealed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(sealed, "audit sealing resumed after the outage");
    let verify = svc
        .get("/api/v1/audit/verify", Some(&token))
        .expect("verify");
    assert_eq!(verify.status, 200, "{}", verify.body);
    assert_eq!(verify.json()["ok"], true, "{}", verify.body);

    // The sweep retries every few seconds after meeting the outage: wait for its next run.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut log = svc.log_text();
    while Instant::now() < deadline {
        let swept_after = log
            .find("the database is available again")
            .is_some_and(|back| log[back..].contains("scheduled rules swept"));
        if swept_after {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
        log = svc.log_text();
    }
    let outage_lines = log
        .lines()
        .filter(|l| l.contains("the database is unavailable"))
        .count();
    assert_eq!(outage_lines, 1, "the outage is logged once:\n{log}");
    assert_eq!(
        log.lines()
            .filter(|l| l.contains("sealing the audit trail failed"))
            .count(),
        0,
        "no sealing error each second"
    );
    let back = log
        .find("the database is available again")
        .expect("the end of the outage is logged");
    assert!(
        log[back..].contains("scheduled rules swept"),
        "the scheduled rules ran again after the outage"
    );
    let error_lines = log.lines().filter(|l| l.contains("\"ERROR\"")).count();
    println!(
        "postgres restart: first 503 {:.2} s after the stop; slowest answer during the outage {:.2} s; \
         cluster start took {:.2} s, first 2xx {:.2} s after the start began ({:.2} s after it finished); \
         {} requests under load, {} ERROR log lines",
        first_503.as_secs_f64(),
        slowest.as_secs_f64(),
        started.as_secs_f64(),
        recovered.as_secs_f64(),
        (recovered.saturating_sub(started)).as_secs_f64(),
        seen.len(),
        error_lines
    );
    assert!(
        error_lines <= 2,
        "the outage logs once, not once a second:\n{log}"
    );
    drop(svc);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

// ---------------------------------------------------------------------------------------------------------
// A database that stops answering.

/// A TCP proxy that can stop passing bytes (a database that hangs without closing anything).
struct FreezingProxy {
    port: u16,
    frozen: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl FreezingProxy {
    fn start(upstream: u16) -> FreezingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let frozen = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (f, s) = (frozen.clone(), stop.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Acquire) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                            continue;
                        };
                        for (from, to) in [
                            (client.try_clone(), server.try_clone()),
                            (server.try_clone(), client.try_clone()),
                        ] {
                            if let (Ok(from), Ok(to)) = (from, to) {
                                let (f, s) = (f.clone(), s.clone());
                                std::thread::spawn(move || pump(from, to, f, s));
                            }
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        FreezingProxy { port, frozen, stop }
    }
}

impl Drop for FreezingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.frozen.store(false, Ordering::Release);
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream, frozen: Arc<AtomicBool>, stop: Arc<AtomicBool>) {
    let _ = from.set_read_timeout(Some(Duration::from_millis(50)));
    let mut buf = [0u8; 16 * 1024];
    while !stop.load(Ordering::Acquire) {
        if frozen.load(Ordering::Acquire) {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break,
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Both);
}

/// Send `n` requests at once; answers with each one's status and time taken.
fn burst(port: u16, n: usize, path: &'static str, token: &str) -> Vec<(u16, Duration)> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let token = token.to_string();
            std::thread::spawn(move || {
                let t = Instant::now();
                let a = call(
                    port,
                    "GET",
                    path,
                    None,
                    Some(&token),
                    Duration::from_secs(60),
                );
                (a.map(|a| a.status).unwrap_or(0), t.elapsed())
            })
        })
        .collect();
    handles.into_iter().filter_map(|h| h.join().ok()).collect()
}

#[test]
fn a_database_that_stops_answering_gives_503_within_the_deadline_never_a_hang() {
    let db = TestDb::new();
    let deadline = Duration::from_millis(2_000);
    let deadline_ms = deadline.as_millis().to_string();
    if db.is_postgres() {
        // PostgreSQL behind a proxy that stops passing bytes: a frozen server, as with SIGSTOP.
        let upstream: u16 = db
            .url
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or(5432);
        let proxy = FreezingProxy::start(upstream);
        let url = db.url.replace(
            &format!("127.0.0.1:{upstream}"),
            &format!("127.0.0.1:{}", proxy.port),
        );
        let svc = Service::start(
            &url,
            &[
                ("NIUYANG_DB_DEADLINE_MS", &deadline_ms),
                ("NIUYANG_DB_POOL_SIZE", "4"),
                ("NIUYANG_RULES_SWEEP_SECS", "0"),
            ],
        );
        let token = svc.admin_token();
        assert!(burst(svc.port, 8, "/api/v1/organisations", &token)
            .iter()
            .all(|(s, _)| *s == 200));

        proxy.frozen.store(true, Ordering::Release);
        let frozen_at = Instant::now();
        let answers = burst(svc.port, 12, "/api/v1/organisations", &token);
        let t = Instant::now();
        let ready = svc.get("/health/ready", None).expect("readiness answers");
        let ready_took = t.elapsed();
        let live = svc.get("/health/live", None).expect("liveness answers");
        let slowest = answers.iter().map(|a| a.1).max().unwrap_or_default();
        println!(
            "frozen PostgreSQL: {} requests, statuses {:?}, slowest {:.2} s (deadline {:.1} s); readiness {} in {:.2} s",
            answers.len(),
            answers.iter().map(|a| a.0).collect::<Vec<_>>(),
            slowest.as_secs_f64(),
            deadline.as_secs_f64(),
            ready.status,
            ready_took.as_secs_f64()
        );
        assert!(answers.iter().all(|(s, _)| *s == 503), "{answers:?}");
        // Within the deadline plus the scheduling slack of a loaded 2-core machine: never a hang.
        assert!(slowest < deadline * 3, "slowest {slowest:?}");
        assert_eq!(ready.status, 503);
        assert!(ready_took < deadline * 2, "readiness took {ready_took:?}");
        assert_eq!(live.status, 200);
        let w = svc
            .post("/api/v1/organisations", &new_org_body(1), Some(&token))
            .expect("answer");
        assert_unavailable(&w, &["database_timeout", "database_unavailable"]);
        assert!(frozen_at.elapsed() < Duration::from_secs(30));

        // Thawed: every pool slot comes back (twice the pool size at once all succeed).
        proxy.frozen.store(false, Ordering::Release);
        let thawed = Instant::now();
        let mut back = None;
        while thawed.elapsed() < Duration::from_secs(60) {
            if svc
                .get("/api/v1/organisations", Some(&token))
                .is_some_and(|a| a.status == 200)
            {
                back = Some(thawed.elapsed());
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let back = back.expect("requests succeed again after the thaw");
        let mut all_ok = false;
        for _ in 0..50 {
            let again = burst(svc.port, 8, "/api/v1/organisations", &token);
            if again.iter().all(|(s, _)| *s == 200) {
                all_ok = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        assert!(
            all_ok,
            "no pool slot leaked: 8 concurrent requests all succeed"
        );
        println!("thawed: first 2xx after {:.2} s", back.as_secs_f64());
    } else {
        // SQLite with another process holding the write lock: writes wait no longer than the deadline.
        let svc = Service::start(
            &db.url,
            &[
                ("NIUYANG_DB_DEADLINE_MS", &deadline_ms),
                ("NIUYANG_RULES_SWEEP_SECS", "0"),
            ],
        );
        let token = svc.admin_token();
        let mut holder = diesel::sqlite::SqliteConnection::establish(&db.url).expect("raw");
        use diesel::connection::SimpleConnection;
        holder.batch_execute("BEGIN EXCLUSIVE").expect("lock");
        let t = Instant::now();
        let w = svc
            .post("/api/v1/organisations", &new_org_body(1), Some(&token))
            .expect("answer");
        let took = t.elapsed();
        println!(
            "locked SQLite: write answered {} in {:.2} s (deadline {:.1} s)",
            w.status,
            took.as_secs_f64(),
            deadline.as_secs_f64()
        );
        assert_unavailable(&w, &["database_timeout"]);
        assert!(took < deadline * 3, "took {took:?}");
        let live = svc.get("/health/live", None).expect("liveness");
        assert_eq!(live.status, 200);
        holder.batch_execute("ROLLBACK").expect("unlock");
        let w = svc
            .post("/api/v1/organisations", &new_org_body(2), Some(&token))
            .expect("answer");
        assert_eq!(w.status, 201, "{}", w.body);
        // The write that timed out was rolled back, not committed late.
        let names: Vec<String> = svc
            .get("/api/v1/organisations", Some(&token))
            .expect("list")
            .json()["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|o| o["name"].as_str().map(str::to_string))
            .collect();
        assert!(names.iter().any(|n| n.ends_with(" 2")), "{names:?}");
        assert!(!names.iter().any(|n| n.ends_with(" 1")), "{names:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// A full disk.

/// A small tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size_mib: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_mib}m"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then_some(Tmpfs { dir })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// Fill `dir` with a file until at most `leave` bytes are free; returns its path.
fn fill(dir: &std::path::Path, leave: u64) -> std::path::PathBuf {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).expect("filler");
    let chunk = vec![0u8; 64 * 1024];
    loop {
        let free = fs_free(dir);
        if free <= leave {
            break;
        }
        let n = ((free - leave) as usize).min(chunk.len());
        if f.write_all(&chunk[..n]).is_err() {
            break;
        }
        let _ = f.sync_all();
    }
    path
}

fn fs_free(dir: &std::path::Path) -> u64 {
    let out = Command::new("df")
        .args(["-B1", "--output=avail"])
        .arg(dir)
        .output()
        .expect("df");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_full_disk_answers_507_keeps_nothing_partial_and_recovers_when_space_returns() {
    full_disk(true);
}

#[test]
fn a_full_size_quota_answers_507_like_a_full_disk() {
    full_disk(false);
}

/// On a small tmpfs when `try_tmpfs` and mounting works, otherwise with a `max_page_count` quota.
fn full_disk(try_tmpfs: bool) {
    let db = TestDb::new();
    if db.is_postgres() {
        eprintln!("SQLite pass only: the PostgreSQL pass runs the outage tests");
        return;
    }
    let mounted = if try_tmpfs { Tmpfs::mount(24) } else { None };
    // The quota: a few dozen pages above the migrated file, so that it fills after a hundred writes or
    // so rather than thousands (600 pages took two thousand writes and most of the suite's time).
    let quota_pages = if mounted.is_none() {
        let migrated = niuyang::db::Db::connect_once(&db.url, 1).expect("open");
        migrated.migrate().expect("migrate");
        drop(migrated);
        let mut conn = niuyang::db::Manager::new(&db.url).establish().expect("raw");
        let pages: Count = diesel::sql_query("SELECT page_count AS n FROM pragma_page_count()")
            .get_result(&mut conn)
            .expect("page count");
        (pages.n + 48).to_string()
    } else {
        String::new()
    };
    let (url, quota, how) = match &mounted {
        Some(t) => (
            t.dir
                .path()
                .join("niuyang.db")
                .to_string_lossy()
                .into_owned(),
            None,
            "tmpfs",
        ),
        None => (db.url.clone(), Some(quota_pages.as_str()), "max_page_count"),
    };
    let mut env = vec![("NIUYANG_RULES_SWEEP_SECS", "0")];
    if let Some(q) = quota {
        env.push(("NIUYANG_SQLITE_MAX_PAGES", q));
    }
    let svc = Service::start(&url, &env);
    let token = svc.admin_token();
    let filler = mounted.as_ref().map(|t| fill(t.dir.path(), 96 * 1024));

    let mut created = 0usize;
    let mut refused = None;
    for i in 0..20_000 {
        let body = format!(
            r#"{{"kind":"hotline_centre","name":"满盘测试机构 {i} {}"}}"#,
            "长名".repeat(40)
        );
        let a = svc
            .post("/api/v1/organisations", &body, Some(&token))
            .expect("answer");
        match a.status {
            201 => created += 1,
            _ => {
                refused = Some(a);
                break;
            }
        }
    }
    let refused = refused.expect("the disk filled up");
    println!(
        "disk full ({how}): {created} writes, then {} {}",
        refused.status, refused.body
    );
    assert_eq!(refused.status, 507, "{}", refused.body);
    assert_unavailable(&refused, &["storage_full"]);
    let ready = svc.get("/health/ready", None).expect("readiness");
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.json()["database"], "storage_full", "{}", ready.body);
    // Reads still work, and the refused write left nothing behind.
    let list = svc
        .get("/api/v1/organisations", Some(&token))
        .expect("list");
    assert_eq!(list.status, 200);
    let mut conn = niuyang::db::Manager::new(&url).establish().expect("raw");
    let n: Count = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM organisations WHERE name LIKE '满盘测试机构%'",
    )
    .get_result(&mut conn)
    .expect("count");
    assert_eq!(
        n.n as usize, created,
        "every acknowledged write, and nothing else"
    );
    drop(conn);

    // Space returns: writes work again at once, readiness too.
    match filler {
        Some(f) => std::fs::remove_file(f).expect("free space"),
        None => {
            drop(svc);
            let svc = Service::start(&url, &[("NIUYANG_RULES_SWEEP_SECS", "0")]);
            let token = svc.admin_token();
            let a = svc
                .post("/api/v1/organisations", &new_org_body(1), Some(&token))
                .expect("answer");
            assert_eq!(a.status, 201, "{}", a.body);
            return;
        }
    }
    let a = svc
        .post("/api/v1/organisations", &new_org_body(1), Some(&token))
        .expect("answer");
    assert_eq!(a.status, 201, "{}", a.body);
    let ready = svc.get("/health/ready", None).expect("readiness");
    assert_eq!(ready.status, 200, "{}", ready.body);
    let verify = svc
        .get("/api/v1/audit/verify", Some(&token))
        .expect("verify");
    assert_eq!(verify.json()["ok"], true, "{}", verify.body);
}
