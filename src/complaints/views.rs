//! What each reader sees of a complaint: staff (the reporter masked unless the reader is the officer
//! assigned) and the reporter (no names of staff, no internal notes). Pure functions of the records: the use
//! cases read, these shape.

use chrono::NaiveDate;

use super::domain::{mask_name, mask_phone, overdue, state};
use super::model::*;

/// The staff view. `reader` sees the reporter in full only when assigned the complaint now.
pub fn staff_view(
    c: &Complaint,
    events: &[ComplaintEvent],
    reader: &str,
    today: NaiveDate,
) -> ComplaintView {
    let s = state(events);
    let unmasked = s.officer_id.as_deref() == Some(reader);
    let name = |n: &Option<String>| {
        n.as_ref()
            .map(|n| if unmasked { n.clone() } else { mask_name(n) })
    };
    let phone = |p: &Option<String>| {
        p.as_ref()
            .map(|p| if unmasked { p.clone() } else { mask_phone(p) })
    };
    ComplaintView {
        id: c.id.clone(),
        ticket_no: c.ticket_no.clone(),
        category: c.category,
        description: c.description.clone(),
        place: c.place.clone(),
        district: c.district,
        subject_org_id: c.subject_org_id.clone(),
        subject_lot_id: c.subject_lot_id.clone(),
        subject_name: c.subject_name.clone(),
        subject_code: c.subject_code.clone(),
        channel: c.channel,
        work_order_no: c.work_order_no.clone(),
        reporter_name: name(&c.reporter_name),
        reporter_phone: phone(&c.reporter_phone),
        reporter_unmasked: unmasked
            && (c.reporter_name.is_some()
                || c.reporter_phone.is_some()
                || events.iter().any(|e| e.claimant_phone.is_some())),
        reporter_erased_at: c.reporter_erased_at,
        side: c.side,
        routed_org_id: c.routed_org_id.clone(),
        entered_by: c.entered_by.clone(),
        overdue: overdue(c, &s, today),
        status: s.status,
        officer_id: s.officer_id.clone(),
        received_at: c.received_at,
        dispatch_due: c.dispatch_due,
        conclude_due: c.conclude_due,
        moves: events
            .iter()
            .map(|e| MoveView {
                seq: e.seq,
                kind: e.kind,
                status: e.status,
                actor_id: e.actor_id.clone(),
                officer_id: e.officer_id.clone(),
                note: e.note.clone(),
                reply: e.reply.clone(),
                reward_fen: e.reward_fen,
                paid_on: e.paid_on,
                claimant_name: name(&e.claimant_name),
                claimant_phone: phone(&e.claimant_phone),
                violation_id: e.violation_id.clone(),
                at: e.at,
            })
            .collect(),
    }
}

/// The reporter's view.
pub fn ticket_view(c: &Complaint, events: &[ComplaintEvent]) -> TicketView {
    let s = state(events);
    let (cat, cat_en) = c.category.names();
    let (st, st_en) = s.status.names();
    TicketView {
        ticket_no: c.ticket_no.clone(),
        category: cat.to_string(),
        category_en: cat_en.to_string(),
        status: s.status,
        status_zh: st.to_string(),
        status_en: st_en.to_string(),
        handled_by: c.side.zh().to_string(),
        received_at: c.received_at,
        conclude_due: c.conclude_due,
        reply: s.reply.clone(),
        steps: events
            .iter()
            .map(|e| TicketStep {
                kind: e.kind,
                at: e.at,
            })
            .collect(),
        reward_fen: s.reward_fen,
        reward_claimed: s.claimed,
        reward_paid_on: s.paid_on,
        reporter_erased_at: c.reporter_erased_at,
    }
}
