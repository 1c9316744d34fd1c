//! A recall record.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::lot_recalls;

/// The recall of a lot.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = lot_recalls)]
pub struct LotRecall {
    /// Id.
    pub id: String,
    /// The lot.
    pub lot_id: String,
    /// Why.
    pub reason: String,
    /// Who.
    pub recalled_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recalled_at: NaiveDateTime,
}

impl crate::audit::Audited for LotRecall {
    const ENTITY: &'static str = "lot_recall";
    fn audit_id(&self) -> &str {
        &self.id
    }
}
