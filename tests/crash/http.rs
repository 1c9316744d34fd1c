//! A small HTTP/1.1 client over a fresh loopback connection per request (`Connection: close`), and the
//! server process the harness kills and restarts.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_niuyang");

/// One request. `Err` when there was no answer (refused, reset, cut off, timed out).
pub fn send(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, Value), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s =
        TcpStream::connect_timeout(&addr, Duration::from_secs(2)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let body = body.unwrap_or("");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(k) = key {
        head.push_str(&format!("Idempotency-Key: {k}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    s.write_all(body.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no complete answer")?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status")?;
    let length = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    });
    if length.is_some_and(|n| n != body.len()) {
        return Err("answer cut off".into());
    }
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).map_err(|e| format!("{e}: {body}"))?
    };
    Ok((status, json))
}

/// GET as a token; panics unless 200.
pub fn get(port: u16, path: &str, token: &str) -> Value {
    match send(port, "GET", path, Some(token), None, None) {
        Ok((200, v)) => v,
        other => panic!("GET {path}: {other:?}"),
    }
}

/// POST without a key during setup (no kills then); panics unless 201.
pub fn create(port: u16, path: &str, token: &str, body: &Value) -> Value {
    match send(
        port,
        "POST",
        path,
        Some(token),
        None,
        Some(&body.to_string()),
    ) {
        Ok((201, v)) => v,
        other => panic!("POST {path}: {other:?}"),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The binary with the test's database and data folder; logs (warnings only) go to a file there.
pub fn niuyang(url: &str, data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("NIUYANG_ADMIN_PASSWORD")
        .env_remove("NIUYANG_JWT_SECRET")
        .env("NIUYANG_DATABASE_URL", url)
        .env("NIUYANG_DATA_DIR", data_dir)
        .env("NIUYANG_LOG", "warn")
        .env("NIUYANG_COMPLAINTS_PER_HOUR", "1000000");
    cmd
}

/// The service, on a fresh loopback port each start.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(url: &str, data_dir: &Path) -> Server {
        let port = free_port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.join("service.log"))
            .expect("log file");
        let child = niuyang(url, data_dir)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("spawn the service");
        let mut server = Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok((200, _)) = send(port, "GET", "/health/ready", None, None, None) {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the service exited at start: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        server.kill();
        panic!("the service did not become ready");
    }

    /// SIGKILL, and reap it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
