//! The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
//! alphabet (digits and capitals without I, O, S, V, Z), the 18th a check character computed from the first
//! 17 with weights 3^(i) mod 31.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer};
use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::refusal::{Code, Refusal};

/// The code alphabet; a character's value is its position.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1 to 17.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a code is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    /// Not 18 characters.
    Length,
    /// A character outside the alphabet (I, O, S, V, Z, lower case, ...), at this position (1-based).
    Character(usize),
    /// Positions 3 to 8 (the administrative division code) must be digits.
    Division,
    /// The check character does not match.
    Check,
}

impl UsccError {
    /// Explanation in Chinese and English.
    pub fn message(self) -> (String, String) {
        match self {
            UsccError::Length => (
                "统一社会信用代码须为 18 位".into(),
                "a unified social credit code has 18 characters".into(),
            ),
            UsccError::Character(i) => (
                format!("统一社会信用代码第 {i} 位不是有效字符（不使用 I、O、S、V、Z）"),
                format!("character {i} of the unified social credit code is not allowed (I, O, S, V, Z are never used)"),
            ),
            UsccError::Division => (
                "统一社会信用代码第 3 至 8 位（登记管理机关行政区划码）须为数字".into(),
                "characters 3 to 8 (the administrative division code) must be digits".into(),
            ),
            UsccError::Check => (
                "统一社会信用代码校验位不正确，请核对".into(),
                "the check character of the unified social credit code is wrong; check the code".into(),
            ),
        }
    }
}

fn value(c: char) -> Option<u32> {
    ALPHABET.find(c).map(|i| i as u32)
}

/// The check character for the first 17 characters, if they are all in the alphabet.
pub fn check_character(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(check as usize)
}

/// Validate a code (upper-case it first if you accept lower case).
pub fn validate(code: &str) -> Result<(), UsccError> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(UsccError::Length);
    }
    for (i, c) in chars.iter().enumerate() {
        if value(*c).is_none() {
            return Err(UsccError::Character(i + 1));
        }
    }
    if !chars[2..8].iter().all(|c| c.is_ascii_digit()) {
        return Err(UsccError::Division);
    }
    let first17: String = chars[..17].iter().collect();
    if check_character(&first17) != Some(chars[17]) {
        return Err(UsccError::Check);
    }
    Ok(())
}

/// A unified social credit code as a request field: surrounding spaces dropped, upper-cased, checked (length,
/// alphabet, division code, check character) while the body is read, so a bad one is refused as
/// `invalid_uscc` naming its field before anything else is looked at.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Uscc(String);

impl Uscc {
    /// The code, trimmed and upper-cased, if it is valid; else `invalid_uscc` with the reason.
    pub fn parse(raw: &str) -> Result<Uscc, Refusal> {
        let code = raw.trim().to_uppercase();
        validate(&code).map_err(|e| {
            let (zh, en) = e.message();
            Refusal::of(Code::InvalidUscc)
                .with("reason", zh)
                .with("reason_en", en)
        })?;
        Ok(Uscc(code))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        Uscc::parse(&s).map_err(crate::input::to_serde)
    }
}

/// The code's characters in either case (it is upper-cased before it is checked).
const CHAR: &str = "[0-9A-HJ-NP-RTUW-Ya-hj-np-rtuw-y]";

impl utoipa::PartialSchema for Uscc {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .min_length(Some(18))
            .pattern(Some(format!(r"^\s*{CHAR}{{2}}[0-9]{{6}}{CHAR}{{10}}\s*$")))
            .description(Some(
                "统一社会信用代码（GB 32100-2015，18 位，末位为校验位）· unified social credit code \
                 (GB 32100-2015: 18 characters, the last a check character)",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Uscc {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Uscc")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_pass() {
        // The example code of GB 32100-2015.
        assert_eq!(validate("91350100M000100Y43"), Ok(()));
        // Check characters computed independently from the standard's weights.
        assert_eq!(check_character("91440101MA5CXYA01"), Some('Q'));
        assert_eq!(check_character("91440111190454132"), Some('W'));
        assert_eq!(check_character("91440113MA59B0L07"), Some('L'));
        assert_eq!(validate("91440113MA59B0L07L"), Ok(()));
    }

    #[test]
    fn errors_are_told_apart() {
        assert_eq!(validate("91350100M000100Y4"), Err(UsccError::Length));
        assert_eq!(validate("91350100M000100Y44"), Err(UsccError::Check));
        assert_eq!(
            validate("91350100M0001O0Y43"),
            Err(UsccError::Character(14))
        );
        assert_eq!(validate("913501A0M000100Y43"), Err(UsccError::Division));
        assert_eq!(validate("91350100m000100Y43"), Err(UsccError::Character(9)));
    }

    #[test]
    fn a_request_field_is_trimmed_upper_cased_and_refused_with_its_reason() {
        let ok: Result<Uscc, _> = serde_json::from_str("\" 91350100m000100y43 \"");
        assert_eq!(
            ok.ok().map(Uscc::into_string),
            Some("91350100M000100Y43".into())
        );
        let bad = serde_json::from_str::<Uscc>("\"91350100M000100Y44\"")
            .err()
            .and_then(|e| crate::input::from_message(&e.to_string()));
        assert_eq!(bad.as_ref().map(|r| r.code), Some(Code::InvalidUscc));
        assert!(bad.is_some_and(|r| r.detail().0.contains("校验位")));
    }

    #[test]
    fn every_single_substitution_of_a_valid_code_fails() {
        let code = "91350100M000100Y43";
        let chars: Vec<char> = code.chars().collect();
        for i in 0..18 {
            for c in ALPHABET.chars() {
                if c == chars[i] {
                    continue;
                }
                let mut v = chars.clone();
                v[i] = c;
                let s: String = v.iter().collect();
                assert!(validate(&s).is_err(), "{s} should fail");
            }
        }
    }
}
