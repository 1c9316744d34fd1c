//! Lot queries: making lots from an inspected batch, the weight in force, corrections, closing.

use chrono::{Days, NaiveDate};
use diesel::prelude::*;

use super::model::*;
use super::trace_code;
use crate::audit;
use crate::batches::model::{InspectionCertificate, ProductCertificate, SlaughterBatch};
use crate::config::RuleSettings;
use crate::db::DbConnection;
use crate::disposals::model::DisposalTarget;
use crate::error::{AppError, AppResult};
use crate::schema::{corrections, disposals, inspection_certificates, lots, product_certificates};

fn not_found() -> AppError {
    AppError::not_found("批次产品", "lot")
}

/// What a new lot needs.
pub struct NewLot {
    /// What it is.
    pub product_kind: ProductKind,
    /// Product name.
    pub product_name: String,
    /// Weight, grams.
    pub weight_g: i64,
    /// Chilled or frozen.
    pub storage: Storage,
    /// GTIN (checked).
    pub gtin: Option<String>,
}

/// Is this a valid GTIN-8, -12, -13 or -14 (GS1 mod-10 check digit)?
pub fn valid_gtin(gtin: &str) -> bool {
    if !matches!(gtin.len(), 8 | 12 | 13 | 14) || !gtin.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = gtin.chars().filter_map(|c| c.to_digit(10)).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == check[0]
}

/// The use-by date of meat slaughtered on `day`.
pub fn use_by(day: NaiveDate, storage: Storage, rules: &RuleSettings) -> NaiveDate {
    let days = match storage {
        Storage::Chilled => rules.shelf_life_chilled_days,
        Storage::Frozen => rules.shelf_life_frozen_days,
    };
    day.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(day)
}

/// The weight in force of each lot: the newest weight correction, else the weight recorded.
pub fn weights_in_force(conn: &mut DbConnection, list: &[Lot]) -> QueryResult<Vec<i64>> {
    let ids: Vec<&str> = list.iter().map(|l| l.id.as_str()).collect();
    let rows: Vec<(String, String)> = corrections::table
        .filter(corrections::entity.eq("lot"))
        .filter(corrections::field.eq("weight_g"))
        .filter(corrections::entity_id.eq_any(&ids))
        .order(corrections::recorded_at.asc())
        .select((corrections::entity_id, corrections::value))
        .load(conn)?;
    let mut newest: std::collections::HashMap<String, i64> = Default::default();
    for (id, v) in rows {
        if let Ok(w) = v.parse() {
            newest.insert(id, w);
        }
    }
    Ok(list
        .iter()
        .map(|l| newest.get(&l.id).copied().unwrap_or(l.weight_g))
        .collect())
}

/// The weight in force of one lot.
pub fn effective_weight(conn: &mut DbConnection, lot_id: &str) -> AppResult<i64> {
    let lot = find(conn, lot_id)?;
    Ok(weights_in_force(conn, &[lot])?
        .first()
        .copied()
        .unwrap_or(0))
}

/// The lot and the lots it was cut from, nearest first (at most 16 generations).
pub fn lineage(conn: &mut DbConnection, lot: &Lot) -> QueryResult<Vec<String>> {
    let mut out = vec![lot.id.clone()];
    let mut parent = lot.parent_lot_id.clone();
    while let Some(p) = parent {
        if out.len() > 16 {
            break;
        }
        out.push(p.clone());
        parent = lots::table
            .find(&p)
            .select(lots::parent_lot_id)
            .first(conn)?;
    }
    Ok(out)
}

/// One lot.
pub fn find(conn: &mut DbConnection, id: &str) -> AppResult<Lot> {
    lots::table
        .find(id)
        .select(Lot::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)
}

/// Lots made from a batch at its slaughterhouse (not the child lots holders split from them), oldest first.
pub fn of_batch(conn: &mut DbConnection, batch_id: &str) -> QueryResult<Vec<Lot>> {
    lots::table
        .filter(lots::batch_id.eq(batch_id))
        .filter(lots::parent_lot_id.is_null())
        .order((lots::created_at.asc(), lots::id.asc()))
        .select(Lot::as_select())
        .load(conn)
}

/// Every lot (for audit verification).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Lot>> {
    lots::table.select(Lot::as_select()).load(conn)
}

/// Every correction (for audit verification).
pub fn all_corrections(conn: &mut DbConnection) -> QueryResult<Vec<Correction>> {
    corrections::table
        .select(Correction::as_select())
        .load(conn)
}

/// Has the lot been disposed of at its slaughterhouse?
pub fn is_closed(conn: &mut DbConnection, lot: &Lot) -> QueryResult<bool> {
    let n: i64 = disposals::table
        .filter(disposals::lot_id.eq(&lot.id))
        .filter(disposals::target.eq(DisposalTarget::Lot))
        .filter(disposals::org_id.eq(&lot.slaughterhouse_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Refuse any action on a lot disposed of at its slaughterhouse.
pub fn refuse_if_closed(conn: &mut DbConnection, lot_id: &str) -> AppResult<()> {
    let lot = find(conn, lot_id)?;
    if is_closed(conn, &lot)? {
        return Err(AppError::conflict(
            "lot_closed",
            format!(
                "追溯码 {} 的产品已在屠宰厂无害化处理，不能再有任何操作",
                lot.trace_code
            ),
            format!(
                "lot {} was disposed of at the slaughterhouse; it is closed",
                lot.trace_code
            ),
        ));
    }
    Ok(())
}

/// Lots as every read returns them.
pub fn views(
    conn: &mut DbConnection,
    list: Vec<Lot>,
    rules: &RuleSettings,
) -> AppResult<Vec<LotView>> {
    let weights = weights_in_force(conn, &list)?;
    let ids: Vec<&str> = list.iter().map(|l| l.id.as_str()).collect();
    let all_corrections: Vec<Correction> = corrections::table
        .filter(corrections::entity.eq("lot"))
        .filter(corrections::entity_id.eq_any(&ids))
        .order(corrections::recorded_at.asc())
        .select(Correction::as_select())
        .load(conn)?;
    let mut out = Vec::with_capacity(list.len());
    for (lot, weight) in list.into_iter().zip(weights) {
        let status = crate::stock::queries::status(conn, &lot)?;
        out.push(LotView {
            trace_code_display: trace_code::display(&lot.trace_code),
            verification_url: rules.verification_url(&lot.trace_code),
            corrections: all_corrections
                .iter()
                .filter(|c| c.entity_id == lot.id)
                .cloned()
                .collect(),
            id: lot.id,
            trace_code: lot.trace_code,
            batch_id: lot.batch_id,
            slaughterhouse_id: lot.slaughterhouse_id,
            product_kind: lot.product_kind,
            product_name: lot.product_name,
            weight_g: weight,
            original_weight_g: lot.weight_g,
            halal: lot.halal,
            storage: lot.storage,
            use_by: lot.use_by,
            gtin: lot.gtin,
            product_certificate_id: lot.product_certificate_id,
            inspection_certificate_id: lot.inspection_certificate_id,
            parent_lot_id: lot.parent_lot_id,
            status,
            created_at: lot.created_at,
        });
    }
    Ok(out)
}

/// The certificates lots of a batch are made under: its newest product certificate and newest passing
/// inspection certificate.
fn certificates_for_lots(
    conn: &mut DbConnection,
    batch_id: &str,
) -> AppResult<(ProductCertificate, InspectionCertificate)> {
    let pc: ProductCertificate = product_certificates::table
        .filter(product_certificates::batch_id.eq(batch_id))
        .order(product_certificates::issued_at.desc())
        .select(ProductCertificate::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            AppError::unprocessable(
                "no_product_certificate",
                "该批次没有动物检疫合格证明（产品A/B），不能分装成产品",
                "the batch has no product certificate (产品A/B)",
            )
        })?;
    let ic: InspectionCertificate = inspection_certificates::table
        .filter(inspection_certificates::batch_id.eq(batch_id))
        .filter(inspection_certificates::passed.eq(true))
        .order(inspection_certificates::recorded_at.desc())
        .select(InspectionCertificate::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            AppError::unprocessable(
                "no_passing_inspection",
                "该批次没有检验合格的《广州市畜产品检验合格证》，不能分装成产品",
                "the batch has no passing inspection certificate",
            )
        })?;
    Ok((pc, ic))
}

fn refuse_over_inspected(total: i64, inspected: &InspectionCertificate) -> AppResult<()> {
    if total > inspected.weight_g {
        return Err(AppError::unprocessable(
            "lots_exceed_inspected_weight",
            format!(
                "产品重量合计 {total} 克，超过检验合格证 {} 记载的 {} 克",
                inspected.number, inspected.weight_g
            ),
            format!(
                "the lots weigh {total} g together, more than the {} g inspected on {}",
                inspected.weight_g, inspected.number
            ),
        ));
    }
    Ok(())
}

/// A trace code not yet used (a clash is astronomically rare; draw again if it happens).
pub fn fresh_code(conn: &mut DbConnection) -> AppResult<String> {
    for _ in 0..5 {
        let code = trace_code::generate();
        let used: i64 = lots::table
            .filter(lots::trace_code.eq(&code))
            .count()
            .get_result(conn)?;
        if used == 0 {
            return Ok(code);
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "no fresh trace code after 5 draws"
    )))
}

/// Make lots from a batch (audited): it needs a product certificate and a passing inspection certificate,
/// and all its lots together may not weigh more than was inspected.
pub fn create_lots(
    conn: &mut DbConnection,
    actor: &str,
    batch: &SlaughterBatch,
    new: Vec<NewLot>,
    rules: &RuleSettings,
) -> AppResult<Vec<Lot>> {
    let (pc, ic) = certificates_for_lots(conn, &batch.id)?;
    let existing = of_batch(conn, &batch.id)?;
    let mut open_lots = Vec::new();
    for l in existing {
        if !is_closed(conn, &l)? {
            open_lots.push(l);
        }
    }
    let existing_weight: i64 = weights_in_force(conn, &open_lots)?.iter().sum();
    let new_weight: i64 = new.iter().map(|l| l.weight_g).sum();
    refuse_over_inspected(existing_weight + new_weight, &ic)?;
    let now = crate::time::now();
    let mut made = Vec::with_capacity(new.len());
    for n in new {
        let lot = Lot {
            id: uuid::Uuid::new_v4().to_string(),
            trace_code: fresh_code(conn)?,
            batch_id: batch.id.clone(),
            slaughterhouse_id: batch.slaughterhouse_id.clone(),
            product_kind: n.product_kind,
            product_name: n.product_name,
            weight_g: n.weight_g,
            halal: batch.halal,
            storage: n.storage,
            use_by: use_by(batch.slaughter_date, n.storage, rules),
            gtin: n.gtin,
            product_certificate_id: pc.id.clone(),
            inspection_certificate_id: ic.id.clone(),
            parent_lot_id: None,
            recorded_by: Some(actor.to_string()),
            created_at: now,
        };
        let lot: Lot = diesel::insert_into(lots::table)
            .values(&lot)
            .returning(lots::all_columns)
            .get_result(conn)?;
        audit::record(conn, Some(actor), "create", &lot)?;
        made.push(lot);
    }
    Ok(made)
}

/// Correct a lot's weight with a new record (audited); the weight checks follow the corrected value.
pub fn correct_weight(
    conn: &mut DbConnection,
    actor: &str,
    lot_id: &str,
    weight_g: i64,
    reason: &str,
) -> AppResult<Correction> {
    refuse_if_closed(conn, lot_id)?;
    let lot = find(conn, lot_id)?;
    crate::stock::queries::lock_lot(conn, &lot.id)?;
    let ic: InspectionCertificate = inspection_certificates::table
        .find(&lot.inspection_certificate_id)
        .select(InspectionCertificate::as_select())
        .first(conn)?;
    let mut others = Vec::new();
    for l in of_batch(conn, &lot.batch_id)? {
        if l.id != lot.id && !is_closed(conn, &l)? {
            others.push(l);
        }
    }
    let others_weight: i64 = weights_in_force(conn, &others)?.iter().sum();
    refuse_over_inspected(others_weight + weight_g, &ic)?;
    let c = Correction {
        id: uuid::Uuid::new_v4().to_string(),
        entity: "lot".to_string(),
        entity_id: lot.id.clone(),
        field: "weight_g".to_string(),
        value: weight_g.to_string(),
        reason: reason.to_string(),
        recorded_by: Some(actor.to_string()),
        recorded_at: crate::time::now(),
    };
    let c: Correction = diesel::insert_into(corrections::table)
        .values(&c)
        .returning(corrections::all_columns)
        .get_result(conn)?;
    audit::record(conn, Some(actor), "create", &c)?;
    check_mass_balance(conn, actor, &lot, &c, weight_g)?;
    Ok(c)
}

/// A correction is a measurement and is kept; when it leaves the lot lighter than what already left its
/// maker (shipped, split off, disposed of), the books no longer balance: a `mass_balance_broken` violation.
fn check_mass_balance(
    conn: &mut DbConnection,
    actor: &str,
    lot: &Lot,
    correction: &Correction,
    weight_g: i64,
) -> AppResult<()> {
    use crate::stock::queries as stock;
    let maker = &lot.slaughterhouse_id;
    let gone = stock::shipped_by(conn, maker, &lot.id)?
        + stock::disposed_by(conn, maker, &lot.id)?
        + stock::split_off_by(conn, maker, &lot.id)?;
    if gone <= weight_g {
        return Ok(());
    }
    let rule = &crate::violations::rules::MASS_BALANCE_BROKEN;
    let Some(org) = crate::organisations::queries::find(conn, maker)? else {
        return Ok(());
    };
    crate::violations::queries::open(
        conn,
        crate::violations::queries::NewViolation {
            rule,
            source: crate::violations::model::ViolationSource::Detected,
            subject: crate::violations::queries::Subject::Org(&org),
            summary: (
                format!(
                    "产品 {} 重量更正为 {weight_g} 克，但已出货、分割和处理共 {gone} 克",
                    lot.trace_code
                ),
                format!(
                    "lot {} corrected to {weight_g} g, but {gone} g had already been shipped, split off or disposed of",
                    lot.trace_code
                ),
            ),
            actor_id: Some(actor),
            records: vec![("lot", lot.id.clone()), ("correction", correction.id.clone())],
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtins_are_checked() {
        assert!(valid_gtin("06901234567892"));
        assert!(valid_gtin("6901234567892"));
        assert!(!valid_gtin("6901234567893"));
        assert!(!valid_gtin("690123456789"));
        assert!(!valid_gtin("69012345678A2"));
    }
}
