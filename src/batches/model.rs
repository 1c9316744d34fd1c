//! Batch records.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{
    fee_charges, inspection_certificates, product_certificates, quarantine_results,
    slaughter_batches,
};
use crate::slaughterhouses::model::Species;

/// A slaughter batch (屠宰批次).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = slaughter_batches)]
pub struct SlaughterBatch {
    /// Id.
    pub id: String,
    /// The slaughterhouse.
    pub slaughterhouse_id: String,
    /// Batch number, unique at the slaughterhouse.
    pub batch_no: String,
    /// Species.
    pub species: Species,
    /// Halal (清真) slaughter?
    pub halal: bool,
    /// Day of slaughter (China time).
    pub slaughter_date: NaiveDate,
    /// Heads slaughtered.
    pub heads: i32,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

/// Heads drawn from one intake.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, PartialEq, Eq, PartialOrd, Ord)]
pub struct Draw {
    /// The intake.
    pub intake_id: String,
    /// Heads.
    pub heads: i32,
}

/// A batch with the heads it draws: what the audit trail hashes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchWithDraws {
    /// The batch.
    #[serde(flatten)]
    pub batch: SlaughterBatch,
    /// Heads drawn from each intake, sorted by intake.
    pub draws: Vec<Draw>,
}

impl crate::audit::Audited for BatchWithDraws {
    const ENTITY: &'static str = "slaughter_batch";
    fn audit_id(&self) -> &str {
        &self.batch.id
    }
}

/// Slaughter quarantine (屠宰检疫) result, by the official vet.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = quarantine_results)]
pub struct QuarantineResult {
    /// Id.
    pub id: String,
    /// The batch.
    pub batch_id: String,
    /// The vet.
    pub vet_id: String,
    /// Heads passed.
    pub heads_passed: i32,
    /// Heads failed (to harmless disposal).
    pub heads_failed: i32,
    /// Samples taken.
    pub samples: i32,
    /// Positive samples.
    pub positives: i32,
    /// Remarks.
    pub note: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl crate::audit::Audited for QuarantineResult {
    const ENTITY: &'static str = "quarantine_result";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

crate::text_enum! {
    /// Which product certificate form.
    pub enum ProductCertificateType {
        /// 产品A: leaving the province.
        ProductA,
        /// 产品B: within the province.
        ProductB,
    }
}

crate::text_enum! {
    /// Unit of a product certificate's quantity.
    pub enum QuantityUnit {
        /// Kilograms.
        Kg,
        /// Heads.
        Head,
        /// Pieces.
        Piece,
    }
}

/// 《动物检疫合格证明》（产品A/B）for the meat that passed quarantine.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = product_certificates)]
pub struct ProductCertificate {
    /// Id.
    pub id: String,
    /// Number, unique.
    pub number: String,
    /// Form.
    pub cert_type: ProductCertificateType,
    /// The batch.
    pub batch_id: String,
    /// The quarantine it follows.
    pub quarantine_id: String,
    /// Product named on it.
    pub product: String,
    /// Quantity.
    pub quantity: i64,
    /// Unit.
    pub unit: QuantityUnit,
    /// Issuing vet.
    pub vet_id: String,
    /// Issued (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub issued_at: NaiveDateTime,
    /// Last valid day (China time): no shipment after it.
    pub valid_until: NaiveDate,
}

impl crate::audit::Audited for ProductCertificate {
    const ENTITY: &'static str = "product_certificate";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// 广州市畜产品检验合格证: the slaughterhouse's inspection.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = inspection_certificates)]
pub struct InspectionCertificate {
    /// Id.
    pub id: String,
    /// Number, unique.
    pub number: String,
    /// The batch.
    pub batch_id: String,
    /// Weight inspected, grams.
    pub weight_g: i64,
    /// Inspector's name.
    pub inspector: String,
    /// Passed?
    pub passed: bool,
    /// When inspected (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub inspected_at: NaiveDateTime,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl crate::audit::Audited for InspectionCertificate {
    const ENTITY: &'static str = "inspection_certificate";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

crate::text_enum! {
    /// How a fee charged compares with the approved schedule.
    pub enum FeeFinding {
        /// On the schedule, within its cap.
        WithinCap,
        /// On the schedule, above cap × quantity.
        OverCap,
        /// Not on the schedule in force that day.
        Unapproved,
    }
}

/// A fee charged on a batch (art. 四), recorded as charged whatever it finds.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = fee_charges)]
pub struct FeeCharge {
    /// Id.
    pub id: String,
    /// The batch.
    pub batch_id: String,
    /// The slaughterhouse.
    pub slaughterhouse_id: String,
    /// Item as charged.
    pub item: String,
    /// The approved item it matched, if any.
    pub fee_item_id: Option<String>,
    /// Quantity in the item's unit (heads, kg, batches).
    pub quantity: i64,
    /// Amount charged, fen.
    pub amount_fen: i64,
    /// Finding.
    pub finding: FeeFinding,
    /// Day charged.
    pub charged_on: NaiveDate,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl crate::audit::Audited for FeeCharge {
    const ENTITY: &'static str = "fee_charge";
    fn audit_id(&self) -> &str {
        &self.id
    }
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
    pub disposals: Vec<crate::disposals::model::Disposal>,
    /// Heads that failed quarantine.
    pub failed_heads: i64,
    /// Of those, heads with a disposal record.
    pub failed_heads_disposed: i64,
    /// May its lots ship, as far as the failed heads go (every failed head disposed of)?
    pub failed_heads_all_disposed: bool,
    /// Lots made from it.
    pub lots: Vec<crate::lots::model::LotView>,
    /// Fees charged.
    pub fees: Vec<FeeCharge>,
}

/// Quarantine and its certificate.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarantineOutcome {
    /// The result.
    pub quarantine: QuarantineResult,
    /// The product certificate issued.
    pub product_certificate: Option<ProductCertificate>,
}

/// A fee as recorded, with the violation it opened.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeOutcome {
    /// The charge.
    pub charge: FeeCharge,
    /// The violation opened when it is over its cap or not on the schedule.
    pub violation_id: Option<String>,
}
