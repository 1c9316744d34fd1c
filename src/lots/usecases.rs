//! What can be done with lots: make them from a batch, read one, its QR label and the batch's label sheet,
//! and correct a weight, each within the caller's scope. The lot as every read returns it ([`views`]) is
//! assembled here, since its status comes from the stock kept along the chain.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::labels::{self, LabelData};
use super::model::{Correction, Lot, LotStatus, LotView, ProductKind, Storage};
use super::queries::{self, NewLot};
use super::trace_code;
use crate::config::RuleSettings;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::idempotency::{self, Answer, Bound};
use crate::identifiers::Gtin;
use crate::input::Grams;
use crate::policy::{Action, Actor, Scope};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;
use crate::validate::text;

/// One lot to make.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLotRequest {
    /// What it is.
    pub product_kind: ProductKind,
    /// Product name (e.g. 牛腩).
    pub product_name: String,
    /// Weight, grams.
    pub weight_g: Grams,
    /// Chilled or frozen (sets the use-by date).
    pub storage: Storage,
    /// GTIN-8/12/13/14, when it has one (blank: none).
    #[serde(default, deserialize_with = "crate::identifiers::blank_is_none")]
    #[schema(value_type = Option<crate::identifiers::Gtin>)]
    pub gtin: Option<Gtin>,
}

/// Lots to make from a batch.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLots {
    /// The lots (1 to 500).
    pub lots: Vec<NewLotRequest>,
}

/// Correct a lot's weight.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightCorrection {
    /// The correct weight, grams.
    pub weight_g: Grams,
    /// Why.
    pub reason: String,
}

/// A lot of a slaughterhouse in `scope`, else not found.
fn lot_in_scope(conn: &mut DbConnection, scope: &Scope, id: &str) -> AppResult<Lot> {
    let lot = queries::find(conn, id)?;
    crate::slaughterhouses::queries::find_in_scope(conn, scope, &lot.slaughterhouse_id)
        .map_err(|_| AppError::not_found("批次产品", "lot"))?;
    Ok(lot)
}

/// A lot the caller may read: on the slaughter side, in its scope; a buyer, one it has ever held. Roles
/// with neither get 403.
pub fn lot_for_reader(conn: &mut DbConnection, actor: &Actor, id: &str) -> AppResult<Lot> {
    let slaughter_side = actor.authorize(Action::ReadSlaughterChain);
    let holder = actor.authorize(Action::KeepStock);
    if slaughter_side.is_err() && holder.is_err() {
        return Err(AppError::forbidden());
    }
    let lot = queries::find(conn, id)?;
    if let Ok(scope) = slaughter_side {
        if crate::slaughterhouses::queries::find_in_scope(conn, &scope, &lot.slaughterhouse_id)
            .is_ok()
        {
            return Ok(lot);
        }
    }
    if holder.is_ok() && crate::stock::queries::involved(conn, &actor.org_id, &lot)? {
        return Ok(lot);
    }
    Err(AppError::not_found("批次产品", "lot"))
}

/// Make lots from a batch in the caller's scope, each with a trace code (audited; once per idempotency
/// key). The batch needs a product certificate and a passing inspection certificate; its lots may not weigh
/// more than was inspected.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    batch_id: uuid::Uuid,
    b: NewLots,
) -> AppResult<Answer<Vec<LotView>>> {
    let scope = actor.authorize(Action::RecordSlaughter)?;
    if b.lots.is_empty() || b.lots.len() > 500 {
        return Err(Refusal::of(Code::InvalidLotCount).at("lots").into());
    }
    let mut new = Vec::with_capacity(b.lots.len());
    for (i, l) in b.lots.into_iter().enumerate() {
        if l.weight_g.get() > 10_000_000 {
            return Err(Refusal::of(Code::InvalidWeight)
                .with("what", "产品")
                .with("what_en", "a lot")
                .with("max", 10_000_000)
                .at(format!("lots[{i}].weight_g"))
                .into());
        }
        new.push(NewLot {
            product_kind: l.product_kind,
            product_name: text(&l.product_name, "product_name", "产品名称")?,
            weight_g: l.weight_g.get(),
            storage: l.storage,
            gtin: l.gtin.map(Gtin::into_string),
        });
    }
    let rules = state.rules.clone();
    let id = batch_id.to_string();
    let user = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                let batch = crate::batches::queries::find_in_scope(conn, &scope, &id)?;
                let made = queries::create_lots(conn, &user, &batch.batch, new, &rules)?;
                views(conn, made, &rules)
            })
        })
        .await
}

/// One lot the caller may read, with the weight in force and its corrections.
pub async fn get_one(state: &AppState, actor: &Actor, id: uuid::Uuid) -> AppResult<LotView> {
    let id = id.to_string();
    let rules = state.rules.clone();
    let actor = actor.clone();
    state
        .db
        .read(move |conn| {
            let lot = lot_for_reader(conn, &actor, &id)?;
            views(conn, vec![lot], &rules)?
                .pop()
                .ok_or_else(|| AppError::not_found("批次产品", "lot"))
        })
        .await
}

/// The public verification address of a lot the caller may read (what its QR label encodes).
pub async fn verification_url(
    state: &AppState,
    actor: &Actor,
    id: uuid::Uuid,
) -> AppResult<String> {
    let id = id.to_string();
    let actor = actor.clone();
    let code = state
        .db
        .read(move |conn| Ok(lot_for_reader(conn, &actor, &id)?.trace_code))
        .await?;
    Ok(state.rules.verification_url(&code))
}

/// The printable label sheet (HTML, A4) of every open lot of a batch in the caller's scope.
pub async fn label_sheet(
    state: &AppState,
    actor: &Actor,
    batch_id: uuid::Uuid,
) -> AppResult<String> {
    let scope = actor.authorize(Action::ReadSlaughterChain)?;
    let id = batch_id.to_string();
    let rules = state.rules.clone();
    state
        .db
        .read(move |conn| {
            let batch = crate::batches::queries::find_in_scope(conn, &scope, &id)?.batch;
            let house = crate::organisations::queries::find(conn, &batch.slaughterhouse_id)?
                .map(|o| o.name)
                .unwrap_or_default();
            let species = match batch.species {
                crate::slaughterhouses::model::Species::Cattle => "牛",
                crate::slaughterhouses::model::Species::Sheep => "羊",
            };
            let of_batch = queries::of_batch(conn, &batch.id)?;
            let labels: Vec<LabelData> = views(conn, of_batch, &rules)?
                .into_iter()
                .filter(|l| l.status != LotStatus::Disposed)
                .map(|l| LabelData {
                    url: l.verification_url,
                    trace_code: l.trace_code_display,
                    product: format!("{species} · {} · {}", l.product_kind.zh(), l.product_name),
                    weight_g: l.weight_g,
                    slaughter_date: batch.slaughter_date,
                    use_by: l.use_by,
                    halal: l.halal,
                    slaughterhouse: house.clone(),
                })
                .collect();
            labels::label_sheet_html(&format!("{house} 批次 {} 标签", batch.batch_no), &labels)
                .map_err(AppError::internal_from)
        })
        .await
}

/// Correct the weight of a lot in the caller's scope with a new record (audited; once per idempotency
/// key); the lot is never edited. A correction below what already left its maker opens a violation.
pub async fn correct(
    state: &AppState,
    actor: &Actor,
    key: Option<Bound>,
    id: uuid::Uuid,
    b: WeightCorrection,
) -> AppResult<Answer<Correction>> {
    let scope = actor.authorize(Action::RecordSlaughter)?;
    let id = id.to_string();
    let reason = text(&b.reason, "reason", "更正原因")?;
    let user = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            idempotency::once(conn, key.as_ref(), |conn| {
                lot_in_scope(conn, &scope, &id)?;
                correct_weight(conn, &user, &id, b.weight_g.get(), &reason)
            })
        })
        .await
}

/// Correct a lot's weight inside a write (audited); the weight checks follow the corrected value.
pub fn correct_weight(
    conn: &mut DbConnection,
    actor: &str,
    lot_id: &str,
    weight_g: i64,
    reason: &str,
) -> AppResult<Correction> {
    queries::refuse_if_closed(conn, lot_id)?;
    let lot = queries::find(conn, lot_id)?;
    crate::stock::queries::lock_lot(conn, &lot.id)?;
    let c = queries::record_correction(conn, actor, &lot, weight_g, reason)?;
    check_mass_balance(conn, actor, &lot, &c, weight_g)?;
    Ok(c)
}

/// Lots as every read returns them.
pub fn views(
    conn: &mut DbConnection,
    list: Vec<Lot>,
    rules: &RuleSettings,
) -> AppResult<Vec<LotView>> {
    let weights = queries::weights_in_force(conn, &list)?;
    let ids: Vec<&str> = list.iter().map(|l| l.id.as_str()).collect();
    let all_corrections = queries::corrections_of(conn, &ids)?;
    let mut out = Vec::with_capacity(list.len());
    for (lot, weight) in list.into_iter().zip(weights) {
        let status = crate::stock::queries::status(conn, &lot)?;
        out.push(LotView {
            trace_code_display: trace_code::display(&lot.trace_code),
            verification_url: rules.verification_url(&lot.trace_code),
            corrections: all_corrections
                .iter()
                .filter(|c| c.entity_id == lot.id)
                .cloned()
                .collect(),
            id: lot.id,
            trace_code: lot.trace_code,
            batch_id: lot.batch_id,
            slaughterhouse_id: lot.slaughterhouse_id,
            product_kind: lot.product_kind,
            product_name: lot.product_name,
            weight_g: weight,
            original_weight_g: lot.weight_g,
            halal: lot.halal,
            storage: lot.storage,
            use_by: lot.use_by,
            gtin: lot.gtin,
            product_certificate_id: lot.product_certificate_id,
            inspection_certificate_id: lot.inspection_certificate_id,
            parent_lot_id: lot.parent_lot_id,
            status,
            created_at: lot.created_at,
        });
    }
    Ok(out)
}

/// A correction is a measurement and is kept; when it leaves the lot lighter than what already left its
/// maker (shipped, split off, disposed of), the books no longer balance: a `mass_balance_broken` violation.
fn check_mass_balance(
    conn: &mut DbConnection,
    actor: &str,
    lot: &Lot,
    correction: &Correction,
    weight_g: i64,
) -> AppResult<()> {
    use crate::stock::queries as stock;
    let maker = &lot.slaughterhouse_id;
    let gone = crate::input::checked_total([
        stock::shipped_by(conn, maker, &lot.id)?,
        stock::disposed_by(conn, maker, &lot.id)?,
        stock::split_off_by(conn, maker, &lot.id)?,
    ])
    .unwrap_or(i64::MAX);
    if gone <= weight_g {
        return Ok(());
    }
    let rule = &crate::violations::rules::MASS_BALANCE_BROKEN;
    let Some(org) = crate::organisations::queries::find(conn, maker)? else {
        return Ok(());
    };
    crate::violations::queries::open(
        conn,
        crate::violations::queries::NewViolation {
            rule,
            source: crate::violations::model::ViolationSource::Detected,
            subject: crate::violations::queries::Subject::Org(&org),
            summary: (
                format!(
                    "产品 {} 重量更正为 {weight_g} 克，但已出货、分割和处理共 {gone} 克",
                    lot.trace_code
                ),
                format!(
                    "lot {} corrected to {weight_g} g, but {gone} g had already been shipped, split off or disposed of",
                    lot.trace_code
                ),
            ),
            actor_id: Some(actor),
            records: vec![("lot", lot.id.clone()), ("correction", correction.id.clone())],
        },
    )?;
    Ok(())
}
