//! The rules of intake, without HTTP or a database. Each refusal has its own code; the rule-breaking ones
//! are recorded as attempts (see `violations/rules.rs`).

use chrono::NaiveDate;

use crate::certificates::model::AnimalCertificate;
use crate::error::AppError;
use crate::slaughterhouses::domain as registry;
use crate::slaughterhouses::model::{SlaughterhouseRecord, Species};

/// What is known when an intake is asked for.
pub struct IntakeFacts<'a> {
    /// The receiving slaughterhouse.
    pub house: &'a SlaughterhouseRecord,
    /// The certificate the animals came on.
    pub certificate: &'a AnimalCertificate,
    /// Ear tags on the certificate (empty when it lists none).
    pub certified_tags: &'a [String],
    /// Heads already received on it, alive and dead, over all intakes.
    pub already_received: i64,
    /// Of the tags in this request, those already taken in by an earlier intake.
    pub already_slaughtered: &'a [String],
    /// The day of the intake (China time).
    pub day: NaiveDate,
}

/// What arrived.
pub struct Arrival<'a> {
    /// Species.
    pub species: Species,
    /// Heads alive.
    pub alive: i32,
    /// Heads dead in transit.
    pub dead: i32,
    /// Ear tags seen (checked and sorted).
    pub ear_tags: &'a [String],
}

/// Check an intake against the rules of arts. 一 and 五.
pub fn check(f: &IntakeFacts<'_>, a: &Arrival<'_>) -> Result<(), AppError> {
    registry::may_slaughter(f.house, a.species, f.day)?;
    let c = f.certificate;
    if c.destination_id != f.house.org_id {
        return Err(AppError::unprocessable(
            "destination_mismatch",
            format!(
                "检疫证明 {} 的目的地是另一家屠宰厂，不能在本厂进厂",
                c.number
            ),
            format!(
                "certificate {} is addressed to another slaughterhouse",
                c.number
            ),
        ));
    }
    if a.species != c.species {
        return Err(AppError::unprocessable(
            "species_mismatch",
            format!("进厂的畜种与检疫证明 {} 上的畜种不符", c.number),
            format!(
                "the animals are {} but certificate {} is for {}",
                a.species, c.number, c.species
            ),
        ));
    }
    let issue_day = crate::time::china_date(c.issued_at);
    if f.day < issue_day {
        return Err(AppError::unprocessable(
            "certificate_not_yet_valid",
            format!("检疫证明 {} 于 {issue_day} 签发，尚未生效", c.number),
            format!(
                "certificate {} is issued on {issue_day}, not yet valid",
                c.number
            ),
        ));
    }
    if f.day > c.valid_until {
        return Err(AppError::unprocessable(
            "certificate_expired",
            format!("检疫证明 {} 已于 {} 过期", c.number, c.valid_until),
            format!("certificate {} expired on {}", c.number, c.valid_until),
        ));
    }
    let total = f.already_received + i64::from(a.alive) + i64::from(a.dead);
    if total > i64::from(c.head_count) {
        return Err(AppError::unprocessable(
            "certificate_used_up",
            format!(
                "检疫证明 {} 共 {} 头，已进厂 {} 头，本次 {} 头超出证明头数",
                c.number,
                c.head_count,
                f.already_received,
                a.alive + a.dead
            ),
            format!(
                "certificate {} covers {} heads; {} already received, {} more would exceed it",
                c.number,
                c.head_count,
                f.already_received,
                a.alive + a.dead
            ),
        ));
    }
    if !f.certified_tags.is_empty() {
        if let Some(t) = a
            .ear_tags
            .iter()
            .find(|t| f.certified_tags.binary_search(t).is_err())
        {
            return Err(AppError::unprocessable(
                "ear_tag_not_on_certificate",
                format!("耳标 {t} 不在检疫证明 {} 上", c.number),
                format!("ear tag {t} is not on certificate {}", c.number),
            ));
        }
    }
    if let Some(t) = f.already_slaughtered.first() {
        return Err(AppError::unprocessable(
            "ear_tag_already_slaughtered",
            format!("耳标 {t} 的牲畜已进厂屠宰过，一个耳标只能屠宰一次"),
            format!(
                "ear tag {t} has already been taken in for slaughter; a tag is slaughtered once"
            ),
        ));
    }
    Ok(())
}
