//! What can be done with sessions and the login throttles: log in, change one's password, know the caller
//! of a token, and (admin) see and clear the throttles. Passwords are checked outside any database
//! checkout: the row is read, the connection given back, then the check runs on the bounded password
//! checks (`checks.rs`).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{password, throttle};
use crate::error::{AppError, AppResult};
use crate::policy::{Action, Actor, Role};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;
use crate::users::queries;

/// Login request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// The token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: u64,
    /// True when the password was generated and must be changed before anything else.
    pub must_change_password: bool,
}

/// Change one's own password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password now.
    pub current_password: String,
    /// The new password: 10 to 128 characters of at least two kinds.
    pub new_password: String,
}

/// 429 for an account-and-address pair or an address that must wait.
fn too_many_logins(wait: u64) -> AppError {
    Refusal::of(Code::TooManyLoginAttempts)
        .with("wait", wait.max(1))
        .retry_after(wait)
        .into()
}

/// Log in from `client` (the address as the web layer found it). Failures slow down the
/// account-and-address pair and an address that tries many accounts; no account is ever locked.
pub async fn login(state: &AppState, client: &str, cmd: LoginRequest) -> AppResult<TokenResponse> {
    let attempt = state
        .auth
        .throttle
        .begin(&cmd.username, client)
        .map_err(too_many_logins)?;
    // Read the account and give the connection back before the (slow) password check. No account name holds
    // a control character (PostgreSQL would refuse a NUL outright): such a name is simply unknown.
    let username = cmd.username.clone();
    let user = if username.chars().any(char::is_control) {
        None
    } else {
        state
            .db
            .read(move |conn| Ok(queries::find_by_username(conn, &username)?))
            .await?
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let ok = state.auth.passwords.verify(cmd.password, stored).await?;
    let user = match user {
        Some(user) if ok => user,
        _ => {
            attempt.failed();
            return Err(Code::InvalidCredentials.into());
        }
    };
    if user.disabled {
        attempt.failed();
        return Err(Code::AccountDisabled.into());
    }
    attempt.succeeded();
    let token = state.auth.tokens.issue(&user.id, user.session_epoch)?;
    tracing::info!(user_id = %user.id, "login");
    Ok(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.auth.tokens.ttl_secs,
        must_change_password: user.must_change_password,
    })
}

/// Change one's own password (audited). Every token issued before stops working; the answer carries a new
/// one. Wrong current passwords are throttled like failed logins.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    client: &str,
    cmd: ChangePasswordRequest,
) -> AppResult<TokenResponse> {
    password::check_new(&cmd.new_password)?;
    if cmd.new_password == cmd.current_password {
        return Err(Code::PasswordUnchanged.into());
    }
    let attempt = state
        .auth
        .throttle
        .begin(&actor.username, client)
        .map_err(too_many_logins)?;
    let id = actor.user_id.clone();
    let checked = state
        .db
        .read(move |conn| {
            queries::find(conn, &id)?
                .map(|u| u.password_hash)
                .ok_or_else(|| AppError::not_found("用户", "user"))
        })
        .await?;
    let ok = state
        .auth
        .passwords
        .verify(cmd.current_password, Some(checked.clone()))
        .await?;
    if !ok {
        attempt.failed();
        return Err(Code::WrongPassword.into());
    }
    attempt.succeeded();
    let new_hash = state.auth.passwords.hash(cmd.new_password).await?;
    let id = actor.user_id.clone();
    let user = state
        .db
        .write(move |conn| {
            // The password checked must still be the one in force (no reset or other change since).
            let now =
                queries::find(conn, &id)?.ok_or_else(|| AppError::not_found("用户", "user"))?;
            if now.password_hash != checked {
                return Err(Code::PasswordChangedMeanwhile.into());
            }
            queries::set_password(conn, Some(&id), &id, &new_hash, false, "change_password")
        })
        .await?;
    let token = state.auth.tokens.issue(&user.id, user.session_epoch)?;
    Ok(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: state.auth.tokens.ttl_secs,
        must_change_password: false,
    })
}

/// The caller a bearer token stands for: a valid token of an enabled user whose session epoch matches it.
/// The user's row is read on every request, so disabling a user or resetting their password takes effect
/// at their next request. `allow_pending`: a user who must still change a generated password passes.
pub async fn caller(state: &AppState, token: &str, allow_pending: bool) -> AppResult<Actor> {
    let claims = state.auth.tokens.check(token)?;
    let (user, org, assigned) =
        state
            .db
            .read(move |conn| {
                let Some((user, org)) = queries::find_with_org(conn, &claims.sub)? else {
                    return Ok(None);
                };
                if user.session_epoch != claims.epoch {
                    return Ok(None);
                }
                let assigned = if user.role == Role::OfficialVet {
                    queries::active_assignments(conn, &user.id)?
                } else {
                    Vec::new()
                };
                Ok(Some((user, org, assigned)))
            })
            .await?
            .ok_or_else(|| {
                Refusal::of(Code::InvalidToken)
                .with("reason", "登录凭证已失效（密码已更改或账户不存在），请重新登录")
                .with(
                    "reason_en",
                    "the token is no longer valid (password changed or account gone); log in again",
                )
            })?;
    if user.disabled {
        return Err(Code::AccountDisabled.into());
    }
    if user.must_change_password && !allow_pending {
        return Err(Code::PasswordChangeRequired.into());
    }
    Ok(Actor {
        user_id: user.id,
        username: user.username,
        role: user.role,
        org_id: org.id,
        district: org.district,
        assigned_slaughterhouses: assigned,
    })
}

/// Most throttle entries of each kind listed (those waiting longest first).
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

/// The login throttles in force (admin).
pub fn throttles(state: &AppState, actor: &Actor) -> AppResult<Throttles> {
    actor.authorize(Action::ManageAccounts)?;
    let (pairs, addresses) = state.auth.throttle.entries();
    let now = crate::time::now();
    Ok(Throttles {
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
    })
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

/// Clear login throttles (admin, audited): the account or address may try again at once. Counted first,
/// recorded, then cleared: what the trail names is what was in force.
pub async fn clear_throttles(
    state: &AppState,
    actor: &Actor,
    cmd: ClearThrottle,
) -> AppResult<ThrottleCleared> {
    actor.authorize(Action::ManageAccounts)?;
    let account = cmd
        .account
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty());
    let address = match cmd.address.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(parse_address(a)?),
    };
    if account.is_none() && address.is_none() {
        return Err(Code::ThrottleTargetMissing.into());
    }
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
        let (acc, addr, by) = (account.clone(), address.clone(), actor.user_id.clone());
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
                let clearing = Clearing {
                    target: &target,
                    account: acc.as_deref(),
                    address: addr.as_deref(),
                    pairs: seen_pairs,
                    addresses: seen_addresses,
                };
                crate::audit::record(conn, Some(&by), "clear_login_throttle", &clearing)
            })
            .await?;
    }
    let cleared = state
        .auth
        .throttle
        .clear(account.as_deref(), address.as_deref());
    Ok(ThrottleCleared {
        pairs_cleared: cleared.pairs,
        addresses_cleared: cleared.addresses,
    })
}

/// An address as given, in the form the throttle counts it under (IPv6: the /64 prefix).
fn parse_address(a: &str) -> Result<String, Refusal> {
    let ip = a.strip_suffix("/64").unwrap_or(a);
    match ip.parse::<std::net::IpAddr>() {
        Ok(_) => Ok(throttle::address_key(ip)),
        Err(_) if a == "unknown" => Ok(a.to_string()),
        Err(_) => Err(Refusal::of(Code::InvalidAddress).with("address", a)),
    }
}
