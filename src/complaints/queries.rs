//! Complaint queries: filing, the moves, the state a complaint's moves add up to, and the scoped lists.

use chrono::NaiveDate;
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use super::domain;
use super::model::*;
use crate::audit;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::organisations::model::{District, OrgKind, Organisation};
use crate::paging::PageParams;
use crate::policy::{Actor, Role};
use crate::refusal::Code;
use crate::schema::{complaint_events, complaints, organisations};

/// A complaint to file, checked.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    /// Category.
    pub category: Category,
    /// What happened.
    pub description: String,
    /// Where.
    pub place: Option<String>,
    /// District where it happened.
    pub district: Option<District>,
    /// Registered business or stall complained of.
    pub subject_org_id: Option<String>,
    /// The business as named.
    pub subject_name: Option<String>,
    /// Trace code as given.
    pub trace_code: Option<String>,
    /// Channel.
    pub channel: Channel,
    /// 12345 work-order number.
    pub work_order_no: Option<String>,
    /// Reporter's name.
    pub reporter_name: Option<String>,
    /// Reporter's phone, normalised.
    pub reporter_phone: Option<String>,
}

/// Deadlines and calendar.
pub struct Deadlines<'a> {
    /// Working-day calendar.
    pub calendar: &'a crate::workdays::Calendar,
    /// Working days to dispatch.
    pub dispatch_days: u32,
    /// Working days to conclude.
    pub conclude_days: u32,
}

/// File a complaint (audited); answers with the access code in clear, the only time it exists.
pub fn file(
    conn: &mut DbConnection,
    new: NewComplaint,
    deadlines: &Deadlines<'_>,
    entered_by: Option<&str>,
) -> AppResult<(Complaint, String)> {
    let subject: Option<Organisation> = match &new.subject_org_id {
        Some(id) => {
            let org = crate::organisations::queries::find(conn, id)?
                .filter(|o| matches!(o.kind, OrgKind::Slaughterhouse | OrgKind::Buyer))
                .ok_or(Code::UnknownSubject)?;
            Some(org)
        }
        None => None,
    };
    let (subject_code, subject_lot_id) = match &new.trace_code {
        Some(raw) => {
            let code = crate::lots::trace_code::parse(raw).map_err(|_| Code::MistypedCode)?;
            let lot: Option<String> = crate::schema::lots::table
                .filter(crate::schema::lots::trace_code.eq(&code))
                .select(crate::schema::lots::id)
                .first(conn)
                .optional()?;
            (Some(code), lot)
        }
        None => (None, None),
    };
    let side = domain::route(subject.as_ref().map(|o| o.kind), new.category);
    let district = new.district.or(subject.as_ref().and_then(|o| o.district));
    let routed_org_id = routed_to(conn, side, district)?;
    let now = crate::time::now();
    let today = crate::time::china_date(now);
    let mut ticket_no = domain::new_ticket_no(today);
    while complaints::table
        .filter(complaints::ticket_no.eq(&ticket_no))
        .count()
        .get_result::<i64>(conn)?
        > 0
    {
        ticket_no = domain::new_ticket_no(today);
    }
    let access_code = domain::new_access_code();
    let salt = domain::new_salt();
    let c = Complaint {
        id: uuid::Uuid::new_v4().to_string(),
        ticket_no,
        access_hash: domain::access_hash(&salt, &access_code),
        access_salt: salt,
        category: new.category,
        description: new.description,
        place: new.place,
        district,
        subject_org_id: subject.map(|o| o.id),
        subject_lot_id,
        subject_name: new.subject_name,
        subject_code,
        channel: new.channel,
        work_order_no: new.work_order_no,
        reporter_salt: (new.reporter_name.is_some() || new.reporter_phone.is_some())
            .then(domain::new_salt),
        reporter_name: new.reporter_name,
        reporter_phone: new.reporter_phone,
        side,
        routed_org_id,
        entered_by: entered_by.map(str::to_string),
        received_at: now,
        dispatch_due: deadlines
            .calendar
            .add_working_days(today, deadlines.dispatch_days),
        conclude_due: deadlines
            .calendar
            .add_working_days(today, deadlines.conclude_days),
        reporter_erased_at: None,
    };
    let c: Complaint = diesel::insert_into(complaints::table)
        .values(&c)
        .returning(complaints::all_columns)
        .get_result(conn)?;
    audit::record(conn, entered_by, "file", &c)?;
    add_event(
        conn,
        &c,
        0,
        ComplaintEvent {
            kind: EventKind::Received,
            status: ComplaintStatus::Received,
            actor_id: entered_by.map(str::to_string),
            ..blank_event()
        },
    )?;
    Ok((c, access_code))
}

/// The administration of `side` for `district`: the district's own, else the city-level one.
fn routed_to(
    conn: &mut DbConnection,
    side: Side,
    district: Option<District>,
) -> QueryResult<Option<String>> {
    let kind = domain::administration(side);
    if let Some(d) = district {
        let own: Option<String> = organisations::table
            .filter(organisations::kind.eq(kind))
            .filter(organisations::district.eq(d))
            .order(organisations::created_at.asc())
            .select(organisations::id)
            .first(conn)
            .optional()?;
        if own.is_some() {
            return Ok(own);
        }
    }
    organisations::table
        .filter(organisations::kind.eq(kind))
        .filter(organisations::district.is_null())
        .order(organisations::created_at.asc())
        .select(organisations::id)
        .first(conn)
        .optional()
}

/// An event with nothing filled in (callers set what their move records).
pub fn blank_event() -> ComplaintEvent {
    ComplaintEvent {
        id: String::new(),
        complaint_id: String::new(),
        seq: 0,
        kind: EventKind::Received,
        status: ComplaintStatus::Received,
        actor_id: None,
        officer_id: None,
        note: None,
        reply: None,
        reward_fen: None,
        paid_on: None,
        claimant_name: None,
        claimant_phone: None,
        claimant_account: None,
        violation_id: None,
        at: crate::time::now(),
        claimant_salt: None,
    }
}

/// Add the move after `last_seq` (audited). Two moves racing for the same number: the second gets 409.
pub fn add_event(
    conn: &mut DbConnection,
    c: &Complaint,
    last_seq: i32,
    e: ComplaintEvent,
) -> AppResult<ComplaintEvent> {
    let e = ComplaintEvent {
        id: uuid::Uuid::new_v4().to_string(),
        complaint_id: c.id.clone(),
        seq: last_seq + 1,
        at: crate::time::now(),
        ..e
    };
    let e: ComplaintEvent = diesel::insert_into(complaint_events::table)
        .values(&e)
        .returning(complaint_events::all_columns)
        .get_result(conn)
        .map_err(|err| match err {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => AppError::from(Code::ComplaintChanged),
            other => other.into(),
        })?;
    audit::record(conn, e.actor_id.as_deref(), "move", &e)?;
    Ok(e)
}

/// A complaint and its moves.
pub fn load(conn: &mut DbConnection, id: &str) -> AppResult<(Complaint, Vec<ComplaintEvent>)> {
    let c: Complaint = complaints::table
        .find(id)
        .select(Complaint::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("举报", "complaint"))?;
    let events = events_of(conn, std::slice::from_ref(&c.id))?;
    Ok((c, events))
}

fn events_of(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<ComplaintEvent>> {
    complaint_events::table
        .filter(complaint_events::complaint_id.eq_any(ids))
        .order((complaint_events::complaint_id, complaint_events::seq.asc()))
        .select(ComplaintEvent::as_select())
        .load(conn)
}

/// A complaint by ticket number and access code; a wrong code is answered exactly like an unknown ticket.
pub fn by_ticket(
    conn: &mut DbConnection,
    ticket_no: &str,
    access_code: &str,
) -> AppResult<(Complaint, Vec<ComplaintEvent>)> {
    let c: Option<Complaint> = complaints::table
        .filter(complaints::ticket_no.eq(ticket_no.trim().to_uppercase()))
        .select(Complaint::as_select())
        .first(conn)
        .optional()?;
    match c {
        Some(c)
            if domain::same_hash(
                &c.access_hash,
                &domain::access_hash(&c.access_salt, access_code),
            ) =>
        {
            let events = events_of(conn, std::slice::from_ref(&c.id))?;
            Ok((c, events))
        }
        _ => Err(Code::TicketNotFound.into()),
    }
}

type Backend = <DbConnection as diesel::Connection>::Backend;
type Condition =
    Box<dyn BoxableExpression<complaints::table, Backend, SqlType = diesel::sql_types::Bool>>;

/// The complaints an actor may read, as a condition; 403 for roles that read none.
fn readable(actor: &Actor) -> AppResult<Condition> {
    let me = actor.user_id.clone();
    let assigned_to_me = exists(
        complaint_events::table
            .filter(complaint_events::complaint_id.eq(complaints::id))
            .filter(complaint_events::officer_id.eq(me.clone())),
    );
    let district_ok = |d: Option<District>| -> Condition {
        match d {
            Some(d) => Box::new(complaints::district.eq(d).assume_not_null()),
            None => Box::new(complaints::id.eq(complaints::id)),
        }
    };
    Ok(match actor.role {
        Role::HotlineOperator => Box::new(
            complaints::entered_by
                .eq(me.clone())
                .assume_not_null()
                .or(exists(
                    complaint_events::table
                        .filter(complaint_events::complaint_id.eq(complaints::id))
                        .filter(complaint_events::actor_id.eq(me)),
                ))
                .or(not(exists(
                    complaint_events::table
                        .filter(complaint_events::complaint_id.eq(complaints::id))
                        .filter(complaint_events::kind.eq(EventKind::Dispatched)),
                ))),
        ),
        Role::SlaughterRegulator | Role::MarketRegulator => {
            let side = if actor.role == Role::SlaughterRegulator {
                Side::Slaughter
            } else {
                Side::Circulation
            };
            Box::new(
                complaints::side
                    .eq(side)
                    .and(district_ok(actor.district))
                    .or(assigned_to_me),
            )
        }
        Role::Inspector => Box::new(district_ok(actor.district).or(assigned_to_me)),
        _ => return Err(AppError::forbidden()),
    })
}

/// May `actor` read this complaint? (Outside what they may read it is "not found".)
pub fn require_readable(conn: &mut DbConnection, actor: &Actor, id: &str) -> AppResult<()> {
    let n: i64 = complaints::table
        .filter(complaints::id.eq(id))
        .filter(readable(actor)?)
        .count()
        .get_result(conn)?;
    if n == 0 {
        return Err(AppError::not_found("举报", "complaint"));
    }
    Ok(())
}

/// A complaint with its moves.
pub type WithMoves = (Complaint, Vec<ComplaintEvent>);

/// Filters of the complaint list.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    /// Only these not yet concluded.
    pub open: bool,
    /// Only overdue ones (a dispatch or conclusion deadline before `today` not met).
    pub overdue_on: Option<NaiveDate>,
    /// Administration.
    pub side: Option<Side>,
    /// District.
    pub district: Option<District>,
    /// Category.
    pub category: Option<Category>,
}

type EventsOfKinds = diesel::helper_types::Filter<
    diesel::helper_types::Filter<
        complaint_events::table,
        diesel::helper_types::Eq<complaint_events::complaint_id, complaints::id>,
    >,
    diesel::helper_types::EqAny<complaint_events::kind, Vec<EventKind>>,
>;

/// "The complaint has a move of one of these kinds", for filters over `complaints`.
pub fn has_move(kinds: &[EventKind]) -> exists<EventsOfKinds> {
    exists(
        complaint_events::table
            .filter(complaint_events::complaint_id.eq(complaints::id))
            .filter(complaint_events::kind.eq_any(kinds.to_vec())),
    )
}

/// "The complaint is concluded (substantiated or not)".
pub fn concluded() -> exists<EventsOfKinds> {
    has_move(&[EventKind::Substantiated, EventKind::Unsubstantiated])
}

/// "The complaint was dispatched".
pub fn dispatched() -> exists<EventsOfKinds> {
    has_move(&[EventKind::Dispatched])
}

/// Complaints `actor` may read, newest first, with their moves.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: &ComplaintFilter,
    page: PageParams,
) -> AppResult<(Vec<WithMoves>, i64)> {
    let filtered = || -> AppResult<_> {
        let mut q = complaints::table.filter(readable(actor)?).into_boxed();
        if filter.open {
            q = q.filter(not(concluded()));
        }
        if let Some(today) = filter.overdue_on {
            q = q.filter(
                complaints::dispatch_due
                    .lt(today)
                    .and(not(dispatched()))
                    .or(complaints::conclude_due.lt(today).and(not(concluded()))),
            );
        }
        if let Some(s) = filter.side {
            q = q.filter(complaints::side.eq(s));
        }
        if let Some(d) = filter.district {
            q = q.filter(complaints::district.eq(d));
        }
        if let Some(c) = filter.category {
            q = q.filter(complaints::category.eq(c));
        }
        Ok(q)
    };
    let total: i64 = filtered()?.count().get_result(conn)?;
    let items: Vec<Complaint> = filtered()?
        .order((complaints::received_at.desc(), complaints::id.asc()))
        .limit(page.limit())
        .offset(page.offset())
        .select(Complaint::as_select())
        .load(conn)?;
    let ids: Vec<String> = items.iter().map(|c| c.id.clone()).collect();
    let events = events_of(conn, &ids)?;
    let out = items
        .into_iter()
        .map(|c| {
            let mine = events
                .iter()
                .filter(|e| e.complaint_id == c.id)
                .cloned()
                .collect();
            (c, mine)
        })
        .collect();
    Ok((out, total))
}

/// Users who may be assigned a complaint of `side` in `district`: inspectors and regulators of that side's
/// administration, of the district or city level, not disabled.
pub fn officers(
    conn: &mut DbConnection,
    side: Side,
    district: Option<District>,
) -> QueryResult<Vec<Officer>> {
    use crate::schema::users;
    let rows: Vec<(String, String, Role, Option<District>)> = users::table
        .inner_join(organisations::table)
        .filter(organisations::kind.eq(domain::administration(side)))
        .filter(users::role.eq_any([Role::Inspector, domain::regulator_role(side)]))
        .filter(users::disabled.eq(false))
        .order(users::username.asc())
        .select((
            users::id,
            users::username,
            users::role,
            organisations::district,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, _, _, d)| d.is_none() || district.is_none() || *d == district)
        .map(|(id, username, role, district)| Officer {
            id,
            username,
            role,
            district,
        })
        .collect())
}
