//! Failed-login throttling that slows an attacker down without locking the real user out.
//!
//! Two counters, both in memory (one service instance; a restart forgets them):
//! - **Per account and address.** The first `free_failures` wrong passwords of a pair cost nothing; after
//!   that the pair must wait 1 s, 2 s, 4 s, ... (doubling with each further failure, up to `backoff_max`)
//!   before its next attempt, and is answered 429 with `Retry-After` meanwhile. A success clears the pair;
//!   a pair with no failure for `forget_after` is forgotten.
//! - **Per address, across accounts.** More than `per_address` failures within `window` (an address
//!   trying many accounts) and the address waits until the oldest leaves the window.
//!
//! There is deliberately no per-account lock: whoever fails from one address slows only that address, so
//! an anonymous caller cannot lock an administrator or a regulator out, and the real user logs in from
//! their own address as usual. Guessing from many addresses at once is left to the password rule (10
//! characters or more, argon2id) and to the bounded password checks (`checks.rs`).
//!
//! An attempt is counted when it starts ([`LoginThrottle::begin`]), so concurrent attempts cannot slip past
//! the count while their passwords are checked; an attempt that ends undecided (the check was busy, the
//! database failed) is taken back. Addresses are IPv4 addresses as such and IPv6 addresses by their /64
//! prefix (one subscriber's allocation). Memory stays bounded: entries are pruned as they age, and at most
//! [`MAX_ENTRIES`] of each kind are kept, the least recently failed going first. Administrators list and
//! clear entries (`throttles.rs`).
//!
//! The client address is the peer's, unless the peer is a configured trusted proxy: then it is the
//! right-most address in `X-Forwarded-For` that is not itself a trusted proxy.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

/// Most pairs, and most addresses, kept in memory.
pub const MAX_ENTRIES: usize = 100_000;

/// How often aged entries are swept out.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// The throttle's parameters (from `AuthSettings`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures of one account-and-address pair before it is slowed down.
    pub free_failures: u32,
    /// Longest wait of a pair.
    pub backoff_max: Duration,
    /// A pair with no failure for this long is forgotten.
    pub forget_after: Duration,
    /// Failures of one address, across accounts, within `window`.
    pub per_address: u32,
    /// The per-address window.
    pub window: Duration,
}

struct Pair {
    failures: u32,
    last: Instant,
    last_at: NaiveDateTime,
}

struct Address {
    failures: VecDeque<Instant>,
    last_at: NaiveDateTime,
}

#[derive(Default)]
struct State {
    pairs: HashMap<(String, String), Pair>,
    addresses: HashMap<String, Address>,
    last_prune: Option<Instant>,
}

/// Failure counters per account-and-address pair and per address.
pub struct LoginThrottle {
    limits: Limits,
    state: Mutex<State>,
}

/// A login attempt under way, counted as a failure until it is decided. Dropped undecided, it is taken
/// back.
#[must_use = "decide the attempt with failed() or succeeded()"]
pub struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    account: String,
    address: String,
    at: Instant,
    decided: bool,
}

impl Attempt<'_> {
    /// The password was wrong: the failure stays counted.
    pub fn failed(mut self) {
        self.decided = true;
        let st = self.throttle.lock();
        if let Some(p) = st.pairs.get(&(self.account.clone(), self.address.clone())) {
            if p.failures == self.throttle.limits.free_failures {
                tracing::warn!(account = %self.account, address = %self.address, failures = p.failures,
                    "repeated failed logins: this account and address are now slowed down");
            }
        }
    }

    /// The password was right: the pair starts again from zero; the address's count drops this attempt.
    pub fn succeeded(mut self) {
        self.decided = true;
        let mut st = self.throttle.lock();
        st.pairs
            .remove(&(self.account.clone(), self.address.clone()));
        take_back_address(&mut st, &self.address, self.at);
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if self.decided {
            return;
        }
        let mut st = self.throttle.lock();
        let key = (self.account.clone(), self.address.clone());
        if let Some(p) = st.pairs.get_mut(&key) {
            p.failures = p.failures.saturating_sub(1);
            if p.failures == 0 {
                st.pairs.remove(&key);
            }
        }
        take_back_address(&mut st, &self.address, self.at);
    }
}

fn take_back_address(st: &mut State, address: &str, at: Instant) {
    if let Some(a) = st.addresses.get_mut(address) {
        if let Some(i) = a.failures.iter().rposition(|t| *t == at) {
            a.failures.remove(i);
        }
        if a.failures.is_empty() {
            st.addresses.remove(address);
        }
    }
}

/// One account-and-address pair as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairView {
    /// Login name as typed (lower-case; the account may not exist).
    pub account: String,
    /// Client address (IPv6: its /64 prefix).
    pub address: String,
    /// Failures counted.
    pub failures: u32,
    /// Seconds before the pair may try again (0: it may now).
    pub wait_secs: u64,
    /// When the last failure was (UTC).
    pub last_failure_at: NaiveDateTime,
}

/// One address as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressView {
    /// Client address (IPv6: its /64 prefix).
    pub address: String,
    /// Failures within the window.
    pub failures: u32,
    /// Seconds before the address may try again (0: it may now).
    pub wait_secs: u64,
    /// When the last failure was (UTC).
    pub last_failure_at: NaiveDateTime,
}

/// What a clearing removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleared {
    /// Account-and-address pairs removed.
    pub pairs: usize,
    /// Addresses removed.
    pub addresses: usize,
}

/// Whole seconds to announce for a wait (at least 1).
fn secs(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

impl LoginThrottle {
    /// New, empty counters.
    pub fn new(limits: Limits) -> LoginThrottle {
        LoginThrottle {
            limits,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn pair_wait(&self, p: &Pair, now: Instant) -> Duration {
        let Some(over) = p.failures.checked_sub(self.limits.free_failures) else {
            return Duration::ZERO;
        };
        let backoff = Duration::from_secs(1u64 << over.min(32)).min(self.limits.backoff_max);
        (p.last + backoff).saturating_duration_since(now)
    }

    fn address_wait(&self, a: &mut Address, now: Instant) -> Duration {
        let window = self.limits.window;
        while a
            .failures
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            a.failures.pop_front();
        }
        match a.failures.front() {
            Some(oldest) if a.failures.len() as u64 >= u64::from(self.limits.per_address) => {
                window.saturating_sub(now.duration_since(*oldest))
            }
            _ => Duration::ZERO,
        }
    }

    /// Before checking a password: the seconds to wait (for 429 `Retry-After`) when this account or this
    /// address must wait; otherwise the attempt, counted as a failure until decided.
    pub fn begin(&self, account: &str, client: &str) -> Result<Attempt<'_>, u64> {
        self.begin_at(account, client, Instant::now())
    }

    fn begin_at(&self, account: &str, client: &str, now: Instant) -> Result<Attempt<'_>, u64> {
        let account = account.trim().to_lowercase();
        let address = address_key(client);
        let mut st = self.lock();
        let key = (account.clone(), address.clone());
        let pair_wait = st
            .pairs
            .get(&key)
            .map_or(Duration::ZERO, |p| self.pair_wait(p, now));
        let address_wait = st
            .addresses
            .get_mut(&address)
            .map_or(Duration::ZERO, |a| self.address_wait(a, now));
        let wait = pair_wait.max(address_wait);
        if !wait.is_zero() {
            return Err(secs(wait));
        }
        let at = crate::time::now();
        let p = st.pairs.entry(key).or_insert(Pair {
            failures: 0,
            last: now,
            last_at: at,
        });
        p.failures += 1;
        (p.last, p.last_at) = (now, at);
        let a = st.addresses.entry(address.clone()).or_insert(Address {
            failures: VecDeque::new(),
            last_at: at,
        });
        a.failures.push_back(now);
        a.last_at = at;
        self.prune(&mut st, now);
        Ok(Attempt {
            throttle: self,
            account,
            address,
            at: now,
            decided: false,
        })
    }

    fn prune(&self, st: &mut State, now: Instant) {
        let due = st
            .last_prune
            .is_none_or(|t| now.duration_since(t) >= PRUNE_EVERY);
        if due || st.pairs.len() > MAX_ENTRIES || st.addresses.len() > MAX_ENTRIES {
            let forget = self.limits.forget_after.max(self.limits.backoff_max);
            st.pairs.retain(|_, p| now.duration_since(p.last) < forget);
            let window = self.limits.window;
            st.addresses.retain(|_, a| {
                a.failures
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
            st.last_prune = Some(now);
        }
        while st.pairs.len() > MAX_ENTRIES {
            let oldest = st
                .pairs
                .iter()
                .min_by_key(|(_, p)| p.last)
                .map(|(k, _)| k.clone());
            let Some(k) = oldest else { break };
            st.pairs.remove(&k);
        }
        while st.addresses.len() > MAX_ENTRIES {
            let oldest = st
                .addresses
                .iter()
                .min_by_key(|(_, a)| a.failures.back().copied())
                .map(|(k, _)| k.clone());
            let Some(k) = oldest else { break };
            st.addresses.remove(&k);
        }
    }

    /// Every pair and address with failures counted, those waiting longest first.
    pub fn entries(&self) -> (Vec<PairView>, Vec<AddressView>) {
        self.entries_at(Instant::now())
    }

    fn entries_at(&self, now: Instant) -> (Vec<PairView>, Vec<AddressView>) {
        let mut st = self.lock();
        let mut pairs: Vec<PairView> = st
            .pairs
            .iter()
            .map(|((account, address), p)| PairView {
                account: account.clone(),
                address: address.clone(),
                failures: p.failures,
                wait_secs: match self.pair_wait(p, now) {
                    w if w.is_zero() => 0,
                    w => secs(w),
                },
                last_failure_at: p.last_at,
            })
            .collect();
        let mut addresses = Vec::new();
        for (address, a) in st.addresses.iter_mut() {
            let wait = self.address_wait(a, now);
            if a.failures.is_empty() {
                continue;
            }
            addresses.push(AddressView {
                address: address.clone(),
                failures: a.failures.len() as u32,
                wait_secs: if wait.is_zero() { 0 } else { secs(wait) },
                last_failure_at: a.last_at,
            });
        }
        pairs.sort_by(|a, b| {
            (b.wait_secs, b.failures, &a.account, &a.address).cmp(&(
                a.wait_secs,
                a.failures,
                &b.account,
                &b.address,
            ))
        });
        addresses.sort_by(|a, b| {
            (b.wait_secs, b.failures, &a.address).cmp(&(a.wait_secs, a.failures, &b.address))
        });
        (pairs, addresses)
    }

    /// Forget failures: an account's pairs (from every address), an address (its count and every pair from
    /// it), or with both, that one pair.
    pub fn clear(&self, account: Option<&str>, address: Option<&str>) -> Cleared {
        if account.is_none() && address.is_none() {
            return Cleared::default();
        }
        let account = account.map(|a| a.trim().to_lowercase());
        let address = address.map(address_key);
        let mut st = self.lock();
        let before = st.pairs.len();
        st.pairs.retain(|(acc, addr), _| {
            let hit = account.as_ref().is_none_or(|a| a == acc)
                && address.as_ref().is_none_or(|a| a == addr);
            !hit
        });
        let pairs = before - st.pairs.len();
        let addresses = match (&account, &address) {
            (None, Some(a)) => usize::from(st.addresses.remove(a).is_some()),
            _ => 0,
        };
        Cleared { pairs, addresses }
    }
}

/// The key an address counts under: an IPv4 address as such, an IPv6 address by its /64 prefix, anything
/// else (`unknown`) as given.
pub fn address_key(client: &str) -> String {
    match client.trim().parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
        Ok(ip) => ip.to_string(),
        Err(_) => client.trim().to_string(),
    }
}

#[cfg(test)]
#[path = "throttle_tests.rs"]
mod tests;
