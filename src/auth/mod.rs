//! Authentication: argon2id passwords, HS256 access tokens, the [`Actor`](crate::policy::Actor) extractor, and
//! failed-login throttling. Authorisation (what an actor may do) lives in `policy.rs`.

pub mod extract;
pub mod handlers;
pub mod password;
pub mod throttle;
pub mod token;

use std::sync::Arc;

use crate::config::AuthSettings;

/// Everything the service needs to authenticate requests; shared by all workers.
pub struct Auth {
    /// Token signing and checking.
    pub tokens: token::TokenKeys,
    /// Failed-login counters.
    pub throttle: throttle::LoginThrottle,
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
            throttle: throttle::LoginThrottle::new(
                settings.login_max_failures_per_account,
                settings.login_max_failures_per_client,
                std::time::Duration::from_secs(settings.login_window_secs),
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
