//! The URIs the EPCIS export names things by (docs/epcis.md, "Identifiers"), and quantities.
//!
//! * a lot with a GTIN: its GS1 Digital Link URI `{base}/01/{gtin}/10/{trace code}` (the address
//!   `verify::handlers::digital_link` answers);
//! * a lot without one: its public verification address `{base}/t/{trace code}` (what its QR label encodes);
//! * an organisation (place and party): `{base}/org/{id}`;
//! * a slaughter batch: `{base}/batch/{id}`;
//! * a business document (voucher, certificate): `{base}/org/{issuer}/{kind}/{number}`, the number
//!   percent-encoded.

use serde_json::{Number, Value};

/// Namespace of the service's own extension fields (`niuyang:` in the document's `@context`).
pub fn namespace(base: &str) -> String {
    format!("{}/ns/", trim(base))
}

/// The URI of a lot: its Digital Link URI when it has a GTIN, else its public verification address.
pub fn lot(base: &str, trace_code: &str, gtin: Option<&str>) -> String {
    match gtin {
        Some(g) => format!("{}/01/{g}/10/{trace_code}", trim(base)),
        None => format!("{}/t/{trace_code}", trim(base)),
    }
}

/// The URI of an organisation (slaughterhouse, buyer, administration): place and party alike.
pub fn org(base: &str, id: &str) -> String {
    format!("{}/org/{id}", trim(base))
}

/// The URI of a slaughter batch (the class of product its quarantine and inspection speak of).
pub fn batch(base: &str, id: &str) -> String {
    format!("{}/batch/{id}", trim(base))
}

/// The URI of a business document numbered by its issuer, e.g. a shipment's voucher.
pub fn document(base: &str, issuer: &str, kind: &str, number: &str) -> String {
    format!(
        "{}/org/{issuer}/{kind}/{}",
        trim(base),
        percent_encode(number)
    )
}

fn trim(base: &str) -> &str {
    base.trim_end_matches('/')
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so any number makes a valid path segment.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Grams as a kilogram decimal: an integer when whole (`1200`), else exact to the gram (`1.234`).
pub fn kilograms(grams: i64) -> Value {
    if grams % 1000 == 0 {
        Value::Number(Number::from(grams / 1000))
    } else {
        // Whole grams are below 2^53 for any real lot, so the decimal is exact to the gram.
        Number::from_f64(grams as f64 / 1000.0).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lots_are_named_by_digital_link_or_verification_address() {
        let base = "https://trace.example.cn/";
        assert_eq!(
            lot(base, "ABCD1234", Some("06901234567892")),
            "https://trace.example.cn/01/06901234567892/10/ABCD1234"
        );
        assert_eq!(
            lot(base, "ABCD1234", None),
            "https://trace.example.cn/t/ABCD1234"
        );
        assert_eq!(org(base, "x"), "https://trace.example.cn/org/x");
        assert_eq!(namespace(base), "https://trace.example.cn/ns/");
    }

    #[test]
    fn numbers_become_path_segments() {
        assert_eq!(
            document("http://h", "o", "voucher", "JY 1/2·3"),
            "http://h/org/o/voucher/JY%201%2F2%C2%B73"
        );
    }

    #[test]
    fn grams_become_kilograms() {
        assert_eq!(kilograms(1_200_000).to_string(), "1200");
        assert_eq!(kilograms(1_234).to_string(), "1.234");
        assert_eq!(kilograms(250).to_string(), "0.25");
    }
}
