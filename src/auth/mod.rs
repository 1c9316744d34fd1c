//! Authentication: argon2id passwords (checked a bounded number at a time, outside any database checkout),
//! HS256 access tokens whose lifetime the service caps, the [`Actor`](crate::policy::Actor) extractor, and
//! failed-login throttling that slows attackers without locking accounts. Authorisation (what an actor may
//! do) lives in `policy.rs`.

pub mod checks;
pub mod client;
pub mod extract;
pub mod handlers;
pub mod password;
pub mod throttle;
pub mod throttles;
pub mod token;
pub mod usecases;

use std::sync::Arc;
use std::time::Duration;

use crate::config::AuthSettings;

/// Everything the service needs to authenticate requests; shared by all workers.
pub struct Auth {
    /// Token signing and checking.
    pub tokens: token::TokenKeys,
    /// Failed-login counters.
    pub throttle: throttle::LoginThrottle,
    /// Password checks and hashing, a bounded number at a time.
    pub passwords: checks::PasswordChecks,
    /// Per-client limits of the public endpoints.
    pub limits: crate::limits::RateLimits,
    /// The settings in force.
    pub settings: AuthSettings,
    /// Key that seals stored answers carrying a secret (`crate::idempotency::seal`), derived from the signing
    /// secret so the database alone cannot open them.
    pub answer_seal: [u8; 32],
}

impl Auth {
    /// Build from settings and the signing secret.
    pub fn new(settings: AuthSettings, secret: &[u8]) -> Arc<Auth> {
        Arc::new(Auth {
            tokens: token::TokenKeys::new(secret, settings.token_ttl_secs),
            throttle: throttle::LoginThrottle::new(throttle::Limits {
                free_failures: settings.login_free_failures,
                backoff_max: Duration::from_secs(settings.login_backoff_max_secs),
                forget_after: Duration::from_secs(settings.login_forget_secs),
                per_address: settings.login_max_failures_per_client,
                window: Duration::from_secs(settings.login_window_secs),
            }),
            passwords: checks::PasswordChecks::new(
                settings.password_checks,
                Duration::from_millis(settings.password_check_wait_ms),
            ),
            limits: crate::limits::RateLimits::new(&settings),
            answer_seal: crate::idempotency::seal::derive(
                secret,
                &[b"niuyang idempotency answer seal v1"],
            ),
            settings,
        })
    }
}
