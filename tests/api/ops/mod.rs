//! Operations: metrics, backup and restore, private files, and shutdown, tried through the real binary
//! where that is what an operator would do.

pub mod backup;
pub mod files;
pub mod metrics;
pub mod shutdown;

use std::io::Read;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

pub const BIN: &str = env!("CARGO_BIN_EXE_niuyang");

/// The binary with this database and data folder and nothing from the caller's environment that matters.
pub fn niuyang(url: &str, data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("NIUYANG_ADMIN_PASSWORD")
        .env_remove("NIUYANG_JWT_SECRET")
        .env_remove("NIUYANG_METRICS_TOKEN")
        .env_remove("NIUYANG_METRICS_BIND")
        .env("NIUYANG_DATABASE_URL", url)
        .env("NIUYANG_DATA_DIR", data_dir)
        .env("NIUYANG_LOG", "warn");
    cmd
}

/// Run a command to its end; panics with its output when it fails.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?} exited {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The permission bits of a file or folder.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

pub use crate::wire::free_port;

/// One HTTP/1.1 request over a fresh connection, with extra header lines; returns status and body.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Option<(u16, String)> {
    crate::wire::request(port, method, path, headers, body, Duration::from_secs(30))
        .map(|a| (a.status, a.body))
}

/// Read a whole `Connection: close` response.
pub fn read_response(s: &mut TcpStream) -> Option<(u16, String)> {
    crate::wire::read_answer(s).map(|a| (a.status, a.body))
}

/// The service, started from the binary.
pub struct Service {
    pub child: Child,
    pub port: u16,
}

impl Service {
    /// Start `serve` with these extra variables and wait until it is ready.
    pub fn start(url: &str, data_dir: &Path, env: &[(&str, String)]) -> Service {
        let port = free_port();
        let mut cmd = niuyang(url, data_dir);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some((200, _)) = http(port, "GET", "/health/ready", &[], None) {
                return Service { child, port };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the service exited at start: {status:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the service did not start");
    }

    /// Send SIGTERM (through `kill`, as an init system would).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Wait for the process to exit, up to `limit`; `None` if it is still running then.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Standard error so far (after the process ended).
    pub fn stderr(&mut self) -> String {
        let mut err = String::new();
        if let Some(mut s) = self.child.stderr.take() {
            let _ = s.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
