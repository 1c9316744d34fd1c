//! How a registry record is shown: the full record with today's standing (to those whose scope covers it),
//! the standing on a day, and what anyone may see in the public registry. Built from records and the
//! registry's rules, without a database.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain;
use super::model::*;
use crate::organisations::model::{District, Organisation};

/// A slaughterhouse: its organisation and its registry record.
type Slaughterhouse = (Organisation, SlaughterhouseRecord);

/// A halal certification.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HalalCertification {
    /// Certificate number.
    pub number: String,
    /// Last valid day.
    pub expires_on: NaiveDate,
}

/// Standing on one day.
#[derive(Debug, Serialize, ToSchema)]
pub struct Standing {
    /// The day (China time).
    pub day: NaiveDate,
    /// In the network that day (designated, licence and agreement in force)?
    pub in_network: bool,
    /// Why not, when not.
    pub in_network_refusal: Option<RuleRefusal>,
    /// May slaughter cattle that day?
    pub may_slaughter_cattle: bool,
    /// May slaughter sheep that day?
    pub may_slaughter_sheep: bool,
    /// Halal certification in force that day?
    pub halal: bool,
}

/// A slaughterhouse's standing on `day`, by the registry's rules.
pub fn standing(
    rec: &SlaughterhouseRecord,
    agreements: &[QualityAgreement],
    day: NaiveDate,
) -> Standing {
    let net = domain::in_network(rec, agreements, day);
    Standing {
        day,
        in_network: net.is_ok(),
        in_network_refusal: net.err().as_ref().map(RuleRefusal::from),
        may_slaughter_cattle: domain::may_slaughter(rec, Species::Cattle, day).is_ok(),
        may_slaughter_sheep: domain::may_slaughter(rec, Species::Sheep, day).is_ok(),
        halal: domain::halal_on(rec, day),
    }
}

/// A slaughterhouse's full registry record.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlaughterhouseView {
    /// Id (the organisation's).
    pub id: String,
    /// Name.
    pub name: String,
    /// District.
    pub district: Option<District>,
    /// District in Chinese.
    pub district_name: Option<&'static str>,
    /// Address.
    pub address: String,
    /// 统一社会信用代码.
    pub uscc: String,
    /// 定点证号.
    pub designation_no: String,
    /// Species licensed.
    pub species: LicensedSpecies,
    /// Halal certification, if any.
    pub halal: Option<HalalCertification>,
    /// Licence number.
    pub licence_no: String,
    /// Licence first day.
    pub licence_valid_from: NaiveDate,
    /// Licence last day.
    pub licence_valid_until: NaiveDate,
    /// Status.
    pub status: SlaughterhouseStatus,
    /// Status in Chinese.
    pub status_name: &'static str,
    /// Day of designation.
    pub designated_on: NaiveDate,
    /// The agreement in force today, else the latest.
    pub agreement: Option<QualityAgreement>,
    /// Standing today.
    pub today: Standing,
}

/// The full record of a slaughterhouse with its agreements (newest first).
pub fn view((org, rec): Slaughterhouse, agreements: Vec<QualityAgreement>) -> SlaughterhouseView {
    let today = crate::time::today_china();
    let today_standing = standing(&rec, &agreements, today);
    let agreement = agreements
        .iter()
        .find(|a| a.in_force_on(today))
        .or_else(|| agreements.first())
        .cloned();
    SlaughterhouseView {
        id: org.id,
        name: org.name,
        district: org.district,
        district_name: org.district.map(District::zh),
        address: rec.address,
        uscc: rec.uscc,
        designation_no: rec.designation_no,
        species: rec.species,
        halal: match (rec.halal_cert_no, rec.halal_cert_expires) {
            (Some(number), Some(expires_on)) => Some(HalalCertification { number, expires_on }),
            _ => None,
        },
        licence_no: rec.licence_no,
        licence_valid_from: rec.licence_valid_from,
        licence_valid_until: rec.licence_valid_until,
        status: rec.status,
        status_name: rec.status.zh(),
        designated_on: rec.designated_on,
        agreement,
        today: today_standing,
    }
}

/// What anyone may see of a slaughterhouse.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSlaughterhouse {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// District.
    pub district: Option<District>,
    /// District in Chinese.
    pub district_name: Option<&'static str>,
    /// 定点证号.
    pub designation_no: String,
    /// Status.
    pub status: SlaughterhouseStatus,
    /// Status in Chinese.
    pub status_name: &'static str,
    /// Species licensed.
    pub species: LicensedSpecies,
    /// Halal certification in force today?
    pub halal: bool,
}

/// The public face of a slaughterhouse on `today`.
pub fn public((org, rec): Slaughterhouse, today: NaiveDate) -> PublicSlaughterhouse {
    PublicSlaughterhouse {
        halal: domain::halal_on(&rec, today),
        id: org.id,
        name: org.name,
        district: org.district,
        district_name: org.district.map(District::zh),
        designation_no: rec.designation_no,
        status: rec.status,
        status_name: rec.status.zh(),
        species: rec.species,
    }
}
