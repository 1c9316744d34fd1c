//! Rules of animal certificates: ear tags (national code: 15 digits, the first the species: 2 cattle,
//! 3 sheep; then a 6-digit county code and an 8-digit serial) and validity windows.

use chrono::{Days, NaiveDate};

use super::model::AnimalCertificateType;
use crate::config::RuleSettings;
use crate::identifiers::EarTag;
use crate::refusal::{Code, Refusal};
use crate::slaughterhouses::model::Species;

/// The species digit of an ear tag.
fn species_digit(s: Species) -> char {
    match s {
        Species::Cattle => '2',
        Species::Sheep => '3',
    }
}

/// Check one ear tag (15 digits, checked at the edge) against the species it should belong to.
pub fn check_ear_tag(tag: &EarTag, species: Species) -> Result<(), Refusal> {
    if !tag.as_str().starts_with(species_digit(species)) {
        return Err(Refusal::of(Code::EarTagSpeciesMismatch).with("tag", tag));
    }
    Ok(())
}

/// Check a list of ear tags: each of the species, no repeats. Sorted.
pub fn check_ear_tags(tags: &[EarTag], species: Species) -> Result<Vec<String>, Refusal> {
    for t in tags {
        check_ear_tag(t, species)?;
    }
    let mut out: Vec<String> = tags.iter().map(|t| t.as_str().to_string()).collect();
    out.sort();
    if let Some(w) = out.windows(2).find(|w| w[0] == w[1]) {
        return Err(Refusal::of(Code::DuplicateEarTag).with("tag", &w[0]));
    }
    Ok(out)
}

/// The last valid day of a certificate issued on `issue_day` (China time): a window of N days counts the
/// day of issue as the first.
pub fn valid_until(
    cert_type: AnimalCertificateType,
    issue_day: NaiveDate,
    rules: &RuleSettings,
) -> NaiveDate {
    let days = match cert_type {
        AnimalCertificateType::AnimalA => rules.animal_a_valid_days,
        AnimalCertificateType::AnimalB => rules.animal_b_valid_days,
    };
    issue_day
        .checked_add_days(Days::new(u64::from(days.max(1) - 1)))
        .unwrap_or(issue_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ear_tags_are_15_digits_with_the_species_digit() {
        let tag = |t: &str| EarTag::parse(t).unwrap();
        assert!(check_ear_tag(&tag("244010100000001"), Species::Cattle).is_ok());
        assert_eq!(
            check_ear_tag(&tag("344010100000001"), Species::Cattle)
                .unwrap_err()
                .code
                .as_str(),
            "ear_tag_species_mismatch"
        );
        for bad in ["24401010000001", "24401010000000A"] {
            assert_eq!(
                EarTag::parse(bad).unwrap_err().code.as_str(),
                "invalid_ear_tag"
            );
        }
        let dup = vec![tag("344010100000001"), tag(" 344010100000001")];
        assert_eq!(
            check_ear_tags(&dup, Species::Sheep)
                .unwrap_err()
                .code
                .as_str(),
            "duplicate_ear_tag"
        );
    }

    #[test]
    fn validity_windows_come_from_configuration() {
        let rules = RuleSettings::default();
        let day: NaiveDate = "2026-11-28".parse().unwrap();
        assert_eq!(
            valid_until(AnimalCertificateType::AnimalB, day, &rules),
            day
        );
        assert_eq!(
            valid_until(AnimalCertificateType::AnimalA, day, &rules).to_string(),
            "2026-12-02"
        );
        let longer = RuleSettings {
            animal_b_valid_days: 2,
            ..RuleSettings::default()
        };
        assert_eq!(
            valid_until(AnimalCertificateType::AnimalB, day, &longer).to_string(),
            "2026-11-29"
        );
    }
}
