//! Shipment records.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::shipments;

/// A shipment as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = shipments)]
pub struct Shipment {
    /// Id.
    pub id: String,
    /// The seller (slaughterhouse or buyer).
    pub seller_id: String,
    /// The registered buyer.
    pub buyer_id: String,
    /// Day of the sale.
    pub ship_date: NaiveDate,
    /// Transaction voucher number (交易凭证号), unique per seller.
    pub voucher_no: String,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

/// One line: a lot, its weight and unit price.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, PartialEq, Eq, PartialOrd, Ord)]
pub struct ShipmentLine {
    /// The lot.
    pub lot_id: String,
    /// Weight, grams.
    pub weight_g: i64,
    /// Price per kilogram, fen.
    pub unit_price_fen: i64,
}

/// A shipment with its lines: what clients see and the audit trail hashes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShipmentWithLines {
    /// The shipment.
    #[serde(flatten)]
    pub shipment: Shipment,
    /// Its lines, by lot.
    pub lines: Vec<ShipmentLine>,
}

impl crate::audit::Audited for ShipmentWithLines {
    const ENTITY: &'static str = "shipment";
    fn audit_id(&self) -> &str {
        &self.shipment.id
    }
}
