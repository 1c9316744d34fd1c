//! HTTP handlers for credit files.

use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{CreditEvent, CreditEventKind};
use super::queries::{self, NewEvent};
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::organisations::model::Organisation;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::state::AppState;

fn enterprise_in_scope(
    conn: &mut crate::db::DbConnection,
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
#[utoipa::path(
    tag = "credit",
    params(("id" = uuid::Uuid, Path, description = "enterprise (organisation) id"), PageParams),
    responses((status = 200, body = Page<CreditEvent>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/organisations/{id}/credit-events")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<CreditEvent>>> {
    let scope = actor.authorize(Action::ReadCreditFile)?;
    let id = id.into_inner().to_string();
    let page = page.into_inner();
    let out = state
        .db
        .read(move |conn| {
            enterprise_in_scope(conn, &scope, &id)?;
            let (items, total) = queries::list(conn, &id, page)?;
            Ok(Page::new(items, total, page))
        })
        .await?;
    Ok(Json(out))
}

/// Add an event to a credit file.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCreditEvent {
    /// The day it happened (default: today).
    pub occurred_on: Option<NaiveDate>,
    /// Kind: `commendation`, `warning` or `note` (the others come from the records that cause them).
    pub kind: CreditEventKind,
    /// What happened.
    pub summary: String,
}

/// Add a commendation, warning or note to an enterprise's credit file (the regulator of its side).
#[utoipa::path(
    tag = "credit",
    params(("id" = uuid::Uuid, Path, description = "enterprise (organisation) id"), crate::idempotency::KeyHeader),
    request_body = NewCreditEvent,
    responses(
        (status = 201, body = CreditEvent),
        (status = 200, description = "already recorded under this Idempotency-Key", body = CreditEvent),
        (status = 404, body = Problem),
        (status = 409, description = "idempotency_key_reused", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/organisations/{id}/credit-events")]
pub async fn add(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<NewCreditEvent>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::WriteCreditFile)?;
    let key = key.bind(&actor, "credit_event.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if !matches!(
        b.kind,
        CreditEventKind::Commendation | CreditEventKind::Warning | CreditEventKind::Note
    ) {
        return Err(AppError::unprocessable(
            "credit_kind_not_manual",
            "此类信用事件由相应业务记录自动生成，不能手工录入",
            "this kind of event comes from the record that causes it; only commendation, warning and note are entered by hand",
        ));
    }
    let summary = b.summary.trim().to_string();
    if summary.is_empty() || summary.chars().count() > 2000 {
        return Err(AppError::unprocessable(
            "invalid_field",
            "事件说明不能为空，且不超过 2000 个字符",
            "summary must be 1 to 2000 characters",
        ));
    }
    let day = b.occurred_on.unwrap_or_else(crate::time::today_china);
    if day > crate::time::today_china() {
        return Err(AppError::unprocessable(
            "date_in_future",
            "事件日期不能晚于今天",
            "the event cannot be dated in the future",
        ));
    }
    let e = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                enterprise_in_scope(conn, &scope, &id)?;
                queries::add(
                    conn,
                    Some(&actor.user_id),
                    NewEvent {
                        org_id: &id,
                        occurred_on: day,
                        kind: b.kind,
                        summary: &summary,
                        source: None,
                    },
                )
            })
        })
        .await?;
    Ok(e.respond())
}

/// An enterprise's credit score, derived from its file (formula in docs/rules.md), with the events counted.
#[utoipa::path(
    tag = "credit",
    params(("id" = uuid::Uuid, Path, description = "enterprise (organisation) id")),
    responses((status = 200, body = super::score::CreditScore), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/organisations/{id}/credit-score")]
pub async fn score(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<super::score::CreditScore>> {
    let scope = actor.authorize(Action::ReadCreditFile)?;
    let id = id.into_inner().to_string();
    let out = state
        .db
        .read(move |conn| {
            enterprise_in_scope(conn, &scope, &id)?;
            let today = crate::time::today_china();
            let events = queries::since(
                conn,
                &id,
                today - chrono::Days::new(super::score::WINDOW_DAYS),
            )?;
            let severities = queries::violation_severities(conn, &events)?;
            Ok(super::score::score(&id, today, &events, |v| {
                severities.iter().find(|(id, _)| id == v).map(|(_, s)| *s)
            }))
        })
        .await?;
    Ok(Json(out))
}
