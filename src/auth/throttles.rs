//! Administrators see and clear the login throttles (`throttle.rs`): which account-and-address pairs and
//! which addresses have failures counted and how long each must still wait. Clearing is an admin action
//! recorded in the audit trail (action `clear_login_throttle`, entity `login_throttle`), e.g. for the staff
//! of an office behind one address who mistyped too often.

use actix_web::{get, post, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::throttle;
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::policy::{Action, Actor};
use crate::state::AppState;

/// Most entries of each kind listed (those waiting longest first).
const LIST_LIMIT: usize = 500;

/// An account-and-address pair with failures counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairThrottle {
    /// Login name tried (lower-case; the account may not exist).
    pub account: String,
    /// Client address (IPv6: its /64 prefix).
    pub address: String,
    /// Failures counted.
    pub failures: u32,
    /// Seconds before this pair may try again (0: it may now).
    pub wait_secs: u64,
    /// Until when it must wait (China time); absent when it need not.
    #[serde(with = "crate::time::china_time::option")]
    #[schema(value_type = Option<String>)]
    pub wait_until: Option<NaiveDateTime>,
    /// The last failure (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub last_failure_at: NaiveDateTime,
}

/// An address with failures counted across accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddressThrottle {
    /// Client address (IPv6: its /64 prefix).
    pub address: String,
    /// Failures within the window.
    pub failures: u32,
    /// Seconds before this address may try again (0: it may now).
    pub wait_secs: u64,
    /// Until when it must wait (China time); absent when it need not.
    #[serde(with = "crate::time::china_time::option")]
    #[schema(value_type = Option<String>)]
    pub wait_until: Option<NaiveDateTime>,
    /// The last failure (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub last_failure_at: NaiveDateTime,
}

/// The throttles in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct Throttles {
    /// Account-and-address pairs, those waiting longest first (at most 500).
    pub pairs: Vec<PairThrottle>,
    /// All pairs counted.
    pub pairs_total: usize,
    /// Addresses, those waiting longest first (at most 500).
    pub addresses: Vec<AddressThrottle>,
    /// All addresses counted.
    pub addresses_total: usize,
}

fn until(now: NaiveDateTime, wait_secs: u64) -> Option<NaiveDateTime> {
    let secs = i64::try_from(wait_secs).ok()?;
    (wait_secs > 0).then(|| now + chrono::Duration::seconds(secs))
}

/// List the login throttles (admin).
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = Throttles), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/auth/throttles")]
pub async fn list(state: web::Data<AppState>, actor: Actor) -> AppResult<Json<Throttles>> {
    actor.authorize(Action::ManageAccounts)?;
    let (pairs, addresses) = state.auth.throttle.entries();
    let now = crate::time::now();
    Ok(Json(Throttles {
        pairs_total: pairs.len(),
        addresses_total: addresses.len(),
        pairs: pairs
            .into_iter()
            .take(LIST_LIMIT)
            .map(|p| PairThrottle {
                wait_until: until(now, p.wait_secs),
                account: p.account,
                address: p.address,
                failures: p.failures,
                wait_secs: p.wait_secs,
                last_failure_at: p.last_failure_at,
            })
            .collect(),
        addresses: addresses
            .into_iter()
            .take(LIST_LIMIT)
            .map(|a| AddressThrottle {
                wait_until: until(now, a.wait_secs),
                address: a.address,
                failures: a.failures,
                wait_secs: a.wait_secs,
                last_failure_at: a.last_failure_at,
            })
            .collect(),
    }))
}

/// What to clear: an account (its pairs from every address), an address (its count and every pair from
/// it), or both (that one pair).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClearThrottle {
    /// Login name.
    pub account: Option<String>,
    /// Client address (IPv4 or IPv6; an IPv6 address clears its /64 prefix).
    pub address: Option<String>,
}

/// What was cleared.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThrottleCleared {
    /// Account-and-address pairs cleared.
    pub pairs_cleared: usize,
    /// Addresses cleared.
    pub addresses_cleared: usize,
}

/// The audit record of a clearing.
#[derive(Serialize)]
struct Clearing<'a> {
    target: &'a str,
    account: Option<&'a str>,
    address: Option<&'a str>,
    pairs: usize,
    addresses: usize,
}

impl crate::audit::Audited for Clearing<'_> {
    const ENTITY: &'static str = "login_throttle";
    fn audit_id(&self) -> &str {
        self.target
    }
}

/// Clear login throttles (admin, audited): the account or address may try again at once.
#[utoipa::path(
    tag = "auth",
    request_body = ClearThrottle,
    responses(
        (status = 200, body = ThrottleCleared),
        (status = 401, body = Problem),
        (status = 403, body = Problem),
        (status = 422, description = "neither account nor a valid address given", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/auth/throttles/clear")]
pub async fn clear(
    state: web::Data<AppState>,
    actor: Actor,
    body: Json<ClearThrottle>,
) -> AppResult<Json<ThrottleCleared>> {
    actor.authorize(Action::ManageAccounts)?;
    let b = body.into_inner();
    let account = b
        .account
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty());
    let address = match b.address.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(parse_address(a)?),
    };
    if account.is_none() && address.is_none() {
        return Err(AppError::unprocessable(
            "throttle_target_missing",
            "请指定要解除限制的账户或地址",
            "name the account or the address to clear",
        ));
    }
    // Counted first, recorded, then cleared: what the trail names is what was in force.
    let (pairs, addresses) = state.auth.throttle.entries();
    let hits_pair = |p: &throttle::PairView| {
        account.as_ref().is_none_or(|a| *a == p.account)
            && address.as_ref().is_none_or(|a| *a == p.address)
    };
    let seen_pairs = pairs.iter().filter(|p| hits_pair(p)).count();
    let seen_addresses = match (&account, &address) {
        (None, Some(a)) => addresses.iter().filter(|x| x.address == *a).count(),
        _ => 0,
    };
    if seen_pairs + seen_addresses > 0 {
        let (acc, addr) = (account.clone(), address.clone());
        state
            .db
            .write(move |conn| {
                let target = match (&acc, &addr) {
                    (Some(a), None) => format!("account:{a}"),
                    (None, Some(x)) => format!("address:{x}"),
                    (a, x) => format!(
                        "account:{}|address:{}",
                        a.as_deref().unwrap_or(""),
                        x.as_deref().unwrap_or("")
                    ),
                };
                crate::audit::record(
                    conn,
                    Some(&actor.user_id),
                    "clear_login_throttle",
                    &Clearing {
                        target: &target,
                        account: acc.as_deref(),
                        address: addr.as_deref(),
                        pairs: seen_pairs,
                        addresses: seen_addresses,
                    },
                )
            })
            .await?;
    }
    let cleared = state
        .auth
        .throttle
        .clear(account.as_deref(), address.as_deref());
    Ok(Json(ThrottleCleared {
        pairs_cleared: cleared.pairs,
        addresses_cleared: cleared.addresses,
    }))
}

/// An address as given, in the form the throttle counts it under (IPv6: the /64 prefix).
fn parse_address(a: &str) -> AppResult<String> {
    let ip = a.strip_suffix("/64").unwrap_or(a);
    match ip.parse::<std::net::IpAddr>() {
        Ok(_) => Ok(throttle::address_key(ip)),
        Err(_) if a == "unknown" => Ok(a.to_string()),
        Err(_) => Err(AppError::unprocessable(
            "invalid_address",
            format!("不是有效的 IP 地址：{a}"),
            format!("not a valid IP address: {a}"),
        )),
    }
}
