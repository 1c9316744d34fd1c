//! Registry queries. Every write is audited; status changes, agreements and designations also enter the
//! enterprise's credit file.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::domain::{self, StatusAction};
use super::model::RuleRefusal;
use super::model::*;
use crate::audit;
use crate::credit::model::CreditEventKind;
use crate::credit::queries::{self as credit, NewEvent};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::organisations::model::{District, OrgKind, Organisation};
use crate::paging::PageParams;
use crate::policy::Scope;
use crate::refusal::{Code, Refusal};
use crate::schema::{
    fee_items, organisations, quality_agreements, slaughterhouse_status_changes, slaughterhouses,
};

/// A slaughterhouse: its organisation and its registry record.
pub type Slaughterhouse = (Organisation, SlaughterhouseRecord);

/// What designating a slaughterhouse needs (validated by the handler).
pub struct NewSlaughterhouse {
    /// Name.
    pub name: String,
    /// District.
    pub district: District,
    /// Address.
    pub address: String,
    /// Unified social credit code (valid).
    pub uscc: String,
    /// Designation number.
    pub designation_no: String,
    /// Species licensed.
    pub species: LicensedSpecies,
    /// Halal certification (number, last valid day).
    pub halal: Option<(String, NaiveDate)>,
    /// Licence number.
    pub licence_no: String,
    /// Licence first day.
    pub licence_valid_from: NaiveDate,
    /// Licence last day.
    pub licence_valid_until: NaiveDate,
    /// Day of designation.
    pub designated_on: NaiveDate,
}

fn not_found() -> AppError {
    AppError::not_found("屠宰厂", "slaughterhouse")
}

/// Designate a slaughterhouse: its organisation, its record, and the first credit-file event.
pub fn designate(
    conn: &mut DbConnection,
    actor: Option<&str>,
    new: NewSlaughterhouse,
) -> AppResult<Slaughterhouse> {
    let clash: i64 = slaughterhouses::table
        .filter(
            slaughterhouses::uscc
                .eq(&new.uscc)
                .or(slaughterhouses::designation_no.eq(&new.designation_no)),
        )
        .count()
        .get_result(conn)?;
    if clash > 0 {
        return Err(Code::SlaughterhouseExists.into());
    }
    let org = crate::organisations::queries::create(
        conn,
        actor,
        OrgKind::Slaughterhouse,
        &new.name,
        Some(new.district),
    )?;
    let now = crate::time::now();
    let (halal_cert_no, halal_cert_expires) = match new.halal {
        Some((no, exp)) => (Some(no), Some(exp)),
        None => (None, None),
    };
    let rec = SlaughterhouseRecord {
        org_id: org.id.clone(),
        uscc: new.uscc,
        designation_no: new.designation_no,
        address: new.address,
        species: new.species,
        halal_cert_no,
        halal_cert_expires,
        licence_no: new.licence_no,
        licence_valid_from: new.licence_valid_from,
        licence_valid_until: new.licence_valid_until,
        status: SlaughterhouseStatus::Designated,
        designated_on: new.designated_on,
        created_at: now,
        updated_at: now,
    };
    let rec: SlaughterhouseRecord = diesel::insert_into(slaughterhouses::table)
        .values(&rec)
        .returning(slaughterhouses::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "designate", &rec)?;
    credit::add(
        conn,
        actor,
        NewEvent {
            org_id: &org.id,
            occurred_on: rec.designated_on,
            kind: CreditEventKind::Designated,
            summary: &format!("获定点屠宰资格，定点证号 {}", rec.designation_no),
            source: Some(("slaughterhouse", &rec.org_id)),
        },
    )?;
    Ok((org, rec))
}

/// One slaughterhouse.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Slaughterhouse>> {
    organisations::table
        .inner_join(slaughterhouses::table)
        .filter(organisations::id.eq(id))
        .select((Organisation::as_select(), SlaughterhouseRecord::as_select()))
        .first(conn)
        .optional()
}

/// One slaughterhouse inside the scope, else 404.
pub fn find_in_scope(
    conn: &mut DbConnection,
    scope: &Scope,
    id: &str,
) -> AppResult<Slaughterhouse> {
    let (org, rec) = find(conn, id)?.ok_or_else(not_found)?;
    scope.require(
        crate::policy::Owner {
            org_id: &org.id,
            kind: org.kind,
            district: org.district,
        },
        "屠宰厂",
        "slaughterhouse",
    )?;
    Ok((org, rec))
}

/// Filters of the registry list.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    /// District.
    pub district: Option<District>,
    /// Status.
    pub status: Option<SlaughterhouseStatus>,
    /// Licensed for this species (a `both` licence counts for each).
    pub species: Option<Species>,
    /// Part of the name or designation number.
    pub q: Option<String>,
}

/// Slaughterhouses inside the scope matching the filter, by district then name.
pub fn list(
    conn: &mut DbConnection,
    scope: &Scope,
    filter: &ListFilter,
    page: PageParams,
) -> QueryResult<(Vec<Slaughterhouse>, i64)> {
    let filtered = || {
        let mut q = organisations::table
            .inner_join(slaughterhouses::table)
            .into_boxed();
        if let Some(orgs) = &scope.orgs {
            q = q.filter(organisations::id.eq_any(orgs.clone()));
        }
        if let Some(d) = scope.district.or(filter.district) {
            q = q.filter(organisations::district.eq(d));
        }
        if let (Some(scoped), Some(asked)) = (scope.district, filter.district) {
            if scoped != asked {
                // Asked for a district outside the scope: nothing.
                q = q.filter(organisations::id.eq(""));
            }
        }
        if let Some(s) = filter.status {
            q = q.filter(slaughterhouses::status.eq(s));
        }
        if let Some(sp) = filter.species {
            let licence = match sp {
                Species::Cattle => LicensedSpecies::Cattle,
                Species::Sheep => LicensedSpecies::Sheep,
            };
            q = q.filter(
                slaughterhouses::species
                    .eq(licence)
                    .or(slaughterhouses::species.eq(LicensedSpecies::Both)),
            );
        }
        if let Some(text) = filter.q.as_deref().filter(|t| !t.trim().is_empty()) {
            // The text is matched as written: its own % and _ are escaped, not wildcards.
            let escaped = text
                .trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let pattern = format!("%{escaped}%");
            q = q.filter(
                organisations::name
                    .like(pattern.clone())
                    .escape('\\')
                    .or(slaughterhouses::designation_no.like(pattern).escape('\\')),
            );
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let items = filtered()
        .order((organisations::district.asc(), organisations::name.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select((Organisation::as_select(), SlaughterhouseRecord::as_select()))
        .load(conn)?;
    Ok((items, total))
}

/// Amendments to a registry record (each `None` leaves the field as it is).
#[derive(Debug, Default)]
pub struct Amendment {
    /// Address.
    pub address: Option<String>,
    /// Species licensed.
    pub species: Option<LicensedSpecies>,
    /// Halal certification (number, last valid day).
    pub halal: Option<(String, NaiveDate)>,
    /// Licence number.
    pub licence_no: Option<String>,
    /// Licence first day.
    pub licence_valid_from: Option<NaiveDate>,
    /// Licence last day.
    pub licence_valid_until: Option<NaiveDate>,
}

/// Amend a record (audited). A revoked slaughterhouse's record is closed.
pub fn amend(
    conn: &mut DbConnection,
    actor: Option<&str>,
    id: &str,
    a: Amendment,
) -> AppResult<SlaughterhouseRecord> {
    let rec: SlaughterhouseRecord = slaughterhouses::table
        .find(id)
        .select(SlaughterhouseRecord::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)?;
    if rec.status == SlaughterhouseStatus::Revoked {
        return Err(Code::SlaughterhouseRevoked.into());
    }
    let from = a.licence_valid_from.unwrap_or(rec.licence_valid_from);
    let until = a.licence_valid_until.unwrap_or(rec.licence_valid_until);
    if from > until {
        return Err(Code::InvalidLicencePeriod.into());
    }
    let (halal_no, halal_exp) = match a.halal {
        Some((n, e)) => (Some(n), Some(e)),
        None => (rec.halal_cert_no.clone(), rec.halal_cert_expires),
    };
    let rec: SlaughterhouseRecord = diesel::update(slaughterhouses::table.find(id))
        .set((
            slaughterhouses::address.eq(a.address.unwrap_or(rec.address)),
            slaughterhouses::species.eq(a.species.unwrap_or(rec.species)),
            slaughterhouses::halal_cert_no.eq(halal_no),
            slaughterhouses::halal_cert_expires.eq(halal_exp),
            slaughterhouses::licence_no.eq(a.licence_no.unwrap_or(rec.licence_no)),
            slaughterhouses::licence_valid_from.eq(from),
            slaughterhouses::licence_valid_until.eq(until),
            slaughterhouses::updated_at.eq(crate::time::now()),
        ))
        .returning(slaughterhouses::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "amend", &rec)?;
    Ok(rec)
}

/// Suspend, reinstate or revoke, with a reason: the history keeps every change, the credit file gets an event.
pub fn change_status(
    conn: &mut DbConnection,
    actor: Option<&str>,
    id: &str,
    action: StatusAction,
    reason: &str,
) -> AppResult<(SlaughterhouseRecord, StatusChange)> {
    let rec: SlaughterhouseRecord = slaughterhouses::table
        .find(id)
        .select(SlaughterhouseRecord::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(not_found)?;
    let to = domain::next_status(rec.status, action)?;
    let now = crate::time::now();
    let change = StatusChange {
        id: uuid::Uuid::new_v4().to_string(),
        slaughterhouse_id: rec.org_id.clone(),
        from_status: rec.status,
        to_status: to,
        reason: reason.trim().to_string(),
        changed_by: actor.map(str::to_string),
        changed_at: now,
    };
    let change: StatusChange = diesel::insert_into(slaughterhouse_status_changes::table)
        .values(&change)
        .returning(slaughterhouse_status_changes::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "create", &change)?;
    let rec: SlaughterhouseRecord = diesel::update(slaughterhouses::table.find(id))
        .set((
            slaughterhouses::status.eq(to),
            slaughterhouses::updated_at.eq(now),
        ))
        .returning(slaughterhouses::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "change_status", &rec)?;
    let (kind, zh) = match action {
        StatusAction::Suspend => (CreditEventKind::Suspended, "定点资格暂停"),
        StatusAction::Reinstate => (CreditEventKind::Reinstated, "定点资格恢复"),
        StatusAction::Revoke => (CreditEventKind::Revoked, "定点资格撤销"),
    };
    credit::add(
        conn,
        actor,
        NewEvent {
            org_id: &rec.org_id,
            occurred_on: crate::time::china_date(now),
            kind,
            summary: &format!("{zh}：{}", change.reason),
            source: Some(("slaughterhouse_status_change", &change.id)),
        },
    )?;
    Ok((rec, change))
}

/// Every status change of a slaughterhouse, oldest first.
pub fn status_history(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<StatusChange>> {
    slaughterhouse_status_changes::table
        .filter(slaughterhouse_status_changes::slaughterhouse_id.eq(id))
        .order(slaughterhouse_status_changes::changed_at.asc())
        .select(StatusChange::as_select())
        .load(conn)
}

/// Record a quality-safety agreement (audited; credit-file event).
pub fn add_agreement(
    conn: &mut DbConnection,
    actor: Option<&str>,
    id: &str,
    number: &str,
    signed_on: NaiveDate,
    expires_on: NaiveDate,
) -> AppResult<QualityAgreement> {
    if signed_on > expires_on {
        return Err(Code::InvalidAgreementTerm.into());
    }
    let a = QualityAgreement {
        id: uuid::Uuid::new_v4().to_string(),
        slaughterhouse_id: id.to_string(),
        number: number.trim().to_string(),
        signed_on,
        expires_on,
        recorded_by: actor.map(str::to_string),
        recorded_at: crate::time::now(),
    };
    let a: QualityAgreement = diesel::insert_into(quality_agreements::table)
        .values(&a)
        .returning(quality_agreements::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "create", &a)?;
    credit::add(
        conn,
        actor,
        NewEvent {
            org_id: id,
            occurred_on: signed_on,
            kind: CreditEventKind::AgreementSigned,
            summary: &format!("签订质量安全协议 {}，有效期至 {}", a.number, a.expires_on),
            source: Some(("quality_agreement", &a.id)),
        },
    )?;
    Ok(a)
}

/// A slaughterhouse's agreements, newest first.
pub fn agreements(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<QualityAgreement>> {
    quality_agreements::table
        .filter(quality_agreements::slaughterhouse_id.eq(id))
        .order(quality_agreements::signed_on.desc())
        .select(QualityAgreement::as_select())
        .load(conn)
}

/// The agreements of several slaughterhouses in one query, newest first, by slaughterhouse.
pub fn agreements_of_many(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, Vec<QualityAgreement>>> {
    let rows: Vec<QualityAgreement> = quality_agreements::table
        .filter(quality_agreements::slaughterhouse_id.eq_any(ids))
        .order(quality_agreements::signed_on.desc())
        .select(QualityAgreement::as_select())
        .load(conn)?;
    let mut by_house: std::collections::HashMap<String, Vec<QualityAgreement>> = Default::default();
    for a in rows {
        by_house
            .entry(a.slaughterhouse_id.clone())
            .or_default()
            .push(a);
    }
    Ok(by_house)
}

/// What a new fee item needs.
pub struct NewFeeItem {
    /// Item name.
    pub item: String,
    /// Unit.
    pub unit: FeeUnit,
    /// Cap in fen per unit.
    pub cap_fen: i64,
    /// First day.
    pub effective_from: NaiveDate,
    /// Last day.
    pub effective_until: Option<NaiveDate>,
    /// Approval reference.
    pub approval_ref: Option<String>,
}

/// Add an approved fee item (audited). The same item may not be in force twice on any day.
pub fn add_fee_item(
    conn: &mut DbConnection,
    actor: Option<&str>,
    id: &str,
    new: NewFeeItem,
) -> AppResult<FeeItem> {
    let item = new.item.trim().to_string();
    if new.effective_until.is_some_and(|u| u < new.effective_from) {
        return Err(Refusal::of(Code::InvalidFeePeriod)
            .with("rule", "生效日期晚于失效日期")
            .with("rule_en", "it starts after it ends")
            .into());
    }
    let same: Vec<FeeItem> = fee_items::table
        .filter(fee_items::slaughterhouse_id.eq(id))
        .filter(fee_items::item.eq(&item))
        .select(FeeItem::as_select())
        .load(conn)?;
    if let Some(clash) = same
        .iter()
        .find(|f| f.overlaps(new.effective_from, new.effective_until))
    {
        return Err(Refusal::of(Code::FeeItemOverlaps)
            .with("item", &item)
            .with("effective_from", clash.effective_from)
            .into());
    }
    let f = FeeItem {
        id: uuid::Uuid::new_v4().to_string(),
        slaughterhouse_id: id.to_string(),
        item,
        unit: new.unit,
        cap_fen: new.cap_fen,
        effective_from: new.effective_from,
        effective_until: new.effective_until,
        approval_ref: new.approval_ref,
        recorded_by: actor.map(str::to_string),
        recorded_at: crate::time::now(),
    };
    let f: FeeItem = diesel::insert_into(fee_items::table)
        .values(&f)
        .returning(fee_items::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "create", &f)?;
    Ok(f)
}

/// Set the last day of a fee item (audited). It can only be brought forward, never past its first day.
pub fn end_fee_item(
    conn: &mut DbConnection,
    actor: Option<&str>,
    slaughterhouse_id: &str,
    item_id: &str,
    until: NaiveDate,
) -> AppResult<FeeItem> {
    let f: FeeItem = fee_items::table
        .find(item_id)
        .filter(fee_items::slaughterhouse_id.eq(slaughterhouse_id))
        .select(FeeItem::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("收费项目", "fee item"))?;
    if until < f.effective_from || f.effective_until.is_some_and(|u| until > u) {
        return Err(Refusal::of(Code::InvalidFeePeriod)
            .with("rule", "失效日期须在生效日期之后，且不能晚于原定失效日期")
            .with(
                "rule_en",
                "the last day must fall on or after the first day and not after the current last day",
            )
            .into());
    }
    let f: FeeItem = diesel::update(fee_items::table.find(item_id))
        .set(fee_items::effective_until.eq(Some(until)))
        .returning(fee_items::all_columns)
        .get_result(conn)?;
    audit::record(conn, actor, "end", &f)?;
    Ok(f)
}

/// A slaughterhouse's fee schedule; with `on`, only the items in force that day.
pub fn fee_schedule(
    conn: &mut DbConnection,
    id: &str,
    on: Option<NaiveDate>,
) -> QueryResult<Vec<FeeItem>> {
    let items: Vec<FeeItem> = fee_items::table
        .filter(fee_items::slaughterhouse_id.eq(id))
        .order((fee_items::item.asc(), fee_items::effective_from.asc()))
        .select(FeeItem::as_select())
        .load(conn)?;
    Ok(match on {
        Some(day) => items.into_iter().filter(|f| f.in_force_on(day)).collect(),
        None => items,
    })
}

/// May slaughterhouse `id` slaughter `species` on `day`? (Outer error: database; inner: the refusal.)
pub fn may_slaughter_on(
    conn: &mut DbConnection,
    id: &str,
    species: Species,
    day: NaiveDate,
) -> AppResult<Result<(), Refusal>> {
    let (_, rec) = find(conn, id)?.ok_or_else(not_found)?;
    Ok(domain::may_slaughter(&rec, species, day))
}

/// Is slaughterhouse `id` in the network on `day`? (Outer error: database; inner: the refusal.)
pub fn in_network_on(
    conn: &mut DbConnection,
    id: &str,
    day: NaiveDate,
) -> AppResult<Result<(), RuleRefusal>> {
    let (_, rec) = find(conn, id)?.ok_or_else(not_found)?;
    let agreements = agreements(conn, id)?;
    Ok(domain::in_network(&rec, &agreements, day).map_err(|r| RuleRefusal::from(&r)))
}

/// The ids of every slaughterhouse inside the scope.
pub fn ids_in_scope(conn: &mut DbConnection, scope: &Scope) -> QueryResult<Vec<String>> {
    let mut q = organisations::table
        .inner_join(slaughterhouses::table)
        .into_boxed();
    if let Some(orgs) = &scope.orgs {
        q = q.filter(organisations::id.eq_any(orgs.clone()));
    }
    if let Some(d) = scope.district {
        q = q.filter(organisations::district.eq(d));
    }
    q.select(organisations::id).load(conn)
}

/// One page of a list of records kept per slaughterhouse, over the slaughterhouses inside the scope.
pub fn page_over_houses<T>(
    conn: &mut DbConnection,
    scope: &Scope,
    page: PageParams,
    list: impl FnOnce(&mut DbConnection, &[String], PageParams) -> QueryResult<(Vec<T>, i64)>,
) -> AppResult<crate::paging::Page<T>> {
    let houses = ids_in_scope(conn, scope)?;
    let (items, total) = list(conn, &houses, page)?;
    Ok(crate::paging::Page::new(items, total, page))
}
