//! HTTP handler of the EPCIS 2.0 export.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::range::TimeRange;
use super::{document, queries};
use crate::error::{AppResult, Problem};
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

/// The chain as an EPCIS 2.0 document (JSON-LD; inspectors and regulators, within their scope): lots
/// commissioned at slaughter, quarantine and inspection, shipping, receiving, destroying, recalls and
/// splits, each event identified by its CBV 2.0 event hash ID and sorted by event time, then ID.
#[utoipa::path(
    tag = "epcis",
    params(ExportQuery),
    responses(
        (status = 200, content_type = "application/ld+json", body = Object,
         description = "EPCISDocument (GS1 EPCIS 2.0 JSON-LD)"),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "invalid_time, range_inverted, range_too_long, too_many_events", body = Problem),
    ),
    security(("bearer" = []))
)]
#[get("/epcis/events")]
pub async fn export(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ExportQuery>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::ExportEpcis)?;
    let q = query.into_inner();
    let now = crate::time::now();
    let range = TimeRange::parse(q.from.as_deref(), q.to.as_deref(), now)?;
    let base = state.rules.public_base_url.clone();
    let doc = state
        .db
        .read(move |conn| {
            let records = queries::load(conn, &range)?;
            document::build(&base, &records, &scope, &range, now)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .json(doc))
}
