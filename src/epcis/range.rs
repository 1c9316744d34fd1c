//! The time range of an export: `from` and `to` are China calendar days (inclusive) or RFC 3339 instants.
//!
//! A date covers its whole day in China time; an instant is exact. Events are exported when
//! `from <= eventTime < end`, where `end` is the start of the day after a `to` date, or a `to` instant
//! itself. Without `to` the range ends now; without `from` it starts 7 days before its end. A range longer
//! than [`MAX_DAYS`] days, or one that ends before it starts, is refused.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone};

use crate::error::{AppError, AppResult};
use crate::refusal::{Code, Refusal};

/// The longest range one export may cover, in days.
pub const MAX_DAYS: i64 = 31;

/// The range when the caller names no `from`, in days.
pub const DEFAULT_DAYS: i64 = 7;

/// A half-open range of UTC times, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    /// First instant included (UTC).
    pub start: NaiveDateTime,
    /// First instant no longer included (UTC).
    pub end: NaiveDateTime,
}

enum Bound {
    Day(NaiveDate),
    Instant(NaiveDateTime),
}

fn parse_bound(name: &str, value: &str) -> AppResult<Bound> {
    let value = value.trim();
    if let Ok(day) = value.parse::<NaiveDate>() {
        return Ok(Bound::Day(day));
    }
    // An unencoded `+` of the offset arrives as a space (`…T08:00:00 08:00`).
    let repaired = match value.rsplit_once(' ') {
        Some((time, offset)) if offset.len() == 5 && time.contains('T') => {
            format!("{time}+{offset}")
        }
        _ => value.to_string(),
    };
    DateTime::parse_from_rfc3339(&repaired)
        .map(|t| Bound::Instant(t.naive_utc()))
        .map_err(|_| {
            AppError::from(
                Refusal::of(Code::InvalidTime)
                    .with("name", name)
                    .with("value", value)
                    .at(name),
            )
        })
}

/// Start of a China calendar day, in UTC.
fn day_start(day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    crate::time::china()
        .from_local_datetime(&midnight)
        .single()
        .map_or(midnight - Duration::hours(8), |t| t.naive_utc())
}

impl TimeRange {
    /// The range of `from` and `to` (either may be absent), with `now` (UTC) as the default end.
    pub fn parse(from: Option<&str>, to: Option<&str>, now: NaiveDateTime) -> AppResult<TimeRange> {
        let end = match to.map(|v| parse_bound("to", v)).transpose()? {
            Some(Bound::Day(d)) => day_start(d) + Duration::days(1),
            Some(Bound::Instant(t)) => t,
            None => now,
        };
        let start = match from.map(|v| parse_bound("from", v)).transpose()? {
            Some(Bound::Day(d)) => day_start(d),
            Some(Bound::Instant(t)) => t,
            None => end - Duration::days(DEFAULT_DAYS),
        };
        if end <= start {
            return Err(Refusal::of(Code::RangeInverted).at("to").into());
        }
        if end - start > Duration::days(MAX_DAYS) {
            return Err(Refusal::of(Code::RangeTooLong)
                .with("max_days", MAX_DAYS)
                .into());
        }
        Ok(TimeRange { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> NaiveDateTime {
        DateTime::parse_from_rfc3339(s).expect("time").naive_utc()
    }

    #[test]
    fn dates_are_whole_china_days_inclusive() {
        let r = TimeRange::parse(
            Some("2026-11-01"),
            Some("2026-11-28"),
            utc("2026-12-01T00:00:00Z"),
        )
        .expect("range");
        assert_eq!(r.start, utc("2026-10-31T16:00:00Z"));
        assert_eq!(r.end, utc("2026-11-28T16:00:00Z"));
    }

    #[test]
    fn instants_and_defaults() {
        let now = utc("2026-11-28T04:00:00Z");
        let r = TimeRange::parse(None, None, now).expect("range");
        assert_eq!((r.start, r.end), (utc("2026-11-21T04:00:00Z"), now));
        let r = TimeRange::parse(Some("2026-11-28T08:00:00+08:00"), None, now).expect("range");
        assert_eq!(r.start, utc("2026-11-28T00:00:00Z"));
        let r = TimeRange::parse(Some("2026-11-28T08:00:00 08:00"), None, now).expect("range");
        assert_eq!(
            r.start,
            utc("2026-11-28T00:00:00Z"),
            "a `+` decoded as a space"
        );
        let r = TimeRange::parse(None, Some("2026-11-20"), now).expect("range");
        assert_eq!(r.start, utc("2026-11-13T16:00:00Z"));
    }

    #[test]
    fn refusals() {
        let now = utc("2026-11-28T04:00:00Z");
        let code =
            |f: Option<&str>, t: Option<&str>| TimeRange::parse(f, t, now).err().map(|e| e.code());
        assert_eq!(
            code(Some("2026-10-01"), Some("2026-11-01")).as_deref(),
            Some("range_too_long")
        );
        assert_eq!(
            code(Some("2026-10-01"), Some("2026-10-31")),
            None,
            "31 days is allowed"
        );
        assert_eq!(
            code(Some("2026-11-02"), Some("2026-11-01")).as_deref(),
            Some("range_inverted")
        );
        assert_eq!(
            code(Some("yesterday"), None).as_deref(),
            Some("invalid_time")
        );
        assert_eq!(
            code(Some("2026-11-28T08:00:00"), None).as_deref(),
            Some("invalid_time")
        );
    }
}
