//! The rules of complaints, without HTTP or a database: routing, who may make each move, masking the
//! reporter, ticket numbers and access codes.

use rand::Rng;
use sha2::{Digest, Sha256};

use chrono::NaiveDate;

use super::model::{Category, Complaint, ComplaintEvent, ComplaintStatus, EventKind, Side};
use crate::error::{AppError, AppResult};
use crate::organisations::model::OrgKind;
use crate::policy::Role;
use crate::refusal::{Code, Refusal};

/// The administration a complaint goes to: by the kind of subject when one is named (a slaughterhouse → the
/// slaughter side, a buyer → the circulation side), otherwise by category (unlicensed slaughter → the
/// slaughter side, everything else → the circulation side, where the meat is sold).
pub fn route(subject_kind: Option<OrgKind>, category: Category) -> Side {
    match subject_kind {
        Some(OrgKind::Slaughterhouse) => Side::Slaughter,
        Some(OrgKind::Buyer) => Side::Circulation,
        _ => match category {
            Category::UnlicensedSlaughter => Side::Slaughter,
            _ => Side::Circulation,
        },
    }
}

/// The kind of organisation that is the administration of a side.
pub fn administration(side: Side) -> OrgKind {
    match side {
        Side::Slaughter => OrgKind::SlaughterAdministration,
        Side::Circulation => OrgKind::CirculationAdministration,
    }
}

/// The regulator role of a side.
pub fn regulator_role(side: Side) -> Role {
    match side {
        Side::Slaughter => Role::SlaughterRegulator,
        Side::Circulation => Role::MarketRegulator,
    }
}

/// Who may make a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// A 12345 hotline operator.
    HotlineOperator,
    /// A regulator of the receiving administration (its district, or city level).
    Regulator,
    /// The officer the complaint is assigned to now.
    AssignedOfficer,
    /// The reporter, with the ticket number and access code.
    Reporter,
}

/// The workflow: for each move, who may make it, and from which statuses to which.
pub fn workflow(
    kind: EventKind,
) -> (
    &'static [Mover],
    &'static [ComplaintStatus],
    ComplaintStatus,
) {
    use ComplaintStatus as S;
    use Mover::*;
    match kind {
        EventKind::Received => (&[], &[], S::Received),
        EventKind::Dispatched => (
            &[HotlineOperator, Regulator],
            &[S::Received, S::Dispatched],
            S::Dispatched,
        ),
        EventKind::Investigating => (&[AssignedOfficer], &[S::Dispatched], S::Investigating),
        EventKind::Substantiated => (&[AssignedOfficer], &[S::Investigating], S::Substantiated),
        EventKind::Unsubstantiated => (&[AssignedOfficer], &[S::Investigating], S::Unsubstantiated),
        EventKind::Rewarded => (&[Regulator], &[S::Substantiated], S::Rewarded),
        EventKind::RewardClaimed => (&[Reporter], &[S::Rewarded], S::Rewarded),
        EventKind::RewardPaid => (&[Regulator], &[S::Rewarded], S::Rewarded),
        EventKind::Closed => (
            &[AssignedOfficer, Regulator],
            &[S::Substantiated, S::Unsubstantiated, S::Rewarded],
            S::Closed,
        ),
        // Nobody through the API: the scheduled sweep, once the retention period is over.
        EventKind::ReporterErased => (&[], &[S::Closed], S::Closed),
    }
}

/// The status after `kind` from `from`, or 409 naming both.
pub fn next_status(kind: EventKind, from: ComplaintStatus) -> AppResult<ComplaintStatus> {
    let (_, froms, to) = workflow(kind);
    if froms.contains(&from) {
        return Ok(to);
    }
    let (zh, en) = from.names();
    Err(Refusal::of(Code::ComplaintWrongStatus)
        .with("zh", zh)
        .with("en", en)
        .with("kind", kind)
        .into())
}

/// Refuse unless one of `who` is allowed to make `kind`.
pub fn require_mover(kind: EventKind, who: &[Mover]) -> AppResult<()> {
    let (allowed, _, _) = workflow(kind);
    if who.iter().any(|w| allowed.contains(w)) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Where a complaint's moves leave it.
#[derive(Debug, Clone)]
pub struct State {
    /// Status now.
    pub status: ComplaintStatus,
    /// The officer assigned now.
    pub officer_id: Option<String>,
    /// Every user who dispatched it.
    pub dispatchers: Vec<String>,
    /// The last move's number.
    pub last_seq: i32,
    /// The reply.
    pub reply: Option<String>,
    /// Reward granted.
    pub reward_fen: Option<i64>,
    /// Claimed?
    pub claimed: bool,
    /// Paid on.
    pub paid_on: Option<NaiveDate>,
}

/// Add up the moves (in order).
pub fn state(events: &[ComplaintEvent]) -> State {
    let mut s = State {
        status: ComplaintStatus::Received,
        officer_id: None,
        dispatchers: Vec::new(),
        last_seq: 0,
        reply: None,
        reward_fen: None,
        claimed: false,
        paid_on: None,
    };
    for e in events {
        s.status = e.status;
        s.last_seq = e.seq;
        match e.kind {
            EventKind::Dispatched => {
                s.officer_id = e.officer_id.clone();
                if let Some(a) = &e.actor_id {
                    s.dispatchers.push(a.clone());
                }
            }
            EventKind::Substantiated | EventKind::Unsubstantiated => s.reply = e.reply.clone(),
            EventKind::Rewarded => s.reward_fen = e.reward_fen,
            EventKind::RewardClaimed => s.claimed = true,
            EventKind::RewardPaid => s.paid_on = e.paid_on,
            _ => {}
        }
    }
    s
}

/// Past a deadline it has not met, on `today`?
pub fn overdue(c: &Complaint, s: &State, today: NaiveDate) -> bool {
    (s.status == ComplaintStatus::Received && today > c.dispatch_due)
        || (!s.status.concluded() && today > c.conclude_due)
}

/// A phone number masked: the first three and last four digits kept (138****1234).
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "****".to_string();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// A name masked: the first character kept (张**).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

const ACCESS_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new access code: 10 characters over 32 unambiguous ones (50 bits).
pub fn new_access_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..10)
        .map(|_| ACCESS_ALPHABET[rng.gen_range(0..ACCESS_ALPHABET.len())] as char)
        .collect()
}

/// A new salt (hex).
pub fn new_salt() -> String {
    let bytes: [u8; 16] = rand::rngs::OsRng.gen();
    hex::encode(bytes)
}

/// The stored hash of an access code (case and spaces do not matter to the reporter).
pub fn access_hash(salt: &str, code: &str) -> String {
    let code: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase();
    hex::encode(Sha256::digest(format!("{salt}:{code}").as_bytes()))
}

/// Compare two hex hashes in constant time.
pub fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A new ticket number: `TS` + China date + six random digits (the access code, not the number, is the
/// secret).
pub fn new_ticket_no(day: chrono::NaiveDate) -> String {
    let n: u32 = rand::rngs::OsRng.gen_range(0..1_000_000);
    format!("TS{}{n:06}", day.format("%Y%m%d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_follows_subject_then_category() {
        assert_eq!(
            route(Some(OrgKind::Slaughterhouse), Category::WaterInjected),
            Side::Slaughter
        );
        assert_eq!(
            route(Some(OrgKind::Buyer), Category::UnlicensedSlaughter),
            Side::Circulation
        );
        assert_eq!(route(None, Category::UnlicensedSlaughter), Side::Slaughter);
        assert_eq!(route(None, Category::SickOrDead), Side::Circulation);
    }

    #[test]
    fn workflow_moves_in_order_only() {
        use ComplaintStatus as S;
        assert_eq!(
            next_status(EventKind::Dispatched, S::Received).unwrap(),
            S::Dispatched
        );
        assert_eq!(
            next_status(EventKind::Investigating, S::Received)
                .unwrap_err()
                .code(),
            "complaint_wrong_status"
        );
        assert!(next_status(EventKind::Rewarded, S::Unsubstantiated).is_err());
        assert!(next_status(EventKind::Closed, S::Investigating).is_err());
        assert!(require_mover(EventKind::Substantiated, &[Mover::Regulator]).is_err());
        assert!(require_mover(EventKind::Substantiated, &[Mover::AssignedOfficer]).is_ok());
        assert!(require_mover(EventKind::RewardClaimed, &[Mover::Reporter]).is_ok());
    }

    #[test]
    fn masking_keeps_only_the_ends() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("02083123456"), "020****3456");
        assert_eq!(mask_phone("12345"), "****");
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("李"), "李*");
    }

    #[test]
    fn access_codes_hash_and_compare() {
        let code = new_access_code();
        assert_eq!(code.len(), 10);
        let salt = new_salt();
        let h = access_hash(&salt, &code);
        assert!(same_hash(&h, &access_hash(&salt, &code.to_lowercase())));
        assert!(!same_hash(&h, &access_hash(&salt, "AAAAAAAAAA")));
        assert!(
            new_ticket_no(chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap())
                .starts_with("TS20261128")
        );
    }
}
