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

crate::text_enum! {
    /// Where a violation stands: the fold of its events.
    pub enum ViolationStatus {
        /// Recorded, nobody working on it yet.
        Open,
        /// Being investigated (立案调查).
        Investigating,
        /// Concluded with a penalty (行政处罚).
        Penalised,
        /// Concluded without one: not made out, or recorded in error.
        Dismissed,
    }
}

crate::text_enum! {
    /// A step of the violation workflow.
    pub enum ViolationEventKind {
        /// Investigation opened.
        Investigating,
        /// Concluded with a penalty.
        Penalised,
        /// Dismissed.
        Dismissed,
    }
}

impl ViolationEventKind {
    /// The status this step leads to.
    pub fn status(self) -> ViolationStatus {
        match self {
            ViolationEventKind::Investigating => ViolationStatus::Investigating,
            ViolationEventKind::Penalised => ViolationStatus::Penalised,
            ViolationEventKind::Dismissed => ViolationStatus::Dismissed,
        }
    }
}

impl ViolationStatus {
    /// Is the violation concluded (penalised or dismissed)?
    pub fn is_concluded(self) -> bool {
        matches!(
            self,
            ViolationStatus::Penalised | ViolationStatus::Dismissed
        )
    }

    /// May `step` follow this status? Open → investigating; open or investigating → penalised or dismissed;
    /// nothing after a conclusion.
    pub fn allows(self, step: ViolationEventKind) -> bool {
        match (self, step) {
            (ViolationStatus::Open, _) => true,
            (ViolationStatus::Investigating, k) => k != ViolationEventKind::Investigating,
            _ => false,
        }
    }
}

/// One step of a violation's workflow, numbered per violation (insert-only).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = crate::schema::violation_events)]
pub struct ViolationEvent {
    /// Id.
    pub id: String,
    /// The violation.
    pub violation_id: String,
    /// 1, 2, ... per violation.
    pub seq: i32,
    /// The step.
    pub kind: ViolationEventKind,
    /// The reasons (findings, legal basis, why dismissed).
    pub reason: String,
    /// The fine, in fen (penalties only).
    pub fine_fen: Option<i64>,
    /// Who.
    pub actor_id: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

impl crate::audit::Audited for ViolationEvent {
    const ENTITY: &'static str = "violation_event";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_moves() {
        use ViolationEventKind as K;
        use ViolationStatus as S;
        assert!(S::Open.allows(K::Investigating));
        assert!(S::Open.allows(K::Penalised));
        assert!(S::Investigating.allows(K::Dismissed));
        assert!(!S::Investigating.allows(K::Investigating));
        for s in [S::Penalised, S::Dismissed] {
            for k in [K::Investigating, K::Penalised, K::Dismissed] {
                assert!(!s.allows(k), "{s:?} then {k:?}");
            }
        }
    }
}
