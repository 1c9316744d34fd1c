//! The buyer registry's operations: registering a buyer, reading one in scope, the public directory. The
//! JSON API and the pages call these.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{BuyerKind, BuyerProfile};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::organisations::model::{District, OrgKind, Organisation};
use crate::paging::{Page, PageParams};
use crate::policy::{Action, Actor, Owner, Scope};
use crate::refusal::{Code, Refusal};
use crate::schema::{buyer_profiles, organisations};
use crate::state::AppState;
use crate::validate::text;

/// Register a buyer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBuyer {
    /// Name.
    pub name: String,
    /// Kind.
    pub buyer_kind: BuyerKind,
    /// District.
    pub district: District,
    /// Unified social credit code or business licence number.
    pub licence_no: String,
    /// Address.
    pub address: String,
    /// Market name (stalls and traders).
    pub market_name: Option<String>,
    /// Stall number.
    pub stall_no: Option<String>,
}

/// A buyer as clients see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BuyerView {
    /// Id (the organisation's).
    pub id: String,
    /// Name.
    pub name: String,
    /// District.
    pub district: Option<District>,
    /// The registry record.
    #[serde(flatten)]
    pub profile: BuyerProfile,
    /// Kind in Chinese.
    pub kind_name: &'static str,
}

fn view(org: Organisation, profile: BuyerProfile) -> BuyerView {
    BuyerView {
        kind_name: profile.buyer_kind.zh(),
        id: org.id,
        name: org.name,
        district: org.district,
        profile,
    }
}

/// What anyone may see of a registered buyer.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicBuyer {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub buyer_kind: BuyerKind,
    /// District.
    pub district: Option<District>,
    /// Market.
    pub market_name: Option<String>,
    /// Stall.
    pub stall_no: Option<String>,
}

/// Filters of the public buyer directory.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BuyerQuery {
    /// District.
    pub district: Option<District>,
    /// Kind.
    pub buyer_kind: Option<BuyerKind>,
    /// Items per page (1-200, default 50).
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// Registers a buyer (circulation administration; a district-level one in its district).
pub async fn register(state: &AppState, actor: &Actor, b: NewBuyer) -> AppResult<BuyerView> {
    let scope = actor.authorize(Action::ManageBuyers)?;
    if !scope.covers_district(b.district) {
        return Err(AppError::forbidden());
    }
    let name = text(&b.name, "name", "名称")?;
    let licence_no = text(&b.licence_no, "licence_no", "营业执照号")?.to_uppercase();
    let address = text(&b.address, "address", "地址")?;
    let actor = actor.clone();
    state
        .db
        .write(move |conn| {
            let taken: i64 = buyer_profiles::table
                .filter(buyer_profiles::licence_no.eq(&licence_no))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                return Err(Refusal::of(Code::BuyerExists).into());
            }
            let org = crate::organisations::queries::create(
                conn,
                Some(&actor.user_id),
                OrgKind::Buyer,
                &name,
                Some(b.district),
            )?;
            let p = BuyerProfile {
                org_id: org.id.clone(),
                buyer_kind: b.buyer_kind,
                licence_no,
                address,
                market_name: crate::validate::optional_text(b.market_name),
                stall_no: crate::validate::optional_text(b.stall_no),
                registered_by: Some(actor.user_id.clone()),
                registered_at: crate::time::now(),
            };
            let p: BuyerProfile = diesel::insert_into(buyer_profiles::table)
                .values(&p)
                .returning(buyer_profiles::all_columns)
                .get_result(conn)?;
            crate::audit::record(conn, Some(&actor.user_id), "register", &p)?;
            Ok(view(org, p))
        })
        .await
}

fn in_scope(conn: &mut DbConnection, scope: &Scope, id: &str) -> AppResult<BuyerView> {
    let (org, p) =
        super::queries::find(conn, id).map_err(|_| AppError::not_found("经营者", "buyer"))?;
    scope.require(
        Owner {
            org_id: &org.id,
            kind: org.kind,
            district: org.district,
        },
        "经营者",
        "buyer",
    )?;
    Ok(view(org, p))
}

/// One buyer's registry record (regulators in scope; a vendor, its own).
pub async fn get_one(state: &AppState, actor: &Actor, id: String) -> AppResult<BuyerView> {
    let scope = actor.authorize(Action::ReadBuyers)?;
    state.db.read(move |conn| in_scope(conn, &scope, &id)).await
}

/// The public directory of registered buyers (no login).
pub async fn public_list(state: &AppState, q: BuyerQuery) -> AppResult<Page<PublicBuyer>> {
    let page = PageParams {
        limit: q.limit,
        offset: q.offset,
    };
    state
        .db
        .read(move |conn| {
            let filtered = || {
                let mut f = organisations::table
                    .inner_join(buyer_profiles::table)
                    .into_boxed();
                if let Some(d) = q.district {
                    f = f.filter(organisations::district.eq(d));
                }
                if let Some(k) = q.buyer_kind {
                    f = f.filter(buyer_profiles::buyer_kind.eq(k));
                }
                f
            };
            let total = filtered().count().get_result(conn)?;
            let rows: Vec<(Organisation, BuyerProfile)> = filtered()
                .order((organisations::name.asc(), organisations::id.asc()))
                .limit(page.limit())
                .offset(page.offset())
                .select((Organisation::as_select(), BuyerProfile::as_select()))
                .load(conn)?;
            let items = rows
                .into_iter()
                .map(|(o, p)| PublicBuyer {
                    id: o.id,
                    name: o.name,
                    buyer_kind: p.buyer_kind,
                    district: o.district,
                    market_name: p.market_name,
                    stall_no: p.stall_no,
                })
                .collect();
            Ok(Page::new(items, total, page))
        })
        .await
}
