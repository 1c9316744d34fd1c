//! Money is kept in fen (分); this shows it in yuan (元) with two decimals.

/// `12345` fen → `"123.45"`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    format!("{sign}{}.{:02}", f / 100, f % 100)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fen_show_as_yuan() {
        assert_eq!(super::yuan(0), "0.00");
        assert_eq!(super::yuan(5), "0.05");
        assert_eq!(super::yuan(123_456), "1234.56");
        assert_eq!(super::yuan(-250), "-2.50");
    }
}
