//! HTTP handlers of the holders' side of a recall: their notifications, the acknowledgement, and reports of
//! what they pulled from sale or disposed of (a disposal also reduces what they hold).

use actix_web::{get, post, web, HttpResponse};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{RecallNotice, RecallResponse, ResponseKind};
use super::report::{self, Notification};
use crate::body::Json;
use crate::db::DbConnection;
use crate::disposals::model::{DisposalMethod, DisposalReason};
use crate::error::{AppError, AppResult, Problem};
use crate::idempotency::{self, IdempotencyKey};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::schema::{recall_notices, recall_responses};
use crate::state::AppState;
use crate::stock::queries as stock;
use crate::validate::{optional_text, text};

/// The recall notices of the caller's organisation, newest first (vendors and slaughterhouses).
#[utoipa::path(
    tag = "recalls",
    params(PageParams),
    responses((status = 200, body = Page<Notification>)),
    security(("bearer" = []))
)]
#[get("/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> AppResult<Json<Page<Notification>>> {
    actor.authorize(Action::AnswerRecall)?;
    let page = page.into_inner();
    let org = actor.org_id.clone();
    let out = state
        .db
        .read(move |conn| report::notifications(conn, &org, page))
        .await?;
    Ok(Json(out))
}

/// One notice of `org`; another organisation's is not found.
fn own_notice(conn: &mut DbConnection, org: &str, id: &str) -> AppResult<RecallNotice> {
    recall_notices::table
        .find(id)
        .filter(recall_notices::holder_id.eq(org))
        .select(RecallNotice::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("召回通知", "notification"))
}

fn insert(conn: &mut DbConnection, r: RecallResponse) -> AppResult<RecallResponse> {
    let r: RecallResponse = diesel::insert_into(recall_responses::table)
        .values(&r)
        .returning(recall_responses::all_columns)
        .get_result(conn)?;
    let action = match r.kind {
        ResponseKind::Acknowledged => "acknowledge",
        ResponseKind::Report => "report",
    };
    crate::audit::record(conn, r.responded_by.as_deref(), action, &r)?;
    Ok(r)
}

/// Acknowledge a recall notice (once; 409 `already_acknowledged` after that).
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "notification id")),
    responses(
        (status = 201, body = RecallResponse),
        (status = 404, body = Problem),
        (status = 409, description = "already_acknowledged", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/notifications/{id}/acknowledge")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::AnswerRecall)?;
    let id = id.into_inner().to_string();
    let out = state
        .db
        .write(move |conn| {
            let n = own_notice(conn, &actor.org_id, &id)?;
            let done: i64 = recall_responses::table
                .filter(recall_responses::notice_id.eq(&n.id))
                .filter(recall_responses::kind.eq(ResponseKind::Acknowledged))
                .count()
                .get_result(conn)?;
            if done > 0 {
                return Err(AppError::conflict(
                    "already_acknowledged",
                    "该召回通知已确认收到",
                    "the notification has already been acknowledged",
                ));
            }
            insert(
                conn,
                RecallResponse {
                    id: uuid::Uuid::new_v4().to_string(),
                    notice_id: n.id,
                    kind: ResponseKind::Acknowledged,
                    pulled_g: 0,
                    disposed_g: 0,
                    disposal_id: None,
                    note: None,
                    responded_by: Some(actor.user_id.clone()),
                    responded_at: crate::time::now(),
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

/// What a holder pulled from sale or disposed of.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecallReportRequest {
    /// Pulled from sale, grams (0 or more).
    #[serde(default)]
    pub pulled_g: i64,
    /// Disposed of, grams (0 or more); recorded as a disposal of held stock with reason `recall`.
    #[serde(default)]
    pub disposed_g: i64,
    /// How it was disposed of (required when `disposed_g` > 0).
    pub method: Option<DisposalMethod>,
    /// Who handled the disposal (default: the caller's login name).
    pub handler: Option<String>,
    /// Handover slip, when handed to a disposal plant.
    pub handover_slip: Option<String>,
    /// Note.
    pub note: Option<String>,
}

fn invalid(code: &str, zh: &str, en: &str) -> AppError {
    AppError::unprocessable(code, zh.to_string(), en.to_string())
}

/// Report what was pulled from sale or disposed of under a notice. Over all reports, pulled + disposed never
/// exceeds the weight to pull (422 `exceeds_weight_to_pull`); a disposal also reduces what the holder holds
/// (422 `exceeds_holding` beyond it). A slaughterhouse disposes of its own stock under a vet's supervision
/// (POST /api/v1/disposals), not here (422 `dispose_at_slaughterhouse`).
#[utoipa::path(
    tag = "recalls",
    params(("id" = uuid::Uuid, Path, description = "notification id"), crate::idempotency::KeyHeader),
    request_body = RecallReportRequest,
    responses(
        (status = 201, body = RecallResponse),
        (status = 200, description = "already reported under this Idempotency-Key", body = RecallResponse),
        (status = 404, body = Problem),
        (status = 409, description = "recall_withdrawn, idempotency_key_reused", body = Problem),
        (status = 422, description = "invalid_report, method_required, exceeds_weight_to_pull, exceeds_holding, \
            dispose_at_slaughterhouse", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/notifications/{id}/reports")]
pub async fn file_report(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    key: IdempotencyKey,
    body: Json<RecallReportRequest>,
) -> AppResult<HttpResponse> {
    actor.authorize(Action::AnswerRecall)?;
    let key = key.bind(&actor, "recall_report.create", &(*id, &*body));
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.pulled_g < 0 || b.disposed_g < 0 || b.pulled_g + b.disposed_g == 0 {
        return Err(invalid(
            "invalid_report",
            "下架和销毁的重量不能为负，且不能都为 0",
            "pulled and disposed weights cannot be negative, nor both 0",
        ));
    }
    let method = match (b.disposed_g > 0, b.method) {
        (true, None) => {
            return Err(invalid(
                "method_required",
                "报告销毁时须写明无害化处理方式",
                "a disposal needs its method",
            ))
        }
        (_, m) => m,
    };
    let handler = match b.handler {
        Some(h) => text(&h, "handler", "处理人")?,
        None => actor.username.clone(),
    };
    let slip = optional_text(b.handover_slip);
    let note = optional_text(b.note);
    let out = state
        .db
        .write(move |conn| idempotency::once(conn, key.as_ref(), |conn| {
            let n = own_notice(conn, &actor.org_id, &id)?;
            if super::queries::withdrawal(conn, &n.recall_id)?.is_some() {
                return Err(super::queries::already_withdrawn());
            }
            stock::lock_lot(conn, &n.lot_id)?;
            let lot = crate::lots::queries::find(conn, &n.lot_id)?;
            let so_far: Vec<(i64, i64)> = recall_responses::table
                .filter(recall_responses::notice_id.eq(&n.id))
                .filter(recall_responses::kind.eq(ResponseKind::Report))
                .select((recall_responses::pulled_g, recall_responses::disposed_g))
                .load(conn)?;
            let reported: i64 = so_far.iter().map(|(p, d)| p + d).sum();
            if reported + b.pulled_g + b.disposed_g > n.weight_to_pull_g {
                return Err(AppError::unprocessable(
                    "exceeds_weight_to_pull",
                    format!(
                        "追溯码 {}：应下架 {} 克，已报告 {} 克，本次 {} 克超出",
                        lot.trace_code,
                        n.weight_to_pull_g,
                        reported,
                        b.pulled_g + b.disposed_g
                    ),
                    format!(
                        "lot {}: {} g to pull, {} g reported, {} g more is too much",
                        lot.trace_code,
                        n.weight_to_pull_g,
                        reported,
                        b.pulled_g + b.disposed_g
                    ),
                ));
            }
            let disposal_id = match method {
                Some(method) if b.disposed_g > 0 => {
                    if lot.parent_lot_id.is_none() && lot.slaughterhouse_id == actor.org_id {
                        return Err(invalid(
                            "dispose_at_slaughterhouse",
                            "屠宰厂的无害化处理须在官方兽医监督下登记（无害化处理记录），此处只报告下架",
                            "a slaughterhouse records its disposals under a vet's supervision (POST /api/v1/disposals); report only what it pulled here",
                        ));
                    }
                    let held = stock::still_has(conn, &actor.org_id, &lot)?;
                    stock::refuse_over(held, b.disposed_g, crate::refusal::Code::ExceedsHolding, &lot.trace_code)?;
                    let d = stock::dispose_held(
                        conn,
                        &actor.org_id,
                        &actor.user_id,
                        &lot,
                        stock::HeldDisposal {
                            weight_g: b.disposed_g,
                            reason: DisposalReason::Recall,
                            method,
                            handler,
                            handover_slip: slip,
                        },
                    )?;
                    Some(d.id)
                }
                _ => None,
            };
            insert(
                conn,
                RecallResponse {
                    id: uuid::Uuid::new_v4().to_string(),
                    notice_id: n.id,
                    kind: ResponseKind::Report,
                    pulled_g: b.pulled_g,
                    disposed_g: b.disposed_g,
                    disposal_id,
                    note,
                    responded_by: Some(actor.user_id.clone()),
                    responded_at: crate::time::now(),
                },
            )
        }))
        .await?;
    Ok(out.respond())
}
