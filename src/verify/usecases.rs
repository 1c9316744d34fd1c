//! The public verification of a trace code (no login): the answer, cached for the day, and the count of
//! verifications per lot and stall.

use std::sync::Arc;

use super::cache::Cached;
use super::model::{Verification, VerifyStatus};
use crate::error::AppResult;
use crate::state::AppState;

/// The answer for a code, from the cache of the day or freshly read.
async fn cached(state: &AppState, code: &str) -> AppResult<Cached> {
    let today = crate::time::today_china();
    let key = crate::lots::trace_code::normalise(code);
    if let Some(c) = state.verify_cache.get(&key, today) {
        return Ok(c);
    }
    let input = code.to_string();
    let v = state
        .db
        .read(move |conn| super::queries::verify(conn, &input, today))
        .await?;
    let json = serde_json::to_vec(&v).map_err(crate::error::AppError::internal_from)?;
    let c = Cached {
        verification: Arc::new(v),
        json: json.into(),
    };
    state.verify_cache.put(key, today, c.clone());
    Ok(c)
}

/// Count a verification of a known code, with the stall it came from when that is a well-formed id.
fn count(state: &AppState, v: &Verification, stall: Option<&str>) {
    if let Some(lot) = &v.lot_id {
        let stall = stall
            .and_then(|s| uuid::Uuid::parse_str(s.trim()).ok())
            .map(|u| u.to_string());
        state.verify_counter.count(lot, stall.as_deref());
    }
}

/// Verify a trace code, counting a verification of a known code (with the stall it came from).
pub async fn verify(state: &AppState, code: &str, stall: Option<&str>) -> AppResult<Cached> {
    let c = cached(state, code).await?;
    count(state, &c.verification, stall);
    Ok(c)
}

/// Verify a lot by its GS1 Digital Link address: a GTIN that is not the lot's is answered as an unknown
/// code (and not counted).
pub async fn digital_link(
    state: &AppState,
    gtin: &str,
    code: &str,
    stall: Option<&str>,
) -> AppResult<Arc<Verification>> {
    let v = cached(state, code).await?.verification;
    let matches = v
        .lot
        .as_ref()
        .is_some_and(|l| l.gtin.as_deref() == Some(gtin.trim()));
    if v.lot.is_some() && !matches {
        return Ok(Arc::new(Verification::bare(
            v.code.clone(),
            VerifyStatus::Unknown,
        )));
    }
    count(state, &v, stall);
    Ok(v)
}
