//! HTTP handlers for batches: recording them, slaughter quarantine with the product certificate,
//! inspection certificates, fees charged, and the whole batch as one read.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::*;
use super::queries::{self, NewBatch, NewProductCertificate};
use crate::body::Json;
use crate::disposals::model::Disposal;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::lots::model::LotView;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
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
    actor.authorize(Action::RecordSlaughter)?;
    let key = key.bind(&actor, "batch.create", &*body);
    let b = body.into_inner();
    if b.draws.is_empty() {
        return Err(AppError::unprocessable(
            "no_heads",
            "批次须至少从一批进厂牲畜中取头数",
            "a batch draws heads from at least one intake",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut draws = Vec::new();
    for d in &b.draws {
        if d.heads <= 0 {
            return Err(AppError::unprocessable(
                "invalid_head_count",
                "每批取用头数须大于 0",
                "heads drawn must be more than 0",
            ));
        }
        if !seen.insert(d.intake_id) {
            return Err(AppError::unprocessable(
                "duplicate_intake",
                "同一批进厂牲畜在批次中出现两次",
                "the same intake is listed twice",
            ));
        }
        draws.push((d.intake_id.to_string(), d.heads));
    }
    let today = crate::time::today_china();
    let day = b.slaughter_date.unwrap_or(today);
    if day > today {
        return Err(AppError::unprocessable(
            "date_in_future",
            "屠宰日期不能晚于今天",
            "the slaughter date cannot be in the future",
        ));
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
    let out = crate::violations::attempts::write_or_record_attempt(
        &state,
        &actor,
        house.clone(),
        records,
        move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                queries::create(conn, Some(&actor_id), &house, new)
            })
        },
    )
    .await?;
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
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let page = page.into_inner();
    let out = state
        .db
        .read(move |conn| {
            crate::slaughterhouses::queries::page_over_houses(conn, &scope, page, queries::list)
        })
        .await?;
    Ok(Json(out))
}

/// A batch with everything recorded on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchView {
    /// The batch.
    #[serde(flatten)]
    pub batch: BatchWithDraws,
    /// Slaughter quarantine.
    pub quarantine: Option<QuarantineResult>,
    /// Product certificates (产品A/B).
    pub product_certificates: Vec<ProductCertificate>,
    /// Inspection certificates.
    pub inspection_certificates: Vec<InspectionCertificate>,
    /// Disposals of its failed heads, the batch, or its lots.
    pub disposals: Vec<Disposal>,
    /// Heads that failed quarantine.
    pub failed_heads: i64,
    /// Of those, heads with a disposal record.
    pub failed_heads_disposed: i64,
    /// May its lots ship, as far as the failed heads go (every failed head disposed of)?
    pub failed_heads_all_disposed: bool,
    /// Lots made from it.
    pub lots: Vec<LotView>,
    /// Fees charged.
    pub fees: Vec<FeeCharge>,
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
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let id = id.into_inner().to_string();
    let rules = state.rules.clone();
    let out = state
        .db
        .read(move |conn| {
            let batch = crate::batches::queries::find_in_scope(conn, &scope, &id)?;
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
                lots: crate::lots::queries::views(conn, lots, &rules)?,
                fees: queries::fees_of(conn, &id)?,
                batch,
            })
        })
        .await?;
    Ok(Json(out))
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

/// Quarantine and its certificate.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarantineOutcome {
    /// The result.
    pub quarantine: QuarantineResult,
    /// The product certificate issued.
    pub product_certificate: Option<ProductCertificate>,
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
    let scope = actor.authorize(Action::RecordVetWork)?;
    let key = key.bind(&actor, "quarantine.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.samples < 0 || b.positives < 0 || b.positives > b.samples {
        return Err(AppError::unprocessable(
            "invalid_samples",
            "抽样数与阳性数不能为负，阳性数不能多于抽样数",
            "samples and positives cannot be negative, nor positives exceed samples",
        ));
    }
    let certificate = match b.product_certificate {
        None => None,
        Some(c) => {
            if c.quantity <= 0 {
                return Err(AppError::unprocessable(
                    "invalid_quantity",
                    "证明数量须大于 0",
                    "the certificate's quantity must be more than 0",
                ));
            }
            Some(NewProductCertificate {
                number: text(&c.number, "number", "证明编号")?,
                cert_type: c.cert_type,
                product: text(&c.product, "product", "产品名称")?,
                quantity: c.quantity,
                unit: c.unit,
            })
        }
    };
    let note = b
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let rules = state.rules.clone();
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch = crate::batches::queries::find_in_scope(conn, &scope, &id)?;
                let (q, pc) = queries::record_quarantine(
                    conn,
                    &actor.user_id,
                    &batch.batch,
                    b.heads_passed,
                    b.heads_failed,
                    b.samples,
                    b.positives,
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
        .await?;
    Ok(out.respond())
}

/// Record an inspection certificate.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionRequest {
    /// Number as printed.
    pub number: String,
    /// Weight inspected, grams.
    pub weight_g: i64,
    /// Inspector's name.
    pub inspector: String,
    /// Passed?
    pub passed: bool,
    /// When inspected, with offset (default: now).
    #[schema(value_type = Option<String>)]
    pub inspected_at: Option<DateTime<FixedOffset>>,
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
    let scope = actor.authorize(Action::RecordSlaughter)?;
    let key = key.bind(&actor, "inspection_certificate.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.weight_g <= 0 {
        return Err(AppError::unprocessable(
            "invalid_weight",
            "检验重量须大于 0 克",
            "the weight inspected must be more than 0 g",
        ));
    }
    let number = text(&b.number, "number", "检验合格证编号")?;
    let inspector = text(&b.inspector, "inspector", "检验员")?;
    let at = b
        .inspected_at
        .map(|t| t.naive_utc().trunc_subsecs(6))
        .unwrap_or_else(crate::time::now);
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch = crate::batches::queries::find_in_scope(conn, &scope, &id)?;
                queries::record_inspection(
                    conn,
                    &actor.user_id,
                    &batch.batch,
                    number,
                    b.weight_g,
                    inspector,
                    b.passed,
                    at,
                )
            })
        })
        .await?;
    Ok(out.respond())
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
    pub amount_fen: i64,
    /// Day charged (default: the slaughter date).
    pub charged_on: Option<NaiveDate>,
}

/// A fee as recorded, with the violation it opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeOutcome {
    /// The charge.
    pub charge: FeeCharge,
    /// The violation opened when it is over its cap or not on the schedule.
    pub violation_id: Option<String>,
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
    let scope = actor.authorize(Action::RecordSlaughter)?;
    let key = key.bind(&actor, "fee_charge.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.quantity <= 0 || b.amount_fen < 0 {
        return Err(AppError::unprocessable(
            "invalid_amount",
            "数量须大于 0，金额（分）不能为负",
            "quantity must be more than 0 and the amount (fen) not negative",
        ));
    }
    let item = text(&b.item, "item", "收费项目")?;
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch = crate::batches::queries::find_in_scope(conn, &scope, &id)?;
                let day = b.charged_on.unwrap_or(batch.batch.slaughter_date);
                let (charge, violation_id) = queries::charge_fee(
                    conn,
                    &actor.user_id,
                    &batch.batch,
                    item,
                    b.quantity,
                    b.amount_fen,
                    day,
                )?;
                Ok(FeeOutcome {
                    charge,
                    violation_id,
                })
            })
        })
        .await?;
    Ok(out.respond())
}
