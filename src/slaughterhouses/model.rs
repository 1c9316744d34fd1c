//! Registry records: the slaughterhouse, its status history, quality-safety agreements and fee schedule.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{
    fee_items, quality_agreements, slaughterhouse_status_changes, slaughterhouses,
};

use crate::text_enum;

text_enum! {
    /// An animal species (羊 covers sheep and goats).
    pub enum Species {
        /// 牛
        Cattle,
        /// 羊
        Sheep,
    }
}

text_enum! {
    /// The species a slaughterhouse is licensed for.
    pub enum LicensedSpecies {
        /// 牛 only.
        Cattle,
        /// 羊 only.
        Sheep,
        /// Both.
        Both,
    }
}

impl LicensedSpecies {
    /// Does the licence cover this species?
    pub fn covers(self, s: Species) -> bool {
        matches!(
            (self, s),
            (LicensedSpecies::Both, _)
                | (LicensedSpecies::Cattle, Species::Cattle)
                | (LicensedSpecies::Sheep, Species::Sheep)
        )
    }
}

text_enum! {
    /// Designation status.
    pub enum SlaughterhouseStatus {
        /// 定点 in force.
        Designated,
        /// 暂停: may be reinstated.
        Suspended,
        /// 撤销: final.
        Revoked,
    }
}

impl SlaughterhouseStatus {
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            SlaughterhouseStatus::Designated => "定点有效",
            SlaughterhouseStatus::Suspended => "暂停",
            SlaughterhouseStatus::Revoked => "已撤销",
        }
    }
}

text_enum! {
    /// Unit a fee is charged by.
    pub enum FeeUnit {
        /// Per head.
        PerHead,
        /// Per kilogram.
        PerKg,
        /// Per slaughter batch.
        PerBatch,
    }
}

/// A slaughterhouse's registry record (name and district are on its organisation).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = slaughterhouses)]
pub struct SlaughterhouseRecord {
    /// The slaughterhouse's organisation id.
    pub org_id: String,
    /// 统一社会信用代码.
    pub uscc: String,
    /// 定点证号.
    pub designation_no: String,
    /// Address.
    pub address: String,
    /// Species licensed.
    pub species: LicensedSpecies,
    /// Halal (清真) certification number.
    pub halal_cert_no: Option<String>,
    /// Last day the halal certification is valid.
    pub halal_cert_expires: Option<NaiveDate>,
    /// Licence number.
    pub licence_no: String,
    /// First day of the licence.
    pub licence_valid_from: NaiveDate,
    /// Last day of the licence.
    pub licence_valid_until: NaiveDate,
    /// Status now.
    pub status: SlaughterhouseStatus,
    /// Day of designation.
    pub designated_on: NaiveDate,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

impl crate::audit::Audited for SlaughterhouseRecord {
    const ENTITY: &'static str = "slaughterhouse";
    fn audit_id(&self) -> &str {
        &self.org_id
    }
}

/// One change of status, with its reason; the history is kept whole.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = slaughterhouse_status_changes)]
pub struct StatusChange {
    /// Id.
    pub id: String,
    /// The slaughterhouse.
    pub slaughterhouse_id: String,
    /// Status before.
    pub from_status: SlaughterhouseStatus,
    /// Status after.
    pub to_status: SlaughterhouseStatus,
    /// Why.
    pub reason: String,
    /// Who (user id).
    pub changed_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub changed_at: NaiveDateTime,
}

impl crate::audit::Audited for StatusChange {
    const ENTITY: &'static str = "slaughterhouse_status_change";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// A quality-safety agreement (质量安全协议, art. 六) with the slaughter administration.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = quality_agreements)]
pub struct QualityAgreement {
    /// Id.
    pub id: String,
    /// The slaughterhouse.
    pub slaughterhouse_id: String,
    /// Agreement number, unique.
    pub number: String,
    /// Day signed (in force from then).
    pub signed_on: NaiveDate,
    /// Last day in force.
    pub expires_on: NaiveDate,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl QualityAgreement {
    /// In force on `day` (both ends inclusive)?
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.signed_on <= day && day <= self.expires_on
    }
}

impl crate::audit::Audited for QualityAgreement {
    const ENTITY: &'static str = "quality_agreement";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// An approved fee item (art. 四): what may be charged, per what, up to what.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = fee_items)]
pub struct FeeItem {
    /// Id.
    pub id: String,
    /// The slaughterhouse.
    pub slaughterhouse_id: String,
    /// Item name as approved (e.g. 屠宰费).
    pub item: String,
    /// Unit.
    pub unit: FeeUnit,
    /// Cap in fen per unit.
    pub cap_fen: i64,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force (open-ended when absent).
    pub effective_until: Option<NaiveDate>,
    /// The price authority's approval reference.
    pub approval_ref: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl FeeItem {
    /// In force on `day`?
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_until.is_none_or(|u| day <= u)
    }

    /// Do the effective periods of two items overlap?
    pub fn overlaps(&self, from: NaiveDate, until: Option<NaiveDate>) -> bool {
        let a_end = self.effective_until.unwrap_or(NaiveDate::MAX);
        let b_end = until.unwrap_or(NaiveDate::MAX);
        self.effective_from <= b_end && from <= a_end
    }
}

impl crate::audit::Audited for FeeItem {
    const ENTITY: &'static str = "fee_item";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// Why a slaughterhouse may not act on a day, as answered: the refusal's code and its text in both
/// languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RuleRefusal {
    /// Stable code, e.g. `slaughterhouse_suspended`.
    pub code: crate::refusal::Code,
    /// Why, in Chinese.
    pub detail: String,
    /// Why, in English.
    pub detail_en: String,
}

impl From<&crate::refusal::Refusal> for RuleRefusal {
    fn from(r: &crate::refusal::Refusal) -> Self {
        let (detail, detail_en) = r.detail();
        RuleRefusal {
            code: r.code,
            detail,
            detail_en,
        }
    }
}
