//! Ledger entries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::ledger_entries;

/// One purchase ledger entry.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = ledger_entries)]
pub struct LedgerEntry {
    /// Id.
    pub id: String,
    /// The buyer keeping the ledger.
    pub buyer_id: String,
    /// The supplier (the seller that shipped it).
    pub supplier_id: String,
    /// The lot.
    pub lot_id: String,
    /// Weight received, grams.
    pub weight_g: i64,
    /// Product certificate number seen.
    pub product_certificate_no: String,
    /// Inspection certificate number seen.
    pub inspection_certificate_no: String,
    /// The supplier's voucher or receipt number.
    pub receipt_no: Option<String>,
    /// Document check (票据查验) done.
    pub document_check: bool,
    /// Remarks of the document check.
    pub document_note: Option<String>,
    /// The client's idempotency key.
    pub idempotency_key: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl crate::audit::Audited for LedgerEntry {
    const ENTITY: &'static str = "ledger_entry";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// An entry filled in from a scanned code, for the buyer to confirm.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScanResult {
    /// The lot.
    pub lot_id: String,
    /// Trace code (canonical).
    pub trace_code: String,
    /// The supplier that shipped it to this buyer.
    pub supplier_id: String,
    /// Supplier's name.
    pub supplier_name: String,
    /// The slaughterhouse.
    pub slaughterhouse_name: String,
    /// Product.
    pub product_name: String,
    /// Halal.
    pub halal: bool,
    /// Use-by date.
    pub use_by: NaiveDate,
    /// Product certificate (产品A/B) number.
    pub product_certificate_no: String,
    /// Inspection certificate number.
    pub inspection_certificate_no: String,
    /// Weight shipped to this buyer and not yet recorded, grams.
    pub weight_pending_g: i64,
    /// The supplier's voucher number of the latest shipment.
    pub voucher_no: String,
    /// Must the document check be recorded (caterers and processors)?
    pub document_check_required: bool,
}
