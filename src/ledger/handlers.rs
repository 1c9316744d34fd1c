//! HTTP handlers of the purchase ledger.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{LedgerEntry, ScanResult};
use super::queries::{self, Confirmation};
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::state::AppState;

/// What the phone's QR reader gave.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// The full verification address, a GS1 Digital Link, or the bare code (spaces and hyphens allowed).
    pub scanned: String,
}

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
    actor.authorize(Action::KeepStock)?;
    let scanned = body.into_inner().scanned;
    let buyer = actor.org_id.clone();
    let (_, result) = state
        .db
        .read(move |conn| queries::scan(conn, &buyer, &scanned))
        .await?;
    Ok(Json(result))
}

/// Confirm a ledger entry.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// What was scanned, or the code typed.
    pub scanned: String,
    /// Weight received, grams.
    pub weight_g: i64,
    /// The supplier's receipt number, when it differs from the shipment's voucher.
    pub receipt_no: Option<String>,
    /// Document check (票据查验) done: required for restaurants, canteens and processors.
    #[serde(default)]
    pub document_check: bool,
    /// Remarks of the document check.
    pub document_note: Option<String>,
}

/// A confirmation's answer: the entry, and whether this request recorded it (an entry recorded before under
/// the same key in the `idempotency_key` column, from before keys had their own table, is not).
#[derive(Serialize)]
struct Confirmed {
    #[serde(flatten)]
    entry: LedgerEntry,
    #[serde(skip)]
    created: bool,
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
    actor.authorize(Action::KeepStock)?;
    let raw_key = key.as_str().map(str::to_string);
    let bound = key.bind(&actor, "ledger_entry.create", &*body);
    let b = body.into_inner();
    if b.weight_g <= 0 {
        return Err(AppError::unprocessable(
            "invalid_weight",
            "重量须大于 0 克",
            "a weight must be more than 0 g",
        ));
    }
    let clean = crate::validate::optional_text;
    let confirmation = Confirmation {
        scanned: b.scanned.clone(),
        weight_g: b.weight_g,
        receipt_no: clean(b.receipt_no),
        document_check: b.document_check,
        document_note: clean(b.document_note),
        idempotency_key: raw_key,
    };
    let buyer = actor.org_id.clone();
    let actor_id = actor.user_id.clone();
    let lot_hint: Option<String> = {
        let scanned = b.scanned.clone();
        state
            .db
            .read(move |conn| {
                Ok(queries::code_from_scan(&scanned)
                    .ok()
                    .and_then(|code| queries::lot_by_code(conn, &code).ok())
                    .map(|l| l.id))
            })
            .await?
    };
    let records = lot_hint.map(|id| vec![("lot", id)]).unwrap_or_default();
    let answer = crate::violations::attempts::write_or_record_attempt(
        &state,
        &actor,
        buyer.clone(),
        records,
        move |conn| {
            idempotency::once(conn, bound.as_ref(), |c| {
                let (entry, created) = queries::confirm(c, &actor_id, &buyer, confirmation)?;
                Ok(Confirmed { entry, created })
            })
        },
    )
    .await?;
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
    actor.authorize(Action::KeepStock)?;
    let page = page.into_inner();
    let buyer = actor.org_id.clone();
    let out = state
        .db
        .read(move |conn| {
            let (items, total) = queries::of_buyer(conn, &buyer, page.limit(), page.offset())?;
            Ok(Page::new(items, total, page))
        })
        .await?;
    Ok(Json(out))
}
