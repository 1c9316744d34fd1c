//! Identifiers checked once, at the edge: the national ear tag (耳标号), the GTIN (商品条码) and the lot trace
//! code (追溯码). A request body that holds one deserializes into these types, so a bad value is refused while
//! the body is read, with the identifier's own code and the field's path, and a use case never sees one.
//! Each has its pattern in the OpenAPI document.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, Error as _};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::input::to_serde;
use crate::lots::trace_code::{self, TraceCodeError};
use crate::refusal::{Code, Refusal};

/// Longest input looked at: anything longer is refused before it is parsed.
const MAX_INPUT: usize = 200;

/// A national livestock ear tag: 15 ASCII digits (the first the species, 2 cattle and 3 sheep, then a 6-digit
/// county code and an 8-digit serial). Surrounding spaces are dropped. Whether its species digit matches the
/// animals is the certificate's rule (`certificates::domain`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct EarTag(String);

impl EarTag {
    /// The tag, if it is one.
    pub fn parse(raw: &str) -> Result<EarTag, Refusal> {
        let tag = raw.trim();
        if tag.len() == 15 && tag.bytes().all(|b| b.is_ascii_digit()) {
            Ok(EarTag(tag.to_string()))
        } else {
            Err(Refusal::of(Code::InvalidEarTag).with("tag", shown(raw)))
        }
    }

    /// The 15 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A GTIN-8, -12, -13 or -14 (GS1 General Specifications §7.9) with a correct check digit. Surrounding spaces
/// are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Gtin(String);

impl Gtin {
    /// The GTIN, if it is one.
    pub fn parse(raw: &str) -> Result<Gtin, Refusal> {
        let g = raw.trim();
        if valid_gtin(g) {
            Ok(Gtin(g.to_string()))
        } else {
            Err(Refusal::of(Code::InvalidGtin).with("g", shown(raw)))
        }
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

/// Whether `gtin` is 8, 12, 13 or 14 ASCII digits whose last is the GS1 check digit of the others (weights 3
/// and 1 alternating from the right).
pub fn valid_gtin(gtin: &str) -> bool {
    if !matches!(gtin.len(), 8 | 12 | 13 | 14) || !gtin.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = gtin.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == check[0]
}

/// A lot's trace code in canonical form (12 characters, check character correct), read as printed, typed or
/// scanned: spaces, hyphens and full-width forms are accepted (`lots::trace_code`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TraceCode(String);

impl TraceCode {
    /// The code, if it is one: `mistyped_code` when only its check character fails, else `invalid_code`
    /// with the reason.
    pub fn parse(raw: &str) -> Result<TraceCode, Refusal> {
        if raw.len() > MAX_INPUT {
            return Err(invalid_code(TraceCodeError::Length));
        }
        trace_code::parse(raw).map(TraceCode).map_err(|e| match e {
            TraceCodeError::Check => Refusal::of(Code::MistypedCode),
            other => invalid_code(other),
        })
    }

    /// The canonical code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn invalid_code(e: TraceCodeError) -> Refusal {
    let (zh, en) = e.message();
    Refusal::of(Code::InvalidCode)
        .with("reason", zh)
        .with("reason_en", en)
}

/// A value as it may be shown back in a refusal: at most 40 characters, control characters replaced.
fn shown(raw: &str) -> String {
    let mut out: String = raw
        .chars()
        .take(40)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if raw.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Reads a string of at most [`MAX_INPUT`] bytes for `parse`.
fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    parse: fn(&str) -> Result<T, Refusal>,
) -> Result<T, D::Error> {
    let raw = Cow::<str>::deserialize(d)?;
    if raw.len() > MAX_INPUT {
        return Err(D::Error::custom(format!(
            "the value is longer than {MAX_INPUT} bytes"
        )));
    }
    parse(&raw).map_err(to_serde)
}

/// For `Option<Gtin>` fields where a blank string means none: `#[serde(default, deserialize_with =
/// "crate::identifiers::blank_is_none")]`.
pub fn blank_is_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Gtin>, D::Error> {
    match Option::<Cow<str>>::deserialize(d)? {
        Some(s) if !s.trim().is_empty() => {
            if s.len() > MAX_INPUT {
                return Err(D::Error::custom(format!(
                    "the value is longer than {MAX_INPUT} bytes"
                )));
            }
            Gtin::parse(&s).map(Some).map_err(to_serde)
        }
        _ => Ok(None),
    }
}

macro_rules! identifier {
    ($name:ident, $pattern:literal, $words:literal) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                read(d, $name::parse)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .pattern(Some($pattern))
                    .max_length(Some(MAX_INPUT))
                    .description(Some($words))
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

identifier!(
    EarTag,
    r"^\s*[0-9]{15}\s*$",
    "耳标号：15 位数字，首位为畜种（牛 2，羊 3）· ear tag: 15 digits, the first the species (2 cattle, 3 sheep)"
);
identifier!(
    Gtin,
    r"^\s*([0-9]{8}|[0-9]{12,14})\s*$",
    "GTIN-8/12/13/14，校验位须正确 · a GTIN-8, -12, -13 or -14 with a correct check digit"
);
identifier!(
    TraceCode,
    r"^[0-9A-Za-z\s\-‐-―−０-９Ａ-Ｚａ-ｚ]+$",
    "追溯码：12 位（可含空格和连字符）· trace code: 12 characters (spaces and hyphens allowed)"
);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use proptest::prelude::*;

    /// Strings a scanner, a paste or an attacker might send: digits of other scripts, full-width forms, NULs,
    /// bidi overrides, combining marks, very long runs.
    fn adversarial() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[0-9]{0,20}",
            "[0-9A-Za-z \\-]{0,30}",
            prop::collection::vec(
                prop_oneof![
                    Just('\0'),
                    Just('\u{202E}'),
                    Just('\u{0301}'),
                    Just('٣'),
                    Just('３'),
                    Just('Ａ'),
                    Just('-'),
                    Just(' '),
                    Just('\n'),
                    prop::char::range('0', '9'),
                ],
                0..40
            )
            .prop_map(|v| v.into_iter().collect()),
            "[0-9]{1000,3000}",
        ]
    }

    fn json_of(s: &str) -> String {
        serde_json::to_string(s).unwrap()
    }

    proptest! {
        #[test]
        fn ear_tags_parse_or_refuse_cleanly(s in adversarial()) {
            match EarTag::parse(&s) {
                Ok(t) => {
                    prop_assert_eq!(t.as_str().len(), 15);
                    prop_assert_eq!(EarTag::parse(t.as_str()).unwrap(), t.clone());
                }
                Err(r) => prop_assert_eq!(r.code, Code::InvalidEarTag),
            }
            // Through serde too: the refusal travels in the error, never a panic.
            let from_json = serde_json::from_str::<EarTag>(&json_of(&s));
            if s.len() <= MAX_INPUT {
                prop_assert_eq!(from_json.is_ok(), EarTag::parse(&s).is_ok());
            } else {
                prop_assert!(from_json.is_err());
            }
        }

        #[test]
        fn gtins_parse_or_refuse_cleanly(s in adversarial()) {
            match Gtin::parse(&s) {
                Ok(g) => {
                    prop_assert!(valid_gtin(g.as_str()));
                    prop_assert_eq!(Gtin::parse(g.as_str()).unwrap(), g);
                }
                Err(r) => prop_assert_eq!(r.code, Code::InvalidGtin),
            }
            let _ = serde_json::from_str::<Gtin>(&json_of(&s));
        }

        /// Every single-digit error in a valid GTIN is caught.
        #[test]
        fn a_changed_digit_of_a_gtin_is_caught(body in "[0-9]{12}", at in 0usize..13, to in 0u8..10) {
            let check = (0..10u8).map(|d| format!("{body}{d}")).find(|g| valid_gtin(g)).unwrap();
            let mut bytes = check.clone().into_bytes();
            let new = b'0' + to;
            prop_assume!(bytes[at] != new);
            bytes[at] = new;
            prop_assert!(!valid_gtin(&String::from_utf8(bytes).unwrap()));
        }

        #[test]
        fn trace_codes_parse_or_refuse_cleanly(s in adversarial()) {
            match TraceCode::parse(&s) {
                Ok(c) => {
                    prop_assert_eq!(c.as_str().len(), trace_code::CODE_LEN);
                    prop_assert_eq!(TraceCode::parse(&trace_code::display(c.as_str())).unwrap(), c);
                }
                Err(r) => prop_assert!(matches!(r.code, Code::InvalidCode | Code::MistypedCode)),
            }
            let _ = serde_json::from_str::<TraceCode>(&json_of(&s));
        }

        #[test]
        fn generated_trace_codes_parse_in_every_spelling(_n in 0..200u32, lower in any::<bool>()) {
            let code = trace_code::generate();
            let shown = trace_code::display(&code);
            let typed = if lower { shown.to_lowercase() } else { shown.replace('-', " ") };
            let parsed = TraceCode::parse(&typed).unwrap();
            prop_assert_eq!(parsed.as_str(), code.as_str());
        }

        /// The credit code parser of the slaughterhouse registry takes anything without panicking.
        #[test]
        fn credit_codes_parse_or_refuse_cleanly(s in adversarial()) {
            if crate::slaughterhouses::uscc::validate(&s).is_ok() {
                prop_assert_eq!(s.chars().count(), 18);
                let first17: String = s.chars().take(17).collect();
                prop_assert_eq!(
                    crate::slaughterhouses::uscc::check_character(&first17),
                    s.chars().last()
                );
            }
        }
    }

    #[test]
    fn known_values() {
        assert!(Gtin::parse("6901234567892").is_ok());
        assert!(valid_gtin("06901234567892"));
        assert!(!valid_gtin("690123456789"));
        assert!(!valid_gtin("69012345678A2"));
        assert!(Gtin::parse(" 96385074 ").is_ok());
        assert_eq!(
            Gtin::parse("6901234567893").unwrap_err().code,
            Code::InvalidGtin
        );
        assert_eq!(
            EarTag::parse("2440100000001").unwrap_err().code,
            Code::InvalidEarTag
        );
        assert_eq!(
            EarTag::parse("２44010000000001").unwrap_err().code,
            Code::InvalidEarTag
        );
        assert!(EarTag::parse(" 244010000000001 ").is_ok());
        let shown = EarTag::parse("a\0b").unwrap_err();
        assert!(!format!("{:?}", shown.args()).contains('\0'));
        let err = serde_json::from_str::<Gtin>("\"12\"")
            .unwrap_err()
            .to_string();
        let refusal = crate::input::from_message(&err).expect("a refusal in the error");
        assert_eq!(refusal.code, Code::InvalidGtin);
        assert!(
            serde_json::from_str::<Gtin>("6901234567892").is_err(),
            "a number is no GTIN"
        );
    }
}
