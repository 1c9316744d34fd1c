//! Who may start a trace where. A district-level regulator or inspector may start only from a record of
//! its district, judged by the start's owners (the slaughterhouse of a certificate, ear tag, batch or lot;
//! the buyer keeping a ledger entry; the seller of a receipt; for a lot also every holder it was shipped
//! to); anything else is answered exactly as an unknown record. The trace itself then follows the chain
//! across districts.

use diesel::prelude::*;

use super::queries;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::ledger::queries as ledger;
use crate::lots::model::Lot;
use crate::policy::{Owner, Scope};
use crate::schema::{lot_splits, shipment_lines, shipments};

/// Is any of `owners` inside the scope?
pub fn covers_any(conn: &mut DbConnection, scope: &Scope, owners: &[String]) -> AppResult<bool> {
    if *scope == Scope::all() {
        return Ok(true);
    }
    let orgs = queries::organisations(conn, owners)?;
    Ok(orgs.values().any(|o| {
        scope.covers(Owner {
            org_id: &o.id,
            kind: o.kind,
            district: o.district,
        })
    }))
}

/// Refuse, as `not_found`, a start none of whose owners is in the scope.
pub fn require(
    conn: &mut DbConnection,
    scope: &Scope,
    owners: &[String],
    not_found: impl FnOnce() -> AppError,
) -> AppResult<()> {
    if covers_any(conn, scope, owners)? {
        Ok(())
    } else {
        Err(not_found())
    }
}

/// The owners of a lot: its slaughterhouse, the holder that split it, every buyer it was shipped to.
pub fn lot_owners(conn: &mut DbConnection, lot: &Lot) -> QueryResult<Vec<String>> {
    let mut out = vec![lot.slaughterhouse_id.clone()];
    out.extend(
        lot_splits::table
            .filter(lot_splits::child_lot_id.eq(&lot.id))
            .select(lot_splits::holder_id)
            .load::<String>(conn)?,
    );
    out.extend(
        shipment_lines::table
            .inner_join(shipments::table)
            .filter(shipment_lines::lot_id.eq(&lot.id))
            .select(shipments::buyer_id)
            .distinct()
            .load::<String>(conn)?,
    );
    Ok(out)
}

/// The lot of a trace code as typed or scanned, inside the scope: a mistyped code is refused by its check
/// character, an unknown one (or one outside the scope) is `unknown_code`.
pub fn lot_by_code(conn: &mut DbConnection, scope: &Scope, input: &str) -> AppResult<Lot> {
    let code = ledger::code_from_scan(input)?;
    let lot = ledger::lot_by_code(conn, &code)?;
    let owners = lot_owners(conn, &lot)?;
    if covers_any(conn, scope, &owners)? {
        Ok(lot)
    } else {
        // The same answer as for a code nobody knows.
        Err(ledger::unknown_code(&code))
    }
}

/// A lot by id, inside the scope.
pub fn lot_by_id(conn: &mut DbConnection, scope: &Scope, id: &str) -> AppResult<Lot> {
    let lot = crate::lots::queries::find(conn, id)?;
    let owners = lot_owners(conn, &lot)?;
    require(conn, scope, &owners, || {
        AppError::not_found("批次产品", "lot")
    })?;
    Ok(lot)
}
