//! Organisations: every user belongs to one. Kinds and Guangzhou's districts.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::organisations;

crate::text_enum! {
    /// What kind of organisation this is (domain.md, "Organisations").
    pub enum OrgKind {
        /// The platform operator (平台运营方).
        PlatformOperator,
        /// A designated slaughterhouse (定点屠宰厂（场）).
        Slaughterhouse,
        /// A buyer business: market stall, supermarket, restaurant, canteen, processor, trader.
        Buyer,
        /// The slaughter administration (屠宰行政管理部门).
        SlaughterAdministration,
        /// The meat-circulation administration (肉品流通行政管理部门).
        CirculationAdministration,
        /// The animal health supervision agency (动物卫生监督机构).
        AnimalHealthAgency,
        /// The 12345 hotline centre (12345 政府服务热线).
        HotlineCentre,
    }
}

impl OrgKind {
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            OrgKind::PlatformOperator => "平台运营方",
            OrgKind::Slaughterhouse => "定点屠宰厂（场）",
            OrgKind::Buyer => "肉品经营者",
            OrgKind::SlaughterAdministration => "屠宰行政管理部门",
            OrgKind::CirculationAdministration => "肉品流通行政管理部门",
            OrgKind::AnimalHealthAgency => "动物卫生监督机构",
            OrgKind::HotlineCentre => "12345 政府服务热线",
        }
    }
}

crate::text_enum! {
    /// Guangzhou's eleven districts (codes in pinyin).
    pub enum District {
        /// 越秀区
        Yuexiu,
        /// 海珠区
        Haizhu,
        /// 荔湾区
        Liwan,
        /// 天河区
        Tianhe,
        /// 白云区
        Baiyun,
        /// 黄埔区
        Huangpu,
        /// 番禺区
        Panyu,
        /// 花都区
        Huadu,
        /// 南沙区
        Nansha,
        /// 从化区
        Conghua,
        /// 增城区
        Zengcheng,
    }
}

impl District {
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            District::Yuexiu => "越秀区",
            District::Haizhu => "海珠区",
            District::Liwan => "荔湾区",
            District::Tianhe => "天河区",
            District::Baiyun => "白云区",
            District::Huangpu => "黄埔区",
            District::Panyu => "番禺区",
            District::Huadu => "花都区",
            District::Nansha => "南沙区",
            District::Conghua => "从化区",
            District::Zengcheng => "增城区",
        }
    }
}

/// An organisation as stored. `district` is `None` for a city-level organisation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    /// Id (UUID).
    pub id: String,
    /// Kind.
    pub kind: OrgKind,
    /// Name.
    pub name: String,
    /// District; absent for city level.
    pub district: Option<District>,
    /// When it was registered (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub created_at: NaiveDateTime,
}

impl crate::audit::Audited for Organisation {
    const ENTITY: &'static str = "organisation";
    fn audit_id(&self) -> &str {
        &self.id
    }
}
