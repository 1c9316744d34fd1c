//! Marks on the stall board.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::sold_out_marks;

/// A lot marked sold out on the stall board for a day.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = sold_out_marks)]
pub struct SoldOutMark {
    /// Id.
    pub id: String,
    /// The stall.
    pub org_id: String,
    /// The lot.
    pub lot_id: String,
    /// The day (China time).
    pub day: NaiveDate,
    /// Who marked it.
    pub marked_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub marked_at: chrono::NaiveDateTime,
}

impl crate::audit::Audited for SoldOutMark {
    const ENTITY: &'static str = "sold_out_mark";
    fn audit_id(&self) -> &str {
        &self.id
    }
}
