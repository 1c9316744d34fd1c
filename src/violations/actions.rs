//! HTTP handlers recording violations from inspections and working them (investigate, penalise, dismiss).
//! Inspectors of the district, and the regulator of the subject's side, may do both.

use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{ViolationEvent, ViolationEventKind, ViolationSource};
use super::queries::{self, NewViolation, Subject};
use super::workflow::{self, Step, ViolationDetail};
use crate::body::Json;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
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

/// Record a violation found on an inspection (inspectors; regulators for their side).
#[utoipa::path(
    tag = "violations",
    request_body = NewInspectionViolation,
    params(crate::idempotency::KeyHeader),
    responses(
        (status = 201, body = ViolationDetail),
        (status = 200, description = "already recorded under this Idempotency-Key (as it was then)", body = ViolationDetail),
        (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/violations")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    body: Json<NewInspectionViolation>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::WorkViolations)?;
    let idem = key.bind(&actor, "violation.create", &*body);
    let b = body.into_inner();
    let rule = super::rules::inspection_rule(&b.rule).ok_or_else(|| {
        AppError::unprocessable(
            "unknown_inspection_rule",
            format!(
                "「{}」不是现场检查可记录的规则（见 inspection_* 规则）",
                b.rule
            ),
            format!(
                "`{}` is not a rule inspections record (see the inspection_* rules)",
                b.rule
            ),
        )
    })?;
    let summary = text_max(&b.summary, "summary", "检查情况", 2000)?;
    for r in &b.records {
        if !ENTITIES.contains(&r.entity.as_str()) {
            return Err(AppError::unprocessable(
                "invalid_record_kind",
                format!("不能关联「{}」类记录", r.entity),
                format!("records of kind `{}` cannot be linked", r.entity),
            ));
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
            return Err(AppError::unprocessable(
                "subject_required",
                "须且只能填写一个当事人：已登记机构（subject_org_id）或未登记当事人（subject）",
                "give exactly one subject: a registered organisation (subject_org_id) or an unregistered one (subject)",
            ))
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
    let out = state
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
                        None => AppError::unprocessable(
                            "district_out_of_scope",
                            "该区不在您的管辖范围内",
                            "that district is outside your jurisdiction",
                        ),
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
        .await?;
    Ok(out.respond())
}

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

async fn step(
    state: web::Data<AppState>,
    actor: Actor,
    id: uuid::Uuid,
    kind: ViolationEventKind,
    reason: String,
    fine_fen: Option<i64>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::WorkViolations)?;
    let reason = text_max(&reason, "reason", "理由", 2000)?;
    if fine_fen.is_some_and(|f| !(0..=100_000_000_000).contains(&f)) {
        return Err(AppError::unprocessable(
            "invalid_fine",
            "罚款金额须为 0 至 10 亿元之间的整数分",
            "the fine must be 0 to 1,000,000,000 yuan, in fen",
        ));
    }
    let id = id.to_string();
    let out: ViolationEvent = state
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
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Open an investigation (立案调查).
#[utoipa::path(
    tag = "violations",
    params(("id" = uuid::Uuid, Path, description = "violation id")),
    request_body = StepRequest,
    responses((status = 201, body = ViolationEvent), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/violations/{id}/investigate")]
pub async fn investigate(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<StepRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    step(
        state,
        actor,
        id.into_inner(),
        ViolationEventKind::Investigating,
        b.reason,
        None,
    )
    .await
}

/// Conclude with a penalty; it enters the subject's credit file.
#[utoipa::path(
    tag = "violations",
    params(("id" = uuid::Uuid, Path, description = "violation id")),
    request_body = PenaltyRequest,
    responses((status = 201, body = ViolationEvent), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/violations/{id}/penalise")]
pub async fn penalise(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<PenaltyRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    step(
        state,
        actor,
        id.into_inner(),
        ViolationEventKind::Penalised,
        b.reason,
        Some(b.fine_fen),
    )
    .await
}

/// Conclude without a penalty (not made out, or recorded in error).
#[utoipa::path(
    tag = "violations",
    params(("id" = uuid::Uuid, Path, description = "violation id")),
    request_body = StepRequest,
    responses((status = 201, body = ViolationEvent), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/violations/{id}/dismiss")]
pub async fn dismiss(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<StepRequest>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    step(
        state,
        actor,
        id.into_inner(),
        ViolationEventKind::Dismissed,
        b.reason,
        None,
    )
    .await
}
