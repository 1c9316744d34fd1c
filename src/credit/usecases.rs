//! What can be done with credit files: read an enterprise's file and score (in scope), and add a
//! commendation, warning or note by hand (the regulator of its side).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{CreditEvent, CreditEventKind};
use super::queries::{self, NewEvent};
use super::score::CreditScore;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer, Bound};
use crate::input::{PastDate, Text};
use crate::organisations::model::Organisation;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::refusal::Code;
use crate::state::AppState;

/// Add an event to a credit file.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCreditEvent {
    /// The day it happened (default: today).
    pub occurred_on: Option<PastDate>,
    /// Kind: `commendation`, `warning` or `note` (the others come from the records that cause them).
    pub kind: CreditEventKind,
    /// What happened.
    pub summary: Text<2000>,
}

/// The enterprise `id`, if the scope covers it; else not found.
fn enterprise_in_scope(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> AppResult<Organisation> {
    let org = crate::organisations::queries::find(conn, id)?
        .filter(|o| crate::users::queries::is_enterprise(o.kind))
        .ok_or_else(|| AppError::not_found("企业", "enterprise"))?;
    scope.require(
        Owner {
            org_id: &org.id,
            kind: org.kind,
            district: org.district,
        },
        "企业",
        "enterprise",
    )?;
    Ok(org)
}

/// An enterprise's credit file, newest first.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    org: uuid::Uuid,
    page: PageParams,
) -> AppResult<Page<CreditEvent>> {
    read_file(state, actor, org, move |conn, id| {
        let (items, total) = queries::list(conn, id, page)?;
        Ok(Page::new(items, total, page))
    })
    .await
}

/// Reads an enterprise's credit file with `read`, once the enterprise is found in the caller's scope.
async fn read_file<T: Send + 'static>(
    state: &AppState,
    actor: &Actor,
    org: uuid::Uuid,
    read: impl FnOnce(&mut DbConnection, &str) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let scope = actor.authorize(Action::ReadCreditFile)?;
    let id = org.to_string();
    state
        .db
        .read(move |conn| {
            enterprise_in_scope(conn, &scope, &id)?;
            read(conn, &id)
        })
        .await
}

/// Add a commendation, warning or note to an enterprise's credit file (audited, once per key).
pub async fn add(
    state: &AppState,
    actor: &Actor,
    org: uuid::Uuid,
    key: Option<Bound>,
    cmd: NewCreditEvent,
) -> AppResult<Answer<CreditEvent>> {
    let scope = actor.authorize(Action::WriteCreditFile)?;
    if !matches!(
        cmd.kind,
        CreditEventKind::Commendation | CreditEventKind::Warning | CreditEventKind::Note
    ) {
        return Err(Code::CreditKindNotManual.into());
    }
    let id = org.to_string();
    let day = cmd
        .occurred_on
        .map_or_else(crate::time::today_china, PastDate::get);
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                enterprise_in_scope(conn, &scope, &id)?;
                queries::add(
                    conn,
                    Some(&by),
                    NewEvent {
                        org_id: &id,
                        occurred_on: day,
                        kind: cmd.kind,
                        summary: cmd.summary.as_str(),
                        source: None,
                    },
                )
            })
        })
        .await
}

/// An enterprise's credit score, derived from its file (formula in docs/rules.md).
pub async fn score(state: &AppState, actor: &Actor, org: uuid::Uuid) -> AppResult<CreditScore> {
    read_file(state, actor, org, |conn, id| {
        let today = crate::time::today_china();
        let events = queries::since(
            conn,
            id,
            today - chrono::Days::new(super::score::WINDOW_DAYS),
        )?;
        let severities = queries::violation_severities(conn, &events)?;
        Ok(super::score::score(id, today, &events, |v| {
            severities.iter().find(|(id, _)| id == v).map(|(_, s)| *s)
        }))
    })
    .await
}
