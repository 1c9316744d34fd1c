//! Password checks and hashing, bounded. Argon2id costs tens of milliseconds of CPU and about 19 MiB per
//! call, so it runs on the blocking pool, never while holding a database connection (callers read the row,
//! give the connection back, then check), and only a bounded number at a time. A caller that cannot get a
//! turn within a short wait is answered 503 `password_checks_busy` with `Retry-After` instead of joining a
//! queue without bound: a flood of logins then costs a fixed amount of CPU and memory and no connections,
//! and the rest of the service keeps answering.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::password;
use crate::error::{AppError, AppResult};
use crate::refusal::{Code, Refusal};

/// Seconds a client turned away is told to wait.
const RETRY_AFTER_SECS: u64 = 1;

/// The bounded pool of password checks shared by every worker.
pub struct PasswordChecks {
    permits: Arc<Semaphore>,
    size: usize,
    wait: Duration,
}

impl PasswordChecks {
    /// `size` checks at once (0: one per CPU core); a caller waits at most `wait` for a turn.
    pub fn new(size: usize, wait: Duration) -> PasswordChecks {
        let size = if size == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            size
        };
        PasswordChecks {
            permits: Arc::new(Semaphore::new(size)),
            size,
            wait,
        }
    }

    /// How many checks may run at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// How many are running (or held) now.
    pub fn in_use(&self) -> usize {
        self.size.saturating_sub(self.permits.available_permits())
    }

    /// A turn: within the configured wait, or 503 `password_checks_busy` with `Retry-After`.
    pub async fn turn(&self) -> AppResult<OwnedSemaphorePermit> {
        let acquire = self.permits.clone().acquire_owned();
        match tokio::time::timeout(self.wait, acquire).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_closed)) => Err(AppError::Internal(anyhow::anyhow!(
                "password checks closed"
            ))),
            Err(_elapsed) => Err(busy()),
        }
    }

    /// Does `password` match `stored` (a PHC string)? With `None` (no such account) the check runs against
    /// a hash no password matches, so that timing does not tell which accounts exist.
    pub async fn verify(&self, password: String, stored: Option<String>) -> AppResult<bool> {
        self.run(move || {
            Ok(password::verify(
                &password,
                stored.as_deref().unwrap_or(password::dummy_hash()),
            ))
        })
        .await
    }

    /// Hash a new password (argon2id, fresh salt).
    pub async fn hash(&self, password: String) -> AppResult<String> {
        self.run(move || password::hash(&password)).await
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> AppResult<T> + Send + 'static,
    ) -> AppResult<T> {
        let permit = self.turn().await?;
        // The permit moves with the work: if the client goes away, the turn ends when the work does.
        tokio::task::spawn_blocking(move || {
            let out = f();
            drop(permit);
            out
        })
        .await
        .map_err(AppError::internal_from)?
    }
}

fn busy() -> AppError {
    Refusal::of(Code::PasswordChecksBusy)
        .with("seconds", RETRY_AFTER_SECS)
        .retry_after(RETRY_AFTER_SECS)
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_run_and_a_caller_without_a_turn_is_turned_away() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(turned_away());
    }

    async fn turned_away() {
        let checks = PasswordChecks::new(1, Duration::from_millis(50));
        assert_eq!(checks.size(), 1);
        let h = checks.hash("Correct-Horse-9".into()).await.unwrap();
        assert!(checks
            .verify("Correct-Horse-9".into(), Some(h.clone()))
            .await
            .unwrap());
        assert!(!checks.verify("wrong".into(), Some(h)).await.unwrap());
        assert!(!checks.verify("anything".into(), None).await.unwrap());
        assert_eq!(checks.in_use(), 0);

        let held = checks.turn().await.unwrap();
        assert_eq!(checks.in_use(), 1);
        let e = checks.verify("x".into(), None).await.unwrap_err();
        let p = e.problem();
        assert_eq!((p.status, p.code.as_str()), (503, "password_checks_busy"));
        assert_eq!(p.retry_after, Some(RETRY_AFTER_SECS));
        drop(held);
        assert!(checks.turn().await.is_ok());
    }

    #[test]
    fn zero_means_one_per_core() {
        assert!(PasswordChecks::new(0, Duration::ZERO).size() >= 1);
    }
}
