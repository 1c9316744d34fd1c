//! Buyer records.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::buyer_profiles;

crate::text_enum! {
    /// The kind of buyer (domain.md).
    pub enum BuyerKind {
        /// 超市
        Supermarket,
        /// 肉菜市场摊位
        MeatMarketStall,
        /// 农贸市场摊位
        FarmersMarketStall,
        /// 肉品专卖店
        MeatShop,
        /// 批发市场经营户
        WholesaleTrader,
        /// 餐饮食肆
        Restaurant,
        /// 机关团体和企（事）业单位食堂
        Canteen,
        /// 肉食品加工企业
        Processor,
    }
}

impl BuyerKind {
    /// Caterers and processors (art. 八) record the document check (票据查验) in their ledger.
    pub fn checks_documents(self) -> bool {
        matches!(
            self,
            BuyerKind::Restaurant | BuyerKind::Canteen | BuyerKind::Processor
        )
    }

    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            BuyerKind::Supermarket => "超市",
            BuyerKind::MeatMarketStall => "肉菜市场摊位",
            BuyerKind::FarmersMarketStall => "农贸市场摊位",
            BuyerKind::MeatShop => "肉品专卖店",
            BuyerKind::WholesaleTrader => "批发市场经营户",
            BuyerKind::Restaurant => "餐饮食肆",
            BuyerKind::Canteen => "食堂",
            BuyerKind::Processor => "肉食品加工企业",
        }
    }
}

/// A buyer's registry record (name and district are on its organisation).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = buyer_profiles)]
pub struct BuyerProfile {
    /// The buyer's organisation id.
    pub org_id: String,
    /// Kind.
    pub buyer_kind: BuyerKind,
    /// Unified social credit code or business licence number.
    pub licence_no: String,
    /// Address.
    pub address: String,
    /// Market name, for a stall or trader.
    pub market_name: Option<String>,
    /// Stall number.
    pub stall_no: Option<String>,
    /// Who registered it.
    pub registered_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub registered_at: NaiveDateTime,
}

impl crate::audit::Audited for BuyerProfile {
    const ENTITY: &'static str = "buyer_profile";
    fn audit_id(&self) -> &str {
        &self.org_id
    }
}
