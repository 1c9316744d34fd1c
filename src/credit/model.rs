//! A credit-file event.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::credit_events;

crate::text_enum! {
    /// What happened.
    pub enum CreditEventKind {
        /// Designated as a slaughterhouse.
        Designated,
        /// Quality-safety agreement signed.
        AgreementSigned,
        /// Designation suspended.
        Suspended,
        /// Designation reinstated.
        Reinstated,
        /// Designation revoked.
        Revoked,
        /// Commendation (表彰).
        Commendation,
        /// Warning (警示).
        Warning,
        /// A violation concluded with a penalty.
        ViolationPenalised,
        /// Anything else worth keeping.
        Note,
    }
}

/// One dated event in an enterprise's credit file.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = credit_events)]
pub struct CreditEvent {
    /// Id.
    pub id: String,
    /// The enterprise (organisation id).
    pub org_id: String,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// Kind.
    pub kind: CreditEventKind,
    /// What happened.
    pub summary: String,
    /// The record it comes from (entity name), if any.
    pub source_entity: Option<String>,
    /// That record's id.
    pub source_id: Option<String>,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl crate::audit::Audited for CreditEvent {
    const ENTITY: &'static str = "credit_event";
    fn audit_id(&self) -> &str {
        &self.id
    }
}
