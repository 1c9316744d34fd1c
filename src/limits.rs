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
use crate::refusal::{Code, Refusal};

/// Per-client quotas of the public endpoints.
pub struct RateLimits {
    verify: DefaultKeyedRateLimiter<String>,
    complaints: DefaultKeyedRateLimiter<String>,
    lookups: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    trusted: Vec<std::net::IpAddr>,
}

fn per(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN)
}

impl RateLimits {
    /// Limits from the settings.
    pub fn new(settings: &AuthSettings) -> RateLimits {
        RateLimits {
            verify: RateLimiter::keyed(Quota::per_minute(per(settings.verify_per_minute))),
            complaints: RateLimiter::keyed(Quota::per_hour(per(settings.complaints_per_hour))),
            lookups: RateLimiter::keyed(Quota::per_minute(per(settings.ticket_lookups_per_minute))),
            clock: DefaultClock::default(),
            trusted: settings.trusted_proxies.clone(),
        }
    }

    /// Count one verification by this request's client; 429 beyond the quota.
    pub fn verification(&self, req: &HttpRequest) -> AppResult<()> {
        self.check(&self.verify, req, "查询过于频繁", "too many requests")
    }

    /// Count one complaint filed by this request's client; 429 beyond the quota.
    pub fn complaint(&self, req: &HttpRequest) -> AppResult<()> {
        self.check(
            &self.complaints,
            req,
            "提交举报过于频繁",
            "too many complaints from this address",
        )
    }

    /// Count one ticket look-up or reward claim by this request's client; 429 beyond the quota.
    pub fn lookup(&self, req: &HttpRequest) -> AppResult<()> {
        self.check(
            &self.lookups,
            req,
            "查询举报过于频繁",
            "too many ticket look-ups",
        )
    }

    fn check(
        &self,
        limiter: &DefaultKeyedRateLimiter<String>,
        req: &HttpRequest,
        zh: &str,
        en: &str,
    ) -> AppResult<()> {
        let client = crate::auth::client::client_address(req, &self.trusted);
        if limiter.len() > 100_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until
                .wait_time_from(self.clock.now())
                .max(Duration::from_secs(1))
                .as_secs()
                .max(1);
            AppError::from(
                Refusal::of(Code::TooManyRequests)
                    .with("what", zh)
                    .with("what_en", en)
                    .with("wait", wait)
                    .retry_after(wait),
            )
        })
    }
}
