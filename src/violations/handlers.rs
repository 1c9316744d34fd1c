//! HTTP handlers reading violations (list with cursor paging, one violation, dashboard counts, CSV export).
//! Recording and working violations: `usecases.rs`; attempts recorded when a write is refused: `attempts.rs`.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{Severity, ViolationSource, ViolationStatus};

use super::rules;
use super::search::{self, Counts, Cursor, Filter, Sort};
use super::workflow::{self, ViolationDetail};
use super::model::{ViolationEvent, ViolationEventKind};
use super::usecases::{self, NewInspectionViolation, PenaltyRequest, StepRequest};
use crate::body::Json;
use crate::idempotency::IdempotencyKey;
use crate::error::{AppError, AppResult, Problem};
use crate::organisations::model::District;
use crate::policy::{Action, Actor};
use crate::state::AppState;

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
    fn filter(&self) -> AppResult<Filter> {
        if let Some(r) = &self.rule {
            if rules::find(r).is_none() {
                return Err(AppError::unprocessable(
                    "unknown_rule",
                    format!("没有代码为「{r}」的规则"),
                    format!("there is no rule with the code `{r}`"),
                ));
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

/// Violations in the caller's scope, filtered and sorted, a page at a time.
#[utoipa::path(
    tag = "violations",
    params(ViolationQuery),
    responses((status = 200, body = ViolationPage), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ViolationQuery>,
) -> AppResult<Json<ViolationPage>> {
    let scope = actor.authorize(Action::ReadViolations)?;
    let q = query.into_inner();
    let filter = q.filter()?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let limit = q.limit.unwrap_or(50).clamp(1, crate::paging::MAX_LIMIT);
    let sort = q.sort.unwrap_or_default();
    let out = state
        .db
        .read(move |conn| {
            let (items, next) = search::page(conn, &scope, &filter, sort, after.as_ref(), limit)?;
            Ok(ViolationPage {
                items: workflow::details(conn, items)?,
                next_cursor: next.map(|c| c.encode()),
            })
        })
        .await?;
    Ok(Json(out))
}

/// Counts by district, rule and status of the violations matching the filters (the dashboard).
#[utoipa::path(
    tag = "violations",
    params(ViolationQuery),
    responses((status = 200, body = Counts), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations/counts")]
pub async fn counts(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ViolationQuery>,
) -> AppResult<Json<Counts>> {
    let scope = actor.authorize(Action::ReadViolations)?;
    let filter = query.into_inner().filter()?;
    let out = state
        .db
        .read(move |conn| Ok(search::counts(conn, &scope, &filter)?))
        .await?;
    Ok(Json(out))
}

/// Most rows one export may hold.
pub const EXPORT_MAX: usize = 100_000;

/// The violations matching the filters as CSV (UTF-8 with a byte-order mark, so spreadsheets show the
/// Chinese), oldest first by default, at most 100,000 rows: narrow the range for more.
#[utoipa::path(
    tag = "violations",
    params(ViolationQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations/export.csv")]
pub async fn export_csv(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ViolationQuery>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::ReadViolations)?;
    let q = query.into_inner();
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
                    return Err(AppError::unprocessable(
                        "export_too_large",
                        format!("导出超过 {EXPORT_MAX} 条，请缩小日期范围或增加筛选条件"),
                        format!(
                            "more than {EXPORT_MAX} rows; narrow the date range or add filters"
                        ),
                    ));
                }
                match next {
                    Some(c) => after = Some(c),
                    None => break,
                }
            }
            Ok(all)
        })
        .await?;
    let body = super::export::csv(&rows)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"violations.csv\"",
        ))
        .body(body))
}

/// One violation with its records, steps and status.
#[utoipa::path(
    tag = "violations",
    params(("id" = uuid::Uuid, Path, description = "violation id")),
    responses((status = 200, body = ViolationDetail), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<ViolationDetail>> {
    let scope = actor.authorize(Action::ReadViolations)?;
    let id = id.into_inner().to_string();
    let out = state
        .db
        .read(move |conn| super::usecases::in_scope(conn, &scope, &id))
        .await?;
    Ok(Json(out))
}

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
    let out = usecases::create(&state, &actor, key, body.into_inner()).await?;
    Ok(out.respond())
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
    let kind = ViolationEventKind::Investigating;
    let fine = None;
    let out = usecases::step(&state, &actor, id.into_inner(), kind, b.reason, fine).await?;
    Ok(HttpResponse::Created().json(out))
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
    let kind = ViolationEventKind::Penalised;
    let fine = Some(b.fine_fen);
    let out = usecases::step(&state, &actor, id.into_inner(), kind, b.reason, fine).await?;
    Ok(HttpResponse::Created().json(out))
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
    let kind = ViolationEventKind::Dismissed;
    let fine = None;
    let out = usecases::step(&state, &actor, id.into_inner(), kind, b.reason, fine).await?;
    Ok(HttpResponse::Created().json(out))
}
