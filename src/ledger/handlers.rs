//! HTTP handlers of the purchase ledger.

use actix_web::{get, post, web, HttpResponse};

use super::model::{LedgerEntry, ScanResult};
use super::usecases::{self, ConfirmRequest, Confirmed, ScanRequest};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::idempotency::{Answer, IdempotencyKey};
use crate::paging::{Page, PageParams};
use crate::policy::Actor;
use crate::state::AppState;

/// Scan a label: the entry filled in for the caller's business (vendor).
#[utoipa::path(
    tag = "circulation",
    request_body = ScanRequest,
    responses(
        (status = 200, body = ScanResult),
        (status = 404, description = "unknown_code", body = Problem),
        (status = 422, description = "mistyped_code, invalid_code, lot_recalled, lot_disposed, not_shipped_to_buyer", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/ledger/scan")]
pub async fn scan(
    state: web::Data<AppState>,
    actor: Actor,
    body: Json<ScanRequest>,
) -> AppResult<Json<ScanResult>> {
    let result = usecases::scan(&state, &actor, body.into_inner()).await?;
    Ok(Json(result))
}

/// Record a ledger entry (vendor). With an `Idempotency-Key` header, sending the same confirmation again
/// returns the entry already recorded (200) instead of recording it twice.
#[utoipa::path(
    tag = "circulation",
    request_body = ConfirmRequest,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = LedgerEntry),
        (status = 200, description = "already recorded under this Idempotency-Key", body = LedgerEntry),
        (status = 400, description = "invalid_idempotency_key", body = Problem),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, description = "exceeds_shipped_weight, document_check_required, and the scan refusals", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/ledger/entries")]
pub async fn confirm(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<ConfirmRequest>,
) -> AppResult<HttpResponse> {
    let answer = usecases::confirm(&state, &actor, key, body.into_inner()).await?;
    Ok(match answer {
        Answer::Fresh(Confirmed {
            entry,
            created: true,
        }) => HttpResponse::Created().json(entry),
        Answer::Fresh(Confirmed { entry, .. }) => HttpResponse::Ok().json(entry),
        replayed => replayed.respond(),
    })
}

/// The caller's purchase ledger, newest first.
#[utoipa::path(
    tag = "circulation",
    params(PageParams),
    responses((status = 200, body = Page<LedgerEntry>)),
    security(("bearer" = []))
)]
#[get("/ledger/entries")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<LedgerEntry>>> {
    let out = usecases::list(&state, &actor, page.into_inner()).await?;
    Ok(Json(out))
}
