//! Time: stored in UTC, shown and reasoned about in China time (UTC+8). Every rule that speaks of a day uses
//! the calendar date in China time.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SubsecRound, Utc};

/// China Standard Time, UTC+8 (no daylight saving).
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

use chrono::Offset;
use chrono::TimeZone;

/// Now in UTC, cut to whole microseconds so a value reads back from either backend exactly as written
/// (PostgreSQL keeps microseconds), which the audit trail's content hashes depend on.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Today's date in China time.
pub fn today_china() -> NaiveDate {
    china_date(now())
}

/// The China-time calendar date of a UTC time.
pub fn china_date(utc: NaiveDateTime) -> NaiveDate {
    china().from_utc_datetime(&utc).date_naive()
}

/// A UTC time shown in China time, RFC 3339 with `+08:00`.
pub fn show(utc: NaiveDateTime) -> String {
    china().from_utc_datetime(&utc).to_rfc3339()
}

/// Serde helper: serialise stored UTC times as China time with offset.
pub mod china_time {
    use chrono::NaiveDateTime;
    use serde::Serializer;

    /// Serialise a UTC time as RFC 3339 in China time.
    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::show(*t))
    }

    /// Same for an optional time.
    pub mod option {
        use chrono::NaiveDateTime;
        use serde::Serializer;

        /// Serialise an optional UTC time as RFC 3339 in China time.
        pub fn serialize<S: Serializer>(
            t: &Option<NaiveDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_str(&super::super::show(*t)),
                None => s.serialize_none(),
            }
        }
    }
}

/// A UTC time as a `DateTime<Utc>`.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_date_rolls_over_at_utc_16h() {
        let before = NaiveDate::from_ymd_opt(2026, 11, 27)
            .and_then(|d| d.and_hms_opt(15, 59, 59))
            .unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 11, 27)
            .and_then(|d| d.and_hms_opt(16, 0, 0))
            .unwrap();
        assert_eq!(china_date(before).to_string(), "2026-11-27");
        assert_eq!(china_date(after).to_string(), "2026-11-28");
        assert_eq!(show(after), "2026-11-28T00:00:00+08:00");
    }
}
