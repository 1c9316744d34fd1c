//! What can be done with slaughter batches: record one (refused rule-breaking attempts recorded), list and
//! read them, record the slaughter quarantine with its product certificate, issue the inspection
//! certificate, and record a fee charged, each within the caller's scope.

use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::*;
use super::queries::{self, NewBatch, NewProductCertificate};
use crate::error::AppResult;
use crate::idempotency::{self, Answer, Bound};
use crate::input::{AmountFen, Grams};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::slaughterhouses::model::Species;
use crate::state::AppState;
use crate::validate::text;

/// Heads drawn from one intake.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// The intake.
    pub intake_id: uuid::Uuid,
    /// Heads.
    pub heads: i32,
}

/// Record a slaughter batch.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBatchRequest {
    /// Batch number, unique at the slaughterhouse.
    pub batch_no: String,
    /// Species.
    pub species: Species,
    /// Halal (清真) slaughter?
    #[serde(default)]
    pub halal: bool,
    /// Day of slaughter (default: today, China time).
    pub slaughter_date: Option<NaiveDate>,
    /// Heads drawn from each intake.
    pub draws: Vec<DrawRequest>,
}

/// The product certificate issued with a quarantine.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductCertificateRequest {
    /// Number as printed.
    pub number: String,
    /// Form: `product_a` (leaving the province) or `product_b`.
    pub cert_type: ProductCertificateType,
    /// Product named on it.
    pub product: String,
    /// Quantity.
    pub quantity: i64,
    /// Unit.
    pub unit: QuantityUnit,
}

/// Slaughter quarantine of a batch.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuarantineRequest {
    /// Heads passed.
    pub heads_passed: i32,
    /// Heads failed.
    pub heads_failed: i32,
    /// Samples taken.
    #[serde(default)]
    pub samples: i32,
    /// Positive samples.
    #[serde(default)]
    pub positives: i32,
    /// Remarks.
    pub note: Option<String>,
    /// The product certificate for what passed (required when any head passed).
    pub product_certificate: Option<ProductCertificateRequest>,
}

/// Record an inspection certificate.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionRequest {
    /// Number as printed.
    pub number: String,
    /// Weight inspected, grams.
    pub weight_g: Grams,
    /// Inspector's name.
    pub inspector: String,
    /// Passed?
    pub passed: bool,
    /// When inspected, with offset (default: now).
    #[schema(value_type = Option<String>)]
    pub inspected_at: Option<DateTime<FixedOffset>>,
}

/// Record a fee charged on a batch.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeRequest {
    /// Item as charged (e.g. 牛屠宰费).
    pub item: String,
    /// Quantity in the item's unit (heads, kg, batches).
    pub quantity: i64,
    /// Amount charged, fen.
    pub amount_fen: AmountFen,
    /// Day charged (default: the slaughter date).
    pub charged_on: Option<NaiveDate>,
}

/// The draws of a new batch: at least one, each of at least one head, no intake twice.
fn draws_of(draws: &[DrawRequest]) -> Result<Vec<(String, i32)>, Refusal> {
    if draws.is_empty() {
        return Err(Refusal::of(Code::NoHeads).at("draws"));
    }
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(draws.len());
    for (i, d) in draws.iter().enumerate() {
        if d.heads <= 0 {
            return Err(Refusal::of(Code::InvalidHeadCount)
                .with("what", "取用头数")
                .with("what_en", "heads drawn")
                .with("max", crate::input::HEADS.max)
                .at(format!("draws[{i}].heads")));
        }
        if !seen.insert(d.intake_id) {
            return Err(Refusal::of(Code::DuplicateIntake).at(format!("draws[{i}].intake_id")));
        }
        out.push((d.intake_id.to_string(), d.heads));
    }
    Ok(out)
}

/// Record a slaughter batch at the caller's slaughterhouse drawing heads from checked intakes (audited;
/// once per idempotency key). A refusal that would have broken a rule is recorded as an attempt.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    b: NewBatchRequest,
) -> AppResult<Answer<BatchWithDraws>> {
    actor.authorize(Action::RecordSlaughter)?;
    let draws = draws_of(&b.draws)?;
    let today = crate::time::today_china();
    let day = b.slaughter_date.unwrap_or(today);
    if day > today {
        return Err(Refusal::of(Code::DateInFuture)
            .with("day", day)
            .at("slaughter_date")
            .into());
    }
    let new = NewBatch {
        batch_no: text(&b.batch_no, "batch_no", "批次号")?,
        species: b.species,
        halal: b.halal,
        slaughter_date: day,
        draws,
    };
    let records = new
        .draws
        .iter()
        .map(|(id, _)| ("intake", id.clone()))
        .collect();
    let house = actor.org_id.clone();
    let actor_id = actor.user_id.clone();
    crate::violations::attempts::write_or_record_attempt(
        state,
        actor,
        house.clone(),
        records,
        move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                queries::create(conn, Some(&actor_id), &house, new)
            })
        },
    )
    .await
}

/// Batches at slaughterhouses in the caller's scope, newest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    page: PageParams,
) -> AppResult<Page<BatchWithDraws>> {
    let read = Action::ReadSlaughterChain;
    crate::slaughterhouses::usecases::page_over_houses(state, actor, read, page, queries::list)
        .await
}

/// One batch in the caller's scope with its quarantine, certificates, disposals, lots and fees.
pub async fn get_one(state: &AppState, actor: &Actor, id: uuid::Uuid) -> AppResult<BatchView> {
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let id = id.to_string();
    let rules = state.rules.clone();
    state
        .db
        .read(move |conn| {
            let batch = queries::find_in_scope(conn, &scope, &id)?;
            let (failed, disposed) = crate::disposals::queries::failed_heads(conn, &id)?;
            let lots = crate::lots::queries::of_batch(conn, &id)?;
            Ok(BatchView {
                quarantine: queries::quarantine_of(conn, &id)?,
                product_certificates: queries::product_certificates_of(conn, &id)?,
                inspection_certificates: queries::inspections_of(conn, &id)?,
                disposals: crate::disposals::queries::of_batch(conn, &id)?,
                failed_heads: failed,
                failed_heads_disposed: disposed,
                failed_heads_all_disposed: disposed >= failed,
                lots: crate::lots::usecases::views(conn, lots, &rules)?,
                fees: queries::fees_of(conn, &id)?,
                batch,
            })
        })
        .await
}

/// The product certificate to issue, checked.
fn product_certificate_of(
    c: Option<ProductCertificateRequest>,
) -> Result<Option<NewProductCertificate>, Refusal> {
    let Some(c) = c else { return Ok(None) };
    if c.quantity <= 0 {
        return Err(Refusal::of(Code::InvalidQuantity)
            .with("what", "证明数量")
            .with("what_en", "the certificate's quantity")
            .at("product_certificate.quantity"));
    }
    Ok(Some(NewProductCertificate {
        number: text(&c.number, "number", "证明编号")?,
        cert_type: c.cert_type,
        product: text(&c.product, "product", "产品名称")?,
        quantity: c.quantity,
        unit: c.unit,
    }))
}

/// Record the slaughter quarantine of a batch in the official vet's scope and issue the product
/// certificate (audited; once per idempotency key).
pub async fn quarantine(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    id: uuid::Uuid,
    b: QuarantineRequest,
) -> AppResult<Answer<QuarantineOutcome>> {
    let scope = actor.authorize(Action::RecordVetWork)?;
    let id = id.to_string();
    if b.samples < 0 || b.positives < 0 || b.positives > b.samples {
        return Err(Refusal::of(Code::InvalidSamples).at("positives").into());
    }
    let certificate = product_certificate_of(b.product_certificate)?;
    let note = b
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let rules = state.rules.clone();
    let vet = actor.user_id.clone();
    let (passed, failed, samples, positives) =
        (b.heads_passed, b.heads_failed, b.samples, b.positives);
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch = queries::find_in_scope(conn, &scope, &id)?;
                let (q, pc) = queries::record_quarantine(
                    conn,
                    &vet,
                    &batch.batch,
                    passed,
                    failed,
                    samples,
                    positives,
                    note,
                    certificate,
                    &rules,
                )?;
                Ok(QuarantineOutcome {
                    quarantine: q,
                    product_certificate: pc,
                })
            })
        })
        .await
}

/// Issue the slaughterhouse's inspection certificate for a batch in the caller's scope (audited; once per
/// idempotency key).
pub async fn inspection(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    id: uuid::Uuid,
    b: InspectionRequest,
) -> AppResult<Answer<InspectionCertificate>> {
    let scope = actor.authorize(Action::RecordSlaughter)?;
    let id = id.to_string();
    let number = text(&b.number, "number", "检验合格证编号")?;
    let inspector = text(&b.inspector, "inspector", "检验员")?;
    let at = b
        .inspected_at
        .map(|t| t.naive_utc().trunc_subsecs(6))
        .unwrap_or_else(crate::time::now);
    let user = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch = queries::find_in_scope(conn, &scope, &id)?;
                queries::record_inspection(
                    conn,
                    &user,
                    &batch.batch,
                    number,
                    b.weight_g.get(),
                    inspector,
                    b.passed,
                    at,
                )
            })
        })
        .await
}

/// Record a fee charged on a batch in the caller's scope (audited; once per idempotency key). Over the cap
/// or off the approved schedule, it also opens a violation (art. 四).
pub async fn charge_fee(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    id: uuid::Uuid,
    b: FeeRequest,
) -> AppResult<Answer<FeeOutcome>> {
    let scope = actor.authorize(Action::RecordSlaughter)?;
    let id = id.to_string();
    if b.quantity <= 0 {
        return Err(Refusal::of(Code::InvalidAmount)
            .with("what", "数量")
            .with("what_en", "the quantity")
            .at("quantity")
            .into());
    }
    let item = text(&b.item, "item", "收费项目")?;
    let user = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch = queries::find_in_scope(conn, &scope, &id)?;
                let day = b.charged_on.unwrap_or(batch.batch.slaughter_date);
                let (charge, violation_id) = queries::charge_fee(
                    conn,
                    &user,
                    &batch.batch,
                    item,
                    b.quantity,
                    b.amount_fen.get(),
                    day,
                )?;
                Ok(FeeOutcome {
                    charge,
                    violation_id,
                })
            })
        })
        .await
}
