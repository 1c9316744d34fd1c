//! What can be exported as EPCIS 2.0: the chain's events in a time range, within the caller's scope.

use serde::Deserialize;
use utoipa::IntoParams;

use super::range::TimeRange;
use super::{document, queries};
use crate::error::AppResult;
use crate::policy::{Action, Actor};
use crate::state::AppState;

/// The range of an export (docs/epcis.md, "Ranges").
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Start: a China calendar day (`2026-11-21`, from its first instant) or an RFC 3339 time with offset.
    /// Default: 7 days before the end.
    pub from: Option<String>,
    /// End: a China calendar day (inclusive, to its last instant) or an RFC 3339 time (exclusive).
    /// Default: now. At most 31 days after `from`.
    pub to: Option<String>,
}

/// The chain's events in the range as an EPCIS 2.0 document (JSON-LD), within the caller's scope.
pub async fn export(
    state: &AppState,
    actor: &Actor,
    q: ExportQuery,
) -> AppResult<serde_json::Value> {
    let scope = actor.authorize(Action::ExportEpcis)?;
    let now = crate::time::now();
    let range = TimeRange::parse(q.from.as_deref(), q.to.as_deref(), now)?;
    let base = state.rules.public_base_url.clone();
    state
        .db
        .read(move |conn| {
            let records = queries::load(conn, &range)?;
            document::build(&base, &records, &scope, &range, now)
        })
        .await
}
