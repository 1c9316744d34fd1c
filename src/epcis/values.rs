//! Canonical forms of literal values: timestamps, numbers and identifiers.

use super::dl::normalise_identifier;
use chrono::{Datelike, Duration, NaiveDate, Timelike};
use serde_json::{Number, Value};

/// Canonical text of a scalar JSON value, or `None` for `null`, arrays and objects.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(normalise_string(s)),
        Value::Number(n) => Some(format_number(n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Trims `s`, normalises RFC 3339 timestamps to UTC milliseconds and identifiers to canonical
/// GS1 Digital Link URIs; other strings are returned trimmed.
pub fn normalise_string(s: &str) -> String {
    let s = s.trim();
    normalise_timestamp(s)
        .or_else(|| normalise_identifier(s))
        .unwrap_or_else(|| s.to_owned())
}

/// Converts an ISO 8601 / RFC 3339 date-time with offset (`Z` or `±HH:MM`; no offset is read as
/// UTC) to `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, rounding half up to milliseconds.
/// Returns `None` if `s` is not such a date-time.
pub fn normalise_timestamp(s: &str) -> Option<String> {
    let (date, time) = s.split_once(['T', 't'])?;
    let [y, mo, d] = fixed_fields::<3>(date, '-', &[4, 2, 2])?;
    let (clock, offset_minutes) = split_offset(time)?;
    let (hms, frac) = match clock.split_once('.') {
        Some((hms, frac)) if !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) => {
            (hms, frac)
        }
        Some(_) => return None,
        None => (clock, ""),
    };
    let [h, mi, sec] = fixed_fields::<3>(hms, ':', &[2, 2, 2])?;
    let mut millis: i64 = format!("{frac:0<3}").get(..3)?.parse().ok()?;
    if frac.as_bytes().get(3).is_some_and(|b| *b >= b'5') {
        millis += 1;
    }
    let year = i32::try_from(y).ok()?;
    let local = NaiveDate::from_ymd_opt(year, mo, d)?.and_hms_opt(h, mi, sec)?;
    let utc = local
        .checked_add_signed(Duration::milliseconds(millis))?
        .checked_sub_signed(Duration::minutes(offset_minutes))?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        utc.year(),
        utc.month(),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
        utc.nanosecond() / 1_000_000
    ))
}

/// Splits the time-of-day part into clock text and offset in minutes east of UTC.
fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    match time.rfind(['+', '-']) {
        Some(pos) => {
            let (clock, off) = time.split_at(pos);
            let sign = if off.starts_with('-') { -1 } else { 1 };
            let [oh, om] = fixed_fields::<2>(&off[1..], ':', &[2, 2])?;
            Some((clock, sign * i64::from(oh * 60 + om)))
        }
        None => Some((time, 0)),
    }
}

/// Parses `N` decimal fields separated by `sep`, each of the given exact width.
fn fixed_fields<const N: usize>(s: &str, sep: char, widths: &[usize; N]) -> Option<[u32; N]> {
    let mut out = [0u32; N];
    let mut parts = s.split(sep);
    for (slot, width) in out.iter_mut().zip(widths) {
        let part = parts.next()?;
        if part.len() != *width || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Formats a JSON number like the reference implementation: integral values without a
/// fractional part, other values in Python `repr` style (shortest round-trip representation).
pub fn format_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let Some(f) = n.as_f64() else {
        return n.to_string();
    };
    if f.is_finite() && f.fract() == 0.0 {
        return format!("{f:.0}");
    }
    python_float_repr(f)
}

/// Python's `repr(float)`: fixed notation for decimal exponents in `-4 < decpt <= 16`,
/// scientific (`1.5e-07`) otherwise.
fn python_float_repr(f: f64) -> String {
    let sci = format!("{:e}", f.abs());
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return f.to_string();
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return f.to_string();
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let decpt = exp + 1;
    let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let body = if decpt > -4 && decpt <= 16 {
        if decpt <= 0 {
            format!("0.{}{digits}", "0".repeat(decpt.unsigned_abs() as usize))
        } else if decpt >= n {
            format!("{digits}{}.0", "0".repeat((decpt - n) as usize))
        } else {
            let (int, frac) = digits.split_at(decpt as usize);
            format!("{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{first}{dot}e{esign}{:02}", exp.unsigned_abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = |s| normalise_timestamp(s);
        assert_eq!(
            t("2023-02-02T11:04:03.1415Z").as_deref(),
            Some("2023-02-02T11:04:03.142Z")
        );
        assert_eq!(
            t("2023-02-02T11:04:03.1414Z").as_deref(),
            Some("2023-02-02T11:04:03.141Z")
        );
        assert_eq!(
            t("2005-04-03T20:33:31.116000-06:00").as_deref(),
            Some("2005-04-04T02:33:31.116Z")
        );
        assert_eq!(
            t("2020-12-31T23:59:59.9996Z").as_deref(),
            Some("2021-01-01T00:00:00.000Z")
        );
        assert_eq!(t("2019-10-21"), None);
        assert_eq!(t("+01:00"), None);
    }

    #[test]
    fn numbers() {
        let f = |v: f64| format_number(&Number::from_f64(v).unwrap_or_else(|| 0.into()));
        assert_eq!(f(452.0), "452");
        assert_eq!(f(12.1), "12.1");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(0.00001), "1e-05");
        assert_eq!(f(-1.5e-7), "-1.5e-07");
        assert_eq!(f(23.319941), "23.319941");
    }
}
