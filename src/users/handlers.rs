//! HTTP handlers for accounts (admin): create, list, read, disable and enable, reset passwords, and assign
//! official vets to slaughterhouses.

use actix_web::{get, post, web, HttpResponse};

use super::model::{UserView, VetAssignment};
use super::usecases::{self, AssignVet, CreateUser, CreatedUser, UserQuery};
use crate::body::Json;
use crate::error::{AppResult, Problem};
use crate::paging::Page;
use crate::policy::Actor;
use crate::state::AppState;

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
    let created = usecases::create(&state, &actor, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
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
    Ok(Json(
        usecases::list(&state, &actor, query.into_inner()).await?,
    ))
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
    Ok(Json(usecases::get(&state, &actor, id.into_inner()).await?))
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
    Ok(Json(
        usecases::set_disabled(&state, &actor, id.into_inner(), true).await?,
    ))
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
    Ok(Json(
        usecases::set_disabled(&state, &actor, id.into_inner(), false).await?,
    ))
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
    Ok(Json(
        usecases::reset_password(&state, &actor, id.into_inner()).await?,
    ))
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
    let a = usecases::assign_vet(&state, &actor, id.into_inner(), body.into_inner()).await?;
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
    Ok(Json(
        usecases::assignments(&state, &actor, id.into_inner()).await?,
    ))
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
    Ok(Json(
        usecases::end_assignment(&state, &actor, id.into_inner()).await?,
    ))
}
