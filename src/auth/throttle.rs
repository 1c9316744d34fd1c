//! Failed-login throttling: more than N failures for one account, or M from one client address, within a
//! sliding window, and further attempts get 429 with `Retry-After` until the oldest failure leaves the
//! window. A successful login clears the account's failures. Counters live in memory (one service instance;
//! a restart forgets them) and are pruned as they age, so memory stays bounded by recent failures.
//!
//! The client address is the peer's, unless the peer is a configured trusted proxy: then it is the
//! right-most address in `X-Forwarded-For` that is not itself a trusted proxy.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;

/// Failure counters per account and per client.
pub struct LoginThrottle {
    max_per_account: u32,
    max_per_client: u32,
    window: Duration,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    accounts: HashMap<String, VecDeque<Instant>>,
    clients: HashMap<String, VecDeque<Instant>>,
    last_prune: Option<Instant>,
}

fn trim(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
        q.pop_front();
    }
}

impl LoginThrottle {
    /// New, empty counters.
    pub fn new(max_per_account: u32, max_per_client: u32, window: Duration) -> LoginThrottle {
        LoginThrottle {
            max_per_account,
            max_per_client,
            window,
            state: Mutex::new(State::default()),
        }
    }

    /// Before checking a password: `Some(seconds)` when this account or client must wait.
    pub fn blocked(&self, account: &str, client: &str) -> Option<u64> {
        let now = Instant::now();
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let window = self.window;
        let wait = |q: Option<&mut VecDeque<Instant>>, max: u32| -> Option<u64> {
            let q = q?;
            trim(q, now, window);
            if q.len() as u32 >= max {
                let oldest = *q.front()?;
                let left = window.saturating_sub(now.duration_since(oldest));
                Some(left.as_secs().max(1))
            } else {
                None
            }
        };
        let a = wait(
            st.accounts.get_mut(&account.to_lowercase()),
            self.max_per_account,
        );
        let c = wait(st.clients.get_mut(client), self.max_per_client);
        a.max(c)
    }

    /// Count a failed attempt.
    pub fn failed(&self, account: &str, client: &str) {
        let now = Instant::now();
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.accounts
            .entry(account.to_lowercase())
            .or_default()
            .push_back(now);
        st.clients
            .entry(client.to_string())
            .or_default()
            .push_back(now);
        if st
            .last_prune
            .is_none_or(|t| now.duration_since(t) >= self.window)
        {
            let window = self.window;
            st.accounts.retain(|_, q| {
                trim(q, now, window);
                !q.is_empty()
            });
            st.clients.retain(|_, q| {
                trim(q, now, window);
                !q.is_empty()
            });
            st.last_prune = Some(now);
        }
    }

    /// A successful login clears the account's failures (not the client's).
    pub fn succeeded(&self, account: &str) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.accounts.remove(&account.to_lowercase());
    }
}

/// The client address of a request, believing `X-Forwarded-For` only from trusted proxies.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_string();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(&peer)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_and_success_clears_account() {
        let t = LoginThrottle::new(2, 3, Duration::from_secs(60));
        assert_eq!(t.blocked("Alice", "1.1.1.1"), None);
        t.failed("alice", "1.1.1.1");
        t.failed("ALICE", "1.1.1.1");
        let wait = t.blocked("alice", "2.2.2.2").unwrap();
        assert!((1..=60).contains(&wait));
        t.succeeded("alice");
        assert_eq!(t.blocked("alice", "2.2.2.2"), None);
        // The client still has two failures; one more blocks it for any account.
        t.failed("bob", "1.1.1.1");
        assert!(t.blocked("carol", "1.1.1.1").is_some());
        assert!(t.blocked("carol", "2.2.2.2").is_none());
    }

    #[test]
    fn failures_leave_the_window() {
        let t = LoginThrottle::new(1, 10, Duration::from_millis(30));
        t.failed("a", "c");
        assert!(t.blocked("a", "c").is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert!(t.blocked("a", "c").is_none());
    }

    #[test]
    fn forwarded_header_only_from_trusted_proxy() {
        use actix_web::test::TestRequest;
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr("10.0.0.1:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.9, 10.0.0.1"))
            .to_http_request();
        assert_eq!(client_address(&req, &[proxy]), "203.0.113.9");
        assert_eq!(client_address(&req, &[]), "10.0.0.1");
        let direct = TestRequest::default()
            .peer_addr("198.51.100.7:5000".parse().unwrap())
            .insert_header(("x-forwarded-for", "203.0.113.9"))
            .to_http_request();
        assert_eq!(client_address(&direct, &[proxy]), "198.51.100.7");
    }
}
