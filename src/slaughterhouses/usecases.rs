//! The registry's operations: designation, amendments (address, species, halal certification, licence),
//! status changes, quality-safety agreements, the approved fee schedule, reads in the caller's scope, the
//! standing on a day, and the public registry. Each authorises, checks, runs one transaction (the queries
//! record the audit entries and credit-file events) and returns a typed answer or a refusal. The JSON API
//! calls these.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::queries::{self, Amendment, ListFilter, NewFeeItem, NewSlaughterhouse};
use super::uscc::Uscc;
use super::views::{self, HalalCertification, PublicSlaughterhouse, SlaughterhouseView, Standing};
use crate::error::{AppError, AppResult};
use crate::organisations::model::District;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Scope};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;
use crate::validate::text;

/// Designate a slaughterhouse.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignateRequest {
    /// Name.
    pub name: String,
    /// District.
    pub district: District,
    /// Address.
    pub address: String,
    /// 统一社会信用代码 (18 characters, GB 32100-2015 check character).
    pub uscc: Uscc,
    /// 定点证号.
    pub designation_no: String,
    /// Species licensed.
    pub species: LicensedSpecies,
    /// Halal certification, if any.
    pub halal: Option<HalalCertification>,
    /// Licence number.
    pub licence_no: String,
    /// Licence first day.
    pub licence_valid_from: NaiveDate,
    /// Licence last day.
    pub licence_valid_until: NaiveDate,
    /// Day of designation (default: today, China time).
    pub designated_on: Option<NaiveDate>,
}

/// A halal certification's number and last day, checked.
fn halal(h: Option<HalalCertification>) -> Result<Option<(String, NaiveDate)>, Refusal> {
    h.map(|h| {
        Ok((
            text(&h.number, "halal.number", "清真认证编号")?,
            h.expires_on,
        ))
    })
    .transpose()
}

impl TryFrom<DesignateRequest> for NewSlaughterhouse {
    type Error = AppError;

    fn try_from(r: DesignateRequest) -> AppResult<Self> {
        if r.licence_valid_from > r.licence_valid_until {
            return Err(Code::InvalidLicencePeriod.into());
        }
        let halal = halal(r.halal)?;
        Ok(NewSlaughterhouse {
            name: text(&r.name, "name", "名称")?,
            district: r.district,
            address: text(&r.address, "address", "地址")?,
            uscc: r.uscc.into_string(),
            designation_no: text(&r.designation_no, "designation_no", "定点证号")?,
            species: r.species,
            halal,
            licence_no: text(&r.licence_no, "licence_no", "许可证号")?,
            licence_valid_from: r.licence_valid_from,
            licence_valid_until: r.licence_valid_until,
            designated_on: r.designated_on.unwrap_or_else(crate::time::today_china),
        })
    }
}

/// Designates a slaughterhouse (slaughter regulator; a district-level one only in its district): its
/// organisation, its record and the first event of its credit file.
pub async fn designate(
    state: &AppState,
    actor: &Actor,
    cmd: DesignateRequest,
) -> AppResult<SlaughterhouseView> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let new = NewSlaughterhouse::try_from(cmd)?;
    if !scope.covers_district(new.district) {
        return Err(AppError::forbidden());
    }
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            let sh = queries::designate(conn, Some(&by), new)?;
            Ok(views::view(sh, Vec::new()))
        })
        .await
}

/// Filters of the registry list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// District.
    pub district: Option<District>,
    /// Status.
    pub status: Option<SlaughterhouseStatus>,
    /// Licensed for this species.
    pub species: Option<Species>,
    /// Part of the name or designation number (matched as written: `%`, `_` and `\` are not wildcards).
    pub q: Option<String>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

impl ListQuery {
    /// The filter and the page; a search text over 100 characters or with control characters (NUL, say) is
    /// refused.
    fn split(self) -> AppResult<(ListFilter, PageParams)> {
        if let Some(q) = &self.q {
            if q.chars().count() > 100 || q.chars().any(char::is_control) {
                return Err(Refusal::of(Code::InvalidQuery)
                    .with("reason", "查询文字须在 100 字以内，且不能含控制字符")
                    .with(
                        "reason_en",
                        "the search text must be at most 100 characters, without control characters",
                    )
                    .into());
            }
        }
        Ok((
            ListFilter {
                district: self.district,
                status: self.status,
                species: self.species,
                q: self.q,
            },
            PageParams {
                limit: self.limit,
                offset: self.offset,
            },
        ))
    }
}

/// Slaughterhouses in the caller's scope, with filters and paging.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    query: ListQuery,
) -> AppResult<Page<SlaughterhouseView>> {
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    let (filter, page) = query.split()?;
    state
        .db
        .read(move |conn| {
            let (items, total) = queries::list(conn, &scope, &filter, page)?;
            let ids: Vec<String> = items.iter().map(|(org, _)| org.id.clone()).collect();
            let mut agreements = queries::agreements_of_many(conn, &ids)?;
            let views = items
                .into_iter()
                .map(|sh| {
                    let of_this = agreements.remove(&sh.0.id).unwrap_or_default();
                    views::view(sh, of_this)
                })
                .collect();
            Ok(Page::new(views, total, page))
        })
        .await
}

/// One slaughterhouse's full record, in the caller's scope (404 outside it).
pub async fn get_one(state: &AppState, actor: &Actor, id: String) -> AppResult<SlaughterhouseView> {
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    state
        .db
        .read(move |conn| {
            let sh = queries::find_in_scope(conn, &scope, &id)?;
            let agreements = queries::agreements(conn, &id)?;
            Ok(views::view(sh, agreements))
        })
        .await
}

/// Amend a registry record: address, species, halal certification, licence.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendRequest {
    /// Address.
    pub address: Option<String>,
    /// Species licensed.
    pub species: Option<LicensedSpecies>,
    /// Halal certification (renewed or new).
    pub halal: Option<HalalCertification>,
    /// Licence number.
    pub licence_no: Option<String>,
    /// Licence first day.
    pub licence_valid_from: Option<NaiveDate>,
    /// Licence last day.
    pub licence_valid_until: Option<NaiveDate>,
}

impl TryFrom<AmendRequest> for Amendment {
    type Error = Refusal;

    fn try_from(b: AmendRequest) -> Result<Self, Refusal> {
        Ok(Amendment {
            address: b
                .address
                .as_deref()
                .map(|a| text(a, "address", "地址"))
                .transpose()?,
            species: b.species,
            halal: halal(b.halal)?,
            licence_no: b
                .licence_no
                .as_deref()
                .map(|l| text(l, "licence_no", "许可证号"))
                .transpose()?,
            licence_valid_from: b.licence_valid_from,
            licence_valid_until: b.licence_valid_until,
        })
    }
}

/// Amends a slaughterhouse's record (slaughter regulator, in scope); a revoked one's record is closed.
pub async fn amend(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: AmendRequest,
) -> AppResult<SlaughterhouseView> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let amendment = Amendment::try_from(cmd)?;
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            queries::amend(conn, Some(&by), &id, amendment)?;
            let sh = queries::find_in_scope(conn, &scope, &id)?;
            let agreements = queries::agreements(conn, &id)?;
            Ok(views::view(sh, agreements))
        })
        .await
}

/// Suspend, reinstate or revoke.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeRequest {
    /// What to do.
    pub action: super::domain::StatusAction,
    /// Why (kept in the history and the credit file).
    pub reason: String,
}

/// Changes a slaughterhouse's status with a reason (slaughter regulator, in scope): the history keeps it, the
/// credit file gets an event. Revocation is final.
pub async fn change_status(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: StatusChangeRequest,
) -> AppResult<StatusChange> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let reason = text(&cmd.reason, "reason", "原因")?;
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            let (_, change) = queries::change_status(conn, Some(&by), &id, cmd.action, &reason)?;
            Ok(change)
        })
        .await
}

/// Reads something kept per slaughterhouse, once the slaughterhouse is found in the caller's scope.
async fn read_of_house<T: Send + 'static>(
    state: &AppState,
    actor: &Actor,
    id: String,
    read: impl FnOnce(&mut crate::db::DbConnection, &str) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let scope: Scope = actor.authorize(Action::ReadSlaughterhouses)?;
    state
        .db
        .read(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            read(conn, &id)
        })
        .await
}

/// A slaughterhouse's status history, oldest first (in scope).
pub async fn status_history(
    state: &AppState,
    actor: &Actor,
    id: String,
) -> AppResult<Vec<StatusChange>> {
    read_of_house(state, actor, id, |conn, id| {
        Ok(queries::status_history(conn, id)?)
    })
    .await
}

/// Record a quality-safety agreement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementRequest {
    /// Agreement number.
    pub number: String,
    /// Day signed.
    pub signed_on: NaiveDate,
    /// Last day in force.
    pub expires_on: NaiveDate,
}

/// Records a quality-safety agreement (art. 六; slaughter regulator, in scope): audited, and a credit-file
/// event.
pub async fn add_agreement(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: AgreementRequest,
) -> AppResult<QualityAgreement> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let number = text(&cmd.number, "number", "协议编号")?;
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            queries::add_agreement(conn, Some(&by), &id, &number, cmd.signed_on, cmd.expires_on)
        })
        .await
}

/// A slaughterhouse's agreements, newest first (in scope).
pub async fn list_agreements(
    state: &AppState,
    actor: &Actor,
    id: String,
) -> AppResult<Vec<QualityAgreement>> {
    read_of_house(state, actor, id, |conn, id| {
        Ok(queries::agreements(conn, id)?)
    })
    .await
}

/// Add an approved fee item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeItemRequest {
    /// Item name as approved (e.g. 屠宰费).
    pub item: String,
    /// Unit.
    pub unit: FeeUnit,
    /// Cap in fen per unit (0 or more).
    pub cap_fen: i64,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force (open-ended when absent).
    pub effective_until: Option<NaiveDate>,
    /// The price authority's approval reference.
    pub approval_ref: Option<String>,
}

/// Adds an approved fee item to the schedule (art. 四; slaughter regulator, in scope). The same item may not
/// be in force twice on any day.
pub async fn add_fee_item(
    state: &AppState,
    actor: &Actor,
    id: String,
    cmd: FeeItemRequest,
) -> AppResult<FeeItem> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    if cmd.cap_fen < 0 {
        return Err(Code::InvalidAmount.into());
    }
    let new = NewFeeItem {
        item: text(&cmd.item, "item", "收费项目")?,
        unit: cmd.unit,
        cap_fen: cmd.cap_fen,
        effective_from: cmd.effective_from,
        effective_until: cmd.effective_until,
        approval_ref: crate::validate::optional_text(cmd.approval_ref),
    };
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            queries::add_fee_item(conn, Some(&by), &id, new)
        })
        .await
}

/// Fee schedule filter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeeQuery {
    /// Only the items in force on this day.
    pub on: Option<NaiveDate>,
}

/// A slaughterhouse's fee schedule, or the items in force on a day (in scope).
pub async fn list_fee_items(
    state: &AppState,
    actor: &Actor,
    id: String,
    query: FeeQuery,
) -> AppResult<Vec<FeeItem>> {
    read_of_house(state, actor, id, move |conn, id| {
        Ok(queries::fee_schedule(conn, id, query.on)?)
    })
    .await
}

/// End a fee item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndFeeItemRequest {
    /// Its last day in force.
    pub effective_until: NaiveDate,
}

/// Sets the last day of a fee item (slaughter regulator, in scope), so a new cap can follow it.
pub async fn end_fee_item(
    state: &AppState,
    actor: &Actor,
    id: String,
    item_id: String,
    cmd: EndFeeItemRequest,
) -> AppResult<FeeItem> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let by = actor.user_id.clone();
    state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            queries::end_fee_item(conn, Some(&by), &id, &item_id, cmd.effective_until)
        })
        .await
}

/// The day to ask about.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StandingQuery {
    /// The day (default: today, China time).
    pub on: Option<NaiveDate>,
}

/// May it slaughter, is it in the network, is it halal-certified, on a day (in scope).
pub async fn standing(
    state: &AppState,
    actor: &Actor,
    id: String,
    query: StandingQuery,
) -> AppResult<Standing> {
    let day = query.on.unwrap_or_else(crate::time::today_china);
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    state
        .db
        .read(move |conn| {
            let (_, rec) = queries::find_in_scope(conn, &scope, &id)?;
            let agreements = queries::agreements(conn, &id)?;
            Ok(views::standing(&rec, &agreements, day))
        })
        .await
}

/// Public registry filters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PublicQuery {
    /// District.
    pub district: Option<District>,
    /// Status.
    pub status: Option<SlaughterhouseStatus>,
    /// Licensed for this species.
    pub species: Option<Species>,
    /// Part of the name or designation number (matched as written: `%`, `_` and `\` are not wildcards).
    pub q: Option<String>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// The public registry of designated slaughterhouses (anyone, no login): what anyone may see of each.
pub async fn public_list(
    state: &AppState,
    q: PublicQuery,
) -> AppResult<Page<PublicSlaughterhouse>> {
    let (filter, page) = ListQuery {
        district: q.district,
        status: q.status,
        species: q.species,
        q: q.q,
        limit: q.limit,
        offset: q.offset,
    }
    .split()?;
    let today = crate::time::today_china();
    state
        .db
        .read(move |conn| {
            let (items, total) = queries::list(conn, &Scope::all(), &filter, page)?;
            Ok(Page::new(items, total, page).map(|sh| views::public(sh, today)))
        })
        .await
}
