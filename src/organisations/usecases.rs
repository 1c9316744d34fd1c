//! What can be done with organisations: the admin creates and lists them; everyone reads their own.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::{District, OrgKind, Organisation};
use super::queries;
use crate::error::{AppError, AppResult};
use crate::input::Line;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;

/// Create an organisation. Slaughterhouses are created by designation (`POST /slaughterhouses`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganisation {
    /// Kind (not `slaughterhouse`).
    pub kind: OrgKind,
    /// Name.
    pub name: Line<200>,
    /// District; absent for a city-level organisation.
    pub district: Option<District>,
}

/// Filters of the organisation list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrgQuery {
    /// Kind.
    pub kind: Option<OrgKind>,
    /// District.
    pub district: Option<District>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// Create an organisation (admin, audited).
pub async fn create(
    state: &AppState,
    actor: &Actor,
    cmd: CreateOrganisation,
) -> AppResult<Organisation> {
    actor.authorize(Action::ManageAccounts)?;
    if cmd.kind == OrgKind::Slaughterhouse {
        return Err(Refusal::of(Code::UseDesignation).into());
    }
    if matches!(cmd.kind, OrgKind::Buyer) && cmd.district.is_none() {
        return Err(Refusal::of(Code::DistrictRequired).into());
    }
    let user = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            queries::create(conn, Some(&user), cmd.kind, cmd.name.as_str(), cmd.district)
        })
        .await
}

/// The organisations, filtered (admin).
pub async fn list(state: &AppState, actor: &Actor, q: OrgQuery) -> AppResult<Page<Organisation>> {
    actor.authorize(Action::ManageAccounts)?;
    let page = PageParams {
        limit: q.limit,
        offset: q.offset,
    };
    state
        .db
        .read(move |conn| {
            let (items, total) = queries::list(conn, q.kind, q.district, page)?;
            Ok(Page::new(items, total, page))
        })
        .await
}

/// One organisation: the admin sees any, everyone else their own.
pub async fn get(state: &AppState, actor: &Actor, id: uuid::Uuid) -> AppResult<Organisation> {
    let id = id.to_string();
    if actor.authorize(Action::ManageAccounts).is_err() && actor.org_id != id {
        return Err(AppError::not_found("机构", "organisation"));
    }
    state
        .db
        .read(move |conn| {
            queries::find(conn, &id)?.ok_or_else(|| AppError::not_found("机构", "organisation"))
        })
        .await
}
