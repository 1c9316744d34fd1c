//! The rules of the registry, without HTTP or a database: may a slaughterhouse slaughter species S on day D
//! (art. 一, 三), is it in the network on day D (art. 六), is it halal-certified on day D, and which status
//! changes are allowed.

use chrono::NaiveDate;
use utoipa::ToSchema;

use super::model::{QualityAgreement, SlaughterhouseRecord, SlaughterhouseStatus, Species};
use crate::refusal::{Code, Refusal};

/// Designated (not suspended or revoked) and licensed on `day`: the common ground of both questions.
fn designated_and_licensed(sh: &SlaughterhouseRecord, day: NaiveDate) -> Result<(), Refusal> {
    match sh.status {
        SlaughterhouseStatus::Designated => {}
        SlaughterhouseStatus::Suspended => return Err(Refusal::of(Code::SlaughterhouseSuspended)),
        SlaughterhouseStatus::Revoked => return Err(Refusal::of(Code::SlaughterhouseRevoked)),
    }
    if day < sh.designated_on {
        return Err(Refusal::of(Code::SlaughterhouseNotDesignated)
            .with("day", day)
            .with("from", sh.designated_on));
    }
    if day < sh.licence_valid_from {
        return Err(Refusal::of(Code::LicenceNotYetValid)
            .with("day", day)
            .with("from", sh.licence_valid_from));
    }
    if day > sh.licence_valid_until {
        return Err(Refusal::of(Code::LicenceExpired).with("day", sh.licence_valid_until));
    }
    Ok(())
}

/// May this slaughterhouse slaughter `species` on `day`? Designated, not suspended or revoked, licence in
/// date, licensed for the species (art. 一).
pub fn may_slaughter(
    sh: &SlaughterhouseRecord,
    species: Species,
    day: NaiveDate,
) -> Result<(), Refusal> {
    designated_and_licensed(sh, day)?;
    if !sh.species.covers(species) {
        let zh = match species {
            Species::Cattle => "牛",
            Species::Sheep => "羊",
        };
        return Err(Refusal::of(Code::SpeciesNotLicensed)
            .with("species", zh)
            .with("species_en", species));
    }
    Ok(())
}

/// Is this slaughterhouse in the meat safety information network on `day` (纳入肉品安全信息网络, art. 六):
/// designated, licence in date, and a quality-safety agreement in force?
pub fn in_network(
    sh: &SlaughterhouseRecord,
    agreements: &[QualityAgreement],
    day: NaiveDate,
) -> Result<(), Refusal> {
    designated_and_licensed(sh, day)?;
    if !agreements
        .iter()
        .any(|a| a.slaughterhouse_id == sh.org_id && a.in_force_on(day))
    {
        return Err(Refusal::of(Code::NoAgreementInForce).with("day", day));
    }
    Ok(())
}

/// Is the halal certification in force on `day` (art. 三)?
pub fn halal_on(sh: &SlaughterhouseRecord, day: NaiveDate) -> bool {
    sh.halal_cert_no.is_some() && sh.halal_cert_expires.is_some_and(|e| day <= e)
}

/// A requested change of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusAction {
    /// Designated → suspended.
    Suspend,
    /// Suspended → designated.
    Reinstate,
    /// Designated or suspended → revoked (final).
    Revoke,
}

/// The status a change leads to, or why it is not allowed from `from`.
pub fn next_status(
    from: SlaughterhouseStatus,
    action: StatusAction,
) -> Result<SlaughterhouseStatus, Refusal> {
    use SlaughterhouseStatus::*;
    let to = match (from, action) {
        (Designated, StatusAction::Suspend) => Suspended,
        (Suspended, StatusAction::Reinstate) => Designated,
        (Designated | Suspended, StatusAction::Revoke) => Revoked,
        _ => {
            return Err(Refusal::of(Code::InvalidStatusTransition)
                .with("from_zh", from.zh())
                .with("action", format!("{action:?}").to_lowercase())
                .with("from", from))
        }
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slaughterhouses::model::LicensedSpecies;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn house() -> SlaughterhouseRecord {
        SlaughterhouseRecord {
            org_id: "sh".into(),
            uscc: "91350100M000100Y43".into(),
            designation_no: "穗牛羊定字001号".into(),
            address: "广州".into(),
            species: LicensedSpecies::Cattle,
            halal_cert_no: Some("QZ-1".into()),
            halal_cert_expires: Some(d("2026-12-31")),
            licence_no: "L-1".into(),
            licence_valid_from: d("2024-01-01"),
            licence_valid_until: d("2026-12-31"),
            status: SlaughterhouseStatus::Designated,
            designated_on: d("2024-01-01"),
            created_at: Default::default(),
            updated_at: Default::default(),
        }
    }

    fn agreement(from: &str, to: &str) -> QualityAgreement {
        QualityAgreement {
            id: "a".into(),
            slaughterhouse_id: "sh".into(),
            number: "Q-1".into(),
            signed_on: d(from),
            expires_on: d(to),
            recorded_by: None,
            recorded_at: Default::default(),
        }
    }

    #[test]
    fn may_slaughter_checks_status_licence_and_species() {
        let mut sh = house();
        let day = d("2026-11-28");
        assert_eq!(may_slaughter(&sh, Species::Cattle, day), Ok(()));
        assert_eq!(
            may_slaughter(&sh, Species::Sheep, day)
                .unwrap_err()
                .code
                .as_str(),
            "species_not_licensed"
        );
        assert_eq!(
            may_slaughter(&sh, Species::Cattle, d("2027-01-01"))
                .unwrap_err()
                .code
                .as_str(),
            "licence_expired"
        );
        assert_eq!(
            may_slaughter(&sh, Species::Cattle, d("2023-12-31"))
                .unwrap_err()
                .code
                .as_str(),
            "slaughterhouse_not_designated"
        );
        sh.status = SlaughterhouseStatus::Suspended;
        assert_eq!(
            may_slaughter(&sh, Species::Cattle, day)
                .unwrap_err()
                .code
                .as_str(),
            "slaughterhouse_suspended"
        );
        sh.status = SlaughterhouseStatus::Revoked;
        assert_eq!(
            may_slaughter(&sh, Species::Cattle, day)
                .unwrap_err()
                .code
                .as_str(),
            "slaughterhouse_revoked"
        );
    }

    #[test]
    fn in_network_needs_an_agreement_in_force_that_day() {
        let sh = house();
        let a = [agreement("2026-01-01", "2026-11-30")];
        assert_eq!(in_network(&sh, &a, d("2026-11-30")), Ok(()));
        assert_eq!(
            in_network(&sh, &a, d("2026-12-01"))
                .unwrap_err()
                .code
                .as_str(),
            "no_agreement_in_force"
        );
        assert_eq!(
            in_network(&sh, &[], d("2026-11-28"))
                .unwrap_err()
                .code
                .as_str(),
            "no_agreement_in_force"
        );
    }

    #[test]
    fn halal_lapses_after_expiry_and_status_changes_follow_the_rules() {
        let sh = house();
        assert!(halal_on(&sh, d("2026-12-31")));
        assert!(!halal_on(&sh, d("2027-01-01")));
        use SlaughterhouseStatus::*;
        assert_eq!(
            next_status(Designated, StatusAction::Suspend).ok(),
            Some(Suspended)
        );
        assert_eq!(
            next_status(Suspended, StatusAction::Reinstate).ok(),
            Some(Designated)
        );
        assert_eq!(
            next_status(Suspended, StatusAction::Revoke).ok(),
            Some(Revoked)
        );
        assert!(next_status(Revoked, StatusAction::Reinstate).is_err());
        assert!(next_status(Designated, StatusAction::Reinstate).is_err());
    }
}
