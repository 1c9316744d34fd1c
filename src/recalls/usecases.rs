//! The recalls' operations. Inspectors' and regulators' side: recall a lot, a batch or an animal certificate
//! (repeat-safe), list the recalls in scope, read a recall's report, withdraw a recall made in error. Holders'
//! side: their notices, the acknowledgement, and reports of what they pulled from sale or disposed of (a
//! disposal also reduces what they hold). Each authorises, checks, runs one transaction with its audit
//! entries and returns a typed answer or a refusal; a recall or a withdrawal empties the verification cache.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::model::{
    Recall, RecallMade, RecallResponse, RecallScope, RecallWithdrawal, ResponseKind,
};
use super::queries;
use super::report::{self, Notification, RecallReport};
use crate::db::DbConnection;
use crate::disposals::model::{DisposalMethod, DisposalReason};
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::lots::model::LotStatus;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;
use crate::stock::queries as stock;
use crate::validate::{optional_text, text};

/// A recall, or its withdrawal: why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecallRequest {
    /// Why.
    pub reason: String,
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

/// What a recall of each scope is of, in both languages.
fn what(kind: RecallScope) -> (&'static str, &'static str) {
    match kind {
        RecallScope::Lot => ("批次产品", "lot"),
        RecallScope::Batch => ("屠宰批次", "batch"),
        RecallScope::AnimalCertificate => ("动物检疫合格证明", "animal certificate"),
    }
}

/// Recalls a lot, a batch or an animal certificate (inspectors and regulators; a district-level one for the
/// records of its district's slaughterhouses): every lot it reaches, with every lot split from them, is
/// marked, and every holder notified. A lot must still be active (409 `lot_not_active`), and something
/// reached must be (409 `nothing_to_recall`). Repeat-safe under an Idempotency-Key.
pub async fn recall(
    state: &AppState,
    actor: &Actor,
    key: IdempotencyKey,
    kind: RecallScope,
    scope_id: String,
    cmd: RecallRequest,
) -> AppResult<Answer<RecallMade>> {
    let scope = actor.authorize(Action::Recall)?;
    let key = key.bind(actor, "recall.create", &(kind, &scope_id, &cmd.reason));
    let reason = text(&cmd.reason, "reason", "召回原因")?;
    let by = actor.user_id.clone();
    let out = state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let (zh, en) = what(kind);
                let house = queries::house_of(conn, kind, &scope_id)?
                    .ok_or_else(|| AppError::not_found(zh, en))?;
                require_house(conn, &scope, &house, zh, en)?;
                let reached = queries::reach(conn, kind, &scope_id)?;
                if kind == RecallScope::Lot {
                    if let Some(lot) = reached.first() {
                        stock::lock_lot(conn, &lot.id)?;
                        let status = stock::status(conn, lot)?;
                        if status != LotStatus::Active {
                            return Err(Refusal::of(Code::LotNotActive)
                                .with("other", status)
                                .into());
                        }
                    }
                }
                let recall = Recall {
                    id: uuid::Uuid::new_v4().to_string(),
                    scope: kind,
                    scope_id,
                    slaughterhouse_id: house,
                    reason,
                    recalled_by: Some(by),
                    recalled_at: crate::time::now(),
                };
                queries::create(conn, recall, reached)
            })
        })
        .await?;
    if out.is_fresh() {
        state.verify_cache.invalidate_all();
    }
    Ok(out)
}

/// Recalls of the slaughterhouses in the caller's scope, newest first (inspectors and regulators).
pub async fn list(
    state: &AppState,
    actor: &Actor,
    page: PageParams,
) -> AppResult<Page<RecallItem>> {
    let scope = actor.authorize(Action::Recall)?;
    state
        .db
        .read(move |conn| {
            crate::slaughterhouses::queries::page_over_houses(
                conn,
                &scope,
                page,
                |conn, houses, page| {
                    let (rows, total) = queries::page_of(conn, houses, page)?;
                    let items = rows
                        .into_iter()
                        .map(|(recall, standing)| RecallItem { recall, standing })
                        .collect();
                    Ok((items, total))
                },
            )
        })
        .await
}

/// A recall's report (in scope): lots reached, every holder with what it was to pull, its acknowledgement,
/// what it reported, what is still out and what it has now; totals; the withdrawal.
pub async fn get_one(state: &AppState, actor: &Actor, id: String) -> AppResult<RecallReport> {
    let scope = actor.authorize(Action::Recall)?;
    state
        .db
        .read(move |conn| {
            let recall = queries::find(conn, &id)?;
            require_house(conn, &scope, &recall.slaughterhouse_id, "召回", "recall")?;
            report::report(conn, recall)
        })
        .await
}

/// Withdraws a recall made in error, with a reason (once: 409 `recall_withdrawn` after that). The lots it
/// marked are active again unless another standing recall covers them. Answers the report.
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: RecallRequest,
) -> AppResult<RecallReport> {
    let scope = actor.authorize(Action::Recall)?;
    let reason = text(&cmd.reason, "reason", "撤销原因")?;
    let by = actor.user_id.clone();
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
                    withdrawn_by: Some(by),
                    withdrawn_at: crate::time::now(),
                },
            )?;
            report::report(conn, recall)
        })
        .await?;
    state.verify_cache.invalidate_all();
    Ok(out)
}

/// The recall notices of the caller's organisation, newest first (vendors and slaughterhouses).
pub async fn notifications(
    state: &AppState,
    actor: &Actor,
    page: PageParams,
) -> AppResult<Page<Notification>> {
    actor.authorize(Action::AnswerRecall)?;
    let org = actor.org_id.clone();
    state
        .db
        .read(move |conn| report::notifications(conn, &org, page))
        .await
}

/// An answer to a notice by the caller, now.
fn response(actor: &Actor, notice_id: String, kind: ResponseKind) -> RecallResponse {
    RecallResponse {
        id: uuid::Uuid::new_v4().to_string(),
        notice_id,
        kind,
        pulled_g: 0,
        disposed_g: 0,
        disposal_id: None,
        note: None,
        responded_by: Some(actor.user_id.clone()),
        responded_at: crate::time::now(),
    }
}

/// Acknowledges one of the caller's organisation's notices (once: 409 `already_acknowledged` after that).
pub async fn acknowledge(state: &AppState, actor: &Actor, id: String) -> AppResult<RecallResponse> {
    actor.authorize(Action::AnswerRecall)?;
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            let n = queries::own_notice(conn, &actor.org_id, &id)?;
            if queries::acknowledged(conn, &n.id)? {
                return Err(Code::AlreadyAcknowledged.into());
            }
            queries::respond(conn, response(&actor, n.id, ResponseKind::Acknowledged))
        })
        .await
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

/// Reports what was pulled from sale or disposed of under one of the caller's organisation's notices. Over
/// all reports, pulled + disposed never exceeds the weight to pull (422 `exceeds_weight_to_pull`); a disposal
/// is recorded as a disposal of held stock and never exceeds what the holder holds (422 `exceeds_holding`);
/// a slaughterhouse disposes of its own lots under a vet's supervision, not here (422
/// `dispose_at_slaughterhouse`); a withdrawn recall takes no reports (409 `recall_withdrawn`). Repeat-safe
/// under an Idempotency-Key.
pub async fn file_report(
    state: &AppState,
    actor: &Actor,
    key: IdempotencyKey,
    id: String,
    cmd: RecallReportRequest,
) -> AppResult<Answer<RecallResponse>> {
    actor.authorize(Action::AnswerRecall)?;
    let key = key.bind(actor, "recall_report.create", &(&id, &cmd));
    let (pulled_g, disposed_g) = (cmd.pulled_g, cmd.disposed_g);
    let total = pulled_g.saturating_add(disposed_g);
    if pulled_g < 0 || disposed_g < 0 || total == 0 {
        return Err(Code::InvalidReport.into());
    }
    let method = match (disposed_g > 0, cmd.method) {
        (true, None) => return Err(Code::MethodRequired.into()),
        (_, m) => m,
    };
    let handler = match cmd.handler {
        Some(h) => text(&h, "handler", "处理人")?,
        None => actor.username.clone(),
    };
    let slip = optional_text(cmd.handover_slip);
    let note = optional_text(cmd.note);
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let n = queries::own_notice(conn, &actor.org_id, &id)?;
                if queries::withdrawal(conn, &n.recall_id)?.is_some() {
                    return Err(queries::already_withdrawn());
                }
                stock::lock_lot(conn, &n.lot_id)?;
                let lot = crate::lots::queries::find(conn, &n.lot_id)?;
                let reported = queries::reported(conn, &n.id)?;
                if reported.saturating_add(total) > n.weight_to_pull_g {
                    return Err(Refusal::of(Code::ExceedsWeightToPull)
                        .with("trace_code", &lot.trace_code)
                        .with("weight_to_pull_g", n.weight_to_pull_g)
                        .with("reported", reported)
                        .with("disposed_g", total)
                        .into());
                }
                let disposal_id = match method {
                    Some(method) if disposed_g > 0 => {
                        if lot.parent_lot_id.is_none() && lot.slaughterhouse_id == actor.org_id {
                            return Err(Code::DisposeAtSlaughterhouse.into());
                        }
                        let held = stock::still_has(conn, &actor.org_id, &lot)?;
                        stock::refuse_over(
                            held,
                            disposed_g,
                            Code::ExceedsHolding,
                            &lot.trace_code,
                        )?;
                        let d = stock::dispose_held(
                            conn,
                            &actor.org_id,
                            &actor.user_id,
                            &lot,
                            stock::HeldDisposal {
                                weight_g: disposed_g,
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
                let mut r = response(&actor, n.id, ResponseKind::Report);
                r.pulled_g = pulled_g;
                r.disposed_g = disposed_g;
                r.disposal_id = disposal_id;
                r.note = note;
                queries::respond(conn, r)
            })
        })
        .await
}
