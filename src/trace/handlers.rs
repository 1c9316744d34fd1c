//! HTTP handlers of the trace: backward and forward, as JSON or (`format=svg`) as a picture.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::backward::BackwardStart;
use super::forward::ForwardStart;
use super::model::TraceGraph;
use crate::error::{AppError, AppResult, Problem};
use crate::policy::{Action, Actor};
use crate::state::AppState;

/// How the answer comes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TraceFormat {
    /// The graph as JSON (default).
    #[default]
    Json,
    /// A picture of the graph, `image/svg+xml`.
    Svg,
}

/// Where to start a backward trace: exactly one of these.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BackwardQuery {
    /// A trace code as printed, typed or scanned (spaces and hyphens allowed).
    pub trace_code: Option<String>,
    /// A purchase ledger entry.
    pub ledger_entry_id: Option<uuid::Uuid>,
    /// A receipt, by id.
    pub receipt_id: Option<uuid::Uuid>,
    /// A receipt, by its number (as printed on it).
    pub receipt_no: Option<String>,
    /// `json` (default) or `svg`.
    #[param(inline)]
    pub format: Option<TraceFormat>,
}

/// Where to start a forward trace: exactly one of these.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ForwardQuery {
    /// An animal certificate (动物A/B).
    pub animal_certificate_id: Option<uuid::Uuid>,
    /// An ear tag, 15 digits.
    pub ear_tag: Option<String>,
    /// A slaughter batch.
    pub batch_id: Option<uuid::Uuid>,
    /// A lot, by id.
    pub lot_id: Option<uuid::Uuid>,
    /// A lot, by its trace code.
    pub trace_code: Option<String>,
    /// `json` (default) or `svg`.
    #[param(inline)]
    pub format: Option<TraceFormat>,
}

fn exactly_one<T>(given: Vec<Option<T>>, names: &str) -> AppResult<T> {
    let mut given: Vec<T> = given.into_iter().flatten().collect();
    if given.len() != 1 {
        return Err(AppError::unprocessable(
            "trace_start_required",
            format!("请给出且只给出一个追溯起点：{names}"),
            format!("give exactly one place to start the trace: {names}"),
        ));
    }
    given
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no start")))
}

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
    let scope = actor.authorize(Action::Trace)?;
    let q = query.into_inner();
    let start = exactly_one(
        vec![
            q.trace_code.map(BackwardStart::TraceCode),
            q.ledger_entry_id
                .map(|i| BackwardStart::LedgerEntry(i.to_string())),
            q.receipt_id
                .map(|i| BackwardStart::ReceiptId(i.to_string())),
            q.receipt_no.map(BackwardStart::ReceiptNo),
        ],
        "trace_code, ledger_entry_id, receipt_id, receipt_no",
    )?;
    let graph = state
        .db
        .snapshot(move |conn| super::backward::trace(conn, &scope, start))
        .await?;
    Ok(answer(graph, q.format))
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
    let scope = actor.authorize(Action::Trace)?;
    let q = query.into_inner();
    let start = exactly_one(
        vec![
            q.animal_certificate_id
                .map(|i| ForwardStart::AnimalCertificate(i.to_string())),
            q.ear_tag.map(ForwardStart::EarTag),
            q.batch_id.map(|i| ForwardStart::Batch(i.to_string())),
            q.lot_id.map(|i| ForwardStart::Lot(i.to_string())),
            q.trace_code.map(ForwardStart::TraceCode),
        ],
        "animal_certificate_id, ear_tag, batch_id, lot_id, trace_code",
    )?;
    let graph = state
        .db
        .snapshot(move |conn| super::forward::trace(conn, &scope, start))
        .await?;
    Ok(answer(graph, q.format))
}
