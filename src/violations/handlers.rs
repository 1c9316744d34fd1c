//! HTTP handlers reading violations (list with cursor paging, one violation, dashboard counts, CSV export).
//! Recording and working violations: `usecases.rs`; attempts recorded when a write is refused: `attempts.rs`.

use actix_web::{get, post, web, HttpResponse};

use super::model::{ViolationEvent, ViolationEventKind};
use super::usecases::{
    self, Counts, NewInspectionViolation, PenaltyRequest, StepRequest, ViolationPage,
    ViolationQuery,
};
use super::workflow::ViolationDetail;
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::policy::Actor;
use crate::state::AppState;

/// Violations in the caller's scope, filtered and sorted, a page at a time.
#[utoipa::path(
    tag = "violations",
    params(ViolationQuery),
    responses((status = 200, body = ViolationPage), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ViolationQuery>,
) -> AppResult<Json<ViolationPage>> {
    let out = usecases::list(&state, &actor, query.into_inner()).await?;
    Ok(Json(out))
}

/// Counts by district, rule and status of the violations matching the filters (the dashboard).
#[utoipa::path(
    tag = "violations",
    params(ViolationQuery),
    responses((status = 200, body = Counts), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations/counts")]
pub async fn counts(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ViolationQuery>,
) -> AppResult<Json<Counts>> {
    let out = usecases::counts(&state, &actor, query.into_inner()).await?;
    Ok(Json(out))
}

/// The violations matching the filters as CSV (UTF-8 with a byte-order mark, so spreadsheets show the
/// Chinese), oldest first by default, at most 100,000 rows: narrow the range for more.
#[utoipa::path(
    tag = "violations",
    params(ViolationQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations/export.csv")]
pub async fn export_csv(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ViolationQuery>,
) -> AppResult<HttpResponse> {
    let body = usecases::export_csv(&state, &actor, query.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"violations.csv\"",
        ))
        .body(body))
}

/// One violation with its records, steps and status.
#[utoipa::path(
    tag = "violations",
    params(("id" = uuid::Uuid, Path, description = "violation id")),
    responses((status = 200, body = ViolationDetail), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<ViolationDetail>> {
    let id = id.into_inner().to_string();
    let out = usecases::get_one(&state, &actor, id).await?;
    Ok(Json(out))
}

/// Record a violation found on an inspection (inspectors; regulators for their side).
#[utoipa::path(
    tag = "violations",
    request_body = NewInspectionViolation,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = ViolationDetail),
        (status = 200, description = "already recorded under this Idempotency-Key (as it was then)", body = ViolationDetail),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/violations")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewInspectionViolation>,
) -> AppResult<HttpResponse> {
    let out = usecases::create(&state, &actor, key, body.into_inner()).await?;
    Ok(out.respond())
}

/// Open an investigation (立案调查).
#[utoipa::path(
    tag = "violations",
    params(("id" = uuid::Uuid, Path, description = "violation id")),
    request_body = StepRequest,
    responses((status = 201, body = ViolationEvent), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/violations/{id}/investigate")]
pub async fn investigate(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<StepRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let kind = ViolationEventKind::Investigating;
    let fine = None;
    let out = usecases::step(&state, &actor, id.into_inner(), kind, b.reason, fine).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Conclude with a penalty; it enters the subject's credit file.
#[utoipa::path(
    tag = "violations",
    params(("id" = uuid::Uuid, Path, description = "violation id")),
    request_body = PenaltyRequest,
    responses((status = 201, body = ViolationEvent), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/violations/{id}/penalise")]
pub async fn penalise(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<PenaltyRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let kind = ViolationEventKind::Penalised;
    let fine = Some(b.fine_fen);
    let out = usecases::step(&state, &actor, id.into_inner(), kind, b.reason, fine).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Conclude without a penalty (not made out, or recorded in error).
#[utoipa::path(
    tag = "violations",
    params(("id" = uuid::Uuid, Path, description = "violation id")),
    request_body = StepRequest,
    responses((status = 201, body = ViolationEvent), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/violations/{id}/dismiss")]
pub async fn dismiss(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<StepRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let kind = ViolationEventKind::Dismissed;
    let fine = None;
    let out = usecases::step(&state, &actor, id.into_inner(), kind, b.reason, fine).await?;
    Ok(HttpResponse::Created().json(out))
}
