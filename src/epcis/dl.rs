//! Normalisation of GS1 identifiers to canonical GS1 Digital Link URIs.
//!
//! EPC pure-identity URNs (`urn:epc:id:…`), EPC class URNs (`urn:epc:class:lgtin:…`), EPC
//! patterns that denote a whole class (`urn:epc:idpat:sgtin:…​.*`) and GS1 Digital Link URIs on
//! any domain are all converted to the canonical form `https://id.gs1.org/<AI>/<value>[/<AI>/<value>…]`
//! (numeric application identifiers, no query string, no fragment).

/// Primary-key application identifiers and their Digital Link short names.
const PRIMARY_KEYS: &[(&str, &str)] = &[
    ("01", "gtin"),
    ("00", "sscc"),
    ("414", "gln"),
    ("417", "party"),
    ("8003", "grai"),
    ("8004", "giai"),
    ("8006", "itip"),
    ("8010", "cpid"),
    ("8013", "gmn"),
    ("8017", "gsrnp"),
    ("8018", "gsrn"),
    ("253", "gdti"),
    ("255", "gcn"),
    ("401", "ginc"),
    ("402", "gsin"),
];

/// Key-qualifier application identifiers and their Digital Link short names.
const QUALIFIERS: &[(&str, &str)] = &[
    ("21", "ser"),
    ("10", "lot"),
    ("22", "cpv"),
    ("254", "glnx"),
    ("235", "tpx"),
    ("8011", "cpsn"),
];

/// Returns the canonical GS1 Digital Link URI for `value`, or `None` if `value` is neither a
/// convertible EPC URN nor a GS1 Digital Link URI.
pub fn normalise_identifier(value: &str) -> Option<String> {
    if let Some(rest) = value.strip_prefix("urn:epc:id:") {
        epc_id_to_dl(rest)
    } else if let Some(rest) = value.strip_prefix("urn:epc:class:lgtin:") {
        let [cp, ir, lot] = split_n::<3>(rest)?;
        Some(format!("{}/10/{}", gtin_path(cp, ir)?, reencode(lot)))
    } else if let Some(rest) = value.strip_prefix("urn:epc:idpat:") {
        epc_pattern_to_dl(rest)
    } else if value.starts_with("https://") || value.starts_with("http://") {
        digital_link_to_canonical(value)
    } else {
        None
    }
}

/// Converts the part after `urn:epc:id:` of an EPC pure-identity URN.
fn epc_id_to_dl(rest: &str) -> Option<String> {
    let (scheme, body) = rest.split_once(':')?;
    let base = "https://id.gs1.org";
    match scheme {
        "sgtin" => {
            let [cp, ir, ser] = split_n::<3>(body)?;
            Some(format!("{}/21/{}", gtin_path(cp, ir)?, reencode(ser)))
        }
        "sscc" => {
            let [cp, sr] = split_n::<2>(body)?;
            let (ext, sr) = split_first_char(sr)?;
            Some(format!(
                "{base}/00/{}",
                with_check(&cat(&[ext, cp, sr]), 17)?
            ))
        }
        "sgln" => {
            let [cp, loc, ext] = split_n::<3>(body)?;
            let gln = with_check(&cat(&[cp, loc]), 12)?;
            match ext {
                "0" | "" => Some(format!("{base}/414/{gln}")),
                _ => Some(format!("{base}/414/{gln}/254/{}", reencode(ext))),
            }
        }
        "grai" => {
            let [cp, at, ser] = split_n::<3>(body)?;
            let key = with_check(&cat(&["0", cp, at]), 13)?;
            Some(format!("{base}/8003/{key}{}", reencode(ser)))
        }
        "giai" => {
            let [cp, ar] = split_n::<2>(body)?;
            digits(cp)?;
            Some(format!("{base}/8004/{cp}{}", reencode(ar)))
        }
        "gsrn" | "gsrnp" => {
            let [cp, sr] = split_n::<2>(body)?;
            let ai = if scheme == "gsrn" { "8018" } else { "8017" };
            Some(format!("{base}/{ai}/{}", with_check(&cat(&[cp, sr]), 17)?))
        }
        "gdti" | "sgcn" => {
            let [cp, dt, ser] = split_n::<3>(body)?;
            let ai = if scheme == "gdti" { "253" } else { "255" };
            let key = with_check(&cat(&[cp, dt]), 12)?;
            Some(format!("{base}/{ai}/{key}{}", reencode(ser)))
        }
        "cpi" => {
            let [cp, cpr, ser] = split_n::<3>(body)?;
            digits(cp)?;
            Some(format!("{base}/8010/{cp}{}/8011/{ser}", reencode(cpr)))
        }
        "ginc" => {
            let [cp, r] = split_n::<2>(body)?;
            digits(cp)?;
            Some(format!("{base}/401/{cp}{}", reencode(r)))
        }
        "gsin" => {
            let [cp, sr] = split_n::<2>(body)?;
            Some(format!("{base}/402/{}", with_check(&cat(&[cp, sr]), 16)?))
        }
        "pgln" => {
            let [cp, pr] = split_n::<2>(body)?;
            Some(format!("{base}/417/{}", with_check(&cat(&[cp, pr]), 12)?))
        }
        "itip" => {
            let [cp, ir, piece, total, ser] = split_n::<5>(body)?;
            let key = itip_key(cp, ir, piece, total)?;
            Some(format!("{base}/8006/{key}/21/{}", reencode(ser)))
        }
        "upui" => {
            let [cp, ir, tpx] = split_n::<3>(body)?;
            Some(format!("{}/235/{}", gtin_path(cp, ir)?, reencode(tpx)))
        }
        _ => None,
    }
}

/// Converts the part after `urn:epc:idpat:` of an EPC pattern URN denoting a class of objects.
fn epc_pattern_to_dl(rest: &str) -> Option<String> {
    let (scheme, body) = rest.split_once(':')?;
    let base = "https://id.gs1.org";
    match scheme {
        "sgtin" => {
            let [cp, ir, "*"] = split_n::<3>(body)? else {
                return None;
            };
            gtin_path(cp, ir)
        }
        "grai" => {
            let [cp, at, "*"] = split_n::<3>(body)? else {
                return None;
            };
            Some(format!(
                "{base}/8003/{}",
                with_check(&cat(&["0", cp, at]), 13)?
            ))
        }
        "gdti" | "sgcn" => {
            let [cp, dt, "*"] = split_n::<3>(body)? else {
                return None;
            };
            let ai = if scheme == "gdti" { "253" } else { "255" };
            Some(format!("{base}/{ai}/{}", with_check(&cat(&[cp, dt]), 12)?))
        }
        "cpi" => {
            let [cp, cpr, "*"] = split_n::<3>(body)? else {
                return None;
            };
            digits(cp)?;
            Some(format!("{base}/8010/{cp}{}", reencode(cpr)))
        }
        "itip" => {
            let [cp, ir, piece, total, "*"] = split_n::<5>(body)? else {
                return None;
            };
            Some(format!("{base}/8006/{}", itip_key(cp, ir, piece, total)?))
        }
        _ => None,
    }
}

/// Rewrites a GS1 Digital Link URI (any domain, optional path prefix, numeric AIs or short names)
/// to its canonical form; `None` if the URI has no GS1 primary key in its path.
fn digital_link_to_canonical(uri: &str) -> Option<String> {
    let after_scheme = uri.split_once("://")?.1;
    let without_frag = after_scheme.split('#').next()?;
    let without_query = without_frag.split('?').next()?;
    let path = without_query.split_once('/')?.1;
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for i in 0..segments.len() {
        let Some(ai) = lookup(PRIMARY_KEYS, segments[i]) else {
            continue;
        };
        let Some(value) = segments.get(i + 1) else {
            continue;
        };
        let rest = &segments[i + 2..];
        if !value.bytes().take(4).all(|b| b.is_ascii_digit()) || value.len() < 4 {
            continue;
        }
        if !rest.len().is_multiple_of(2) {
            continue;
        }
        let mut value = reencode(value);
        if ai == "01" && value.len() < 14 && value.bytes().all(|b| b.is_ascii_digit()) {
            value = format!("{value:0>14}");
        }
        let mut out = format!("https://id.gs1.org/{ai}/{value}");
        for pair in rest.chunks(2) {
            let q = lookup(QUALIFIERS, pair[0]).unwrap_or(pair[0]);
            out.push_str(&format!("/{q}/{}", reencode(pair[1])));
        }
        return Some(out);
    }
    None
}

/// Maps a numeric AI or its short name to the numeric AI.
fn lookup(table: &[(&'static str, &'static str)], seg: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(code, short)| *code == seg || *short == seg)
        .map(|(code, _)| *code)
}

/// `https://id.gs1.org/01/<GTIN-14>` from an EPC company prefix and indicator/item reference.
fn gtin_path(cp: &str, ir: &str) -> Option<String> {
    let (indicator, item) = split_first_char(ir)?;
    let gtin = with_check(&cat(&[indicator, cp, item]), 13)?;
    Some(format!("https://id.gs1.org/01/{gtin}"))
}

/// GTIN-14 followed by the two-digit piece number and total count of an ITIP.
fn itip_key(cp: &str, ir: &str, piece: &str, total: &str) -> Option<String> {
    let (indicator, item) = split_first_char(ir)?;
    let gtin = with_check(&cat(&[indicator, cp, item]), 13)?;
    digits(piece)?;
    digits(total)?;
    Some(format!("{gtin}{piece}{total}"))
}

/// Splits `body` at `.` into exactly `N` parts.
fn split_n<const N: usize>(body: &str) -> Option<[&str; N]> {
    let parts: Vec<&str> = body.split('.').collect();
    parts.try_into().ok()
}

fn split_first_char(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() || !s.is_char_boundary(1) {
        return None;
    }
    Some(s.split_at(1))
}

fn cat(parts: &[&str]) -> String {
    parts.concat()
}

fn digits(s: &str) -> Option<()> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then_some(())
}

/// Appends the GS1 mod-10 check digit to `payload`, which must be `len` decimal digits.
fn with_check(payload: &str, len: usize) -> Option<String> {
    if payload.len() != len {
        return None;
    }
    digits(payload)?;
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    Some(format!("{payload}{}", (10 - sum % 10) % 10))
}

/// Percent-decodes `s` (URN or URI escaping) and re-encodes it for a Digital Link path segment.
fn reencode(s: &str) -> String {
    encode(&decode(s))
}

fn decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Everything except ASCII alphanumerics and `-._~'` is percent-encoded (upper-case hex),
/// which reproduces the reference implementation's output.
fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~'".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalise_identifier as n;

    #[test]
    fn urns() {
        assert_eq!(
            n("urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()").as_deref(),
            Some("https://id.gs1.org/01/80614141123458/21/6789%2F%26%25%22%21%3F%28%29")
        );
        assert_eq!(
            n("urn:epc:id:gdti:987659999999..9").as_deref(),
            Some("https://id.gs1.org/253/98765999999929")
        );
        assert_eq!(
            n("urn:epc:id:pgln:999999999999.").as_deref(),
            Some("https://id.gs1.org/417/9999999999994")
        );
        assert_eq!(n("urn:epc:id:gid:95100000.12345.400"), None);
    }

    #[test]
    fn digital_links() {
        assert_eq!(
            n("https://example.com/gtin/09780345418913/21/765tz?abc=211121").as_deref(),
            Some("https://id.gs1.org/01/09780345418913/21/765tz")
        );
        assert_eq!(n("http://www.opengis.net/def/crs/EPSG/0/27700"), None);
        assert_eq!(n("http://transaction.acme.com/po/12345678"), None);
    }
}
