//! HTTP handlers recording violations from inspections and working them (investigate, penalise, dismiss).
//! Inspectors of the district, and the regulator of the subject's side, may do both.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{ViolationEvent, ViolationEventKind, ViolationSource};
use super::queries::{self, NewViolation, Subject};
use super::workflow::{self, Step, ViolationDetail};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::refusal::{Code, Refusal};
use crate::organisations::model::{District, OrgKind};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::state::AppState;
use crate::validate::{text, text_max};

/// Does the scope cover a violation of this subject in this district? Registered subjects by their
/// organisation, unregistered ones by the district where they are (side-narrowed scopes cover them too:
/// an illegal slaughter point concerns both administrations).
fn covers(
    scope: &Scope,
    subject: Option<(&str, OrgKind, Option<District>)>,
    district: Option<District>,
) -> bool {
    match subject {
        Some((org_id, kind, d)) => scope.covers(Owner {
            org_id,
            kind,
            district: d,
        }),
        None => scope.orgs.is_none() && scope.district.is_none_or(|s| Some(s) == district),
    }
}

/// A violation inside the scope, or 404.
pub fn in_scope(conn: &mut DbConnection, scope: &Scope, id: &str) -> AppResult<ViolationDetail> {
    let d = workflow::detail(conn, id)?;
    let v = &d.violation.violation;
    let org = match &v.subject_org_id {
        Some(o) => crate::organisations::queries::find(conn, o)?,
        None => None,
    };
    let subject = org.as_ref().map(|o| (o.id.as_str(), o.kind, o.district));
    if covers(scope, subject, v.district) {
        Ok(d)
    } else {
        Err(AppError::not_found("违法违规记录", "violation"))
    }
}

/// An unregistered subject (an illegal slaughter point, an unlicensed seller).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnregisteredSubject {
    /// Name (or a description, e.g. "白云区某村无名屠宰点").
    pub name: String,
    /// Address.
    pub address: String,
    /// District.
    pub district: District,
}

/// A record an inspection found involved.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordRef {
    /// `lot`, `batch`, `animal_certificate`, `ledger_entry`, `receipt`, `shipment` or `complaint`.
    pub entity: String,
    /// Its id.
    pub entity_id: uuid::Uuid,
}

/// A violation found on an inspection.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInspectionViolation {
    /// An inspection rule (`inspection_*`, see docs/rules.md).
    pub rule: String,
    /// The registered organisation that broke it.
    pub subject_org_id: Option<uuid::Uuid>,
    /// Or an unregistered party.
    pub subject: Option<UnregisteredSubject>,
    /// What was found (up to 2,000 characters).
    pub summary: String,
    /// Records involved.
    #[serde(default)]
    pub records: Vec<RecordRef>,
}

const ENTITIES: &[&str] = &[
    "lot",
    "batch",
    "animal_certificate",
    "ledger_entry",
    "receipt",
    "shipment",
    "complaint",
];

/// A workflow step's reasons.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    /// Findings, legal basis, or why it is dismissed (up to 2,000 characters).
    pub reason: String,
}

/// A penalty.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PenaltyRequest {
    /// Findings and the decision (处罚决定), up to 2,000 characters.
    pub reason: String,
    /// The fine in fen (0 for a penalty without a fine).
    pub fine_fen: i64,
}

/// Records a violation found on an inspection (inspectors; regulators for their side); `key` is the
/// Idempotency-Key, bound here to the command.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    key: IdempotencyKey,
    b: NewInspectionViolation,
) -> AppResult<Answer<ViolationDetail>> {
    let scope = actor.authorize(Action::WorkViolations)?;
    let idem = key.bind(actor, "violation.create", &b);
    let rule = super::rules::inspection_rule(&b.rule).ok_or_else(|| {
        Refusal::of(Code::UnknownInspectionRule)
            .with("rule", &b.rule)
            .at("rule")
    })?;
    let summary = text_max(&b.summary, "summary", "检查情况", 2000)?;
    for r in &b.records {
        if !ENTITIES.contains(&r.entity.as_str()) {
            return Err(Refusal::of(Code::InvalidRecordKind)
                .with("entity", &r.entity)
                .into());
        }
    }
    let unregistered = match (b.subject_org_id, b.subject) {
        (Some(_), None) => None,
        (None, Some(s)) => Some((
            text(&s.name, "subject.name", "当事人名称")?,
            text(&s.address, "subject.address", "地址")?,
            s.district,
        )),
        _ => {
            return Err(Refusal::of(Code::SubjectRequired).into())
        }
    };
    let org_id = b.subject_org_id.map(|u| u.to_string());
    let records: Vec<(&'static str, String)> = b
        .records
        .iter()
        .filter_map(|r| {
            ENTITIES
                .iter()
                .find(|e| **e == r.entity)
                .map(|e| (*e, r.entity_id.to_string()))
        })
        .collect();
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, idem.as_ref(), |conn| {
                let org = match &org_id {
                    Some(id) => Some(
                        crate::organisations::queries::find(conn, id)?
                            .filter(|o| crate::users::queries::is_enterprise(o.kind))
                            .ok_or_else(|| AppError::not_found("企业", "enterprise"))?,
                    ),
                    None => None,
                };
                let subject = match (&org, &unregistered) {
                    (Some(o), _) => Subject::Org(o),
                    (None, Some((name, address, district))) => Subject::Unregistered {
                        name,
                        address,
                        district: Some(*district),
                    },
                    (None, None) => return Err(AppError::forbidden()),
                };
                let (key, district) = match &subject {
                    Subject::Org(o) => (Some((o.id.as_str(), o.kind, o.district)), o.district),
                    Subject::Unregistered { district, .. } => (None, *district),
                };
                if !covers(&scope, key, district) {
                    return Err(match key {
                        Some(_) => AppError::not_found("企业", "enterprise"),
                        None => Refusal::of(Code::DistrictOutOfScope).into(),
                    });
                }
                let v = queries::open(
                    conn,
                    NewViolation {
                        rule,
                        source: ViolationSource::Inspection,
                        subject,
                        summary: (summary.clone(), format!("{}: {summary}", rule.title_en)),
                        actor_id: Some(&actor.user_id),
                        records,
                    },
                )?;
                workflow::detail(conn, &v.violation.id)
            })
        })
        .await
}

/// Takes a workflow step on violation `id` (investigate, penalise with a fine, dismiss), in the caller's scope.
pub async fn step(
    state: &AppState,
    actor: &Actor,
    id: uuid::Uuid,
    kind: ViolationEventKind,
    reason: String,
    fine_fen: Option<i64>,
) -> AppResult<ViolationEvent> {
    let scope = actor.authorize(Action::WorkViolations)?;
    let reason = text_max(&reason, "reason", "理由", 2000)?;
    if fine_fen.is_some_and(|f| !(0..=100_000_000_000).contains(&f)) {
        return Err(Refusal::of(Code::InvalidFine).at("fine_fen").into());
    }
    let id = id.to_string();
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            let current = in_scope(conn, &scope, &id)?;
            workflow::take(
                conn,
                &current,
                Step {
                    kind,
                    reason: &reason,
                    fine_fen,
                    actor_id: &actor.user_id,
                },
            )
        })
        .await
}
