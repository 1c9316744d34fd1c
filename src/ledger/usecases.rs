//! The purchase ledger's operations (进货台账, art. 八): scanning a label to fill in an entry, confirming it
//! (a refused rule-breaking attempt recorded), listing the caller's ledger. The JSON API and the pages call
//! these.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{LedgerEntry, ScanResult};
use super::queries::{self, Confirmation};
use crate::error::AppResult;
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::input::Grams;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;

/// What the phone's QR reader gave.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// The full verification address, a GS1 Digital Link, or the bare code (spaces and hyphens allowed).
    pub scanned: String,
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
pub struct Confirmed {
    /// The entry.
    #[serde(flatten)]
    pub entry: LedgerEntry,
    /// Did this request record it?
    #[serde(skip)]
    pub created: bool,
}

/// Scans a label: the entry filled in for the caller's business (vendor).
pub async fn scan(state: &AppState, actor: &Actor, cmd: ScanRequest) -> AppResult<ScanResult> {
    actor.authorize(Action::KeepStock)?;
    let scanned = cmd.scanned;
    let buyer = actor.org_id.clone();
    let (_, result) = state
        .db
        .read(move |conn| queries::scan(conn, &buyer, &scanned))
        .await?;
    Ok(result)
}

/// Records a ledger entry (vendor); the same confirmation again under one Idempotency-Key answers the entry
/// already recorded.
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    key: IdempotencyKey,
    b: ConfirmRequest,
) -> AppResult<Answer<Confirmed>> {
    actor.authorize(Action::KeepStock)?;
    let raw_key = key.as_str().map(str::to_string);
    let bound = key.bind(actor, "ledger_entry.create", &b);
    if Grams::new(b.weight_g).is_err() {
        return Err(Refusal::of(Code::InvalidWeight).at("weight_g").into());
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
    crate::violations::attempts::write_or_record_attempt(
        state,
        actor,
        buyer.clone(),
        records,
        move |conn| {
            idempotency::once(conn, bound.as_ref(), |c| {
                let (entry, created) = queries::confirm(c, &actor_id, &buyer, confirmation)?;
                Ok(Confirmed { entry, created })
            })
        },
    )
    .await
}

/// The caller's purchase ledger, newest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    page: PageParams,
) -> AppResult<Page<LedgerEntry>> {
    actor.authorize(Action::KeepStock)?;
    let buyer = actor.org_id.clone();
    state
        .db
        .read(move |conn| {
            let (items, total) = queries::of_buyer(conn, &buyer, page.limit(), page.offset())?;
            Ok(Page::new(items, total, page))
        })
        .await
}
