//! Values checked once, at the edge.
//!
//! Request bodies deserialize into these types, so a handler or page never sees a weight of -3 g, a price that
//! overflows a total, a name with a NUL or a right-to-left override in it, or a date in the future. A bad value
//! is refused while the body is read, with the value's own code and the field's path (`lines[2].weight_g`),
//! never the parser's wording. The bounds live in [`BOUNDS`]: the checks and the OpenAPI document both read it.

use std::borrow::Cow;
use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, Schema};

use crate::refusal::{Code, Refusal};

/// A numeric bound: the smallest and largest value a field takes, and what it is in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// Smallest value.
    pub min: i64,
    /// Largest value.
    pub max: i64,
    /// What the value is, in Chinese (`重量（克）`).
    pub what: &'static str,
    /// What the value is, in English (`weight (g)`).
    pub what_en: &'static str,
}

/// Weights in grams: from 1 g to 100 t (a truck of carcasses is about 20 t).
pub const WEIGHT_G: Bound = Bound {
    min: 1,
    max: 100_000_000,
    what: "重量（克）",
    what_en: "weight (g)",
};
/// A receipt line's price in fen: ¥0 to ¥1,000,000.
pub const LINE_PRICE_FEN: Bound = Bound {
    min: 0,
    max: crate::money::MAX_RECEIPT_LINE_FEN,
    what: "金额（分）",
    what_en: "amount (fen)",
};
/// A unit price in fen per kilogram or per head: ¥0 to ¥100,000.
pub const UNIT_PRICE_FEN: Bound = Bound {
    min: 0,
    max: crate::money::MAX_UNIT_PRICE_FEN,
    what: "单价（分）",
    what_en: "unit price (fen)",
};
/// A fee or fine in fen: ¥0 to ¥10,000,000.
pub const AMOUNT_FEN: Bound = Bound {
    min: 0,
    max: 1_000_000_000,
    what: "金额（分）",
    what_en: "amount (fen)",
};
/// Head counts: 1 to 100,000 (the largest certificate or batch is far below).
pub const HEADS: Bound = Bound {
    min: 1,
    max: 100_000,
    what: "头数",
    what_en: "head count",
};
/// Head counts that may be zero (none failed, none disposed).
pub const HEADS_OR_NONE: Bound = Bound {
    min: 0,
    max: 100_000,
    what: "头数",
    what_en: "head count",
};

/// Every bound, by the name the OpenAPI document and `docs/` give it.
pub const BOUNDS: &[(&str, Bound)] = &[
    ("Grams", WEIGHT_G),
    ("LinePriceFen", LINE_PRICE_FEN),
    ("UnitPriceFen", UNIT_PRICE_FEN),
    ("AmountFen", AMOUNT_FEN),
    ("Heads", HEADS),
    ("HeadsOrNone", HEADS_OR_NONE),
];

/// Carries a refusal through serde's error type: `serde::de::Error::custom` takes only text, so the refusal
/// travels as a marked text and [`from_message`] turns it back.
const MARK: &str = "\u{1}niuyang-refusal\u{1}";

/// A refusal as a serde error.
pub fn to_serde<E: de::Error>(r: Refusal) -> E {
    let args: Vec<(String, String)> = r
        .args()
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let text = serde_json::json!({ "code": r.code, "args": args }).to_string();
    E::custom(format!("{MARK}{text}{MARK}"))
}

/// The refusal a serde error message carries, if it carries one.
pub fn from_message(message: &str) -> Option<Refusal> {
    let start = message.find(MARK)? + MARK.len();
    let end = start + message[start..].find(MARK)?;
    let v: serde_json::Value = serde_json::from_str(&message[start..end]).ok()?;
    let code: Code = v.get("code")?.as_str()?.parse().ok()?;
    let args: Vec<(String, String)> = serde_json::from_value(v.get("args")?.clone()).ok()?;
    Some(
        args.into_iter()
            .fold(Refusal::of(code), |r, (k, v)| r.with_owned(k, v)),
    )
}

/// A whole number from JSON: an integer, or a number with no fraction (`221893.0`), as JSON Schema's
/// `integer` allows.
struct Whole;

impl Visitor<'_> for Whole {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("the number is too large"))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            #[allow(clippy::cast_possible_truncation)]
            Ok(v as i64)
        } else {
            Err(E::invalid_type(de::Unexpected::Float(v), &self))
        }
    }
}

/// Refusal for a number out of its bound.
fn out_of(bound: Bound, code: Code) -> Refusal {
    Refusal::of(code)
        .with("what", bound.what)
        .with("what_en", bound.what_en)
        .with("min", bound.min)
        .with("max", bound.max)
}

macro_rules! whole_number {
    ($(#[$doc:meta])* $name:ident, $bound:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The bound this value is checked against.
            pub const BOUND: Bound = $bound;

            /// The value, if it is within its bound.
            pub fn new(v: i64) -> Result<Self, Refusal> {
                if (Self::BOUND.min..=Self::BOUND.max).contains(&v) {
                    Ok($name(v))
                } else {
                    Err(out_of(Self::BOUND, Code::OutOfRange))
                }
            }

            /// The number.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = d.deserialize_any(Whole)?;
                $name::new(v).map_err(to_serde)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::Integer))
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                    .minimum(Some(Self::BOUND.min as f64))
                    .maximum(Some(Self::BOUND.max as f64))
                    .description(Some(format!("{} {}", Self::BOUND.what, Self::BOUND.what_en)))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

whole_number!(
    /// A weight in grams.
    Grams,
    WEIGHT_G
);
whole_number!(
    /// A receipt line's price in fen.
    LinePriceFen,
    LINE_PRICE_FEN
);
whole_number!(
    /// A unit price in fen.
    UnitPriceFen,
    UNIT_PRICE_FEN
);
whole_number!(
    /// A fee or fine in fen.
    AmountFen,
    AMOUNT_FEN
);
whole_number!(
    /// A number of heads, at least 1.
    Heads,
    HEADS
);
whole_number!(
    /// A number of heads, possibly 0.
    HeadsOrNone,
    HEADS_OR_NONE
);

/// Sums of money or weight never wrap: `None` past `i64::MAX`.
pub fn checked_total(values: impl IntoIterator<Item = i64>) -> Option<i64> {
    values.into_iter().try_fold(0i64, i64::checked_add)
}

/// Is this character refused in any text: control characters other than newline and tab (NUL among them).
fn is_refused_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Bidirectional overrides and isolates: they make a name read differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Checks a text: trimmed, at most `max` characters, no control characters but newline and tab, and for a
/// name (`single_line`) no newline, tab or bidirectional control either.
pub fn check_text(raw: &str, max: usize, single_line: bool) -> Result<String, Refusal> {
    let t = raw.trim();
    if let Some(c) = t
        .chars()
        .find(|&c| is_refused_control(c) || (single_line && (c.is_control() || is_bidi_control(c))))
    {
        return Err(Refusal::of(Code::ControlCharacter).with("char", format!("U+{:04X}", c as u32)));
    }
    let n = t.chars().count();
    if n == 0 {
        return Err(Refusal::of(Code::TextEmpty));
    }
    if n > max {
        return Err(Refusal::of(Code::TextTooLong).with("max", max));
    }
    Ok(t.to_string())
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $single_line:expr, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name<const MAX: usize>(String);

        impl<const MAX: usize> $name<MAX> {
            /// The text, checked.
            pub fn new(raw: &str) -> Result<Self, Refusal> {
                check_text(raw, MAX, $single_line).map($name)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl<const MAX: usize> std::ops::Deref for $name<MAX> {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl<'de, const MAX: usize> Deserialize<'de> for $name<MAX> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = Cow::<str>::deserialize(d)?;
                $name::new(&s).map_err(to_serde)
            }
        }

        impl<const MAX: usize> utoipa::PartialSchema for $name<MAX> {
            fn schema() -> RefOr<Schema> {
                // `check_text`: no control character (C0, DEL, C1) but newline and tab in a text, none at all
                // and no bidirectional control in a line; the one visible character is none of them either.
                let pattern = if $single_line {
                    r"^[^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*[^\s\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069][^\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"
                } else {
                    r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
                };
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .min_length(Some(1))
                    .max_length(Some(MAX))
                    .pattern(Some(pattern))
                    .description(Some(format!(
                        "{}，1 至 {MAX} 个字符 · {}, 1 to {MAX} characters",
                        if $single_line { "单行文字" } else { "文字" },
                        $kind
                    )))
                    .into()
            }
        }

        impl<const MAX: usize> utoipa::ToSchema for $name<MAX> {
            fn name() -> Cow<'static, str> {
                Cow::Owned(format!("{}{MAX}", stringify!($name)))
            }
        }
    };
}

text_type!(
    /// A text of one line (a name, a number, an address): 1 to `MAX` characters once trimmed, no control
    /// characters and no bidirectional overrides.
    Line,
    true,
    "one line of text"
);
text_type!(
    /// A text that may have several lines (a description, a note): 1 to `MAX` characters once trimmed, no
    /// control characters but newline and tab.
    Text,
    false,
    "text"
);

/// A day that is not after today in China.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct PastDate(NaiveDate);

impl PastDate {
    /// The day, if it is not after today (China time).
    pub fn new(day: NaiveDate) -> Result<Self, Refusal> {
        let today = crate::time::china_date(crate::time::now());
        if day > today {
            return Err(Refusal::of(Code::DateInFuture).with("day", day));
        }
        Ok(PastDate(day))
    }

    /// The day.
    pub fn get(self) -> NaiveDate {
        self.0
    }
}

impl<'de> Deserialize<'de> for PastDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let day = NaiveDate::deserialize(d)?;
        PastDate::new(day).map_err(to_serde)
    }
}

impl utoipa::PartialSchema for PastDate {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("不晚于今天（北京时间）· not after today (China time)"))
            .into()
    }
}

impl utoipa::ToSchema for PastDate {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PastDate")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, Refusal> {
        serde_json::from_str(json).map_err(|e| {
            from_message(&e.to_string()).unwrap_or_else(|| Refusal::of(Code::InvalidBody))
        })
    }

    #[test]
    fn whole_numbers_are_bounded_and_may_be_written_with_a_zero_fraction() {
        assert_eq!(body::<Grams>("221893.0").map(Grams::get), Ok(221_893));
        assert_eq!(body::<Grams>("1").map(Grams::get), Ok(1));
        assert_eq!(
            body::<Grams>("0").map_err(|r| r.code),
            Err(Code::OutOfRange)
        );
        assert_eq!(
            body::<LinePriceFen>("9223372036854775807").map_err(|r| r.code),
            Err(Code::OutOfRange)
        );
        assert!(body::<Grams>("1.5").is_err());
        let r = body::<Heads>("0").err();
        assert_eq!(
            r.map(|r| r.detail().1),
            Some("head count must be from 1 to 100000".to_string())
        );
    }

    #[test]
    fn texts_refuse_control_characters_and_names_refuse_bidi_overrides() {
        assert_eq!(
            body::<Text<10>>("\"  a\\nb \"").map(|t| t.into_string()),
            Ok("a\nb".into())
        );
        assert_eq!(
            body::<Text<10>>("\"a\\u0000\"").map_err(|r| r.code),
            Err(Code::ControlCharacter)
        );
        assert_eq!(
            body::<Line<10>>("\"a\\nb\"").map_err(|r| r.code),
            Err(Code::ControlCharacter)
        );
        assert_eq!(
            body::<Line<20>>("\"abc\\u202egpj.exe\"").map_err(|r| r.code),
            Err(Code::ControlCharacter)
        );
        assert_eq!(
            body::<Line<3>>("\"abcd\"").map_err(|r| r.code),
            Err(Code::TextTooLong)
        );
        assert_eq!(
            body::<Line<3>>("\"   \"").map_err(|r| r.code),
            Err(Code::TextEmpty)
        );
    }

    #[test]
    fn totals_do_not_wrap() {
        assert_eq!(checked_total([i64::MAX, 1]), None);
        assert_eq!(checked_total([2, 3]), Some(5));
    }
}
