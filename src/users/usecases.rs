//! What can be done with accounts (admin): create, list, read, disable and enable, reset passwords, and
//! assign official vets to slaughterhouses.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{UserView, VetAssignment};
use super::queries::{self, NewUser};
use crate::auth::password;
use crate::error::{AppError, AppResult};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Role};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;

/// Create an account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Login name: 3 to 64 of a-z, 0-9, `.`, `_`, `-`.
    pub username: String,
    /// Role; must fit the organisation's kind.
    pub role: Role,
    /// Organisation id.
    pub org_id: uuid::Uuid,
    /// Initial password (default: generated). Either way the user must change it at first login.
    pub password: Option<String>,
}

/// A new account with its one-time password.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    /// The account.
    pub user: UserView,
    /// The one-time password, shown only in this answer.
    pub one_time_password: String,
}

/// Filters of the account list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Organisation id.
    pub org_id: Option<uuid::Uuid>,
    /// Role.
    pub role: Option<Role>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// Assign an official vet to a slaughterhouse.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignVet {
    /// The slaughterhouse.
    pub slaughterhouse_id: uuid::Uuid,
}

/// Create an account (admin, audited); the user must change the password at first login.
pub async fn create(state: &AppState, actor: &Actor, cmd: CreateUser) -> AppResult<CreatedUser> {
    actor.authorize(Action::ManageAccounts)?;
    let pw = match cmd.password {
        Some(p) => {
            password::check_new(&p)?;
            p
        }
        None => password::generate(),
    };
    let hash = state.auth.passwords.hash(pw.clone()).await?;
    let by = actor.user_id.clone();
    let user = state
        .db
        .write(move |conn| {
            queries::create(
                conn,
                Some(&by),
                NewUser {
                    username: &cmd.username,
                    password_hash: &hash,
                    role: cmd.role,
                    org_id: &cmd.org_id.to_string(),
                    must_change_password: true,
                },
            )
        })
        .await?;
    Ok(CreatedUser {
        user: user.into(),
        one_time_password: pw,
    })
}

/// The accounts, filtered (admin).
pub async fn list(state: &AppState, actor: &Actor, q: UserQuery) -> AppResult<Page<UserView>> {
    actor.authorize(Action::ManageAccounts)?;
    let page = PageParams {
        limit: q.limit,
        offset: q.offset,
    };
    state
        .db
        .read(move |conn| {
            let org = q.org_id.map(|o| o.to_string());
            let (items, total) = queries::list(conn, org.as_deref(), q.role, page)?;
            Ok(Page::new(items, total, page).map(UserView::from))
        })
        .await
}

/// Refuse (as not found) someone who is neither the admin nor the user `id`.
fn admin_or_self(actor: &Actor, id: &str) -> AppResult<()> {
    if actor.authorize(Action::ManageAccounts).is_err() && actor.user_id != id {
        return Err(AppError::not_found("用户", "user"));
    }
    Ok(())
}

/// One account (admin, or the user themself).
pub async fn get(state: &AppState, actor: &Actor, id: uuid::Uuid) -> AppResult<UserView> {
    let id = id.to_string();
    admin_or_self(actor, &id)?;
    let user = state
        .db
        .read(move |conn| {
            queries::find(conn, &id)?.ok_or_else(|| AppError::not_found("用户", "user"))
        })
        .await?;
    Ok(user.into())
}

/// Disable or enable an account (admin, audited); nobody disables their own.
pub async fn set_disabled(
    state: &AppState,
    actor: &Actor,
    id: uuid::Uuid,
    disabled: bool,
) -> AppResult<UserView> {
    actor.authorize(Action::ManageAccounts)?;
    let id = id.to_string();
    if disabled && id == actor.user_id {
        return Err(Refusal::of(Code::CannotDisableSelf).into());
    }
    let by = actor.user_id.clone();
    let user = state
        .db
        .write(move |conn| queries::set_disabled(conn, Some(&by), &id, disabled))
        .await?;
    Ok(user.into())
}

/// Reset an account's password (admin, audited): a one-time password the user must change.
pub async fn reset_password(
    state: &AppState,
    actor: &Actor,
    id: uuid::Uuid,
) -> AppResult<CreatedUser> {
    actor.authorize(Action::ManageAccounts)?;
    let id = id.to_string();
    let pw = password::generate();
    let hash = state.auth.passwords.hash(pw.clone()).await?;
    let by = actor.user_id.clone();
    let user = state
        .db
        .write(move |conn| {
            queries::set_password(conn, Some(&by), &id, &hash, true, "reset_password")
        })
        .await?;
    Ok(CreatedUser {
        user: user.into(),
        one_time_password: pw,
    })
}

/// Assign an official vet to a slaughterhouse (admin, audited).
pub async fn assign_vet(
    state: &AppState,
    actor: &Actor,
    vet: uuid::Uuid,
    cmd: AssignVet,
) -> AppResult<VetAssignment> {
    actor.authorize(Action::ManageAccounts)?;
    let vet = vet.to_string();
    let sh = cmd.slaughterhouse_id.to_string();
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| queries::assign_vet(conn, Some(&by), &vet, &sh))
        .await
}

/// A vet's assignments, current and ended (admin, or the vet themself).
pub async fn assignments(
    state: &AppState,
    actor: &Actor,
    vet: uuid::Uuid,
) -> AppResult<Vec<VetAssignment>> {
    let vet = vet.to_string();
    admin_or_self(actor, &vet)?;
    state
        .db
        .read(move |conn| Ok(queries::assignments_of(conn, &vet)?))
        .await
}

/// End a vet's assignment (admin, audited); the record stays.
pub async fn end_assignment(
    state: &AppState,
    actor: &Actor,
    id: uuid::Uuid,
) -> AppResult<VetAssignment> {
    actor.authorize(Action::ManageAccounts)?;
    let id = id.to_string();
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| queries::end_assignment(conn, Some(&by), &id))
        .await
}
