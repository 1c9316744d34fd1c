//! HTTP handlers for accounts (admin): create, list, read, disable and enable, reset passwords, and assign
//! official vets to slaughterhouses.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{UserView, VetAssignment};
use super::queries::{self, NewUser};
use crate::auth::password;
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Role};
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

/// Create an account (admin).
#[utoipa::path(
    tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, body = CreatedUser),
        (status = 409, description = "username taken", body = Problem),
        (status = 422, description = "role does not fit the organisation, bad username or password", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    body: Json<CreateUser>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::ManageAccounts)?;
    let b = body.into_inner();
    let pw = match b.password {
        Some(p) => {
            password::check_new(&p)?;
            p
        }
        None => password::generate(),
    };
    let hash = state.auth.passwords.hash(pw.clone()).await?;
    let user = state
        .db
        .write(move |conn| {
            queries::create(
                conn,
                Some(&actor.user_id),
                NewUser {
                    username: &b.username,
                    password_hash: &hash,
                    role: b.role,
                    org_id: &b.org_id.to_string(),
                    must_change_password: true,
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedUser {
        user: user.into(),
        one_time_password: pw,
    }))
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

/// List accounts (admin).
#[utoipa::path(
    tag = "users",
    params(UserQuery),
    responses((status = 200, body = Page<UserView>)),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<UserQuery>,
) -> AppResult<Json<Page<UserView>>> {
    actor.authorize(Action::ManageAccounts)?;
    let q = query.into_inner();
    let page = PageParams {
        limit: q.limit,
        offset: q.offset,
    };
    let out = state
        .db
        .read(move |conn| {
            let org = q.org_id.map(|o| o.to_string());
            let (items, total) = queries::list(conn, org.as_deref(), q.role, page)?;
            Ok(Page::new(items, total, page).map(UserView::from))
        })
        .await?;
    Ok(Json(out))
}

/// One account (admin, or the user themself).
#[utoipa::path(
    tag = "users",
    params(("id" = uuid::Uuid, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/users/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<UserView>> {
    let id = id.into_inner().to_string();
    if actor.authorize(Action::ManageAccounts).is_err() && actor.user_id != id {
        return Err(AppError::not_found("用户", "user"));
    }
    let user = state
        .db
        .read(move |conn| {
            queries::find(conn, &id)?.ok_or_else(|| AppError::not_found("用户", "user"))
        })
        .await?;
    Ok(Json(user.into()))
}

async fn set_disabled(
    state: web::Data<AppState>,
    actor: Actor,
    id: uuid::Uuid,
    disabled: bool,
) -> AppResult<Json<UserView>> {
    actor.authorize(Action::ManageAccounts)?;
    let id = id.to_string();
    if disabled && id == actor.user_id {
        return Err(AppError::unprocessable(
            "cannot_disable_self",
            "不能停用自己的账户",
            "you cannot disable your own account",
        ));
    }
    let user = state
        .db
        .write(move |conn| queries::set_disabled(conn, Some(&actor.user_id), &id, disabled))
        .await?;
    Ok(Json(user.into()))
}

/// Disable an account (admin): it can no longer log in, and its tokens stop working at once.
#[utoipa::path(
    tag = "users",
    params(("id" = uuid::Uuid, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[post("/users/{id}/disable")]
pub async fn disable(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<UserView>> {
    set_disabled(state, actor, id.into_inner(), true).await
}

/// Enable a disabled account again (admin).
#[utoipa::path(
    tag = "users",
    params(("id" = uuid::Uuid, Path, description = "user id")),
    responses((status = 200, body = UserView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[post("/users/{id}/enable")]
pub async fn enable(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<UserView>> {
    set_disabled(state, actor, id.into_inner(), false).await
}

/// Reset an account's password (admin): a one-time password the user must change; older tokens stop
/// working.
#[utoipa::path(
    tag = "users",
    params(("id" = uuid::Uuid, Path, description = "user id")),
    responses((status = 200, body = CreatedUser), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[post("/users/{id}/password-reset")]
pub async fn reset_password(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<CreatedUser>> {
    actor.authorize(Action::ManageAccounts)?;
    let id = id.into_inner().to_string();
    let pw = password::generate();
    let hash = state.auth.passwords.hash(pw.clone()).await?;
    let user = state
        .db
        .write(move |conn| {
            queries::set_password(
                conn,
                Some(&actor.user_id),
                &id,
                &hash,
                true,
                "reset_password",
            )
        })
        .await?;
    Ok(Json(CreatedUser {
        user: user.into(),
        one_time_password: pw,
    }))
}

/// Assign an official vet to a slaughterhouse.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignVet {
    /// The slaughterhouse.
    pub slaughterhouse_id: uuid::Uuid,
}

/// Assign an official vet to a slaughterhouse (admin, on the animal health agency's instruction).
#[utoipa::path(
    tag = "users",
    params(("id" = uuid::Uuid, Path, description = "the vet's user id")),
    request_body = AssignVet,
    responses((status = 201, body = VetAssignment), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/users/{id}/vet-assignments")]
pub async fn assign_vet(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<AssignVet>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::ManageAccounts)?;
    let id = id.into_inner().to_string();
    let sh = body.into_inner().slaughterhouse_id.to_string();
    let a = state
        .db
        .write(move |conn| queries::assign_vet(conn, Some(&actor.user_id), &id, &sh))
        .await?;
    Ok(HttpResponse::Created().json(a))
}

/// A vet's assignments, current and ended (admin, or the vet themself).
#[utoipa::path(
    tag = "users",
    params(("id" = uuid::Uuid, Path, description = "the vet's user id")),
    responses((status = 200, body = Vec<VetAssignment>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/users/{id}/vet-assignments")]
pub async fn list_assignments(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<Vec<VetAssignment>>> {
    let id = id.into_inner().to_string();
    if actor.authorize(Action::ManageAccounts).is_err() && actor.user_id != id {
        return Err(AppError::not_found("用户", "user"));
    }
    let out = state
        .db
        .read(move |conn| Ok(queries::assignments_of(conn, &id)?))
        .await?;
    Ok(Json(out))
}

/// End a vet's assignment (admin); the record stays.
#[utoipa::path(
    tag = "users",
    params(("id" = uuid::Uuid, Path, description = "assignment id")),
    responses((status = 200, body = VetAssignment), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/vet-assignments/{id}/end")]
pub async fn end_assignment(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<VetAssignment>> {
    actor.authorize(Action::ManageAccounts)?;
    let id = id.into_inner().to_string();
    let a = state
        .db
        .write(move |conn| queries::end_assignment(conn, Some(&actor.user_id), &id))
        .await?;
    Ok(Json(a))
}
