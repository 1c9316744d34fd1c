//! Rules of batches, without HTTP or a database: what a batch may draw, halal slaughter, quarantine heads,
//! product certificate validity, and a fee against the approved schedule.

use chrono::{Days, NaiveDate};

use super::model::{FeeFinding, ProductCertificateType};
use crate::config::RuleSettings;
use crate::intake::model::{Intake, IntakeCheck};
use crate::refusal::{Code, Refusal};
use crate::slaughterhouses::domain as registry;
use crate::slaughterhouses::model::{FeeItem, SlaughterhouseRecord, Species};

/// May this slaughterhouse slaughter a halal batch on `day` (art. 三)? The caller has checked first that it
/// may slaughter the species that day (art. 一: `slaughterhouses::domain::may_slaughter`).
pub fn check_batch(
    house: &SlaughterhouseRecord,
    halal: bool,
    day: NaiveDate,
) -> Result<(), Refusal> {
    if halal && !registry::halal_on(house, day) {
        return Err(Refusal::of(Code::HalalNotCertified).with("day", day));
    }
    Ok(())
}

/// One intake a batch wants to draw from, with what is known of it.
pub struct DrawFacts<'a> {
    /// The intake.
    pub intake: &'a Intake,
    /// The vet's check, if any.
    pub check: Option<&'a IntakeCheck>,
    /// Heads already drawn by other batches.
    pub drawn: i64,
    /// Heads asked for.
    pub heads: i32,
}

/// Check one draw: same slaughterhouse and species, checked and accepted by the vet, no more heads than
/// arrived alive and are not yet slaughtered.
pub fn check_draw(house_id: &str, species: Species, d: &DrawFacts<'_>) -> Result<(), Refusal> {
    let i = d.intake;
    if i.slaughterhouse_id != house_id {
        return Err(Refusal::not_found("进厂记录", "intake"));
    }
    if i.species != species {
        return Err(Refusal::of(Code::SpeciesMismatch)
            .with("what", "批次")
            .with("what_en", "the batch")
            .with("species", species)
            .with("other", format!("进厂记录 {}", i.id))
            .with("other_en", format!("intake {}", i.id))
            .with("other_species", i.species));
    }
    match d.check {
        Some(c) if c.accepted => {}
        _ => return Err(Refusal::of(Code::IntakeNotChecked).with("id", &i.id)),
    }
    let left = i64::from(i.heads_alive) - d.drawn;
    if i64::from(d.heads) > left {
        return Err(Refusal::of(Code::HeadsExceedIntake)
            .with("id", &i.id)
            .with("left", left)
            .with("heads", d.heads));
    }
    Ok(())
}

/// Quarantine heads must add up to the batch.
pub fn check_quarantine(batch_heads: i32, passed: i32, failed: i32) -> Result<(), Refusal> {
    if passed < 0 || failed < 0 || passed + failed != batch_heads {
        return Err(Refusal::of(Code::QuarantineHeadsMismatch)
            .with("passed", passed)
            .with("failed", failed)
            .with("batch_heads", batch_heads));
    }
    Ok(())
}

/// Last valid day of a product certificate issued on `issue_day` (the day of issue counts as the first).
pub fn product_valid_until(
    cert_type: ProductCertificateType,
    issue_day: NaiveDate,
    rules: &RuleSettings,
) -> NaiveDate {
    let days = match cert_type {
        ProductCertificateType::ProductA => rules.product_a_valid_days,
        ProductCertificateType::ProductB => rules.product_b_valid_days,
    };
    issue_day
        .checked_add_days(Days::new(u64::from(days.max(1) - 1)))
        .unwrap_or(issue_day)
}

/// Compare a fee with the approved item of that name in force that day: `amount > cap × quantity` is over
/// the cap; no such item is unapproved.
pub fn judge_fee<'a>(
    schedule: &'a [FeeItem],
    item: &str,
    day: NaiveDate,
    quantity: i64,
    amount_fen: i64,
) -> (FeeFinding, Option<&'a FeeItem>) {
    match schedule
        .iter()
        .find(|f| f.item == item && f.in_force_on(day))
    {
        None => (FeeFinding::Unapproved, None),
        Some(f) => {
            let cap = i128::from(f.cap_fen) * i128::from(quantity);
            if i128::from(amount_fen) > cap {
                (FeeFinding::OverCap, Some(f))
            } else {
                (FeeFinding::WithinCap, Some(f))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slaughterhouses::model::FeeUnit;

    fn fee(item: &str, cap: i64) -> FeeItem {
        FeeItem {
            id: "f".into(),
            slaughterhouse_id: "s".into(),
            item: item.into(),
            unit: FeeUnit::PerHead,
            cap_fen: cap,
            effective_from: "2026-01-01".parse().unwrap(),
            effective_until: None,
            approval_ref: None,
            recorded_by: None,
            recorded_at: Default::default(),
        }
    }

    #[test]
    fn fees_are_judged_against_cap_times_quantity() {
        let schedule = [fee("牛屠宰费", 12_000)];
        let day = "2026-11-28".parse().unwrap();
        assert_eq!(
            judge_fee(&schedule, "牛屠宰费", day, 20, 240_000).0,
            FeeFinding::WithinCap
        );
        assert_eq!(
            judge_fee(&schedule, "牛屠宰费", day, 20, 240_001).0,
            FeeFinding::OverCap
        );
        assert_eq!(
            judge_fee(&schedule, "消毒费", day, 1, 1).0,
            FeeFinding::Unapproved
        );
        let before = "2025-12-31".parse().unwrap();
        assert_eq!(
            judge_fee(&schedule, "牛屠宰费", before, 1, 1).0,
            FeeFinding::Unapproved
        );
    }

    #[test]
    fn quarantine_must_add_up() {
        assert!(check_quarantine(20, 19, 1).is_ok());
        assert_eq!(
            check_quarantine(20, 19, 0).unwrap_err().code.as_str(),
            "quarantine_heads_mismatch"
        );
        let rules = RuleSettings::default();
        let day: NaiveDate = "2026-11-28".parse().unwrap();
        assert_eq!(
            product_valid_until(ProductCertificateType::ProductB, day, &rules),
            day
        );
        assert_eq!(
            product_valid_until(ProductCertificateType::ProductA, day, &rules).to_string(),
            "2026-12-04"
        );
    }
}
