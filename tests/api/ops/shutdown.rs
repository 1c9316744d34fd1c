//! SIGTERM drains the requests in flight: every request the service had begun before the signal gets its
//! whole answer, the process exits 0 within its shutdown timeout, and the verification counts kept in
//! memory are written before it exits.

use std::io::{BufRead, BufReader, Write};
use std::sync::mpsc;

use diesel::prelude::*;

use super::*;

/// A login sent whole; answers its status and body.
fn login_in_thread(
    port: u16,
    username: String,
    password: String,
    sent: mpsc::Sender<()>,
) -> std::thread::JoinHandle<Option<(u16, String)>> {
    std::thread::spawn(move || {
        let body = serde_json::json!({"username": username, "password": password}).to_string();
        let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
        let req = format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).ok()?;
        let _ = sent.send(());
        read_response(&mut s)
    })
}

#[test]
fn sigterm_answers_every_request_in_flight_then_exits_0_with_the_counts_written() {
    let db = TestDb::new();
    let tmp = tempfile::tempdir().expect("dir");
    let data = tmp.path().join("data");
    let demo: serde_json::Value =
        serde_json::from_str(&run_ok(niuyang(&db.url, &data).args(["demo", "--json"])))
            .expect("demo json");
    let accounts: Vec<(String, String)> = demo["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| {
            (
                a["username"].as_str().unwrap_or_default().to_string(),
                a["password"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let lot = &demo["lots"][0];
    let lot_id = lot["id"].as_str().expect("lot id").to_string();
    let code = lot["trace_code"].as_str().expect("trace code").to_string();
    let shutdown_timeout = 20;
    let mut service = Service::start(
        &db.url,
        &data,
        &[
            // Counts stay in memory until shutdown writes them.
            ("NIUYANG_VERIFY_FLUSH_SECS", "3600".into()),
            ("NIUYANG_RULES_SWEEP_SECS", "0".into()),
            (
                "NIUYANG_SHUTDOWN_TIMEOUT_SECS",
                shutdown_timeout.to_string(),
            ),
            ("NIUYANG_LOG", "info".into()),
        ],
    );
    let port = service.port;

    for _ in 0..3 {
        let (status, body) =
            http(port, "GET", &format!("/api/v1/verify/{code}"), &[], None).expect("verify");
        assert_eq!(status, 200, "{body}");
    }

    // One request the service has certainly begun: it answered `100 Continue` to its head, and its body
    // follows only after the signal.
    let (username, password) = accounts[0].clone();
    let slow_body = serde_json::json!({"username": username, "password": password}).to_string();
    let mut slow = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    slow.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    write!(
        slow,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        slow_body.len()
    )
    .expect("head");
    let mut reader = BufReader::new(slow.try_clone().expect("clone"));
    let mut line = String::new();
    reader.read_line(&mut line).expect("100 Continue");
    assert!(line.starts_with("HTTP/1.1 100"), "{line}");
    reader.read_line(&mut line).expect("blank line");

    // Logins (argon2: tens of ms each) sent whole, all at once.
    let (sent_tx, sent_rx) = mpsc::channel();
    let logins: Vec<_> = accounts
        .iter()
        .cycle()
        .take(12)
        .map(|(u, p)| login_in_thread(port, u.clone(), p.clone(), sent_tx.clone()))
        .collect();
    for _ in 0..logins.len() {
        sent_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("a login was sent");
    }
    // Give the service a moment to accept those connections (a connection still in the listen queue at the
    // signal is not a request in flight).
    std::thread::sleep(Duration::from_millis(50));
    service.terminate();
    let signalled = Instant::now();

    // After the signal: the slow request's body, two seconds later (actix checks its shutdown timeout
    // every second), then its answer.
    std::thread::sleep(Duration::from_secs(2));
    slow.write_all(slow_body.as_bytes()).expect("body");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).expect("answer");
    assert!(
        rest.starts_with("HTTP/1.1 200"),
        "the request begun before the signal: {rest}"
    );
    let answer = rest.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(answer).expect("a whole JSON body");
    assert!(v["access_token"].as_str().is_some_and(|t| !t.is_empty()));

    for (i, t) in logins.into_iter().enumerate() {
        let (status, body) = t
            .join()
            .expect("thread")
            .unwrap_or_else(|| panic!("login {i} got no answer"));
        assert_eq!(status, 200, "login {i}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("login {i}: not a whole body ({e}): {body}"));
        assert!(v["access_token"].as_str().is_some(), "login {i}");
    }

    let status = service
        .wait_exit(Duration::from_secs(shutdown_timeout + 10))
        .expect("the service exits within its shutdown timeout");
    let err = service.stderr();
    assert!(status.success(), "exit status {status:?}\n{err}");
    assert!(
        signalled.elapsed() < Duration::from_secs(shutdown_timeout + 10),
        "exited after {:?}",
        signalled.elapsed()
    );
    assert!(err.contains("SIGTERM received"), "{err}");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing listens any more"
    );

    // The three verifications, counted in memory, were written on the way out.
    let hits: Vec<i64> = {
        use niuyang::schema::verification_counts;
        verification_counts::table
            .filter(verification_counts::lot_id.eq(&lot_id))
            .select(verification_counts::hits)
            .load(&mut db.raw())
            .expect("counts")
    };
    assert_eq!(hits.iter().sum::<i64>(), 3, "{hits:?}");
}
