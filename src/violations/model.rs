//! A violation and the records it involves.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::organisations::model::District;
use crate::schema::violations;

crate::text_enum! {
    /// Where a violation comes from.
    pub enum ViolationSource {
        /// A rule found it in the records.
        Detected,
        /// A refused request that would have broken a rule.
        Attempt,
        /// An inspector's finding.
        Inspection,
        /// A substantiated complaint.
        Complaint,
    }
}

crate::text_enum! {
    /// How serious.
    pub enum Severity {
        /// Low.
        Low,
        /// Medium.
        Medium,
        /// High.
        High,
    }
}

/// A violation as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = violations)]
pub struct Violation {
    /// Id.
    pub id: String,
    /// Rule code (see `violations/rules.rs`).
    pub rule: String,
    /// Article of the notice.
    pub article: String,
    /// Source.
    pub source: ViolationSource,
    /// Severity.
    pub severity: Severity,
    /// The registered organisation, when the subject is one.
    pub subject_org_id: Option<String>,
    /// Name of an unregistered subject (an illegal slaughter point, say).
    pub subject_name: Option<String>,
    /// Its address.
    pub subject_address: Option<String>,
    /// District where it happened.
    pub district: Option<District>,
    /// What happened, in Chinese.
    pub summary: String,
    /// What happened, in English.
    pub summary_en: String,
    /// The user whose request it was (attempts) or who recorded it.
    pub actor_id: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub detected_at: NaiveDateTime,
}

impl crate::audit::Audited for Violation {
    const ENTITY: &'static str = "violation";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// A record a violation involves.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct InvolvedRecord {
    /// Entity name (`animal_certificate`, `fee_charge`, ...).
    pub entity: String,
    /// Its id.
    pub entity_id: String,
}
