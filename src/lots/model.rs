//! A lot as stored and as shown.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{corrections, lots};

crate::text_enum! {
    /// What the lot is.
    pub enum ProductKind {
        /// 胴体
        Carcass,
        /// 二分体
        HalfCarcass,
        /// 四分体
        QuarterCarcass,
        /// 分割肉
        Cuts,
        /// 内脏
        Offal,
        /// 头蹄
        HeadHooves,
    }
}

impl ProductKind {
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            ProductKind::Carcass => "胴体",
            ProductKind::HalfCarcass => "二分体",
            ProductKind::QuarterCarcass => "四分体",
            ProductKind::Cuts => "分割肉",
            ProductKind::Offal => "内脏",
            ProductKind::HeadHooves => "头蹄",
        }
    }
}

crate::text_enum! {
    /// How it is kept (sets the use-by date).
    pub enum Storage {
        /// 冷鲜
        Chilled,
        /// 冷冻
        Frozen,
    }
}

crate::text_enum! {
    /// Where a lot stands.
    pub enum LotStatus {
        /// In circulation.
        Active,
        /// Recalled.
        Recalled,
        /// Disposed of at the slaughterhouse: closed.
        Disposed,
    }
}

/// A lot as stored (its weight as first recorded; see [`LotView`] for the weight in force).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = lots)]
pub struct Lot {
    /// Id.
    pub id: String,
    /// Trace code (canonical form).
    pub trace_code: String,
    /// The batch.
    pub batch_id: String,
    /// The slaughterhouse.
    pub slaughterhouse_id: String,
    /// What it is.
    pub product_kind: ProductKind,
    /// Product name (e.g. 牛腩).
    pub product_name: String,
    /// Weight as first recorded, grams.
    pub weight_g: i64,
    /// Halal.
    pub halal: bool,
    /// Chilled or frozen.
    pub storage: Storage,
    /// Use-by date.
    pub use_by: NaiveDate,
    /// GTIN, when it has one.
    pub gtin: Option<String>,
    /// Product certificate (产品A/B).
    pub product_certificate_id: String,
    /// Inspection certificate.
    pub inspection_certificate_id: String,
    /// The lot it was split from (circulation).
    pub parent_lot_id: Option<String>,
    /// Who made it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
}

impl crate::audit::Audited for Lot {
    const ENTITY: &'static str = "lot";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// A correction of one field of a record; the newest correction of a field is the value in force.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = corrections)]
pub struct Correction {
    /// Id.
    pub id: String,
    /// Entity corrected (`lot`).
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// Field corrected (`weight_g`).
    pub field: String,
    /// The corrected value, as text.
    pub value: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl crate::audit::Audited for Correction {
    const ENTITY: &'static str = "correction";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// A lot as every read returns it: the values in force, with the original and its corrections.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LotView {
    /// Id.
    pub id: String,
    /// Trace code (canonical).
    pub trace_code: String,
    /// Trace code as printed (grouped).
    pub trace_code_display: String,
    /// Public verification address (what the QR encodes).
    pub verification_url: String,
    /// The batch.
    pub batch_id: String,
    /// The slaughterhouse.
    pub slaughterhouse_id: String,
    /// What it is.
    pub product_kind: ProductKind,
    /// Product name.
    pub product_name: String,
    /// Weight in force, grams (the newest correction, else as recorded).
    pub weight_g: i64,
    /// Weight as first recorded, grams.
    pub original_weight_g: i64,
    /// Halal.
    pub halal: bool,
    /// Chilled or frozen.
    pub storage: Storage,
    /// Use-by date.
    pub use_by: NaiveDate,
    /// GTIN.
    pub gtin: Option<String>,
    /// Product certificate id.
    pub product_certificate_id: String,
    /// Inspection certificate id.
    pub inspection_certificate_id: String,
    /// Parent lot, for a split.
    pub parent_lot_id: Option<String>,
    /// Status.
    pub status: LotStatus,
    /// Corrections, oldest first.
    pub corrections: Vec<Correction>,
    /// Made (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
}
