//! Demo complaints: a phoned-in report taken all the way to a reward, and a web report waiting for dispatch,
//! with their ticket numbers and access codes so the follow-up page can be tried.

use serde::Serialize;

use super::model::*;
use super::queries::{self, Deadlines, NewComplaint};
use crate::config::RuleSettings;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::organisations::model::District;

/// A demo complaint, as its reporter would keep it.
#[derive(Debug, Clone, Serialize)]
pub struct DemoComplaint {
    /// Ticket number.
    pub ticket_no: String,
    /// Access code.
    pub access_code: String,
    /// Status.
    pub status: ComplaintStatus,
}

/// Load them: `hotline` enters the phone report against `subject` (a buyer), `officer` (of the circulation
/// administration) investigates it and grants the reward.
pub fn load(
    conn: &mut DbConnection,
    rules: &RuleSettings,
    hotline: &str,
    officer: &str,
    subject: &str,
) -> AppResult<Vec<DemoComplaint>> {
    let calendar = rules.calendar();
    let deadlines = Deadlines {
        calendar: &calendar,
        dispatch_days: rules.complaint_dispatch_days,
        conclude_days: rules.complaint_conclude_days,
    };
    let (c, code) = queries::file(
        conn,
        NewComplaint {
            category: Category::Adulterated,
            description: "在市桥农贸市场 8 号档买的羊肉卷掺了鸭肉".to_string(),
            place: Some("番禺区市桥农贸市场 8 号档".to_string()),
            district: Some(District::Panyu),
            subject_org_id: Some(subject.to_string()),
            subject_name: None,
            trace_code: None,
            channel: Channel::Phone,
            work_order_no: Some("GZ12345-DEMO-0001".to_string()),
            reporter_name: Some("演示举报人".to_string()),
            reporter_phone: Some("13800138000".to_string()),
        },
        &deadlines,
        Some(hotline),
    )?;
    let moves: [(EventKind, ComplaintStatus, &str); 4] = [
        (EventKind::Dispatched, ComplaintStatus::Dispatched, hotline),
        (
            EventKind::Investigating,
            ComplaintStatus::Investigating,
            officer,
        ),
        (
            EventKind::Substantiated,
            ComplaintStatus::Substantiated,
            officer,
        ),
        (EventKind::Rewarded, ComplaintStatus::Rewarded, officer),
    ];
    for (seq, (kind, status, actor)) in moves.into_iter().enumerate() {
        let mut e = ComplaintEvent {
            kind,
            status,
            actor_id: Some(actor.to_string()),
            ..queries::blank_event()
        };
        match kind {
            EventKind::Dispatched => e.officer_id = Some(officer.to_string()),
            EventKind::Substantiated => {
                let finding = "抽检羊肉卷检出鸭源性成分";
                e.note = Some(finding.to_string());
                e.reply =
                    Some("经查，该档口销售掺假羊肉卷属实，已立案查处。感谢您的举报。".to_string());
                e.violation_id = Some(super::outcome::substantiated(
                    conn,
                    &c,
                    Some(officer),
                    finding,
                )?);
            }
            EventKind::Rewarded => e.reward_fen = Some(50_000),
            _ => {}
        }
        queries::add_event(conn, &c, seq as i32 + 1, e)?;
    }
    let (web, web_code) = queries::file(
        conn,
        NewComplaint {
            category: Category::UnlicensedSlaughter,
            description: "每天凌晨有人在村里空地宰牛，运往附近市场".to_string(),
            place: Some("从化区某村".to_string()),
            district: Some(District::Conghua),
            subject_org_id: None,
            subject_name: Some("村内私宰点".to_string()),
            trace_code: None,
            channel: Channel::Web,
            work_order_no: None,
            reporter_name: None,
            reporter_phone: None,
        },
        &deadlines,
        None,
    )?;
    Ok(vec![
        DemoComplaint {
            ticket_no: c.ticket_no,
            access_code: code,
            status: ComplaintStatus::Rewarded,
        },
        DemoComplaint {
            ticket_no: web.ticket_no,
            access_code: web_code,
            status: ComplaintStatus::Received,
        },
    ])
}
