//! The rules of the registry, without HTTP or a database: may a slaughterhouse slaughter species S on day D
//! (art. 一, 三), is it in the network on day D (art. 六), is it halal-certified on day D, and which status
//! changes are allowed.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{QualityAgreement, SlaughterhouseRecord, SlaughterhouseStatus, Species};
use crate::error::AppError;

/// Why a slaughterhouse may not act on a day: a stable code with a message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Refusal {
    /// Stable code, e.g. `slaughterhouse_suspended`.
    pub code: &'static str,
    /// Why, in Chinese.
    pub detail: String,
    /// Why, in English.
    pub detail_en: String,
}

impl Refusal {
    fn new(code: &'static str, zh: String, en: String) -> Refusal {
        Refusal {
            code,
            detail: zh,
            detail_en: en,
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::unprocessable(r.code, r.detail, r.detail_en)
    }
}

/// Designated (not suspended or revoked) and licensed on `day`: the common ground of both questions.
fn designated_and_licensed(sh: &SlaughterhouseRecord, day: NaiveDate) -> Result<(), Refusal> {
    match sh.status {
        SlaughterhouseStatus::Designated => {}
        SlaughterhouseStatus::Suspended => {
            return Err(Refusal::new(
                "slaughterhouse_suspended",
                "该屠宰厂的定点资格已被暂停".into(),
                "this slaughterhouse's designation is suspended".into(),
            ))
        }
        SlaughterhouseStatus::Revoked => {
            return Err(Refusal::new(
                "slaughterhouse_revoked",
                "该屠宰厂的定点资格已被撤销".into(),
                "this slaughterhouse's designation has been revoked".into(),
            ))
        }
    }
    if day < sh.designated_on {
        return Err(Refusal::new(
            "slaughterhouse_not_designated",
            format!("该屠宰厂自 {} 起才获定点", sh.designated_on),
            format!(
                "this slaughterhouse is designated only from {}",
                sh.designated_on
            ),
        ));
    }
    if day < sh.licence_valid_from {
        return Err(Refusal::new(
            "licence_not_yet_valid",
            format!("屠宰许可证自 {} 起才生效", sh.licence_valid_from),
            format!("the licence is valid only from {}", sh.licence_valid_from),
        ));
    }
    if day > sh.licence_valid_until {
        return Err(Refusal::new(
            "licence_expired",
            format!("屠宰许可证已于 {} 到期", sh.licence_valid_until),
            format!("the licence expired on {}", sh.licence_valid_until),
        ));
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
        return Err(Refusal::new(
            "species_not_licensed",
            format!("该屠宰厂未获准屠宰{zh}"),
            format!("this slaughterhouse is not licensed for {species}"),
        ));
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
        return Err(Refusal::new(
            "no_agreement_in_force",
            format!("该屠宰厂在 {day} 没有有效的质量安全协议"),
            format!("this slaughterhouse has no quality-safety agreement in force on {day}"),
        ));
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
) -> Result<SlaughterhouseStatus, AppError> {
    use SlaughterhouseStatus::*;
    let to = match (from, action) {
        (Designated, StatusAction::Suspend) => Suspended,
        (Suspended, StatusAction::Reinstate) => Designated,
        (Designated | Suspended, StatusAction::Revoke) => Revoked,
        _ => {
            return Err(AppError::conflict(
                "invalid_status_transition",
                format!("当前状态为「{}」，不能执行此操作", from.zh()),
                format!("cannot {action:?} a slaughterhouse whose status is {from}"),
            ))
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
            may_slaughter(&sh, Species::Sheep, day).unwrap_err().code,
            "species_not_licensed"
        );
        assert_eq!(
            may_slaughter(&sh, Species::Cattle, d("2027-01-01"))
                .unwrap_err()
                .code,
            "licence_expired"
        );
        assert_eq!(
            may_slaughter(&sh, Species::Cattle, d("2023-12-31"))
                .unwrap_err()
                .code,
            "slaughterhouse_not_designated"
        );
        sh.status = SlaughterhouseStatus::Suspended;
        assert_eq!(
            may_slaughter(&sh, Species::Cattle, day).unwrap_err().code,
            "slaughterhouse_suspended"
        );
        sh.status = SlaughterhouseStatus::Revoked;
        assert_eq!(
            may_slaughter(&sh, Species::Cattle, day).unwrap_err().code,
            "slaughterhouse_revoked"
        );
    }

    #[test]
    fn in_network_needs_an_agreement_in_force_that_day() {
        let sh = house();
        let a = [agreement("2026-01-01", "2026-11-30")];
        assert_eq!(in_network(&sh, &a, d("2026-11-30")), Ok(()));
        assert_eq!(
            in_network(&sh, &a, d("2026-12-01")).unwrap_err().code,
            "no_agreement_in_force"
        );
        assert_eq!(
            in_network(&sh, &[], d("2026-11-28")).unwrap_err().code,
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
