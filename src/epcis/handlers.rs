//! HTTP handler of the EPCIS 2.0 export.

use actix_web::{get, web, HttpResponse};

use super::usecases::{self, ExportQuery};
use crate::error::{AppResult, Problem};
use crate::policy::Actor;
use crate::state::AppState;

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
    let doc = usecases::export(&state, &actor, query.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/ld+json")
        .json(doc))
}
