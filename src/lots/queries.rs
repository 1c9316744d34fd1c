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
use crate::refusal::{Code, Refusal};
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
        return Err(Refusal::of(Code::LotClosed)
            .with("trace_code", &lot.trace_code)
            .into());
    }
    Ok(())
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
        .ok_or_else(|| AppError::from(Code::NoProductCertificate))?;
    let ic: InspectionCertificate = inspection_certificates::table
        .filter(inspection_certificates::batch_id.eq(batch_id))
        .filter(inspection_certificates::passed.eq(true))
        .order(inspection_certificates::recorded_at.desc())
        .select(InspectionCertificate::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::from(Code::NoPassingInspection))?;
    Ok((pc, ic))
}

fn refuse_over_inspected(total: i64, inspected: &InspectionCertificate) -> AppResult<()> {
    if total > inspected.weight_g {
        return Err(Refusal::of(Code::LotsExceedInspectedWeight)
            .with("total", total)
            .with("number", &inspected.number)
            .with("weight_g", inspected.weight_g)
            .into());
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
    let total = crate::input::checked_total(weights_in_force(conn, &open_lots)?)
        .and_then(|w| w.checked_add(crate::input::checked_total(new.iter().map(|l| l.weight_g))?))
        .unwrap_or(i64::MAX);
    refuse_over_inspected(total, &ic)?;
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

/// Record a correction of a lot's weight (audited) once the lots of its batch, with the corrected weight,
/// still weigh no more than was inspected. The caller has refused a closed lot and locked it.
pub fn record_correction(
    conn: &mut DbConnection,
    actor: &str,
    lot: &Lot,
    weight_g: i64,
    reason: &str,
) -> AppResult<Correction> {
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
    let others_weight = crate::input::checked_total(weights_in_force(conn, &others)?)
        .and_then(|w| w.checked_add(weight_g))
        .unwrap_or(i64::MAX);
    refuse_over_inspected(others_weight, &ic)?;
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
    Ok(c)
}

/// Corrections of these lots, oldest first.
pub fn corrections_of(conn: &mut DbConnection, ids: &[&str]) -> QueryResult<Vec<Correction>> {
    corrections::table
        .filter(corrections::entity.eq("lot"))
        .filter(corrections::entity_id.eq_any(ids))
        .order(corrections::recorded_at.asc())
        .select(Correction::as_select())
        .load(conn)
}
