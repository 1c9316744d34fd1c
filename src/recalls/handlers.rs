//! HTTP handlers of recalls by inspectors and regulators: recall a lot, a batch or an animal certificate, list
//! recalls, read a recall's report, withdraw a recall made in error.

use actix_web::{get, post, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{Recall, RecallScope, RecallWithdrawal};
use super::queries::{self, RecallMade};
use super::report::{self, RecallReport};
use crate::body::Json;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::schema::{animal_certificates, recall_withdrawals, recalls, slaughter_batches};
use crate::state::AppState;
use crate::validate::text;

/// A recall, or its withdrawal: why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecallRequest {
    /// Why.
    pub reason: String,
}

/// Refuse (as not found) a slaughterhouse's records outside the scope.
fn require_house(
    conn: &mut DbConnection,
    scope: &Scope,
    house_id: &str,
    what_zh: &str,
    what_en: &str,
) -> AppResult<()> {
    let house = crate::organisations::queries::find(conn, house_id)?
        .ok_or_else(|| AppError::not_found(what_zh, what_en))?;
    scope.require(
        Owner {
            org_id: &house.id,
            kind: house.kind,
            district: house.district,
        },
        what_zh,
        what_en,
    )
}

/// Make a recall of `scope_id` after its slaughterhouse is found in the actor's scope.
async fn make(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    kind: RecallScope,
    scope_id: String,
    reason: String,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::Recall)?;
    let key = key.bind(&actor, "recall.create", &(kind, &scope_id, &reason));
    let reason = text(&reason, "reason", "召回原因")?;
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let (house, zh, en) = match kind {
                    RecallScope::Lot => {
                        let lot = crate::lots::queries::find(conn, &scope_id)?;
                        (Some(lot.slaughterhouse_id), "批次产品", "lot")
                    }
                    RecallScope::Batch => (
                        slaughter_batches::table
                            .find(&scope_id)
                            .select(slaughter_batches::slaughterhouse_id)
                            .first::<String>(conn)
                            .optional()?,
                        "屠宰批次",
                        "batch",
                    ),
                    RecallScope::AnimalCertificate => (
                        animal_certificates::table
                            .find(&scope_id)
                            .select(animal_certificates::destination_id)
                            .first::<String>(conn)
                            .optional()?,
                        "动物检疫合格证明",
                        "animal certificate",
                    ),
                };
                let house = house.ok_or_else(|| AppError::not_found(zh, en))?;
                require_house(conn, &scope, &house, zh, en)?;
                let reached = queries::reach(conn, kind, &scope_id)?;
                if kind == RecallScope::Lot {
                    if let Some(lot) = reached.first() {
                        crate::stock::queries::lock_lot(conn, &lot.id)?;
                        match crate::stock::queries::status(conn, lot)? {
                            crate::lots::model::LotStatus::Active => {}
                            other => {
                                return Err(AppError::conflict(
                                    "lot_not_active",
                                    format!("该产品已是「{other}」状态"),
                                    format!("the lot is already {other}"),
                                ))
                            }
                        }
                    }
                }
                let recall = Recall {
                    id: uuid::Uuid::new_v4().to_string(),
                    scope: kind,
                    scope_id,
                    slaughterhouse_id: house,
                    reason,
                    recalled_by: Some(actor.user_id.clone()),
                    recalled_at: crate::time::now(),
                };
                queries::create(conn, recall, reached)
            })
        })
        .await?;
    if out.is_fresh() {
        state.verify_cache.invalidate_all();
    }
    Ok(out.respond())
}

/// Recall a lot and every lot split from it (inspectors and regulators; a district-level one for lots of its
/// district's slaughterhouses). Every holder is notified.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "lot id"), crate::idempotency::KeyHeader),
    request_body = RecallRequest,
    responses(
        (status = 201, body = RecallMade),
        (status = 200, description = "already made under this Idempotency-Key (as it was then)", body = RecallMade),
        (status = 404, body = Problem),
        (status = 409, description = "lot_not_active, idempotency_key_reused", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/lots/{id}/recalls")]
pub async fn recall_lot(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    id: web::Path<uuid::Uuid>,
    body: Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    make(
        state,
        actor,
        key,
        RecallScope::Lot,
        id,
        body.into_inner().reason,
    )
    .await
}

/// Recall a slaughter batch: every lot made from it and every lot split from those. Every holder is notified
/// with what it still has.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "batch id"), crate::idempotency::KeyHeader),
    request_body = RecallRequest,
    responses(
        (status = 201, body = RecallMade),
        (status = 200, description = "already made under this Idempotency-Key (as it was then)", body = RecallMade),
        (status = 404, body = Problem),
        (status = 409, description = "nothing_to_recall, idempotency_key_reused", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/batches/{id}/recalls")]
pub async fn recall_batch(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    id: web::Path<uuid::Uuid>,
    body: Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    make(
        state,
        actor,
        key,
        RecallScope::Batch,
        id,
        body.into_inner().reason,
    )
    .await
}

/// Recall an animal certificate: the lots of every batch drawing on an intake of it.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "animal certificate id"), crate::idempotency::KeyHeader),
    request_body = RecallRequest,
    responses(
        (status = 201, body = RecallMade),
        (status = 200, description = "already made under this Idempotency-Key (as it was then)", body = RecallMade),
        (status = 404, body = Problem),
        (status = 409, description = "nothing_to_recall, idempotency_key_reused", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/animal-certificates/{id}/recalls")]
pub async fn recall_certificate(
    state: web::Data<AppState>,
    actor: Actor,
    key: IdempotencyKey,
    id: web::Path<uuid::Uuid>,
    body: Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner().to_string();
    let reason = body.into_inner().reason;
    make(
        state,
        actor,
        key,
        RecallScope::AnimalCertificate,
        id,
        reason,
    )
    .await
}

/// A recall in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecallItem {
    /// The recall.
    #[serde(flatten)]
    pub recall: Recall,
    /// Does it stand (not withdrawn)?
    pub standing: bool,
}

fn list_over(
    conn: &mut DbConnection,
    houses: &[String],
    page: PageParams,
) -> QueryResult<(Vec<RecallItem>, i64)> {
    let total = recalls::table
        .filter(recalls::slaughterhouse_id.eq_any(houses))
        .count()
        .get_result(conn)?;
    let rows: Vec<(Recall, Option<String>)> = recalls::table
        .left_join(recall_withdrawals::table)
        .filter(recalls::slaughterhouse_id.eq_any(houses))
        .order((recalls::recalled_at.desc(), recalls::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select((
            Recall::as_select(),
            recall_withdrawals::recall_id.nullable(),
        ))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|(recall, w)| RecallItem {
            recall,
            standing: w.is_none(),
        })
        .collect();
    Ok((items, total))
}

/// Recalls of the slaughterhouses in scope, newest first (inspectors and regulators).
#[utoipa::path(
    tag = "recalls",
    params(PageParams),
    responses((status = 200, body = Page<RecallItem>)),
    security(("bearer" = []))
)]
#[get("/recalls")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<RecallItem>>> {
    let scope = actor.authorize(Action::Recall)?;
    let page = page.into_inner();
    let out = state
        .db
        .read(move |conn| {
            crate::slaughterhouses::queries::page_over_houses(conn, &scope, page, list_over)
        })
        .await?;
    Ok(Json(out))
}

/// The recall report: lots reached, every holder notified with what it was to pull, its acknowledgement,
/// what it reported pulled or disposed of, what is still out and what it has now; totals; withdrawal.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "recall id")),
    responses((status = 200, body = RecallReport), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/recalls/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<RecallReport>> {
    let scope = actor.authorize(Action::Recall)?;
    let id = id.into_inner().to_string();
    let out = state
        .db
        .read(move |conn| {
            let recall = queries::find(conn, &id)?;
            require_house(conn, &scope, &recall.slaughterhouse_id, "召回", "recall")?;
            report::report(conn, recall)
        })
        .await?;
    Ok(Json(out))
}

/// Withdraw a recall made in error, with a reason (once). The lots it marked are active again unless another
/// standing recall covers them.
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "recall id")),
    request_body = RecallRequest,
    responses(
        (status = 201, body = RecallReport),
        (status = 404, body = Problem),
        (status = 409, description = "recall_withdrawn", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/recalls/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<RecallRequest>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::Recall)?;
    let id = id.into_inner().to_string();
    let reason = text(&body.into_inner().reason, "reason", "撤销原因")?;
    let out = state
        .db
        .write(move |conn| {
            let recall = queries::find(conn, &id)?;
            require_house(conn, &scope, &recall.slaughterhouse_id, "召回", "recall")?;
            queries::withdraw(
                conn,
                RecallWithdrawal {
                    recall_id: recall.id.clone(),
                    reason,
                    withdrawn_by: Some(actor.user_id.clone()),
                    withdrawn_at: crate::time::now(),
                },
            )?;
            report::report(conn, recall)
        })
        .await?;
    state.verify_cache.invalidate_all();
    Ok(HttpResponse::Created().json(out))
}
