//! Money is kept in fen (分); this shows it in yuan (元) with two decimals, and bounds what the trade can
//! mean, so that no total can overflow.

/// The most one line of a sales receipt may cost: ¥1,000,000 (a receipt has at most 50 lines).
pub const MAX_RECEIPT_LINE_FEN: i64 = 100_000_000;

/// The most a kilogram may cost on a shipment: ¥100,000.
pub const MAX_UNIT_PRICE_FEN: i64 = 10_000_000;

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
