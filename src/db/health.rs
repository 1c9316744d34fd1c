//! What the service knows about its database between requests: is it reachable, is it out of room, and
//! since when. One prober thread per [`super::Db`] confirms an outage and notices the end of it:
//!
//! - a request that meets a dead connection marks the database *suspect* and wakes the prober;
//! - the prober opens a fresh connection (bounded by `connect_timeout`); if that fails the database is
//!   *down*: every request answers 503 at once instead of waiting on the pool, and the outage is logged once;
//! - while down, the prober tries again every [`PROBE_EVERY`]; the first success ends the outage (logged once,
//!   with its length) and bumps the *epoch*, so every connection opened before it is thrown away at its next
//!   checkout instead of failing a request.
//!
//! Running out of room is remembered the same way: a write that fails for want of space marks the storage
//! full, readiness then reports it (re-checking with a small write), and the next write that commits clears it.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

/// How often the prober retries while the database is down.
pub const PROBE_EVERY: Duration = Duration::from_millis(250);

/// The database's state as the service last saw it.
#[derive(Debug, Default)]
pub struct Health {
    /// Is a prober thread watching (the service and tests); one-shot commands have none and never fail fast.
    probing: AtomicBool,
    /// Confirmed unreachable: requests fail at once.
    down: AtomicBool,
    /// Suspected: the prober should look now.
    suspect: AtomicBool,
    /// The last write failed for want of room.
    storage_full: AtomicBool,
    /// Bumped at the end of every outage; connections opened in an older epoch are discarded.
    epoch: AtomicU64,
    /// When the current outage began.
    since: Mutex<Option<Instant>>,
    /// Wakes the prober.
    wake: Condvar,
    wake_lock: Mutex<()>,
}

impl Health {
    /// The current epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Confirmed down (only with a prober watching).
    pub fn is_down(&self) -> bool {
        self.probing.load(Ordering::Acquire) && self.down.load(Ordering::Acquire)
    }

    /// The last write failed for want of room, and none has committed since.
    pub fn is_storage_full(&self) -> bool {
        self.storage_full.load(Ordering::Acquire)
    }

    /// A request met a dead connection or could not get one: let the prober look.
    pub fn suspect(&self) {
        if !self.suspect.swap(true, Ordering::AcqRel) {
            self.wake.notify_all();
        }
    }

    /// A write failed for want of room.
    pub fn storage_is_full(&self) {
        if !self.storage_full.swap(true, Ordering::AcqRel) {
            tracing::error!(
                "the database has no room left: writes are refused until space returns"
            );
        }
    }

    /// A write committed.
    pub fn storage_has_room(&self) {
        if self.storage_full.swap(false, Ordering::AcqRel) {
            tracing::warn!("the database has room again: writes work");
        }
    }

    fn went_down(&self, why: &str) {
        if !self.down.swap(true, Ordering::AcqRel) {
            if let Ok(mut since) = self.since.lock() {
                *since = Some(Instant::now());
            }
            tracing::error!(error = %why, "the database is unavailable: requests answer 503 until it is back");
        }
    }

    fn came_back(&self) {
        self.suspect.store(false, Ordering::Release);
        if self.down.swap(false, Ordering::AcqRel) {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            let lasted = self
                .since
                .lock()
                .ok()
                .and_then(|mut s| s.take())
                .map(|t| t.elapsed().as_secs_f64())
                .unwrap_or_default();
            tracing::warn!(outage_secs = lasted, "the database is available again");
        }
    }

    /// Wait up to `wait`, or until a request suspects the database.
    fn sleep(&self, wait: Duration) {
        let guard = match self.wake_lock.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let _ = self
            .wake
            .wait_timeout_while(guard, wait, |_| !self.suspect.load(Ordering::Acquire));
    }

    /// Start the prober for this health record; `probe` opens and checks one fresh connection. The thread
    /// ends when the last [`super::Db`] holding the record is dropped.
    pub fn spawn_prober(
        self: &Arc<Self>,
        probe: impl Fn() -> Result<(), String> + Send + 'static,
    ) -> std::io::Result<()> {
        self.probing.store(true, Ordering::Release);
        let weak: Weak<Health> = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("db-prober".into())
            .spawn(move || loop {
                let Some(h) = weak.upgrade() else { return };
                let look = h.suspect.load(Ordering::Acquire) || h.down.load(Ordering::Acquire);
                if look {
                    match probe() {
                        Ok(()) => h.came_back(),
                        Err(why) => {
                            h.suspect.store(false, Ordering::Release);
                            h.went_down(&why);
                        }
                    }
                }
                let wait = if h.down.load(Ordering::Acquire) {
                    PROBE_EVERY
                } else {
                    Duration::from_secs(1)
                };
                h.sleep(wait);
            })
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_for(cond: impl Fn() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if cond() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn an_outage_is_confirmed_and_its_end_bumps_the_epoch() {
        let h = Arc::new(Health::default());
        let up = Arc::new(AtomicBool::new(false));
        let u = up.clone();
        h.spawn_prober(move || {
            if u.load(Ordering::Acquire) {
                Ok(())
            } else {
                Err("refused".into())
            }
        })
        .unwrap();
        assert!(!h.is_down());
        h.suspect();
        assert!(wait_for(|| h.is_down()), "the prober confirms the outage");
        assert_eq!(h.epoch(), 0);
        up.store(true, Ordering::Release);
        assert!(wait_for(|| !h.is_down()), "the prober sees the end of it");
        assert_eq!(h.epoch(), 1);
        // A suspicion that the prober does not confirm changes nothing.
        h.suspect();
        std::thread::sleep(Duration::from_millis(100));
        assert!(!h.is_down());
        assert_eq!(h.epoch(), 1);
    }

    #[test]
    fn without_a_prober_nothing_fails_fast() {
        let h = Health::default();
        h.went_down("x");
        assert!(!h.is_down());
    }

    #[test]
    fn storage_full_until_a_write_commits() {
        let h = Health::default();
        h.storage_is_full();
        assert!(h.is_storage_full());
        h.storage_has_room();
        assert!(!h.is_storage_full());
    }
}
