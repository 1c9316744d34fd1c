//! HTTP handlers for batches: recording them, slaughter quarantine with the product certificate,
//! inspection certificates, fees charged, and the whole batch as one read.

use actix_web::{get, post, web, HttpResponse};

use super::model::*;
use super::usecases::{self, FeeRequest, InspectionRequest, NewBatchRequest, QuarantineRequest};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::IdempotencyKey;
use crate::paging::{Page, PageParams};
use crate::policy::Actor;
use crate::state::AppState;

/// Record a slaughter batch drawing heads from checked intakes (slaughterhouse staff). A refused request that
/// would break a rule is recorded as an attempt.
#[utoipa::path(
    tag = "slaughter chain",
    request_body = NewBatchRequest,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = BatchWithDraws),
        (status = 200, description = "already recorded under this Idempotency-Key", body = BatchWithDraws),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "heads_exceed_intake, intake_not_checked, halal_not_certified, slaughterhouse_suspended, ...", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/batches")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewBatchRequest>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "batch.create", &*body);
    let out = usecases::create(&state, &actor, key, body.into_inner()).await?;
    Ok(out.respond())
}

/// Batches at slaughterhouses in the caller's scope, newest first.
#[utoipa::path(
    tag = "slaughter chain",
    params(PageParams),
    responses((status = 200, body = Page<BatchWithDraws>)),
    security(("bearer" = []))
)]
#[get("/batches")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<BatchWithDraws>>> {
    let out = usecases::list(&state, &actor, page.into_inner()).await?;
    Ok(Json(out))
}

/// One batch with its quarantine, certificates, disposals, lots and fees.
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "batch id")),
    responses((status = 200, body = BatchView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/batches/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<BatchView>> {
    let out = usecases::get_one(&state, &actor, id.into_inner()).await?;
    Ok(Json(out))
}

/// Record slaughter quarantine and issue the product certificate (official vet stationed there).
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "batch id"), crate::idempotency::KeyHeader),
    request_body = QuarantineRequest,
    responses(
        (status = 201, body = QuarantineOutcome),
        (status = 200, description = "already recorded under this Idempotency-Key", body = QuarantineOutcome),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 409, description = "quarantine_recorded", body = Problem),
        (status = 422, description = "quarantine_heads_mismatch, product_certificate_required", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/batches/{id}/quarantine")]
pub async fn quarantine(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<QuarantineRequest>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "quarantine.create", &(*id, &*body));
    let out = usecases::quarantine(&state, &actor, key, id.into_inner(), body.into_inner()).await?;
    Ok(out.respond())
}

/// Issue the slaughterhouse's inspection certificate (广州市畜产品检验合格证) for a batch.
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "batch id"), crate::idempotency::KeyHeader),
    request_body = InspectionRequest,
    responses(
        (status = 201, body = InspectionCertificate),
        (status = 200, description = "already recorded under this Idempotency-Key", body = InspectionCertificate),
        (status = 409, body = Problem),
        (status = 422, description = "quarantine_not_recorded", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/batches/{id}/inspection-certificates")]
pub async fn inspection(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<InspectionRequest>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "inspection_certificate.create", &(*id, &*body));
    let out = usecases::inspection(&state, &actor, key, id.into_inner(), body.into_inner()).await?;
    Ok(out.respond())
}

/// Record a fee charged on a batch (slaughterhouse staff). It is recorded as charged; over the cap or off the
/// approved schedule, it also opens a violation (art. 四).
#[utoipa::path(
    tag = "slaughter chain",
    params(("id" = uuid::Uuid, Path, description = "batch id"), crate::idempotency::KeyHeader),
    request_body = FeeRequest,
    responses(
        (status = 201, body = FeeOutcome),
        (status = 200, description = "already recorded under this Idempotency-Key", body = FeeOutcome),
        (status = 404, body = Problem),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/batches/{id}/fees")]
pub async fn charge_fee(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<FeeRequest>,
) -> AppResult<HttpResponse> {
    let key = key.bind(&actor, "fee_charge.create", &(*id, &*body));
    let out = usecases::charge_fee(&state, &actor, key, id.into_inner(), body.into_inner()).await?;
    Ok(out.respond())
}
