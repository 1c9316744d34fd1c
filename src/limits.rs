//! Abuse limits on public endpoints: requests per client address (believing `X-Forwarded-For` only from
//! trusted proxies), answered with 429 and `Retry-After` beyond the quota. Counters live in memory and are
//! pruned as they age.

use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::HttpRequest;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::AuthSettings;
use crate::error::{AppError, AppResult};

/// Per-client quotas of the public endpoints.
pub struct RateLimits {
    verify: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    trusted: Vec<std::net::IpAddr>,
}

impl RateLimits {
    /// Limits from the settings.
    pub fn new(settings: &AuthSettings) -> RateLimits {
        let per_minute =
            NonZeroU32::new(settings.verify_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        RateLimits {
            verify: RateLimiter::keyed(Quota::per_minute(per_minute)),
            clock: DefaultClock::default(),
            trusted: settings.trusted_proxies.clone(),
        }
    }

    /// Count one verification by this request's client; 429 beyond the quota.
    pub fn verification(&self, req: &HttpRequest) -> AppResult<()> {
        let client = crate::auth::throttle::client_address(req, &self.trusted);
        if self.verify.len() > 100_000 {
            self.verify.retain_recent();
        }
        self.verify.check_key(&client).map_err(|not_until| {
            let wait = not_until
                .wait_time_from(self.clock.now())
                .max(Duration::from_secs(1));
            AppError::too_many(
                "too_many_requests",
                wait.as_secs().max(1),
                format!("查询过于频繁，请 {} 秒后再试", wait.as_secs().max(1)),
                format!(
                    "too many requests; try again in {} s",
                    wait.as_secs().max(1)
                ),
            )
        })
    }
}
