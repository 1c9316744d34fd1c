//! HTTP handlers of recalls. Inspectors and regulators: recall a lot, a batch or an animal certificate, list
//! recalls, read a recall's report, withdraw a recall made in error. Holders: their notifications, the
//! acknowledgement, and reports of what they pulled or disposed of. Each extracts, calls one use case and
//! renders.

use actix_web::{get, post, web, HttpResponse};

use super::model::{RecallMade, RecallResponse, RecallScope};
use super::report::{Notification, RecallReport};
use super::usecases::{self, RecallItem, RecallReportRequest, RecallRequest};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::paging::{Page, PageParams};
use crate::policy::Actor;
use crate::state::AppState;

/// Recall a lot and every lot split from it (inspectors and regulators; a district-level one for lots of its
/// district's slaughterhouses). Every holder is notified.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "lot id"), crate::idempotency::KeyHeader),
    request_body = RecallRequest,
    responses(
        (status = 201, body = RecallMade),
        (status = 200, description = "already made under this Idempotency-Key (as it was then)", body = RecallMade),
        (status = 404, body = Problem),
        (status = 409, description = "lot_not_active, idempotency_key_reused", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/lots/{id}/recalls")]
pub async fn recall_lot(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    id: web::Path<uuid::Uuid>,
    body: Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let kind = RecallScope::Lot;
    let out = usecases::recall(&state, &actor, key, kind, id, body.into_inner()).await?;
    Ok(out.respond())
}

/// Recall a slaughter batch: every lot made from it and every lot split from those. Every holder is notified
/// with what it still has.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "batch id"), crate::idempotency::KeyHeader),
    request_body = RecallRequest,
    responses(
        (status = 201, body = RecallMade),
        (status = 200, description = "already made under this Idempotency-Key (as it was then)", body = RecallMade),
        (status = 404, body = Problem),
        (status = 409, description = "nothing_to_recall, idempotency_key_reused", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/batches/{id}/recalls")]
pub async fn recall_batch(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    id: web::Path<uuid::Uuid>,
    body: Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let kind = RecallScope::Batch;
    let out = usecases::recall(&state, &actor, key, kind, id, body.into_inner()).await?;
    Ok(out.respond())
}

/// Recall an animal certificate: the lots of every batch drawing on an intake of it.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "animal certificate id"), crate::idempotency::KeyHeader),
    request_body = RecallRequest,
    responses(
        (status = 201, body = RecallMade),
        (status = 200, description = "already made under this Idempotency-Key (as it was then)", body = RecallMade),
        (status = 404, body = Problem),
        (status = 409, description = "nothing_to_recall, idempotency_key_reused", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/animal-certificates/{id}/recalls")]
pub async fn recall_certificate(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    id: web::Path<uuid::Uuid>,
    body: Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let kind = RecallScope::AnimalCertificate;
    let out = usecases::recall(&state, &actor, key, kind, id, body.into_inner()).await?;
    Ok(out.respond())
}

/// Recalls of the slaughterhouses in scope, newest first (inspectors and regulators).
#[utoipa::path(
    tag = "recalls",
    params(PageParams),
    responses((status = 200, body = Page<RecallItem>)),
    security(("bearer" = []))
)]
#[get("/recalls")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<RecallItem>>> {
    Ok(Json(
        usecases::list(&state, &actor, page.into_inner()).await?,
    ))
}

/// The recall report: lots reached, every holder notified with what it was to pull, its acknowledgement,
/// what it reported pulled or disposed of, what is still out and what it has now; totals; withdrawal.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "recall id")),
    responses((status = 200, body = RecallReport), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/recalls/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<RecallReport>> {
    let id = id.into_inner().to_string();
    Ok(Json(usecases::get_one(&state, &actor, id).await?))
}

/// Withdraw a recall made in error, with a reason (once). The lots it marked are active again unless another
/// standing recall covers them.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "recall id")),
    request_body = RecallRequest,
    responses(
        (status = 201, body = RecallReport),
        (status = 404, body = Problem),
        (status = 409, description = "recall_withdrawn", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/recalls/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let out = usecases::withdraw(&state, &actor, id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(out))
}

/// The recall notices of the caller's organisation, newest first (vendors and slaughterhouses).
#[utoipa::path(
    tag = "recalls",
    operation_id = "list",
    params(PageParams),
    responses((status = 200, body = Page<Notification>)),
    security(("bearer" = []))
)]
#[get("/notifications")]
pub async fn notifications(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<Notification>>> {
    Ok(Json(
        usecases::notifications(&state, &actor, page.into_inner()).await?,
    ))
}

/// Acknowledge a recall notice (once; 409 `already_acknowledged` after that).
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "notification id")),
    responses(
        (status = 201, body = RecallResponse),
        (status = 404, body = Problem),
        (status = 409, description = "already_acknowledged", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/notifications/{id}/acknowledge")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let out = usecases::acknowledge(&state, &actor, id).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Report what was pulled from sale or disposed of under a notice. Over all reports, pulled + disposed never
/// exceeds the weight to pull (422 `exceeds_weight_to_pull`); a disposal also reduces what the holder holds
/// (422 `exceeds_holding` beyond it). A slaughterhouse disposes of its own stock under a vet's supervision
/// (POST /api/v1/disposals), not here (422 `dispose_at_slaughterhouse`).
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "notification id"), crate::idempotency::KeyHeader),
    request_body = RecallReportRequest,
    responses(
        (status = 201, body = RecallResponse),
        (status = 200, description = "already reported under this Idempotency-Key", body = RecallResponse),
        (status = 404, body = Problem),
        (status = 409, description = "recall_withdrawn, idempotency_key_reused", body = Problem),
        (status = 422, description = "invalid_report, method_required, exceeds_weight_to_pull, exceeds_holding, \
            dispose_at_slaughterhouse", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/notifications/{id}/reports")]
pub async fn file_report(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<RecallReportRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let out = usecases::file_report(&state, &actor, key, id, body.into_inner()).await?;
    Ok(out.respond())
}
