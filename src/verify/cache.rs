//! The verification cache: answers by code for a short time, emptied at once by a recall or a disposal, and
//! never carried over to another day (a lot expires at midnight, China time).

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;

use super::model::Verification;

/// Cached answers.
pub struct VerificationCache {
    inner: moka::sync::Cache<String, (NaiveDate, Cached)>,
}

/// One cached answer, with its JSON already written (serving it is then a reference-count increment).
#[derive(Clone)]
pub struct Cached {
    /// The answer.
    pub verification: Arc<Verification>,
    /// The answer as JSON.
    pub json: actix_web::web::Bytes,
}

impl VerificationCache {
    /// A cache of up to `capacity` answers, each kept at most `ttl`.
    pub fn new(capacity: u64, ttl: Duration) -> VerificationCache {
        VerificationCache {
            inner: moka::sync::Cache::builder()
                .max_capacity(capacity)
                .time_to_live(ttl)
                .build(),
        }
    }

    /// The answer for `code`, if cached today.
    pub fn get(&self, code: &str, today: NaiveDate) -> Option<Cached> {
        match self.inner.get(code) {
            Some((day, v)) if day == today => Some(v),
            _ => None,
        }
    }

    /// Keep an answer.
    pub fn put(&self, code: String, today: NaiveDate, v: Cached) {
        self.inner.insert(code, (today, v));
    }

    /// Forget everything: a lot was recalled or disposed of (a recall reaches every lot split from it, so the
    /// whole cache goes; recalls are rare).
    pub fn invalidate_all(&self) {
        self.inner.invalidate_all();
    }
}

impl Default for VerificationCache {
    fn default() -> Self {
        VerificationCache::new(200_000, Duration::from_secs(60))
    }
}
