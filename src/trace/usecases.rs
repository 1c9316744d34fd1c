//! What can be traced: backward from what a buyer holds to the animals it came from, and forward from an
//! animal, batch or lot to everywhere it went, each within the caller's scope, on one consistent snapshot.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::backward::BackwardStart;
use super::forward::ForwardStart;
use super::model::TraceGraph;
use crate::error::{AppError, AppResult};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;

/// How the answer comes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TraceFormat {
    /// The graph as JSON (default).
    #[default]
    Json,
    /// A picture of the graph, `image/svg+xml`.
    Svg,
}

/// Where to start a backward trace: exactly one of these.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BackwardQuery {
    /// A trace code as printed, typed or scanned (spaces and hyphens allowed).
    pub trace_code: Option<String>,
    /// A purchase ledger entry.
    pub ledger_entry_id: Option<uuid::Uuid>,
    /// A receipt, by id.
    pub receipt_id: Option<uuid::Uuid>,
    /// A receipt, by its number (as printed on it).
    pub receipt_no: Option<String>,
    /// `json` (default) or `svg`.
    #[param(inline)]
    pub format: Option<TraceFormat>,
}

/// Where to start a forward trace: exactly one of these.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ForwardQuery {
    /// An animal certificate (动物A/B).
    pub animal_certificate_id: Option<uuid::Uuid>,
    /// An ear tag, 15 digits.
    pub ear_tag: Option<String>,
    /// A slaughter batch.
    pub batch_id: Option<uuid::Uuid>,
    /// A lot, by id.
    pub lot_id: Option<uuid::Uuid>,
    /// A lot, by its trace code.
    pub trace_code: Option<String>,
    /// `json` (default) or `svg`.
    #[param(inline)]
    pub format: Option<TraceFormat>,
}

/// The one start given, else `trace_start_required`.
fn exactly_one<T>(given: Vec<Option<T>>, names: &str) -> AppResult<T> {
    let mut given: Vec<T> = given.into_iter().flatten().collect();
    if given.len() != 1 {
        return Err(Refusal::of(Code::TraceStartRequired)
            .with("names", names)
            .into());
    }
    given
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no start")))
}

/// Trace backward from a trace code, a ledger entry or a receipt (exactly one), within the caller's scope.
pub async fn backward(state: &AppState, actor: &Actor, q: BackwardQuery) -> AppResult<TraceGraph> {
    let scope = actor.authorize(Action::Trace)?;
    let start = exactly_one(
        vec![
            q.trace_code.map(BackwardStart::TraceCode),
            q.ledger_entry_id
                .map(|i| BackwardStart::LedgerEntry(i.to_string())),
            q.receipt_id
                .map(|i| BackwardStart::ReceiptId(i.to_string())),
            q.receipt_no.map(BackwardStart::ReceiptNo),
        ],
        "trace_code, ledger_entry_id, receipt_id, receipt_no",
    )?;
    state
        .db
        .snapshot(move |conn| super::backward::trace(conn, &scope, start))
        .await
}

/// Trace forward from an animal certificate, an ear tag, a batch or a lot (exactly one), within the
/// caller's scope.
pub async fn forward(state: &AppState, actor: &Actor, q: ForwardQuery) -> AppResult<TraceGraph> {
    let scope = actor.authorize(Action::Trace)?;
    let start = exactly_one(
        vec![
            q.animal_certificate_id
                .map(|i| ForwardStart::AnimalCertificate(i.to_string())),
            q.ear_tag.map(ForwardStart::EarTag),
            q.batch_id.map(|i| ForwardStart::Batch(i.to_string())),
            q.lot_id.map(|i| ForwardStart::Lot(i.to_string())),
            q.trace_code.map(ForwardStart::TraceCode),
        ],
        "animal_certificate_id, ear_tag, batch_id, lot_id, trace_code",
    )?;
    state
        .db
        .snapshot(move |conn| super::forward::trace(conn, &scope, start))
        .await
}
