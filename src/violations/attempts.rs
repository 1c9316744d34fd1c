//! Refused attempts: a write refused for breaking a rule of the notice is recorded as a violation against the
//! organisation that tried.

use super::model::ViolationSource;
use super::queries::{self, NewViolation, Subject};
use super::rules;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::policy::Actor;
use crate::state::AppState;

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
    let Some(rule) = err.refusal_code().and_then(rules::attempt_rule) else {
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
