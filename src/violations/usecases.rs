//! HTTP handlers recording violations from inspections and working them (investigate, penalise, dismiss).
//! Inspectors of the district, and the regulator of the subject's side, may do both.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{
    Severity, ViolationEvent, ViolationEventKind, ViolationSource, ViolationStatus,
};
use super::queries::{self, NewViolation, Subject};
use super::rules;
use super::search::{self, Cursor, Filter};
pub use super::search::{Counts, Sort};
use super::workflow::{self, Step, ViolationDetail};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::organisations::model::{District, OrgKind};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::refusal::{Code, Refusal};
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
        _ => return Err(Refusal::of(Code::SubjectRequired).into()),
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

/// Filters of the violation list, counts and export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ViolationQuery {
    /// District where it happened.
    pub district: Option<District>,
    /// Rule code (see docs/rules.md).
    pub rule: Option<String>,
    /// Subject organisation id.
    pub subject_org_id: Option<uuid::Uuid>,
    /// Source.
    pub source: Option<ViolationSource>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Status.
    pub status: Option<ViolationStatus>,
    /// First day, China time (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day, China time (inclusive).
    pub to: Option<NaiveDate>,
    /// `newest` (default) or `oldest` first.
    #[param(inline)]
    pub sort: Option<Sort>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub limit: Option<i64>,
}

impl ViolationQuery {
    /// The filter these parameters ask for, checked.
    pub fn filter(&self) -> AppResult<Filter> {
        if let Some(r) = &self.rule {
            if rules::find(r).is_none() {
                return Err(Refusal::of(Code::UnknownRule)
                    .with("r", r)
                    .at("rule")
                    .into());
            }
        }
        let f = Filter {
            district: self.district,
            rule: self.rule.clone(),
            subject_org_id: self.subject_org_id.map(|u| u.to_string()),
            source: self.source,
            severity: self.severity,
            status: self.status,
            from: self.from,
            to: self.to,
        };
        f.check()?;
        Ok(f)
    }
}

/// A page of violations.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationPage {
    /// The violations.
    pub items: Vec<ViolationDetail>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A page of the violations in the caller's scope, filtered and sorted (newest first by default).
pub async fn list(state: &AppState, actor: &Actor, q: ViolationQuery) -> AppResult<ViolationPage> {
    let scope = actor.authorize(Action::ReadViolations)?;
    let filter = q.filter()?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let limit = q.limit.unwrap_or(50).clamp(1, crate::paging::MAX_LIMIT);
    let sort = q.sort.unwrap_or_default();
    state
        .db
        .read(move |conn| {
            let (items, next) = search::page(conn, &scope, &filter, sort, after.as_ref(), limit)?;
            Ok(ViolationPage {
                items: workflow::details(conn, items)?,
                next_cursor: next.map(|c| c.encode()),
            })
        })
        .await
}

/// Counts by district, rule and status of the violations matching the filters (the dashboard).
pub async fn counts(state: &AppState, actor: &Actor, q: ViolationQuery) -> AppResult<Counts> {
    let scope = actor.authorize(Action::ReadViolations)?;
    let filter = q.filter()?;
    state
        .db
        .read(move |conn| Ok(search::counts(conn, &scope, &filter)?))
        .await
}

/// Most rows one export may hold.
pub const EXPORT_MAX: usize = 100_000;

/// The violations matching the filters as CSV bytes, oldest first by default, at most [`EXPORT_MAX`] rows.
pub async fn export_csv(state: &AppState, actor: &Actor, q: ViolationQuery) -> AppResult<Vec<u8>> {
    let scope = actor.authorize(Action::ReadViolations)?;
    let filter = q.filter()?;
    let sort = q.sort.unwrap_or(Sort::Oldest);
    let rows = state
        .db
        .read(move |conn| {
            let mut all = Vec::new();
            let mut after: Option<Cursor> = None;
            loop {
                let (items, next) =
                    search::page(conn, &scope, &filter, sort, after.as_ref(), 1000)?;
                all.extend(workflow::details(conn, items)?);
                if all.len() > EXPORT_MAX {
                    return Err(Refusal::of(Code::ExportTooLarge)
                        .with("EXPORT_MAX", EXPORT_MAX)
                        .into());
                }
                match next {
                    Some(c) => after = Some(c),
                    None => break,
                }
            }
            Ok(all)
        })
        .await?;
    super::export::csv(&rows)
}

/// One violation with its records, steps and status, in the caller's scope.
pub async fn get_one(state: &AppState, actor: &Actor, id: String) -> AppResult<ViolationDetail> {
    let scope = actor.authorize(Action::ReadViolations)?;
    state
        .db
        .read(move |conn| super::usecases::in_scope(conn, &scope, &id))
        .await
}
