//! The fields of a complaint that only complaints take, checked once at the edge: the 12345 work-order number
//! and the trace code a reporter copied from a label. (A phone number is `crate::input::Phone`, a description
//! `crate::input::Text`.)

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::input::to_serde;
use crate::refusal::{Code, Refusal};

/// Longest work-order number, in characters.
pub const WORK_ORDER_MAX: usize = 40;

/// [`WorkOrderNo`] as a regular expression (the OpenAPI schema's `pattern`).
pub const WORK_ORDER_PATTERN: &str = r"^ *[A-Za-z0-9][A-Za-z0-9._/-]{0,39} *$";

/// The 12345 hotline's work-order number (工单号), as the hotline's own system gives it
/// (`GZ12345-20261128-0001`): surrounding spaces dropped, then 1 to 40 ASCII letters, digits, `-`, `_`, `.`
/// or `/`, starting with a letter or a digit. Kept as written (letters keep their case). A number entered
/// twice is refused by the database's unique key, answered as `work_order_no_taken`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct WorkOrderNo(String);

impl WorkOrderNo {
    /// The number, if it is one.
    pub fn new(raw: &str) -> Result<Self, Refusal> {
        let t = raw.trim_matches(' ');
        let mut chars = t.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok =
            chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        if !first_ok || !rest_ok || t.len() > WORK_ORDER_MAX {
            return Err(Refusal::of(Code::InvalidWorkOrderNo));
        }
        Ok(WorkOrderNo(t.to_string()))
    }

    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl<'de> Deserialize<'de> for WorkOrderNo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        WorkOrderNo::new(&s).map_err(to_serde)
    }
}

impl utoipa::PartialSchema for WorkOrderNo {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .pattern(Some(WORK_ORDER_PATTERN))
            .description(Some(
                "12345 工单号：1 至 40 个字母、数字或 - _ . /，以字母或数字开头 · the 12345 work-order number: \
                 1 to 40 letters, digits or - _ . /, starting with a letter or digit",
            ))
            .into()
    }
}

impl utoipa::ToSchema for WorkOrderNo {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("WorkOrderNo")
    }
}

/// A trace code as a reporter copied it from a label: spaces, hyphens and full-width forms allowed
/// (`crate::lots::trace_code::parse`), kept in canonical form. It need not be a code the service issued (a
/// counterfeit label is worth reporting), but it must pass its check character, else `mistyped_code`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ReportedCode(String);

impl ReportedCode {
    /// The code in canonical form, if it is well formed.
    pub fn new(raw: &str) -> Result<Self, Refusal> {
        crate::lots::trace_code::parse(raw)
            .map(ReportedCode)
            .map_err(|_| Refusal::of(Code::MistypedCode))
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

impl<'de> Deserialize<'de> for ReportedCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<str>::deserialize(d)?;
        ReportedCode::new(&s).map_err(to_serde)
    }
}

impl utoipa::PartialSchema for ReportedCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .description(Some(
                "标签上的追溯码：12 位（可有空格、连字符），须通过校验位 · the label's trace code: 12 characters \
                 (spaces and hyphens allowed), passing its check character",
            ))
            .into()
    }
}

impl utoipa::ToSchema for ReportedCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ReportedCode")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pattern_accepts(s: &str) -> bool {
        let schema = serde_json::json!({"type": "string", "pattern": WORK_ORDER_PATTERN});
        jsonschema::is_valid(&schema, &serde_json::json!(s))
    }

    #[test]
    fn work_order_numbers() {
        for ok in ["GZ12345-20261128-0001", " W1 ", "W-M-hotline.01", "a/b_c"] {
            assert_eq!(
                WorkOrderNo::new(ok).map(WorkOrderNo::into_string),
                Ok(ok.trim().to_string())
            );
        }
        for bad in [
            "",
            "   ",
            "-W1",
            "W 1",
            "W1\u{0}",
            "工单1",
            "W\n1",
            &"W".repeat(41),
        ] {
            assert_eq!(
                WorkOrderNo::new(bad).map_err(|r| r.code),
                Err(Code::InvalidWorkOrderNo),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn reported_codes_pass_their_check() {
        let code = crate::lots::trace_code::generate();
        let spaced = crate::lots::trace_code::display(&code).to_lowercase();
        assert_eq!(
            ReportedCode::new(&spaced).map(ReportedCode::into_string),
            Ok(code.clone())
        );
        let mut typo: Vec<char> = code.chars().collect();
        typo[3] = if typo[3] == '1' { '2' } else { '1' };
        let typo: String = typo.into_iter().collect();
        assert_eq!(
            ReportedCode::new(&typo).map_err(|r| r.code),
            Err(Code::MistypedCode)
        );
    }

    proptest! {
        #[test]
        fn any_text_is_a_clean_refusal_or_a_work_order_that_reads_again(s in "(?s).{0,50}") {
            if let Ok(w) = WorkOrderNo::new(&s) {
                prop_assert_eq!(WorkOrderNo::new(w.as_str()), Ok(w.clone()));
            }
        }

        #[test]
        fn the_work_order_parser_accepts_what_its_pattern_accepts(s in "[ A-Za-z0-9._/+-]{0,44}") {
            let parsed = WorkOrderNo::new(&s);
            prop_assert_eq!(parsed.is_ok(), pattern_accepts(&s), "{:?}", s);
            if let Ok(w) = parsed {
                prop_assert_eq!(WorkOrderNo::new(w.as_str()), Ok(w.clone()));
            }
        }

        #[test]
        fn any_text_is_a_clean_refusal_or_a_trace_code_that_reads_again(s in "(?s).{0,20}") {
            if let Ok(c) = ReportedCode::new(&s) {
                prop_assert_eq!(c.as_str().chars().count(), crate::lots::trace_code::CODE_LEN);
                prop_assert_eq!(ReportedCode::new(c.as_str()), Ok(c.clone()));
            }
        }

        #[test]
        fn codes_near_the_alphabet_are_a_clean_refusal_or_read_again(s in "[0-9A-Za-z -]{10,16}") {
            if let Ok(c) = ReportedCode::new(&s) {
                prop_assert_eq!(ReportedCode::new(c.as_str()), Ok(c.clone()));
            }
        }
    }
}
