//! Small checks of request fields shared by every handler.

use crate::refusal::{Code, Refusal};

/// `invalid_field` for a field, in both languages.
pub fn invalid_field(field: &str, zh: &str, rule: String, rule_en: String) -> Refusal {
    Refusal::of(Code::InvalidField)
        .with("what", zh)
        .with("field", field)
        .with("rule", rule)
        .with("rule_en", rule_en)
}

/// A required text field: trimmed, 1 to 200 characters, else `invalid_field` naming it in both languages.
pub fn text(value: &str, field: &str, zh: &str) -> Result<String, Refusal> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > 200 || v.chars().any(char::is_control) {
        return Err(invalid_field(
            field,
            zh,
            "不能为空，且不超过 200 个字符".into(),
            "must be 1 to 200 characters".into(),
        ));
    }
    Ok(v.to_string())
}

/// An optional text field: trimmed; empty counts as absent.
pub fn optional_text(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// An optional text field of at most `max` characters: trimmed, empty counts as absent, longer is
/// `invalid_field` naming it in both languages.
pub fn bounded(
    value: Option<String>,
    field: &str,
    zh: &str,
    max: usize,
) -> Result<Option<String>, Refusal> {
    let v = optional_text(value);
    if let Some(s) = &v {
        if s.chars().count() > max {
            return Err(invalid_field(
                field,
                zh,
                format!("不超过 {max} 个字符"),
                format!("must be at most {max} characters"),
            ));
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(invalid_field(
                field,
                zh,
                "不能有控制字符".into(),
                "must not contain control characters".into(),
            ));
        }
    }
    Ok(v)
}

/// A required text field of at most `max` characters (trimmed).
pub fn text_max(value: &str, field: &str, zh: &str, max: usize) -> Result<String, Refusal> {
    let v = text(value, field, zh)?;
    Ok(bounded(Some(v), field, zh, max)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("  牛腩 ", "name", "名称").unwrap(), "牛腩");
        assert_eq!(
            text("   ", "name", "名称").unwrap_err().code,
            Code::InvalidField
        );
        assert!(text(&"x".repeat(201), "name", "名称").is_err());
        assert_eq!(optional_text(Some("  ".into())), None);
        assert_eq!(optional_text(Some(" a ".into())), Some("a".into()));
    }
}
