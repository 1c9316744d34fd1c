//! Ledger queries: reading a scanned code, filling in the entry, recording it.

use diesel::prelude::*;

use super::model::{LedgerEntry, ScanResult};
use crate::audit;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::lots::model::Lot;
use crate::lots::trace_code::{self, TraceCodeError};
use crate::refusal::{Code, Refusal};
use crate::schema::{
    inspection_certificates, ledger_entries, lots, product_certificates, shipment_lines, shipments,
};
use crate::stock::queries as stock;

/// The trace code in whatever a phone's QR reader gives: the verification address (`…/t/{code}`), a GS1
/// Digital Link (`…/01/{gtin}/10/{code}`), or the bare code, typed with spaces or hyphens.
pub fn code_from_scan(scanned: &str) -> AppResult<String> {
    let s = scanned.trim();
    let s = s.split(['?', '#']).next().unwrap_or(s);
    let tail = if let Some(i) = s.rfind("/t/") {
        &s[i + 3..]
    } else if let Some(i) = s.rfind("/10/") {
        &s[i + 4..]
    } else {
        s
    };
    let tail = tail.trim_end_matches('/');
    trace_code::parse(tail).map_err(|e| {
        let (zh, en) = e.message();
        match e {
            TraceCodeError::Check => Refusal::of(Code::MistypedCode).into(),
            _ => Refusal::of(Code::InvalidCode)
                .with("reason", zh)
                .with("reason_en", en)
                .into(),
        }
    })
}

/// The lot with this (valid) code, or `unknown_code`.
pub fn lot_by_code(conn: &mut DbConnection, code: &str) -> AppResult<Lot> {
    lots::table
        .filter(lots::trace_code.eq(code))
        .select(Lot::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| unknown_code(code))
}

/// The refusal of a well-formed trace code the system does not know (also given for a code outside the
/// caller's scope, so the two cannot be told apart).
pub fn unknown_code(code: &str) -> AppError {
    Refusal::of(Code::UnknownCode).with("code", code).into()
}

/// Fill in the entry for `buyer` from a scanned code, checking what a ledger entry must: the lot is active
/// and was shipped to this buyer.
pub fn scan(conn: &mut DbConnection, buyer: &str, scanned: &str) -> AppResult<(Lot, ScanResult)> {
    let code = code_from_scan(scanned)?;
    let lot = lot_by_code(conn, &code)?;
    stock::refuse_unless_active(conn, &lot)?;
    let latest: Option<(String, String)> = shipments::table
        .inner_join(shipment_lines::table)
        .filter(shipment_lines::lot_id.eq(&lot.id))
        .filter(shipments::buyer_id.eq(buyer))
        .order(shipments::recorded_at.desc())
        .select((shipments::seller_id, shipments::voucher_no))
        .first(conn)
        .optional()?;
    let Some((supplier_id, voucher_no)) = latest else {
        return Err(Refusal::of(Code::NotShippedToBuyer)
            .with("code", code)
            .into());
    };
    let pending =
        stock::shipped_to(conn, buyer, &lot.id)? - stock::recorded_by(conn, buyer, &lot.id)?;
    let pc: String = product_certificates::table
        .find(&lot.product_certificate_id)
        .select(product_certificates::number)
        .first(conn)?;
    let ic: String = inspection_certificates::table
        .find(&lot.inspection_certificate_id)
        .select(inspection_certificates::number)
        .first(conn)?;
    let name = |conn: &mut DbConnection, id: &str| -> AppResult<String> {
        Ok(crate::organisations::queries::find(conn, id)?
            .map(|o| o.name)
            .unwrap_or_default())
    };
    let kind = crate::buyers::queries::find(conn, buyer)?.1.buyer_kind;
    let result = ScanResult {
        lot_id: lot.id.clone(),
        trace_code: lot.trace_code.clone(),
        supplier_name: name(conn, &supplier_id)?,
        supplier_id,
        slaughterhouse_name: name(conn, &lot.slaughterhouse_id)?,
        product_name: lot.product_name.clone(),
        halal: lot.halal,
        use_by: lot.use_by,
        product_certificate_no: pc,
        inspection_certificate_no: ic,
        weight_pending_g: pending,
        voucher_no,
        document_check_required: kind.checks_documents(),
    };
    Ok((lot, result))
}

/// What a confirmation carries.
pub struct Confirmation {
    /// What was scanned (or the code typed).
    pub scanned: String,
    /// Weight received, grams.
    pub weight_g: i64,
    /// The supplier's receipt or voucher number, if different from the shipment's.
    pub receipt_no: Option<String>,
    /// Document check done?
    pub document_check: bool,
    /// Its remarks.
    pub document_note: Option<String>,
    /// Idempotency key.
    pub idempotency_key: Option<String>,
}

/// Record a ledger entry (audited), or return the one already recorded under the same idempotency key
/// (`Ok((entry, false))`). The lot is locked first, so concurrent confirmations never over-record.
pub fn confirm(
    conn: &mut DbConnection,
    actor: &str,
    buyer: &str,
    c: Confirmation,
) -> AppResult<(LedgerEntry, bool)> {
    let code = code_from_scan(&c.scanned)?;
    let lot = lot_by_code(conn, &code)?;
    stock::lock_lot(conn, &lot.id)?;
    if let Some(key) = &c.idempotency_key {
        let existing: Option<LedgerEntry> = ledger_entries::table
            .filter(ledger_entries::buyer_id.eq(buyer))
            .filter(ledger_entries::idempotency_key.eq(key))
            .select(LedgerEntry::as_select())
            .first(conn)
            .optional()?;
        if let Some(e) = existing {
            if e.lot_id != lot.id || e.weight_g != c.weight_g {
                return Err(Refusal::of(Code::IdempotencyKeyReused).into());
            }
            return Ok((e, false));
        }
    }
    let (_, filled) = scan(conn, buyer, &code)?;
    if filled.document_check_required && !c.document_check {
        return Err(Refusal::of(Code::DocumentCheckRequired).into());
    }
    stock::refuse_over(
        filled.weight_pending_g,
        c.weight_g,
        crate::refusal::Code::ExceedsShippedWeight,
        &lot.trace_code,
    )?;
    let e = LedgerEntry {
        id: uuid::Uuid::new_v4().to_string(),
        buyer_id: buyer.to_string(),
        supplier_id: filled.supplier_id,
        lot_id: lot.id,
        weight_g: c.weight_g,
        product_certificate_no: filled.product_certificate_no,
        inspection_certificate_no: filled.inspection_certificate_no,
        receipt_no: c.receipt_no.or(Some(filled.voucher_no)),
        document_check: c.document_check,
        document_note: c.document_note,
        idempotency_key: c.idempotency_key,
        recorded_by: Some(actor.to_string()),
        recorded_at: crate::time::now(),
    };
    let e: LedgerEntry = diesel::insert_into(ledger_entries::table)
        .values(&e)
        .returning(ledger_entries::all_columns)
        .get_result(conn)?;
    audit::record(conn, Some(actor), "create", &e)?;
    Ok((e, true))
}

/// A buyer's entries, newest first.
pub fn of_buyer(
    conn: &mut DbConnection,
    buyer: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<LedgerEntry>, i64)> {
    let total = ledger_entries::table
        .filter(ledger_entries::buyer_id.eq(buyer))
        .count()
        .get_result(conn)?;
    let items = ledger_entries::table
        .filter(ledger_entries::buyer_id.eq(buyer))
        .order((ledger_entries::recorded_at.desc(), ledger_entries::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(LedgerEntry::as_select())
        .load(conn)?;
    Ok((items, total))
}

/// Every entry (for audit verification).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<LedgerEntry>> {
    ledger_entries::table
        .select(LedgerEntry::as_select())
        .load(conn)
}
