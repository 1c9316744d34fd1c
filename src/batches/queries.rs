//! Batch queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::domain::{self, DrawFacts};
use super::model::*;
use crate::audit;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::intake::model::{Intake, IntakeCheck};
use crate::paging::PageParams;
use crate::policy::Scope;
use crate::refusal::{Code, Refusal};
use crate::schema::{
    batch_intakes, fee_charges, fee_items, inspection_certificates, intake_checks, intakes,
    product_certificates, quarantine_results, slaughter_batches, slaughterhouses,
};
use crate::slaughterhouses::model::{FeeItem, SlaughterhouseRecord, Species};
use crate::violations::queries::{self as violations, NewViolation, Subject};

fn not_found() -> AppError {
    AppError::not_found("屠宰批次", "batch")
}

/// What a new batch needs.
pub struct NewBatch {
    /// Batch number.
    pub batch_no: String,
    /// Species.
    pub species: Species,
    /// Halal?
    pub halal: bool,
    /// Day of slaughter.
    pub slaughter_date: NaiveDate,
    /// Heads drawn from each intake.
    pub draws: Vec<(String, i32)>,
}

/// Record a batch after checking every rule (audited).
pub fn create(
    conn: &mut DbConnection,
    actor: Option<&str>,
    house_id: &str,
    new: NewBatch,
) -> AppResult<BatchWithDraws> {
    let house: SlaughterhouseRecord = slaughterhouses::table
        .find(house_id)
        .select(SlaughterhouseRecord::as_select())
        .first(conn)?;
    crate::slaughterhouses::domain::may_slaughter(&house, new.species, new.slaughter_date)?;
    domain::check_batch(&house, new.halal, new.slaughter_date)?;
    let taken: i64 = slaughter_batches::table
        .filter(slaughter_batches::slaughterhouse_id.eq(house_id))
        .filter(slaughter_batches::batch_no.eq(&new.batch_no))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(Refusal::of(Code::BatchNoTaken)
            .with("batch_no", &new.batch_no)
            .into());
    }
    let mut heads = 0;
    for (intake_id, n) in &new.draws {
        let intake: Intake = intakes::table
            .find(intake_id)
            .select(Intake::as_select())
            .first(conn)
            .optional()?
            .ok_or_else(|| AppError::not_found("进厂记录", "intake"))?;
        let check: Option<IntakeCheck> = intake_checks::table
            .filter(intake_checks::intake_id.eq(intake_id))
            .select(IntakeCheck::as_select())
            .first(conn)
            .optional()?;
        let drawn = crate::intake::queries::heads_drawn(conn, intake_id)?;
        domain::check_draw(
            house_id,
            new.species,
            &DrawFacts {
                intake: &intake,
                check: check.as_ref(),
                drawn,
                heads: *n,
            },
        )?;
        heads += n;
    }
    let batch = SlaughterBatch {
        id: uuid::Uuid::new_v4().to_string(),
        slaughterhouse_id: house_id.to_string(),
        batch_no: new.batch_no,
        species: new.species,
        halal: new.halal,
        slaughter_date: new.slaughter_date,
        heads,
        recorded_by: actor.map(str::to_string),
        recorded_at: crate::time::now(),
    };
    let batch: SlaughterBatch = diesel::insert_into(slaughter_batches::table)
        .values(&batch)
        .returning(slaughter_batches::all_columns)
        .get_result(conn)?;
    let mut draws = Vec::new();
    for (intake_id, n) in new.draws {
        diesel::insert_into(batch_intakes::table)
            .values((
                batch_intakes::batch_id.eq(&batch.id),
                batch_intakes::intake_id.eq(&intake_id),
                batch_intakes::heads.eq(n),
            ))
            .execute(conn)?;
        draws.push(Draw {
            intake_id,
            heads: n,
        });
    }
    draws.sort();
    let full = BatchWithDraws { batch, draws };
    audit::record(conn, actor, "create", &full)?;
    Ok(full)
}

fn attach(conn: &mut DbConnection, list: Vec<SlaughterBatch>) -> QueryResult<Vec<BatchWithDraws>> {
    let ids: Vec<&str> = list.iter().map(|b| b.id.as_str()).collect();
    let rows: Vec<(String, String, i32)> = batch_intakes::table
        .filter(batch_intakes::batch_id.eq_any(&ids))
        .order((
            batch_intakes::batch_id.asc(),
            batch_intakes::intake_id.asc(),
        ))
        .select((
            batch_intakes::batch_id,
            batch_intakes::intake_id,
            batch_intakes::heads,
        ))
        .load(conn)?;
    let mut by: std::collections::HashMap<String, Vec<Draw>> = Default::default();
    for (b, intake_id, heads) in rows {
        by.entry(b).or_default().push(Draw { intake_id, heads });
    }
    Ok(list
        .into_iter()
        .map(|b| BatchWithDraws {
            draws: by.remove(&b.id).unwrap_or_default(),
            batch: b,
        })
        .collect())
}

/// One batch.
pub fn find(conn: &mut DbConnection, id: &str) -> AppResult<BatchWithDraws> {
    let b: SlaughterBatch = slaughter_batches::table
        .find(id)
        .select(SlaughterBatch::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)?;
    attach(conn, vec![b])?.pop().ok_or_else(not_found)
}

/// Batches at these slaughterhouses, newest first.
pub fn list(
    conn: &mut DbConnection,
    houses: &[String],
    page: PageParams,
) -> QueryResult<(Vec<BatchWithDraws>, i64)> {
    let total = slaughter_batches::table
        .filter(slaughter_batches::slaughterhouse_id.eq_any(houses))
        .count()
        .get_result(conn)?;
    let items = slaughter_batches::table
        .filter(slaughter_batches::slaughterhouse_id.eq_any(houses))
        .order((
            slaughter_batches::slaughter_date.desc(),
            slaughter_batches::batch_no.asc(),
        ))
        .limit(page.limit())
        .offset(page.offset())
        .select(SlaughterBatch::as_select())
        .load(conn)?;
    Ok((attach(conn, items)?, total))
}

/// Every batch (for audit verification).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<BatchWithDraws>> {
    let items = slaughter_batches::table
        .select(SlaughterBatch::as_select())
        .load(conn)?;
    attach(conn, items)
}

/// The quarantine result of a batch.
pub fn quarantine_of(
    conn: &mut DbConnection,
    batch_id: &str,
) -> QueryResult<Option<QuarantineResult>> {
    quarantine_results::table
        .filter(quarantine_results::batch_id.eq(batch_id))
        .select(QuarantineResult::as_select())
        .first(conn)
        .optional()
}

/// The product certificate to issue with a quarantine result.
pub struct NewProductCertificate {
    /// Number.
    pub number: String,
    /// Form.
    pub cert_type: ProductCertificateType,
    /// Product named.
    pub product: String,
    /// Quantity.
    pub quantity: i64,
    /// Unit.
    pub unit: QuantityUnit,
}

/// Record slaughter quarantine and, for what passed, the product certificate (audited).
#[allow(clippy::too_many_arguments)]
pub fn record_quarantine(
    conn: &mut DbConnection,
    vet_id: &str,
    batch: &SlaughterBatch,
    passed: i32,
    failed: i32,
    samples: i32,
    positives: i32,
    note: Option<String>,
    certificate: Option<NewProductCertificate>,
    rules: &crate::config::RuleSettings,
) -> AppResult<(QuarantineResult, Option<ProductCertificate>)> {
    domain::check_quarantine(batch.heads, passed, failed)?;
    if quarantine_of(conn, &batch.id)?.is_some() {
        return Err(Code::QuarantineRecorded.into());
    }
    if passed > 0 && certificate.is_none() {
        return Err(Refusal::of(Code::ProductCertificateRequired)
            .at("product_certificate")
            .into());
    }
    if passed == 0 && certificate.is_some() {
        return Err(Refusal::of(Code::NothingPassed)
            .at("product_certificate")
            .into());
    }
    let now = crate::time::now();
    let q = QuarantineResult {
        id: uuid::Uuid::new_v4().to_string(),
        batch_id: batch.id.clone(),
        vet_id: vet_id.to_string(),
        heads_passed: passed,
        heads_failed: failed,
        samples,
        positives,
        note,
        recorded_at: now,
    };
    let q: QuarantineResult = diesel::insert_into(quarantine_results::table)
        .values(&q)
        .returning(quarantine_results::all_columns)
        .get_result(conn)?;
    audit::record(conn, Some(vet_id), "create", &q)?;
    let cert = match certificate {
        None => None,
        Some(c) => {
            let taken: i64 = product_certificates::table
                .filter(product_certificates::number.eq(&c.number))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                return Err(Refusal::of(Code::CertificateNumberTaken)
                    .with("what", "产品检疫证明")
                    .with("what_en", "product certificate")
                    .with("number", &c.number)
                    .into());
            }
            let pc = ProductCertificate {
                id: uuid::Uuid::new_v4().to_string(),
                number: c.number,
                cert_type: c.cert_type,
                batch_id: batch.id.clone(),
                quarantine_id: q.id.clone(),
                product: c.product,
                quantity: c.quantity,
                unit: c.unit,
                vet_id: vet_id.to_string(),
                issued_at: now,
                valid_until: domain::product_valid_until(
                    c.cert_type,
                    crate::time::china_date(now),
                    rules,
                ),
            };
            let pc: ProductCertificate = diesel::insert_into(product_certificates::table)
                .values(&pc)
                .returning(product_certificates::all_columns)
                .get_result(conn)?;
            audit::record(conn, Some(vet_id), "issue", &pc)?;
            Some(pc)
        }
    };
    Ok((q, cert))
}

/// Product certificates of a batch.
pub fn product_certificates_of(
    conn: &mut DbConnection,
    batch_id: &str,
) -> QueryResult<Vec<ProductCertificate>> {
    product_certificates::table
        .filter(product_certificates::batch_id.eq(batch_id))
        .order(product_certificates::issued_at.asc())
        .select(ProductCertificate::as_select())
        .load(conn)
}

/// Record an inspection certificate (audited). Quarantine comes first.
#[allow(clippy::too_many_arguments)]
pub fn record_inspection(
    conn: &mut DbConnection,
    actor: &str,
    batch: &SlaughterBatch,
    number: String,
    weight_g: i64,
    inspector: String,
    passed: bool,
    inspected_at: NaiveDateTime,
) -> AppResult<InspectionCertificate> {
    if quarantine_of(conn, &batch.id)?.is_none() {
        return Err(Code::QuarantineNotRecorded.into());
    }
    let taken: i64 = inspection_certificates::table
        .filter(inspection_certificates::number.eq(&number))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(Refusal::of(Code::CertificateNumberTaken)
            .with("what", "检验合格证")
            .with("what_en", "inspection certificate")
            .with("number", &number)
            .into());
    }
    let c = InspectionCertificate {
        id: uuid::Uuid::new_v4().to_string(),
        number,
        batch_id: batch.id.clone(),
        weight_g,
        inspector,
        passed,
        inspected_at,
        recorded_by: Some(actor.to_string()),
        recorded_at: crate::time::now(),
    };
    let c: InspectionCertificate = diesel::insert_into(inspection_certificates::table)
        .values(&c)
        .returning(inspection_certificates::all_columns)
        .get_result(conn)?;
    audit::record(conn, Some(actor), "create", &c)?;
    Ok(c)
}

/// Inspection certificates of a batch, oldest first.
pub fn inspections_of(
    conn: &mut DbConnection,
    batch_id: &str,
) -> QueryResult<Vec<InspectionCertificate>> {
    inspection_certificates::table
        .filter(inspection_certificates::batch_id.eq(batch_id))
        .order(inspection_certificates::recorded_at.asc())
        .select(InspectionCertificate::as_select())
        .load(conn)
}

/// Record a fee charged on a batch, as charged, and open a violation when it is over its cap or not on the
/// approved schedule (art. 四). Returns the charge and the violation's id, if any.
pub fn charge_fee(
    conn: &mut DbConnection,
    actor: &str,
    batch: &SlaughterBatch,
    item: String,
    quantity: i64,
    amount_fen: i64,
    charged_on: NaiveDate,
) -> AppResult<(FeeCharge, Option<String>)> {
    let schedule: Vec<FeeItem> = fee_items::table
        .filter(fee_items::slaughterhouse_id.eq(&batch.slaughterhouse_id))
        .select(FeeItem::as_select())
        .load(conn)?;
    let (finding, matched) = domain::judge_fee(&schedule, &item, charged_on, quantity, amount_fen);
    let cap_total = matched.map(|f| f.cap_fen.saturating_mul(quantity));
    let charge = FeeCharge {
        id: uuid::Uuid::new_v4().to_string(),
        batch_id: batch.id.clone(),
        slaughterhouse_id: batch.slaughterhouse_id.clone(),
        item,
        fee_item_id: matched.map(|f| f.id.clone()),
        quantity,
        amount_fen,
        finding,
        charged_on,
        recorded_by: Some(actor.to_string()),
        recorded_at: crate::time::now(),
    };
    let charge: FeeCharge = diesel::insert_into(fee_charges::table)
        .values(&charge)
        .returning(fee_charges::all_columns)
        .get_result(conn)?;
    audit::record(conn, Some(actor), "create", &charge)?;
    let rule = match finding {
        FeeFinding::WithinCap => return Ok((charge, None)),
        FeeFinding::OverCap => &crate::violations::rules::FEE_OVER_CAP,
        FeeFinding::Unapproved => &crate::violations::rules::FEE_UNAPPROVED,
    };
    let org = crate::organisations::queries::find(conn, &batch.slaughterhouse_id)?
        .ok_or_else(|| AppError::not_found("屠宰厂", "slaughterhouse"))?;
    let summary = match cap_total {
        Some(cap) => (
            format!(
                "批次 {} 收取「{}」{} 分，超出核准上限 {} 分（数量 {}）",
                batch.batch_no, charge.item, amount_fen, cap, quantity
            ),
            format!(
                "batch {}: {} fen charged for {:?}, above the approved cap of {} fen (quantity {})",
                batch.batch_no, amount_fen, charge.item, cap, quantity
            ),
        ),
        None => (
            format!(
                "批次 {} 收取未经核准的项目「{}」{} 分",
                batch.batch_no, charge.item, amount_fen
            ),
            format!(
                "batch {}: {} fen charged for {:?}, which is not on the approved schedule",
                batch.batch_no, amount_fen, charge.item
            ),
        ),
    };
    let v = violations::open(
        conn,
        NewViolation {
            rule,
            source: crate::violations::model::ViolationSource::Detected,
            subject: Subject::Org(&org),
            summary,
            actor_id: Some(actor),
            records: vec![
                ("fee_charge", charge.id.clone()),
                ("slaughter_batch", batch.id.clone()),
            ],
        },
    )?;
    Ok((charge, Some(v.violation.id)))
}

/// Fees charged on a batch.
pub fn fees_of(conn: &mut DbConnection, batch_id: &str) -> QueryResult<Vec<FeeCharge>> {
    fee_charges::table
        .filter(fee_charges::batch_id.eq(batch_id))
        .order(fee_charges::recorded_at.asc())
        .select(FeeCharge::as_select())
        .load(conn)
}

/// The batch with its slaughterhouse inside the scope, else 404.
pub fn find_in_scope(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> AppResult<crate::batches::model::BatchWithDraws> {
    let b = find(conn, id)?;
    crate::slaughterhouses::queries::find_in_scope(conn, scope, &b.batch.slaughterhouse_id)
        .map_err(|_| AppError::not_found("屠宰批次", "batch"))?;
    Ok(b)
}
