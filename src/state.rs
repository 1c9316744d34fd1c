//! The shared state every request handler and page can reach. It lives in its own low module so that the
//! features can use it without importing `app.rs`, which mounts every feature's routes (an import cycle).

use std::sync::Arc;

use crate::auth::Auth;
use crate::config::RuleSettings;
use crate::db::Db;

/// What every request handler can reach.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Authentication.
    pub auth: Arc<Auth>,
    /// Rule parameters and public addresses.
    pub rules: Arc<RuleSettings>,
    /// Verification answers, emptied on every recall and disposal.
    pub verify_cache: Arc<crate::verify::cache::VerificationCache>,
    /// Verifications counted and not yet written.
    pub verify_counter: Arc<crate::verify::counter::VerificationCounter>,
    /// Metrics for `/metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
}
