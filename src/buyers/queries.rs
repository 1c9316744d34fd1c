//! Reading the buyer registry.

use diesel::prelude::*;

use super::model::BuyerProfile;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::organisations::model::Organisation;
use crate::refusal::{Code, Refusal};
use crate::schema::{buyer_profiles, organisations};

/// A registered buyer, found by id (any buyer, no scope: for checking a shipment's buyer).
pub fn find(conn: &mut DbConnection, id: &str) -> AppResult<(Organisation, BuyerProfile)> {
    organisations::table
        .inner_join(buyer_profiles::table)
        .filter(organisations::id.eq(id))
        .select((Organisation::as_select(), BuyerProfile::as_select()))
        .first(conn)
        .optional()?
        .ok_or_else(|| Refusal::of(Code::BuyerNotRegistered).into())
}
