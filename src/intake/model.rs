//! Intakes and the vet's checks.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::{intake_checks, intakes};
use crate::slaughterhouses::model::Species;

/// One arrival of animals on a certificate.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = intakes)]
pub struct Intake {
    /// Id.
    pub id: String,
    /// The slaughterhouse.
    pub slaughterhouse_id: String,
    /// The animal certificate.
    pub certificate_id: String,
    /// Species that arrived.
    pub species: Species,
    /// Heads received alive.
    pub heads_alive: i32,
    /// Heads dead in transit (途亡).
    pub heads_dead: i32,
    /// Vehicle plate.
    pub vehicle_plate: String,
    /// Received (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub received_at: NaiveDateTime,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

/// An intake with the ear tags seen: what clients see and the audit trail hashes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntakeWithTags {
    /// The intake.
    #[serde(flatten)]
    pub intake: Intake,
    /// Ear tags seen on the animals received alive, sorted.
    pub ear_tags: Vec<String>,
}

impl crate::audit::Audited for IntakeWithTags {
    const ENTITY: &'static str = "intake";
    fn audit_id(&self) -> &str {
        &self.intake.id
    }
}

/// The official vet's check of an intake (回收 of the certificate).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = intake_checks)]
pub struct IntakeCheck {
    /// Id.
    pub id: String,
    /// The intake.
    pub intake_id: String,
    /// The vet.
    pub vet_id: String,
    /// Accepted for slaughter?
    pub accepted: bool,
    /// Remarks.
    pub note: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub checked_at: NaiveDateTime,
}

impl crate::audit::Audited for IntakeCheck {
    const ENTITY: &'static str = "intake_check";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// One intake, with the vet's check when there is one.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct IntakeView {
    /// The intake.
    #[serde(flatten)]
    pub intake: IntakeWithTags,
    /// The vet's check.
    pub check: Option<IntakeCheck>,
    /// Heads already drawn into batches.
    pub heads_drawn: i64,
}
