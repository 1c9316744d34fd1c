//! HTTP handlers of the trace: backward and forward, as JSON or (`format=svg`) as a picture.

use actix_web::{get, web, HttpResponse};

use super::model::TraceGraph;
use super::usecases::{self, BackwardQuery, ForwardQuery, TraceFormat};
use crate::error::{AppResult, Problem};
use crate::policy::Actor;
use crate::state::AppState;

fn answer(graph: TraceGraph, format: Option<TraceFormat>) -> HttpResponse {
    match format.unwrap_or_default() {
        TraceFormat::Json => HttpResponse::Ok().json(graph),
        TraceFormat::Svg => HttpResponse::Ok()
            .content_type("image/svg+xml; charset=utf-8")
            .body(super::svg::render(&graph)),
    }
}

/// Trace backward from a trace code, a ledger entry or a receipt to the lots it was cut from, the batch, the
/// slaughterhouse and its certificates, the intakes, the animal certificates with their origin and the ear
/// tags seen at intake, with the shipments and holders that brought it there. Slaughter and market
/// regulators and inspectors; district-level ones only from a record of their district (else 404).
/// `format=svg` answers with a picture of the graph.
#[utoipa::path(
    tag = "trace",
    params(BackwardQuery),
    responses(
        (status = 200, description = "the graph; a picture with format=svg",
         content((TraceGraph = "application/json"), (String = "image/svg+xml"))),
        (status = 400, description = "invalid_query (a malformed id or an unknown parameter)", body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "not_found, unknown_code", body = Problem),
        (status = 422, description = "trace_start_required, mistyped_code, invalid_code", body = Problem),
    ),
    security(("bearer" = []))
)]
#[get("/trace/backward")]
pub async fn backward(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<BackwardQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let format = q.format;
    let graph = usecases::backward(&state, &actor, q).await?;
    Ok(answer(graph, format))
}

/// Trace forward from an animal certificate, an ear tag, a batch or a lot to every lot made of it (child lots
/// included), every shipment (any number of onward hops), ledger entry, receipt, disposal and recall, with
/// what each holder still has (`holdings` on organisation nodes). Slaughter and market regulators and
/// inspectors; district-level ones only from a record of their district (else 404). `format=svg` answers
/// with a picture of the graph.
#[utoipa::path(
    tag = "trace",
    params(ForwardQuery),
    responses(
        (status = 200, description = "the graph; a picture with format=svg",
         content((TraceGraph = "application/json"), (String = "image/svg+xml"))),
        (status = 400, description = "invalid_query (a malformed id or an unknown parameter)", body = Problem),
        (status = 403, body = Problem),
        (status = 404, description = "not_found, unknown_code", body = Problem),
        (status = 422, description = "trace_start_required, invalid_ear_tag, mistyped_code, invalid_code", body = Problem),
    ),
    security(("bearer" = []))
)]
#[get("/trace/forward")]
pub async fn forward(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ForwardQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let format = q.format;
    let graph = usecases::forward(&state, &actor, q).await?;
    Ok(answer(graph, format))
}
