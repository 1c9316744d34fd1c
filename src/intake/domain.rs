//! The rules of intake, without HTTP or a database. Each refusal has its own code; the rule-breaking ones
//! are recorded as attempts (see `violations/rules.rs`).

use chrono::NaiveDate;

use crate::certificates::model::AnimalCertificate;
use crate::refusal::{Code, Refusal};
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

/// Check an intake against the rules of art. 五 (the caller has checked first that the slaughterhouse may
/// slaughter the species that day, art. 一: `slaughterhouses::domain::may_slaughter`).
pub fn check(f: &IntakeFacts<'_>, a: &Arrival<'_>) -> Result<(), Refusal> {
    let c = f.certificate;
    if c.destination_id != f.house.org_id {
        return Err(Refusal::of(Code::DestinationMismatch).with("number", &c.number));
    }
    if a.species != c.species {
        return Err(Refusal::of(Code::SpeciesMismatch)
            .with("what", "进厂牲畜")
            .with("what_en", "the intake")
            .with("species", a.species)
            .with("other", format!("检疫证明 {}", c.number))
            .with("other_en", format!("certificate {}", c.number))
            .with("other_species", c.species));
    }
    let issue_day = crate::time::china_date(c.issued_at);
    if f.day < issue_day {
        return Err(Refusal::of(Code::CertificateNotYetValid)
            .with("number", &c.number)
            .with("issue_day", issue_day));
    }
    if f.day > c.valid_until {
        return Err(Refusal::of(Code::CertificateExpired)
            .with("number", &c.number)
            .with("valid_until", c.valid_until));
    }
    let total = f.already_received + i64::from(a.alive) + i64::from(a.dead);
    if total > i64::from(c.head_count) {
        return Err(Refusal::of(Code::CertificateUsedUp)
            .with("number", &c.number)
            .with("head_count", c.head_count)
            .with("already_received", f.already_received)
            .with("heads", i64::from(a.alive) + i64::from(a.dead)));
    }
    if !f.certified_tags.is_empty() {
        if let Some(t) = a
            .ear_tags
            .iter()
            .find(|t| f.certified_tags.binary_search(t).is_err())
        {
            return Err(Refusal::of(Code::EarTagNotOnCertificate)
                .with("tag", t)
                .with("number", &c.number));
        }
    }
    if let Some(t) = f.already_slaughtered.first() {
        return Err(Refusal::of(Code::EarTagAlreadySlaughtered).with("tag", t));
    }
    Ok(())
}
