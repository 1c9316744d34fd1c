//! The credit score derived from a credit file (formula in docs/rules.md): 100, less 20/10/5 for each
//! penalised violation of high/medium/low severity and 15 for each suspension, plus 5 for each commendation
//! (at most 10), over the last three years, clamped to 0..100; a revocation makes it 0. Only concluded
//! violations count: open or dismissed ones, warnings and notes do not.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::model::{CreditEvent, CreditEventKind};
use crate::violations::model::Severity;

/// How far back events count, in days.
pub const WINDOW_DAYS: u64 = 1095;

/// An event that moved the score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Counted {
    /// The credit event.
    pub event_id: String,
    /// Its day.
    pub occurred_on: NaiveDate,
    /// Its kind.
    pub kind: CreditEventKind,
    /// Points it added (negative: taken off).
    pub points: i64,
}

/// An enterprise's score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditScore {
    /// The enterprise.
    pub org_id: String,
    /// 0 to 100.
    pub score: i64,
    /// A (≥ 90), B (75–89), C (60–74), D (< 60).
    pub grade: String,
    /// The grade in Chinese (守信, 基本守信, 失信警示, 严重失信).
    pub grade_zh: String,
    /// First day of the window counted.
    pub since: NaiveDate,
    /// The events that moved it.
    pub counted: Vec<Counted>,
}

/// The score on `today`, from the file and the severity of each penalised violation (by the event's
/// source id).
pub fn score(
    org_id: &str,
    today: NaiveDate,
    events: &[CreditEvent],
    severity_of: impl Fn(&str) -> Option<Severity>,
) -> CreditScore {
    let since = today - chrono::Days::new(WINDOW_DAYS);
    let mut counted = Vec::new();
    let mut commendations = 0;
    let mut revoked = false;
    for e in events
        .iter()
        .filter(|e| e.occurred_on > since && e.occurred_on <= today)
    {
        let points = match e.kind {
            CreditEventKind::ViolationPenalised => {
                match e.source_id.as_deref().and_then(&severity_of) {
                    Some(Severity::High) => -20,
                    Some(Severity::Medium) | None => -10,
                    Some(Severity::Low) => -5,
                }
            }
            CreditEventKind::Suspended => -15,
            CreditEventKind::Commendation if commendations < 10 => {
                let p = (10 - commendations).min(5);
                commendations += p;
                p
            }
            CreditEventKind::Revoked => {
                revoked = true;
                -100
            }
            _ => 0,
        };
        if points != 0 {
            counted.push(Counted {
                event_id: e.id.clone(),
                occurred_on: e.occurred_on,
                kind: e.kind,
                points,
            });
        }
    }
    let total: i64 = 100 + counted.iter().map(|c| c.points).sum::<i64>();
    let score = if revoked { 0 } else { total.clamp(0, 100) };
    let (grade, grade_zh) = match score {
        90.. => ("A", "守信"),
        75..=89 => ("B", "基本守信"),
        60..=74 => ("C", "失信警示"),
        _ => ("D", "严重失信"),
    };
    CreditScore {
        org_id: org_id.to_string(),
        score,
        grade: grade.to_string(),
        grade_zh: grade_zh.to_string(),
        since: since + chrono::Days::new(1),
        counted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(day: NaiveDate, kind: CreditEventKind, source: Option<&str>) -> CreditEvent {
        CreditEvent {
            id: uuid::Uuid::new_v4().to_string(),
            org_id: "o".into(),
            occurred_on: day,
            kind,
            summary: "s".into(),
            source_entity: source.map(|_| "violation".into()),
            source_id: source.map(str::to_string),
            recorded_by: None,
            recorded_at: chrono::NaiveDateTime::default(),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn only_concluded_violations_and_sanctions_count() {
        let today = day(2026, 11, 28);
        let sev = |id: &str| match id {
            "h" => Some(Severity::High),
            "m" => Some(Severity::Medium),
            _ => Some(Severity::Low),
        };
        let events = vec![
            ev(
                day(2026, 1, 5),
                CreditEventKind::ViolationPenalised,
                Some("h"),
            ),
            ev(
                day(2026, 2, 5),
                CreditEventKind::ViolationPenalised,
                Some("m"),
            ),
            ev(
                day(2026, 3, 5),
                CreditEventKind::ViolationPenalised,
                Some("l"),
            ),
            ev(day(2026, 4, 5), CreditEventKind::Warning, None),
            ev(day(2026, 4, 6), CreditEventKind::Note, None),
            ev(day(2026, 5, 5), CreditEventKind::Commendation, None),
            ev(day(2026, 5, 6), CreditEventKind::Commendation, None),
            ev(day(2026, 5, 7), CreditEventKind::Commendation, None),
            // Outside the window.
            ev(
                day(2023, 11, 28),
                CreditEventKind::ViolationPenalised,
                Some("h"),
            ),
        ];
        let s = score("o", today, &events, sev);
        assert_eq!(s.score, 100 - 20 - 10 - 5 + 10);
        assert_eq!(s.grade, "B");
        assert_eq!(s.counted.len(), 5);
        let with_suspension = [
            events,
            vec![ev(day(2026, 6, 1), CreditEventKind::Suspended, None)],
        ]
        .concat();
        assert_eq!(score("o", today, &with_suspension, sev).score, 60);
        assert_eq!(score("o", today, &with_suspension, sev).grade, "C");
        let revoked = [
            with_suspension,
            vec![ev(day(2026, 7, 1), CreditEventKind::Revoked, None)],
        ]
        .concat();
        assert_eq!(score("o", today, &revoked, sev).score, 0);
        assert_eq!(score("o", today, &[], sev).grade, "A");
    }
}
