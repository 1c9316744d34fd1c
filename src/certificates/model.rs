//! An animal certificate as stored.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::schema::animal_certificates;
use crate::slaughterhouses::model::Species;

crate::text_enum! {
    /// Which form.
    pub enum AnimalCertificateType {
        /// 动物A: animals leaving the province.
        AnimalA,
        /// 动物B: animals moving within the province.
        AnimalB,
    }
}

/// 《动物检疫合格证明》（动物A/B）.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = animal_certificates)]
pub struct AnimalCertificate {
    /// Id.
    pub id: String,
    /// Certificate number, unique across the system.
    pub number: String,
    /// Form.
    pub cert_type: AnimalCertificateType,
    /// Species.
    pub species: Species,
    /// Heads certified.
    pub head_count: i32,
    /// Owner (货主).
    pub owner_name: String,
    /// Place of origin.
    pub origin_place: String,
    /// Destination slaughterhouse (organisation id).
    pub destination_id: String,
    /// Carrier (承运人).
    pub carrier: String,
    /// Vehicle plate.
    pub vehicle_plate: String,
    /// Issued (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub issued_at: NaiveDateTime,
    /// Last day valid (China time).
    pub valid_until: NaiveDate,
    /// Who recorded it.
    pub recorded_by: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub recorded_at: NaiveDateTime,
}

/// A certificate with its ear tags: what clients see and the audit trail hashes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateWithTags {
    /// The certificate.
    #[serde(flatten)]
    pub certificate: AnimalCertificate,
    /// Ear tags certified, sorted.
    pub ear_tags: Vec<String>,
}

impl crate::audit::Audited for CertificateWithTags {
    const ENTITY: &'static str = "animal_certificate";
    fn audit_id(&self) -> &str {
        &self.certificate.id
    }
}
