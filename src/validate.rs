//! Small checks of request fields shared by every handler.

use crate::error::{AppError, AppResult};

/// A required text field: trimmed, 1 to 200 characters, else `invalid_field` naming it in both languages.
pub fn text(value: &str, field: &str, zh: &str) -> AppResult<String> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > 200 {
        return Err(AppError::unprocessable(
            "invalid_field",
            format!("{zh}不能为空，且不超过 200 个字符"),
            format!("{field} must be 1 to 200 characters"),
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
) -> AppResult<Option<String>> {
    let v = optional_text(value);
    if let Some(s) = &v {
        if s.chars().count() > max {
            return Err(AppError::unprocessable(
                "invalid_field",
                format!("{zh}不超过 {max} 个字符"),
                format!("{field} must be at most {max} characters"),
            ));
        }
    }
    Ok(v)
}

/// A required text field of at most `max` characters (trimmed).
pub fn text_max(value: &str, field: &str, zh: &str, max: usize) -> AppResult<String> {
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
            text("   ", "name", "名称").unwrap_err().code(),
            "invalid_field"
        );
        assert!(text(&"x".repeat(201), "name", "名称").is_err());
        assert_eq!(optional_text(Some("  ".into())), None);
        assert_eq!(optional_text(Some(" a ".into())), Some("a".into()));
    }
}
