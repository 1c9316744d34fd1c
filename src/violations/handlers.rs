//! HTTP handlers for violations, and the helper that records attempts when a write is refused.

use actix_web::{get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{Severity, ViolationSource};
use super::queries::{self, NewViolation, Subject, ViolationFilter, ViolationWithRecords};
use super::rules;
use crate::app::AppState;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, Problem};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};

/// Run a write; when it is refused for breaking a rule of the notice, record the attempt against the
/// organisation that tried (in a transaction of its own, since the write's was rolled back), naming the
/// records involved, and return the refusal unchanged.
pub async fn write_or_record_attempt<T, F>(
    state: &AppState,
    actor: &Actor,
    subject_org_id: String,
    records: Vec<(&'static str, String)>,
    f: F,
) -> AppResult<T>
where
    F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let result = state.db.write(f).await;
    let Err(err) = result else {
        return result;
    };
    let Some(rule) = rules::attempt_rule(&err.code()) else {
        return Err(err);
    };
    let problem = err.problem();
    let actor_id = actor.user_id.clone();
    let recorded = state
        .db
        .write(move |conn| {
            let org = crate::organisations::queries::find(conn, &subject_org_id)?
                .ok_or_else(|| AppError::not_found("机构", "organisation"))?;
            queries::open(
                conn,
                NewViolation {
                    rule,
                    source: ViolationSource::Attempt,
                    subject: Subject::Org(&org),
                    summary: (
                        format!("{}（请求被拒绝）：{}", rule.title, problem.detail),
                        format!("{} (refused): {}", rule.title_en, problem.detail_en),
                    ),
                    actor_id: Some(&actor_id),
                    records: records.iter().map(|(e, id)| (*e, id.clone())).collect(),
                },
            )
        })
        .await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, "recording an attempt failed");
    }
    Err(err)
}

/// Filters of the violation list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ViolationQuery {
    /// Rule code.
    pub rule: Option<String>,
    /// Subject organisation id.
    pub subject_org_id: Option<uuid::Uuid>,
    /// Source.
    pub source: Option<ViolationSource>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// Violations in the caller's scope, newest first.
#[utoipa::path(
    tag = "violations",
    params(ViolationQuery),
    responses((status = 200, body = Page<ViolationWithRecords>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/violations")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ViolationQuery>,
) -> AppResult<web::Json<Page<ViolationWithRecords>>> {
    let scope = actor.authorize(Action::ReadViolations)?;
    let q = query.into_inner();
    let page = PageParams {
        limit: q.limit,
        offset: q.offset,
    };
    let filter = ViolationFilter {
        rule: q.rule,
        subject_org_id: q.subject_org_id.map(|u| u.to_string()),
        source: q.source,
        severity: q.severity,
    };
    let out = state
        .db
        .read(move |conn| {
            let (items, total) = queries::list(conn, &scope, &filter, page)?;
            Ok(Page::new(items, total, page))
        })
        .await?;
    Ok(web::Json(out))
}
