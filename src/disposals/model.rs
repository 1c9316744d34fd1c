//! A disposal record.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::disposals;

crate::text_enum! {
    /// What is disposed of.
    pub enum DisposalTarget {
        /// A whole batch.
        Batch,
        /// A lot.
        Lot,
        /// The heads of a batch that failed quarantine.
        FailedHeads,
    }
}

crate::text_enum! {
    /// Why.
    pub enum DisposalReason {
        /// Failed slaughter quarantine.
        QuarantineFail,
        /// Failed inspection.
        InspectionFail,
        /// Recalled.
        Recall,
        /// Sick or dead animals (病死).
        SickDead,
        /// Spoiled.
        Spoilage,
    }
}

crate::text_enum! {
    /// How (the methods of the national rules on harmless disposal).
    pub enum DisposalMethod {
        /// 焚烧
        Incineration,
        /// 化制
        Rendering,
        /// 高温
        HighTemperature,
        /// 深埋
        DeepBurial,
        /// 化学处理
        Chemical,
        /// 发酵
        Fermentation,
    }
}

/// 无害化处理记录.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = disposals)]
pub struct Disposal {
    /// Id.
    pub id: String,
    /// The organisation that disposed (the slaughterhouse, or a holder further down).
    pub org_id: String,
    /// What.
    pub target: DisposalTarget,
    /// The batch (for batch and failed heads; the lot's batch for a lot).
    pub batch_id: Option<String>,
    /// The lot.
    pub lot_id: Option<String>,
    /// Why.
    pub reason: DisposalReason,
    /// How.
    pub method: DisposalMethod,
    /// Weight, grams.
    pub weight_g: i64,
    /// Heads.
    pub heads: i32,
    /// Who handled it (person or contractor).
    pub handler: String,
    /// Supervising official vet.
    pub supervising_vet_id: Option<String>,
    /// Outsourced to a disposal plant?
    pub outsourced: bool,
    /// Handover slip number (required when outsourced).
    pub handover_slip: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub disposed_at: NaiveDateTime,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When recorded (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl crate::audit::Audited for Disposal {
    const ENTITY: &'static str = "disposal";
    fn audit_id(&self) -> &str {
        &self.id
    }
}
