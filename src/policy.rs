//! Who may do what, and over which records: the one mechanism every handler goes through.
//!
//! A handler names the [`Action`] it performs; [`Actor::authorize`] answers with the [`Scope`] of records the
//! caller may touch for it, or refuses with 403 when the role may not do it at all. The handler then reads or
//! writes only inside that scope: lists are filtered by it, and a single record outside it is reported as
//! not found (404), never told apart from one that does not exist. The whole role × action table is the
//! `match` in [`Actor::authorize`], after the scope table in domain.md.

use crate::error::{AppError, AppResult};
use crate::organisations::model::{District, OrgKind};

crate::text_enum! {
    /// A user's role (domain.md, "Who uses it").
    pub enum Role {
        /// Platform operator: organisations and users, no business records.
        Admin,
        /// 屠宰行政管理部门: slaughterhouse registry, agreements, fees, credit files, slaughter-side violations.
        SlaughterRegulator,
        /// 肉品流通行政管理部门: buyer registry, circulation-side violations.
        MarketRegulator,
        /// 官方兽医 of the animal health agency, acting at the slaughterhouses assigned to them.
        OfficialVet,
        /// Staff of one slaughterhouse.
        Slaughterhouse,
        /// Staff of one buyer business.
        Vendor,
        /// Field inspector of either administration.
        Inspector,
        /// 12345 hotline operator.
        HotlineOperator,
    }
}

impl Role {
    /// The kinds of organisation a user of this role may belong to.
    pub fn org_kinds(self) -> &'static [OrgKind] {
        match self {
            Role::Admin => &[OrgKind::PlatformOperator],
            Role::SlaughterRegulator => &[OrgKind::SlaughterAdministration],
            Role::MarketRegulator => &[OrgKind::CirculationAdministration],
            Role::OfficialVet => &[OrgKind::AnimalHealthAgency],
            Role::Slaughterhouse => &[OrgKind::Slaughterhouse],
            Role::Vendor => &[OrgKind::Buyer],
            Role::Inspector => &[
                OrgKind::SlaughterAdministration,
                OrgKind::CirculationAdministration,
            ],
            Role::HotlineOperator => &[OrgKind::HotlineCentre],
        }
    }
}

/// What a handler is about to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create and read organisations and users, disable users, reset passwords, assign vets.
    ManageAccounts,
    /// Verify the audit trail.
    VerifyAudit,
    /// Designate, amend, suspend, reinstate or revoke slaughterhouses; agreements; fee schedules.
    ManageSlaughterhouses,
    /// Read the full registry record of slaughterhouses (the public part needs no action).
    ReadSlaughterhouses,
    /// Read an enterprise's credit file.
    ReadCreditFile,
    /// Add an event to an enterprise's credit file.
    WriteCreditFile,
    /// Record animal certificates addressed to a slaughterhouse.
    RecordAnimalCertificate,
    /// The slaughterhouse's own work: intakes, batches, inspection certificates, lots, labels, disposals,
    /// fees charged, corrections.
    RecordSlaughter,
    /// An official vet's work at the slaughterhouses assigned: intake checks (回收), slaughter quarantine and
    /// product certificates, supervising disposal.
    RecordVetWork,
    /// Read the slaughter chain's records (certificates, intakes, batches, lots, disposals, fees).
    ReadSlaughterChain,
    /// Read violations.
    ReadViolations,
    /// Record violations from inspections and work them (investigate, penalise, dismiss).
    WorkViolations,
    /// Register buyers (肉品经营者).
    ManageBuyers,
    /// Read buyers' registry records.
    ReadBuyers,
    /// Ship lots to registered buyers (流通信息申报): a slaughterhouse, or a buyer shipping onwards.
    Ship,
    /// Keep the purchase ledger, split held lots, issue receipts, mark stock sold out, dispose of held stock.
    KeepStock,
    /// Read circulation records (shipments, ledger entries, receipts).
    ReadCirculation,
    /// Recall lots, batches and animal certificates; read recall reports; withdraw recalls.
    Recall,
    /// Trace a lot backward to its origin or a batch forward to every holder, across both sides.
    Trace,
    /// Read the organisation's recall notices, acknowledge them, report what was pulled or disposed of.
    AnswerRecall,
    /// Export the chain's events as an EPCIS 2.0 document (inspectors and regulators, each on their side).
    ExportEpcis,
}

/// The logged-in caller, as every handler sees it. Built from a verified token and the user's current row,
/// so a disabled user or a reset password stops a token at its next request.
#[derive(Debug, Clone)]
pub struct Actor {
    /// User id.
    pub user_id: String,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// The organisation the user belongs to.
    pub org_id: String,
    /// Its district; `None` for a city-level organisation.
    pub district: Option<District>,
    /// For an official vet: the slaughterhouses assigned to them now.
    pub assigned_slaughterhouses: Vec<String>,
}

/// The records an actor may touch for one action. Every field narrows: `None` means "not narrowed by this".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Only records of these organisations.
    pub orgs: Option<Vec<String>>,
    /// Only records in this district.
    pub district: Option<District>,
    /// Only organisations of these kinds (the side of the chain).
    pub kinds: Option<&'static [OrgKind]>,
}

/// What the scope needs to know of a record's owner.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    /// Owning organisation.
    pub org_id: &'a str,
    /// Its kind.
    pub kind: OrgKind,
    /// Its district (`None`: city level).
    pub district: Option<District>,
}

impl Scope {
    /// Everything.
    pub fn all() -> Scope {
        Scope::default()
    }

    /// Does the scope cover a record owned by `owner`?
    pub fn covers(&self, owner: Owner<'_>) -> bool {
        if let Some(orgs) = &self.orgs {
            if !orgs.iter().any(|o| o == owner.org_id) {
                return false;
            }
        }
        if let Some(d) = self.district {
            if owner.district != Some(d) {
                return false;
            }
        }
        if let Some(kinds) = self.kinds {
            if !kinds.contains(&owner.kind) {
                return false;
            }
        }
        true
    }

    /// Refuse (as not found) a record outside the scope.
    pub fn require(&self, owner: Owner<'_>, what_zh: &str, what_en: &str) -> AppResult<()> {
        if self.covers(owner) {
            Ok(())
        } else {
            Err(AppError::not_found(what_zh, what_en))
        }
    }

    /// May a new record be created in `district` (for designations)? City-level scopes may create anywhere.
    pub fn covers_district(&self, district: District) -> bool {
        self.orgs.is_none() && self.district.is_none_or(|d| d == district)
    }
}

impl Actor {
    /// The scope this actor has for `action`, or 403 when the role may not do it at all.
    pub fn authorize(&self, action: Action) -> AppResult<Scope> {
        use Action::*;
        use Role::*;
        let own = || Scope {
            orgs: Some(vec![self.org_id.clone()]),
            ..Scope::default()
        };
        let assigned = || Scope {
            orgs: Some(self.assigned_slaughterhouses.clone()),
            ..Scope::default()
        };
        let district = |kinds: Option<&'static [OrgKind]>| Scope {
            orgs: None,
            district: self.district,
            kinds,
        };
        const SLAUGHTER: &[OrgKind] = &[OrgKind::Slaughterhouse];
        const BUYERS: &[OrgKind] = &[OrgKind::Buyer];
        const ENTERPRISES: &[OrgKind] = &[OrgKind::Slaughterhouse, OrgKind::Buyer];
        let scope = match (self.role, action) {
            (Admin, ManageAccounts) => Scope::all(),
            (Admin | SlaughterRegulator | MarketRegulator, VerifyAudit) => Scope::all(),
            (SlaughterRegulator, ManageSlaughterhouses) => district(Some(SLAUGHTER)),
            (SlaughterRegulator | Inspector, ReadSlaughterhouses) => district(Some(SLAUGHTER)),
            (OfficialVet, ReadSlaughterhouses) => assigned(),
            (Slaughterhouse, ReadSlaughterhouses) => own(),
            (SlaughterRegulator, ReadCreditFile | WriteCreditFile) => district(Some(SLAUGHTER)),
            (MarketRegulator, ReadCreditFile | WriteCreditFile) => district(Some(BUYERS)),
            (Inspector, ReadCreditFile) => district(Some(ENTERPRISES)),
            (Slaughterhouse | Vendor, ReadCreditFile) => own(),
            (Slaughterhouse, RecordAnimalCertificate | RecordSlaughter) => own(),
            (OfficialVet, RecordAnimalCertificate | RecordVetWork) => assigned(),
            (Slaughterhouse, ReadSlaughterChain) => own(),
            (OfficialVet, ReadSlaughterChain) => assigned(),
            (SlaughterRegulator | Inspector, ReadSlaughterChain) => district(Some(SLAUGHTER)),
            (SlaughterRegulator, ReadViolations) => district(Some(SLAUGHTER)),
            (MarketRegulator, ReadViolations) => district(Some(BUYERS)),
            (Inspector, ReadViolations) => district(None),
            (Slaughterhouse | Vendor, ReadViolations) => own(),
            (SlaughterRegulator, WorkViolations) => district(Some(SLAUGHTER)),
            (MarketRegulator, WorkViolations) => district(Some(BUYERS)),
            (Inspector, WorkViolations) => district(None),
            (MarketRegulator, ManageBuyers) => district(Some(BUYERS)),
            (MarketRegulator | Inspector, ReadBuyers) => district(Some(BUYERS)),
            (Vendor, ReadBuyers) => own(),
            (Slaughterhouse | Vendor, Ship | ReadCirculation) => own(),
            (Vendor, KeepStock) => own(),
            (MarketRegulator | Inspector, ReadCirculation) => district(None),
            (SlaughterRegulator, ReadCirculation) => district(Some(SLAUGHTER)),
            (SlaughterRegulator | MarketRegulator | Inspector, Recall) => district(None),
            (SlaughterRegulator | MarketRegulator | Inspector, Trace) => district(None),
            (Slaughterhouse | Vendor, AnswerRecall) => own(),
            (SlaughterRegulator, ExportEpcis) => district(Some(SLAUGHTER)),
            (MarketRegulator, ExportEpcis) => district(Some(BUYERS)),
            (Inspector, ExportEpcis) => district(None),
            _ => return Err(AppError::forbidden()),
        };
        Ok(scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, district: Option<District>) -> Actor {
        Actor {
            user_id: "u".into(),
            username: "u".into(),
            role,
            org_id: "own".into(),
            district,
            assigned_slaughterhouses: vec!["sh1".into()],
        }
    }

    fn house(id: &str, district: District) -> Owner<'_> {
        Owner {
            org_id: id,
            kind: OrgKind::Slaughterhouse,
            district: Some(district),
        }
    }

    #[test]
    fn district_regulator_sees_only_its_district() {
        let scope = actor(Role::SlaughterRegulator, Some(District::Baiyun))
            .authorize(Action::ReadSlaughterhouses)
            .expect("allowed");
        assert!(scope.covers(house("a", District::Baiyun)));
        assert!(!scope.covers(house("a", District::Panyu)));
        assert!(scope.covers_district(District::Baiyun));
        assert!(!scope.covers_district(District::Panyu));
    }

    #[test]
    fn vet_sees_only_assigned_houses_and_vendor_nothing_of_registry() {
        let vet = actor(Role::OfficialVet, None);
        let scope = vet.authorize(Action::ReadSlaughterhouses).expect("allowed");
        assert!(scope.covers(house("sh1", District::Panyu)));
        assert!(!scope.covers(house("sh2", District::Panyu)));
        assert!(actor(Role::Vendor, None)
            .authorize(Action::ReadSlaughterhouses)
            .is_err());
        assert!(actor(Role::Admin, None)
            .authorize(Action::ManageSlaughterhouses)
            .is_err());
    }

    #[test]
    fn market_regulator_credit_files_are_buyers_only() {
        let scope = actor(Role::MarketRegulator, None)
            .authorize(Action::WriteCreditFile)
            .expect("allowed");
        assert!(!scope.covers(house("x", District::Tianhe)));
        assert!(scope.covers(Owner {
            org_id: "b",
            kind: OrgKind::Buyer,
            district: Some(District::Tianhe)
        }));
    }
}
