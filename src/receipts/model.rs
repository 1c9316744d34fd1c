//! A receipt and its lines, as stored and as the audit trail hashes them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One line of a receipt.
#[derive(
    Debug, Clone, Deserialize, Serialize, ToSchema, Queryable, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLine {
    /// The lot.
    pub lot_id: String,
    /// Weight sold, grams.
    pub weight_g: i64,
    /// Price of the line, fen (at most ¥1,000,000).
    #[schema(minimum = 0, maximum = 100_000_000)]
    pub price_fen: i64,
}

/// A receipt as stored: what the audit trail hashes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Receipt {
    /// Id.
    pub id: String,
    /// Receipt number, printed and encoded in its QR code.
    pub number: String,
    /// The seller.
    pub seller_id: String,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub issued_at: NaiveDateTime,
    /// Who issued it.
    pub recorded_by: Option<String>,
    /// Lines, by lot.
    pub lines: Vec<ReceiptLine>,
}

impl crate::audit::Audited for Receipt {
    const ENTITY: &'static str = "receipt";
    fn audit_id(&self) -> &str {
        &self.id
    }
}
