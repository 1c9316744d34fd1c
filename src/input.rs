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

/// Characters a phone number may be written with between its digits: spaces, hyphens and parentheses.
fn is_phone_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '(' | ')')
}

/// A telephone number in mainland China, checked at the edge and kept in one form: its digits only.
///
/// It is one of:
/// - a **mobile** number: 11 digits, `1`, then `3` to `9`, then 9 more (`13812345678`), optionally preceded
///   by the country code `+86` or `0086`;
/// - a **landline** with its area code: `0`, an area code of 2 or 3 more digits not starting with `0` (`20`
///   Guangzhou, `755` Shenzhen), then a local number of 7 or 8 digits not starting with `0` or `1`
///   (`02083123456`, `075523456789`): 10 to 12 digits in all.
///
/// The digits may be written with spaces, hyphens and parentheses anywhere among them (`138-1234-5678`,
/// `(020) 8312 3456`, `+86 138 1234 5678`); those and the country code are dropped. Nothing else is
/// accepted: no letters, no extension, no other country. [`PHONE_PATTERN`] says the same as a regular
/// expression (the OpenAPI schema's `pattern`; a property test checks that both agree).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

/// [`Phone`] as a regular expression over the text as written.
pub const PHONE_PATTERN: &str = concat!(
    r"^[ ()-]*(?:(?:\+|00)86[ ()-]*1[ ()-]*[3-9](?:[ ()-]*[0-9]){9}",
    r"|1[ ()-]*[3-9](?:[ ()-]*[0-9]){9}",
    r"|0[ ()-]*[1-9](?:[ ()-]*[0-9]){1,2}[ ()-]*[2-9](?:[ ()-]*[0-9]){6,7})[ ()-]*$"
);

impl Phone {
    /// The number, if it is a mainland mobile or landline number as described on [`Phone`].
    pub fn new(raw: &str) -> Result<Self, Refusal> {
        let invalid = || Refusal::of(Code::InvalidPhone);
        let body = raw.trim_start_matches(is_phone_separator);
        let (international, rest) = match body
            .strip_prefix("+86")
            .or_else(|| body.strip_prefix("0086"))
        {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        if rest
            .chars()
            .any(|c| !(c.is_ascii_digit() || is_phone_separator(c)))
        {
            return Err(invalid());
        }
        let d: Vec<u8> = rest.bytes().filter(u8::is_ascii_digit).collect();
        let mobile = d.len() == 11 && d[0] == b'1' && (b'3'..=b'9').contains(&d[1]);
        let landline = !international
            && d.len() >= 2
            && d[0] == b'0'
            && d[1] != b'0'
            && [2usize, 3].iter().any(|&area| {
                let local = d.get(1 + area..).unwrap_or(&[]);
                (7..=8).contains(&local.len()) && (b'2'..=b'9').contains(&local[0])
            });
        if !(mobile || landline) {
            return Err(invalid());
        }
        Ok(Phone(d.into_iter().map(char::from).collect()))
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        Phone::new(&s).map_err(to_serde)
    }
}

impl utoipa::PartialSchema for Phone {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .pattern(Some(PHONE_PATTERN))
            .description(Some(
                "中国大陆手机号（11 位，1 开头、第二位 3 至 9，可加 +86）或带区号的固定电话（0 + 2 至 3 位区号 + 7 至 8 位号码）；\
                 数字间可有空格、连字符、括号，保存为纯数字 · a mainland mobile number (11 digits, 1 then 3 to 9; +86 \
                 allowed) or a landline with its area code (0, 2 or 3 digits, then 7 or 8); spaces, hyphens and \
                 parentheses between digits are dropped, the digits kept",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Phone {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Phone")
    }
}

/// For an optional field of an edge type read from a string (`#[serde(default, deserialize_with =
/// "crate::input::blank_as_none")]`): absent, `null` or only white space is `None`, as a form's empty field
/// is; anything else must be a valid value.
pub fn blank_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    use serde::de::IntoDeserializer;
    match Option::<String>::deserialize(d)? {
        Some(s) if !s.trim().is_empty() => {
            let de: de::value::StringDeserializer<D::Error> = s.into_deserializer();
            T::deserialize(de).map(Some)
        }
        _ => Ok(None),
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
    #[test]
    fn phones_are_mainland_mobiles_or_landlines_with_their_area_code() {
        let ok = |s: &str| Phone::new(s).map(Phone::into_string);
        assert_eq!(ok(" 138-1234 1234 "), Ok("13812341234".into()));
        assert_eq!(ok("+86 138 1234 1234"), Ok("13812341234".into()));
        assert_eq!(ok("0086-13812341234"), Ok("13812341234".into()));
        assert_eq!(ok("(020) 8312 3456"), Ok("02083123456".into()));
        assert_eq!(ok("0755-2345-6789"), Ok("075523456789".into()));
        assert_eq!(ok("0769-2345678"), Ok("07692345678".into()));
        for bad in [
            "call me",
            "",
            "12345",
            "12812341234",
            "1381234123",
            "138123412345",
            "+86 020 83123456",
            "83123456",
            "020-1312345",
            "00-83123456",
            "+1 212 555 0100",
            "138１2341234",
            "13812341234 ext 1",
            "+ 86 13812341234",
            "\t13812341234",
        ] {
            assert_eq!(
                ok(bad).map_err(|r| r.code),
                Err(Code::InvalidPhone),
                "{bad:?}"
            );
        }
    }

    /// Does the OpenAPI schema's pattern accept `s`?
    fn pattern_accepts(s: &str) -> bool {
        let schema = serde_json::json!({"type": "string", "pattern": PHONE_PATTERN});
        jsonschema::is_valid(&schema, &serde_json::json!(s))
    }

    fn phone_like() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(r"[+]?[0-9 ()-]{0,18}").unwrap_or_else(|e| panic!("{e}"))
    }

    /// A valid number, written with random separators and prefix.
    fn valid_phone() -> impl proptest::strategy::Strategy<Value = (String, String)> {
        use proptest::prelude::*;
        let mobile = "1[3-9][0-9]{9}";
        let landline = "0[1-9][0-9]{1,2}[2-9][0-9]{6,7}";
        (
            prop_oneof![
                proptest::string::string_regex(mobile).unwrap_or_else(|e| panic!("{e}")),
                proptest::string::string_regex(landline).unwrap_or_else(|e| panic!("{e}")),
            ],
            proptest::collection::vec(
                prop_oneof![Just(""), Just(" "), Just("-"), Just("("), Just(")")],
                13,
            ),
            prop_oneof![Just(""), Just("+86"), Just("0086 ")],
        )
            .prop_map(|(digits, seps, prefix)| {
                let prefix = if digits.starts_with('1') { prefix } else { "" };
                let written: String = digits
                    .chars()
                    .zip(seps.iter())
                    .map(|(c, s)| format!("{c}{s}"))
                    .collect();
                (format!("{prefix}{written}"), digits)
            })
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_refused_cleanly_or_parsed_into_digits_that_parse_again(s in "(?s).{0,30}") {
            if let Ok(p) = Phone::new(&s) {
                proptest::prop_assert!(p.as_str().bytes().all(|b| b.is_ascii_digit()));
                proptest::prop_assert_eq!(Phone::new(p.as_str()), Ok(p.clone()));
            }
        }

        #[test]
        fn the_parser_accepts_exactly_what_the_schema_pattern_accepts(s in phone_like()) {
            let parsed = Phone::new(&s);
            proptest::prop_assert_eq!(parsed.is_ok(), pattern_accepts(&s), "{:?}", s);
            if let Ok(p) = parsed {
                proptest::prop_assert_eq!(Phone::new(p.as_str()), Ok(p.clone()));
            }
        }

        #[test]
        fn a_valid_number_however_written_reads_as_its_digits((written, digits) in valid_phone()) {
            proptest::prop_assert_eq!(Phone::new(&written).map(Phone::into_string), Ok(digits.clone()));
            proptest::prop_assert!(pattern_accepts(&written), "{:?}", written);
        }
    }
}
