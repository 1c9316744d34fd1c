//! A flood of logins with wrong passwords against the real binary must not starve the rest of the service:
//! while many threads log in with wrong passwords, an authenticated read, readiness and a public read keep
//! answering (issue 11, finding 5), and attempts that cannot get a password check in time are turned away
//! with 503 and `Retry-After` instead of queueing. Latencies are printed (`--nocapture`), not asserted.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::cli::{http_as, niuyang};
use crate::common::*;

/// Threads sending wrong passwords as fast as they are answered.
const FLOOD_THREADS: usize = 32;
/// Rounds of probes (each: `/api/v1/me`, `/health/ready`, `/api/v1/public/slaughterhouses`).
const PROBE_ROUNDS: usize = 20;
/// The administrator's password (the account the service makes at its first start).
const ADMIN_PASSWORD: &str = "Flood-Test-Admin-2026";

use crate::wire::free_port;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

#[test]
fn a_login_flood_does_not_starve_other_requests() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().expect("dir");
    // The per-address cap out of the way, so that every attempt of the flood (all from 127.0.0.1) reaches
    // the password check; each attempt names another account, so no account-and-address pair slows down.
    let port = free_port();
    let mut child = niuyang(&db, dir.path())
        .env("NIUYANG_LOG", "warn")
        .env("NIUYANG_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("NIUYANG_LOGIN_MAX_FAILURES_PER_CLIENT", "1000000000")
        // Two password checks at a time, and a login waits at most 100 ms for one.
        .env("NIUYANG_PASSWORD_CHECKS", "2")
        .env("NIUYANG_PASSWORD_CHECK_WAIT_MS", "100")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let server = Running(child);
    // Drain the log so that the service never blocks on a full pipe.
    std::thread::spawn(move || for _ in BufReader::new(stderr).lines() {});
    let deadline = Instant::now() + Duration::from_secs(60);
    while http_as(port, "GET", "/health/ready", None, None).map(|r| r.0) != Some(200) {
        assert!(Instant::now() < deadline, "the service did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let body = serde_json::json!({"username": "admin", "password": ADMIN_PASSWORD}).to_string();
    let (status, answer) =
        http_as(port, "POST", "/api/v1/auth/login", Some(&body), None).expect("login");
    assert_eq!(status, 200, "{answer}");
    let token = serde_json::from_str::<serde_json::Value>(&answer).expect("json")["access_token"]
        .as_str()
        .expect("token")
        .to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let answers: Arc<Mutex<std::collections::BTreeMap<String, usize>>> = Arc::default();
    let flood: Vec<_> = (0..FLOOD_THREADS)
        .map(|t| {
            let (stop, answers) = (stop.clone(), answers.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let body = format!(
                        "{{\"username\":\"flood-{t}-{n}\",\"password\":\"Wrong-password-{n}\"}}"
                    );
                    let status = http_as(port, "POST", "/api/v1/auth/login", Some(&body), None)
                        .map(|(status, body)| {
                            let problem: serde_json::Value =
                                serde_json::from_str(&body).unwrap_or_default();
                            let wait = problem["retry_after"]
                                .as_u64()
                                .map(|s| format!(" retry after {s} s"))
                                .unwrap_or_default();
                            format!("{status} {}{wait}", problem["code"].as_str().unwrap_or(""))
                        })
                        .unwrap_or_else(|| "no answer".into());
                    *answers.lock().expect("lock").entry(status).or_default() += 1;
                }
            })
        })
        .collect();
    // Let the flood build up before probing (every password check is taken within milliseconds).
    std::thread::sleep(Duration::from_millis(500));

    let probes = [
        ("GET /api/v1/me", "/api/v1/me", Some(token.as_str())),
        ("GET /health/ready", "/health/ready", None),
        (
            "GET /api/v1/public/slaughterhouses",
            "/api/v1/public/slaughterhouses",
            None,
        ),
    ];
    let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); probes.len()];
    let mut failures = Vec::new();
    for round in 0..PROBE_ROUNDS {
        for (i, (name, path, token)) in probes.iter().enumerate() {
            let started = Instant::now();
            // The generous deadline is the helper's read timeout (10 s).
            let answer = http_as(port, "GET", path, None, *token);
            let took = started.elapsed();
            latencies[i].push(took);
            match answer {
                Some((s, _)) if (200..300).contains(&s) => {}
                other => failures.push(format!(
                    "round {round}: {name} answered {:?} after {took:?}",
                    other.map(|(s, b)| (s, b.chars().take(200).collect::<String>()))
                )),
            }
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    stop.store(true, Ordering::Relaxed);
    for t in flood {
        let _ = t.join();
    }
    drop(server);

    for ((name, _, _), l) in probes.iter().zip(latencies.iter_mut()) {
        l.sort();
        eprintln!(
            "during the flood, {name}: median {:?}, p90 {:?}, max {:?} over {} probes",
            percentile(l, 0.5),
            percentile(l, 0.9),
            l.last().copied().unwrap_or_default(),
            l.len()
        );
    }
    eprintln!(
        "flood answers ({FLOOD_THREADS} threads): {:?}",
        answers.lock().expect("lock")
    );
    assert!(
        failures.is_empty(),
        "requests starved during the login flood:\n{}",
        failures.join("\n")
    );
    // The flood reached the password check, and what could not get a check in time was turned away
    // with 503 and Retry-After instead of queueing.
    let answers = answers.lock().expect("lock");
    let count = |prefix: &str| -> usize {
        answers
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    };
    assert!(
        count("401 invalid_credentials") > 0,
        "no attempt reached the password check: {answers:?}"
    );
    assert!(
        count("503 password_checks_busy retry after") > 0,
        "the flood queued for the password check instead of being turned away: {answers:?}"
    );
    assert_eq!(
        count("401 invalid_credentials") + count("503 password_checks_busy retry after"),
        answers.values().sum::<usize>(),
        "{answers:?}"
    );
}
