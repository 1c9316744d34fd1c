//! A 12345 complaint (举报投诉), the moves made on it, and the views of it each reader gets.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::organisations::model::District;
use crate::schema::{complaint_events, complaints};

crate::text_enum! {
    /// What the report is about (notice art. 十).
    pub enum Category {
        /// 私屠滥宰: slaughter outside a designated slaughterhouse.
        UnlicensedSlaughter,
        /// 未经检疫或检验.
        Unquarantined,
        /// 检疫或检验不合格.
        FailedInspection,
        /// 病死.
        SickOrDead,
        /// 注水、灌水.
        WaterInjected,
        /// 掺假.
        Adulterated,
        /// 未纳入肉品安全信息网络.
        NotInNetwork,
        /// 其他.
        Other,
    }
}

impl Category {
    /// Chinese and English names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Category::UnlicensedSlaughter => ("私屠滥宰", "unlicensed slaughter"),
            Category::Unquarantined => ("未经检疫或检验", "unquarantined or uninspected meat"),
            Category::FailedInspection => (
                "检疫检验不合格",
                "meat that failed quarantine or inspection",
            ),
            Category::SickOrDead => ("病死畜肉", "meat of sick or dead animals"),
            Category::WaterInjected => ("注水肉", "water-injected meat"),
            Category::Adulterated => ("掺假", "adulterated meat"),
            Category::NotInNetwork => ("未纳入肉品安全信息网络", "meat from outside the network"),
            Category::Other => ("其他", "other"),
        }
    }
}

crate::text_enum! {
    /// How the complaint came in.
    pub enum Channel {
        /// The public web form or API.
        Web,
        /// A call to the 12345 hotline, entered by an operator.
        Phone,
    }
}

crate::text_enum! {
    /// Which administration a complaint goes to (notice art. 二).
    pub enum Side {
        /// 屠宰行政管理部门.
        Slaughter,
        /// 肉品流通行政管理部门.
        Circulation,
    }
}

impl Side {
    /// Chinese name of the administration.
    pub fn zh(self) -> &'static str {
        match self {
            Side::Slaughter => "屠宰行政管理部门",
            Side::Circulation => "肉品流通行政管理部门",
        }
    }
}

crate::text_enum! {
    /// Where a complaint stands.
    pub enum ComplaintStatus {
        /// 已受理: taken in, not yet with an officer.
        Received,
        /// 已派单: assigned to an officer.
        Dispatched,
        /// 调查中.
        Investigating,
        /// 查证属实.
        Substantiated,
        /// 查无实据.
        Unsubstantiated,
        /// 已奖励: a reward was granted.
        Rewarded,
        /// 已办结.
        Closed,
    }
}

impl ComplaintStatus {
    /// Chinese and English names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            ComplaintStatus::Received => ("已受理", "received"),
            ComplaintStatus::Dispatched => ("已派单", "dispatched to an officer"),
            ComplaintStatus::Investigating => ("调查中", "under investigation"),
            ComplaintStatus::Substantiated => ("查证属实", "substantiated"),
            ComplaintStatus::Unsubstantiated => ("查无实据", "not substantiated"),
            ComplaintStatus::Rewarded => ("已奖励", "rewarded"),
            ComplaintStatus::Closed => ("已办结", "closed"),
        }
    }

    /// Concluded (the investigation is over)?
    pub fn concluded(self) -> bool {
        !matches!(
            self,
            ComplaintStatus::Received
                | ComplaintStatus::Dispatched
                | ComplaintStatus::Investigating
        )
    }
}

crate::text_enum! {
    /// A move on a complaint.
    pub enum EventKind {
        /// Taken in.
        Received,
        /// Assigned (or reassigned) to an officer.
        Dispatched,
        /// The officer started investigating.
        Investigating,
        /// Concluded: true.
        Substantiated,
        /// Concluded: not proven.
        Unsubstantiated,
        /// A reward granted.
        Rewarded,
        /// The reporter claimed the reward.
        RewardClaimed,
        /// The reward was paid.
        RewardPaid,
        /// Closed.
        Closed,
        /// The service erased the reporter's personal data, its retention period over (个人信息保护法).
        ReporterErased,
    }
}

/// A complaint as stored. The reporter's name and phone never leave the service unmasked except to the
/// officer assigned (food safety law art. 115), and are erased once their retention period is over
/// (`super::retention`). The fields added with that (`reporter_salt`, `reporter_erased_at`) are left out of
/// the stored form while empty, so that rows written before them keep their audited content hash.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = complaints)]
pub struct Complaint {
    /// Id.
    pub id: String,
    /// Ticket number (受理编号), given to the reporter.
    pub ticket_no: String,
    /// Salt of the access code's hash.
    pub access_salt: String,
    /// SHA-256 of salt and access code.
    pub access_hash: String,
    /// Category.
    pub category: Category,
    /// What happened.
    pub description: String,
    /// Where it happened.
    pub place: Option<String>,
    /// District where it happened.
    pub district: Option<District>,
    /// The business or stall complained of, when registered.
    pub subject_org_id: Option<String>,
    /// The lot, when a trace code was given.
    pub subject_lot_id: Option<String>,
    /// The business as the reporter named it.
    pub subject_name: Option<String>,
    /// The trace code as the reporter gave it (kept even when unknown: it may be a counterfeit label).
    pub subject_code: Option<String>,
    /// Channel.
    pub channel: Channel,
    /// The 12345 work-order number (工单号), for phone complaints.
    pub work_order_no: Option<String>,
    /// Reporter's name (confidential).
    pub reporter_name: Option<String>,
    /// Reporter's phone (confidential).
    pub reporter_phone: Option<String>,
    /// The administration it goes to.
    pub side: Side,
    /// The administration's organisation it was routed to, when one is registered.
    pub routed_org_id: Option<String>,
    /// The hotline operator who entered it.
    pub entered_by: Option<String>,
    /// When it was received (UTC).
    pub received_at: NaiveDateTime,
    /// Last day to dispatch it (China date).
    pub dispatch_due: NaiveDate,
    /// Last day to conclude it (China date).
    pub conclude_due: NaiveDate,
    /// Random salt kept with the reporter's details and erased with them: it is part of the content hash
    /// the audit trail keeps, so that hash cannot confirm a guess of the erased details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter_salt: Option<String>,
    /// When the reporter's details were erased (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter_erased_at: Option<NaiveDateTime>,
}

impl crate::audit::Audited for Complaint {
    const ENTITY: &'static str = "complaint";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// A move on a complaint, as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = complaint_events)]
pub struct ComplaintEvent {
    /// Id.
    pub id: String,
    /// The complaint.
    pub complaint_id: String,
    /// Number of the move, from 1.
    pub seq: i32,
    /// The move.
    pub kind: EventKind,
    /// Status after it.
    pub status: ComplaintStatus,
    /// Who made it (`None`: the reporter or the service).
    pub actor_id: Option<String>,
    /// The officer assigned (dispatch).
    pub officer_id: Option<String>,
    /// Internal note or finding.
    pub note: Option<String>,
    /// The reply to the reporter (答复).
    pub reply: Option<String>,
    /// Reward granted, fen.
    pub reward_fen: Option<i64>,
    /// Day the reward was paid.
    pub paid_on: Option<NaiveDate>,
    /// Who claimed the reward (confidential).
    pub claimant_name: Option<String>,
    /// Their phone (confidential).
    pub claimant_phone: Option<String>,
    /// Where to pay it (confidential).
    pub claimant_account: Option<String>,
    /// The violation a substantiated complaint opened.
    pub violation_id: Option<String>,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Random salt kept with the claimant's details and erased with them (see `Complaint::reporter_salt`);
    /// left out of the stored form while empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimant_salt: Option<String>,
}

impl crate::audit::Audited for ComplaintEvent {
    const ENTITY: &'static str = "complaint_event";
    fn audit_id(&self) -> &str {
        &self.id
    }
}

/// What filing a complaint answers: keep both to follow it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct Filed {
    /// Id (for staff).
    pub id: String,
    /// Ticket number.
    pub ticket_no: String,
    /// Access code: shown once, never stored in clear.
    pub access_code: String,
    /// The administration it went to (Chinese).
    pub routed_to: String,
    /// Its district (Chinese), when known.
    pub district: Option<String>,
    /// Must be dispatched by (China date).
    pub dispatch_due: NaiveDate,
    /// Must be concluded by (China date).
    pub conclude_due: NaiveDate,
}

/// One move, as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MoveView {
    /// Number.
    pub seq: i32,
    /// The move.
    pub kind: EventKind,
    /// Status after it.
    pub status: ComplaintStatus,
    /// Who made it (user id).
    pub actor_id: Option<String>,
    /// Officer assigned.
    pub officer_id: Option<String>,
    /// Note or finding.
    pub note: Option<String>,
    /// Reply to the reporter.
    pub reply: Option<String>,
    /// Reward, fen.
    pub reward_fen: Option<i64>,
    /// Paid on.
    pub paid_on: Option<NaiveDate>,
    /// Claimant name (masked unless the reader is the officer assigned).
    pub claimant_name: Option<String>,
    /// Claimant phone (masked likewise).
    pub claimant_phone: Option<String>,
    /// Violation opened.
    pub violation_id: Option<String>,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub at: NaiveDateTime,
}

/// A complaint as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintView {
    /// Id.
    pub id: String,
    /// Ticket number.
    pub ticket_no: String,
    /// Category.
    pub category: Category,
    /// What happened.
    pub description: String,
    /// Where.
    pub place: Option<String>,
    /// District.
    pub district: Option<District>,
    /// Subject organisation.
    pub subject_org_id: Option<String>,
    /// Subject lot.
    pub subject_lot_id: Option<String>,
    /// Subject as named.
    pub subject_name: Option<String>,
    /// Trace code as given.
    pub subject_code: Option<String>,
    /// Channel.
    pub channel: Channel,
    /// 12345 work-order number.
    pub work_order_no: Option<String>,
    /// Reporter's name: in full only for the officer assigned, masked for everyone else.
    pub reporter_name: Option<String>,
    /// Reporter's phone: in full only for the officer assigned, masked (138****1234) for everyone else.
    pub reporter_phone: Option<String>,
    /// Are the reporter's details shown in full (the reader is the officer assigned)?
    pub reporter_unmasked: bool,
    /// When the reporter's personal data (and any claimant's) was erased, its retention period over
    /// (China time); the name and phone are then empty because they were erased, not because the report was
    /// anonymous.
    #[serde(with = "crate::time::china_time::option")]
    #[schema(value_type = Option<String>)]
    pub reporter_erased_at: Option<NaiveDateTime>,
    /// Administration.
    pub side: Side,
    /// Routed to (organisation id).
    pub routed_org_id: Option<String>,
    /// Entered by (hotline operator).
    pub entered_by: Option<String>,
    /// Status now.
    pub status: ComplaintStatus,
    /// The officer assigned now.
    pub officer_id: Option<String>,
    /// Received (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub received_at: NaiveDateTime,
    /// Dispatch by.
    pub dispatch_due: NaiveDate,
    /// Conclude by.
    pub conclude_due: NaiveDate,
    /// Past a deadline it has not met?
    pub overdue: bool,
    /// Every move, in order.
    pub moves: Vec<MoveView>,
}

/// A complaint as its reporter sees it (with the ticket number and access code).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketView {
    /// Ticket number.
    pub ticket_no: String,
    /// Category (Chinese).
    pub category: String,
    /// Category (English).
    pub category_en: String,
    /// Status.
    pub status: ComplaintStatus,
    /// Status (Chinese).
    pub status_zh: String,
    /// Status (English).
    pub status_en: String,
    /// The administration handling it (Chinese).
    pub handled_by: String,
    /// Received (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub received_at: NaiveDateTime,
    /// To be concluded by.
    pub conclude_due: NaiveDate,
    /// The reply (答复), once concluded.
    pub reply: Option<String>,
    /// Steps so far: status and China time, without names.
    pub steps: Vec<TicketStep>,
    /// Reward granted, fen.
    pub reward_fen: Option<i64>,
    /// Has the reward been claimed?
    pub reward_claimed: bool,
    /// Day the reward was paid.
    pub reward_paid_on: Option<NaiveDate>,
    /// When your name and phone (and payment details) were erased from the service, their retention period
    /// over (China time).
    #[serde(with = "crate::time::china_time::option")]
    #[schema(value_type = Option<String>)]
    pub reporter_erased_at: Option<NaiveDateTime>,
}

/// A step as the reporter sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketStep {
    /// The move.
    pub kind: EventKind,
    /// When (China time).
    #[serde(with = "crate::time::china_time")]
    #[schema(value_type = String)]
    pub at: NaiveDateTime,
}

/// An officer who may be assigned.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Officer {
    /// User id.
    pub id: String,
    /// Login name.
    pub username: String,
    /// Role.
    pub role: crate::policy::Role,
    /// District of their administration (none: city level).
    pub district: Option<District>,
}
