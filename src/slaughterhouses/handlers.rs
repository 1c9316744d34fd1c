//! HTTP handlers of the registry: designation, amendments, status changes, agreements, fee schedules, the
//! standing on a day, and the public read.

use actix_web::{get, patch, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::domain::{self, StatusAction};
use super::model::*;
use super::queries::{self, Amendment, ListFilter, NewFeeItem, NewSlaughterhouse, Slaughterhouse};
use super::uscc;
use crate::body::Json;
use crate::error::{AppError, AppResult, Problem};
use crate::organisations::model::District;
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor};
use crate::refusal::{Code, Refusal};
use crate::state::AppState;
use crate::validate::text;

/// A halal certification.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HalalCertification {
    /// Certificate number.
    pub number: String,
    /// Last valid day.
    pub expires_on: NaiveDate,
}

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
    pub uscc: String,
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

/// Check and normalise a unified social credit code.
pub fn parse_uscc(code: &str) -> AppResult<String> {
    let code = code.trim().to_uppercase();
    uscc::validate(&code).map_err(|e| {
        let (zh, en) = e.message();
        Refusal::of(Code::InvalidUscc)
            .with("reason", zh)
            .with("reason_en", en)
    })?;
    Ok(code)
}

impl TryFrom<DesignateRequest> for NewSlaughterhouse {
    type Error = AppError;

    fn try_from(r: DesignateRequest) -> AppResult<Self> {
        if r.licence_valid_from > r.licence_valid_until {
            return Err(Code::InvalidLicencePeriod.into());
        }
        let halal = match r.halal {
            Some(h) => Some((
                text(&h.number, "halal.number", "清真认证编号")?,
                h.expires_on,
            )),
            None => None,
        };
        Ok(NewSlaughterhouse {
            name: text(&r.name, "name", "名称")?,
            district: r.district,
            address: text(&r.address, "address", "地址")?,
            uscc: parse_uscc(&r.uscc)?,
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

/// Standing on one day.
#[derive(Debug, Serialize, ToSchema)]
pub struct Standing {
    /// The day (China time).
    pub day: NaiveDate,
    /// In the network that day (designated, licence and agreement in force)?
    pub in_network: bool,
    /// Why not, when not.
    pub in_network_refusal: Option<super::model::RuleRefusal>,
    /// May slaughter cattle that day?
    pub may_slaughter_cattle: bool,
    /// May slaughter sheep that day?
    pub may_slaughter_sheep: bool,
    /// Halal certification in force that day?
    pub halal: bool,
}

fn standing(
    rec: &SlaughterhouseRecord,
    agreements: &[QualityAgreement],
    day: NaiveDate,
) -> Standing {
    let net = domain::in_network(rec, agreements, day);
    Standing {
        day,
        in_network: net.is_ok(),
        in_network_refusal: net.err().as_ref().map(super::model::RuleRefusal::from),
        may_slaughter_cattle: domain::may_slaughter(rec, Species::Cattle, day).is_ok(),
        may_slaughter_sheep: domain::may_slaughter(rec, Species::Sheep, day).is_ok(),
        halal: domain::halal_on(rec, day),
    }
}

/// A slaughterhouse's full registry record.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlaughterhouseView {
    /// Id (the organisation's).
    pub id: String,
    /// Name.
    pub name: String,
    /// District.
    pub district: Option<District>,
    /// District in Chinese.
    pub district_name: Option<&'static str>,
    /// Address.
    pub address: String,
    /// 统一社会信用代码.
    pub uscc: String,
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
    /// Status.
    pub status: SlaughterhouseStatus,
    /// Status in Chinese.
    pub status_name: &'static str,
    /// Day of designation.
    pub designated_on: NaiveDate,
    /// The agreement in force today, else the latest.
    pub agreement: Option<QualityAgreement>,
    /// Standing today.
    pub today: Standing,
}

fn view((org, rec): Slaughterhouse, agreements: Vec<QualityAgreement>) -> SlaughterhouseView {
    let today = crate::time::today_china();
    let today_standing = standing(&rec, &agreements, today);
    let agreement = agreements
        .iter()
        .find(|a| a.in_force_on(today))
        .or_else(|| agreements.first())
        .cloned();
    SlaughterhouseView {
        id: org.id,
        name: org.name,
        district: org.district,
        district_name: org.district.map(District::zh),
        address: rec.address,
        uscc: rec.uscc,
        designation_no: rec.designation_no,
        species: rec.species,
        halal: match (rec.halal_cert_no, rec.halal_cert_expires) {
            (Some(number), Some(expires_on)) => Some(HalalCertification { number, expires_on }),
            _ => None,
        },
        licence_no: rec.licence_no,
        licence_valid_from: rec.licence_valid_from,
        licence_valid_until: rec.licence_valid_until,
        status: rec.status,
        status_name: rec.status.zh(),
        designated_on: rec.designated_on,
        agreement,
        today: today_standing,
    }
}

/// Designate a slaughterhouse (slaughter regulator; a district-level one only in its district).
#[utoipa::path(
    tag = "slaughterhouses",
    request_body = DesignateRequest,
    responses(
        (status = 201, body = SlaughterhouseView),
        (status = 409, description = "credit code or designation number already registered", body = Problem),
        (status = 422, description = "invalid credit code, dates or fields", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/slaughterhouses")]
pub async fn designate(
    state: web::Data<AppState>,
    actor: Actor,
    body: Json<DesignateRequest>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let new = NewSlaughterhouse::try_from(body.into_inner())?;
    if !scope.covers_district(new.district) {
        return Err(AppError::forbidden());
    }
    let v = state
        .db
        .write(move |conn| {
            let sh = queries::designate(conn, Some(&actor.user_id), new)?;
            Ok(view(sh, Vec::new()))
        })
        .await?;
    Ok(HttpResponse::Created().json(v))
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
    /// Part of the name or designation number.
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

/// List slaughterhouses in the caller's scope, with filters and paging.
#[utoipa::path(
    tag = "slaughterhouses",
    params(ListQuery),
    responses((status = 200, body = Page<SlaughterhouseView>)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses")]
pub async fn list(
    state: web::Data<AppState>,
    actor: Actor,
    query: web::Query<ListQuery>,
) -> AppResult<Json<Page<SlaughterhouseView>>> {
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    let (filter, page) = query.into_inner().split()?;
    let out = state
        .db
        .read(move |conn| {
            let (items, total) = queries::list(conn, &scope, &filter, page)?;
            let ids: Vec<String> = items.iter().map(|(org, _)| org.id.clone()).collect();
            let mut agreements = queries::agreements_of_many(conn, &ids)?;
            let views = items
                .into_iter()
                .map(|sh| {
                    let of_this = agreements.remove(&sh.0.id).unwrap_or_default();
                    view(sh, of_this)
                })
                .collect();
            Ok(Page::new(views, total, page))
        })
        .await?;
    Ok(Json(out))
}

/// One slaughterhouse's full record.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    responses((status = 200, body = SlaughterhouseView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<SlaughterhouseView>> {
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let v = state
        .db
        .read(move |conn| {
            let sh = queries::find_in_scope(conn, &scope, &id)?;
            let agreements = queries::agreements(conn, &id)?;
            Ok(view(sh, agreements))
        })
        .await?;
    Ok(Json(v))
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

/// Amend a slaughterhouse's record (slaughter regulator).
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    request_body = AmendRequest,
    responses((status = 200, body = SlaughterhouseView), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[patch("/slaughterhouses/{id}")]
pub async fn amend(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<AmendRequest>,
) -> AppResult<Json<SlaughterhouseView>> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    let amendment = Amendment {
        address: b
            .address
            .as_deref()
            .map(|a| text(a, "address", "地址"))
            .transpose()?,
        species: b.species,
        halal: match b.halal {
            Some(h) => Some((
                text(&h.number, "halal.number", "清真认证编号")?,
                h.expires_on,
            )),
            None => None,
        },
        licence_no: b
            .licence_no
            .as_deref()
            .map(|l| text(l, "licence_no", "许可证号"))
            .transpose()?,
        licence_valid_from: b.licence_valid_from,
        licence_valid_until: b.licence_valid_until,
    };
    let v = state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            queries::amend(conn, Some(&actor.user_id), &id, amendment)?;
            let sh = queries::find_in_scope(conn, &scope, &id)?;
            let agreements = queries::agreements(conn, &id)?;
            Ok(view(sh, agreements))
        })
        .await?;
    Ok(Json(v))
}

/// Suspend, reinstate or revoke.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChangeRequest {
    /// What to do.
    pub action: StatusAction,
    /// Why (kept in the history and the credit file).
    pub reason: String,
}

/// Change a slaughterhouse's status, with a reason (slaughter regulator). Revocation is final.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    request_body = StatusChangeRequest,
    responses(
        (status = 201, body = StatusChange),
        (status = 409, description = "not allowed from the current status", body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/slaughterhouses/{id}/status-changes")]
pub async fn change_status(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<StatusChangeRequest>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    let reason = text(&b.reason, "reason", "原因")?;
    let change = state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            let (_, change) =
                queries::change_status(conn, Some(&actor.user_id), &id, b.action, &reason)?;
            Ok(change)
        })
        .await?;
    Ok(HttpResponse::Created().json(change))
}

/// A slaughterhouse's status history, oldest first.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    responses((status = 200, body = Vec<StatusChange>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}/status-changes")]
pub async fn status_history(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<Vec<StatusChange>>> {
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let out = state
        .db
        .read(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            Ok(queries::status_history(conn, &id)?)
        })
        .await?;
    Ok(Json(out))
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

/// Record a quality-safety agreement (art. 六; slaughter regulator).
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    request_body = AgreementRequest,
    responses((status = 201, body = QualityAgreement), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/slaughterhouses/{id}/agreements")]
pub async fn add_agreement(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<AgreementRequest>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    let number = text(&b.number, "number", "协议编号")?;
    let a = state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            queries::add_agreement(
                conn,
                Some(&actor.user_id),
                &id,
                &number,
                b.signed_on,
                b.expires_on,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(a))
}

/// A slaughterhouse's agreements, newest first.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    responses((status = 200, body = Vec<QualityAgreement>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}/agreements")]
pub async fn list_agreements(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
) -> AppResult<Json<Vec<QualityAgreement>>> {
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let out = state
        .db
        .read(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            Ok(queries::agreements(conn, &id)?)
        })
        .await?;
    Ok(Json(out))
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

/// Add an approved fee item to the schedule (art. 四; slaughter regulator).
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id")),
    request_body = FeeItemRequest,
    responses(
        (status = 201, body = FeeItem),
        (status = 409, description = "the same item is already approved for part of that period", body = Problem),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
#[post("/slaughterhouses/{id}/fee-items")]
pub async fn add_fee_item(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    body: Json<FeeItemRequest>,
) -> AppResult<HttpResponse> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let b = body.into_inner();
    if b.cap_fen < 0 {
        return Err(Code::InvalidAmount.into());
    }
    let new = NewFeeItem {
        item: text(&b.item, "item", "收费项目")?,
        unit: b.unit,
        cap_fen: b.cap_fen,
        effective_from: b.effective_from,
        effective_until: b.effective_until,
        approval_ref: b
            .approval_ref
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
    };
    let f = state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            queries::add_fee_item(conn, Some(&actor.user_id), &id, new)
        })
        .await?;
    Ok(HttpResponse::Created().json(f))
}

/// Fee schedule filter.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeeQuery {
    /// Only the items in force on this day.
    pub on: Option<NaiveDate>,
}

/// A slaughterhouse's fee schedule.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id"), FeeQuery),
    responses((status = 200, body = Vec<FeeItem>), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}/fee-items")]
pub async fn list_fee_items(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    query: web::Query<FeeQuery>,
) -> AppResult<Json<Vec<FeeItem>>> {
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let on = query.into_inner().on;
    let out = state
        .db
        .read(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            Ok(queries::fee_schedule(conn, &id, on)?)
        })
        .await?;
    Ok(Json(out))
}

/// End a fee item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndFeeItemRequest {
    /// Its last day in force.
    pub effective_until: NaiveDate,
}

/// Set the last day of a fee item (slaughter regulator), so a new cap can follow it.
#[utoipa::path(
    tag = "slaughterhouses",
    params(
        ("id" = uuid::Uuid, Path, description = "slaughterhouse id"),
        ("item_id" = uuid::Uuid, Path, description = "fee item id"),
    ),
    request_body = EndFeeItemRequest,
    responses((status = 200, body = FeeItem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/slaughterhouses/{id}/fee-items/{item_id}/end")]
pub async fn end_fee_item(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    body: Json<EndFeeItemRequest>,
) -> AppResult<Json<FeeItem>> {
    let scope = actor.authorize(Action::ManageSlaughterhouses)?;
    let (id, item_id) = path.into_inner();
    let (id, item_id) = (id.to_string(), item_id.to_string());
    let until = body.into_inner().effective_until;
    let f = state
        .db
        .write(move |conn| {
            queries::find_in_scope(conn, &scope, &id)?;
            queries::end_fee_item(conn, Some(&actor.user_id), &id, &item_id, until)
        })
        .await?;
    Ok(Json(f))
}

/// The day to ask about.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StandingQuery {
    /// The day (default: today, China time).
    pub on: Option<NaiveDate>,
}

/// May it slaughter, is it in the network, is it halal-certified, on a day.
#[utoipa::path(
    tag = "slaughterhouses",
    params(("id" = uuid::Uuid, Path, description = "slaughterhouse id"), StandingQuery),
    responses((status = 200, body = Standing), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/slaughterhouses/{id}/standing")]
pub async fn get_standing(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<uuid::Uuid>,
    query: web::Query<StandingQuery>,
) -> AppResult<Json<Standing>> {
    let scope = actor.authorize(Action::ReadSlaughterhouses)?;
    let id = id.into_inner().to_string();
    let day = query
        .into_inner()
        .on
        .unwrap_or_else(crate::time::today_china);
    let out = state
        .db
        .read(move |conn| {
            let (_, rec) = queries::find_in_scope(conn, &scope, &id)?;
            let agreements = queries::agreements(conn, &id)?;
            Ok(standing(&rec, &agreements, day))
        })
        .await?;
    Ok(Json(out))
}

/// What anyone may see of a slaughterhouse.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSlaughterhouse {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// District.
    pub district: Option<District>,
    /// District in Chinese.
    pub district_name: Option<&'static str>,
    /// 定点证号.
    pub designation_no: String,
    /// Status.
    pub status: SlaughterhouseStatus,
    /// Status in Chinese.
    pub status_name: &'static str,
    /// Species licensed.
    pub species: LicensedSpecies,
    /// Halal certification in force today?
    pub halal: bool,
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
    /// Part of the name or designation number.
    pub q: Option<String>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// The public registry of designated slaughterhouses (no login).
#[utoipa::path(
    tag = "public",
    params(PublicQuery),
    responses((status = 200, body = Page<PublicSlaughterhouse>))
)]
#[get("/public/slaughterhouses")]
pub async fn public_list(
    state: web::Data<AppState>,
    query: web::Query<PublicQuery>,
) -> AppResult<Json<Page<PublicSlaughterhouse>>> {
    let q = query.into_inner();
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
    let out = state
        .db
        .read(move |conn| {
            let (items, total) = queries::list(conn, &crate::policy::Scope::all(), &filter, page)?;
            Ok(
                Page::new(items, total, page).map(|(org, rec)| PublicSlaughterhouse {
                    halal: domain::halal_on(&rec, today),
                    id: org.id,
                    name: org.name,
                    district: org.district,
                    district_name: org.district.map(District::zh),
                    designation_no: rec.designation_no,
                    status: rec.status,
                    status_name: rec.status.zh(),
                    species: rec.species,
                }),
            )
        })
        .await?;
    Ok(Json(out))
}
