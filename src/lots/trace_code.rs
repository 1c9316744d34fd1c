//! Lot trace codes (追溯码): 12 characters from a 31-character alphabet, 11 of them random from the OS
//! generator and the last a weighted check character mod 31 (docs/trace-code.md has the design and proofs).

use rand::rngs::OsRng;
use rand::Rng;

/// Length of a code in canonical form (no separators): 11 random characters and 1 check character.
pub const CODE_LEN: usize = 12;

/// The alphabet, that of the unified social credit code (GB 32100-2015): digits and capitals without
/// I, O, S, V, Z. A character's value is its position (0 to 30); 31 is prime.
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Size of the alphabet, the modulus of the check.
const RADIX: usize = 31;
/// Random characters before the check character.
const PAYLOAD_LEN: usize = CODE_LEN - 1;
/// Characters per group in the displayed form.
const GROUP: usize = 4;
/// Weight of each position: 12 down to 1, the check character's being 1. A valid code has
/// `sum(weight * value) % 31 == 0`. All weights are distinct and non-zero mod 31.
const WEIGHTS: [usize; CODE_LEN] = [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];

const _: () = assert!(ALPHABET.len() == RADIX);

/// Why an input is not a valid trace code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceCodeError {
    /// Not 12 characters once spaces and hyphens are removed.
    Length,
    /// A character outside the alphabet at this position (1-based, counted without spaces and hyphens).
    Character(usize),
    /// The check character does not match: most likely a typing mistake.
    Check,
}

impl TraceCodeError {
    /// Explanation for the person who typed the code: (Chinese, English).
    pub fn message(self) -> (String, String) {
        match self {
            TraceCodeError::Length => (
                format!("追溯码须为 {CODE_LEN} 位（不计空格和连字符），请核对"),
                format!("a trace code has {CODE_LEN} characters (not counting spaces and hyphens)"),
            ),
            TraceCodeError::Character(i) => (
                format!("追溯码第 {i} 位不是有效字符（追溯码不使用字母 I、O、S、V、Z）"),
                format!("character {i} of the trace code is not allowed (trace codes never use I, O, S, V or Z)"),
            ),
            TraceCodeError::Check => (
                "追溯码校验位不符，可能输错了，请核对".into(),
                "the trace code's check character does not match: mistyped?".into(),
            ),
        }
    }
}

/// Value (0 to 30) of a canonical character.
fn value(c: char) -> Option<usize> {
    if c.is_ascii() {
        ALPHABET.find(c)
    } else {
        None
    }
}

/// Character of a value (taken mod 31).
fn symbol(v: usize) -> char {
    let bytes = ALPHABET.as_bytes();
    char::from(bytes[v % RADIX])
}

/// Check value for the values of the 11 payload characters: the one that makes the weighted sum 0 mod 31.
fn check_value(payload: impl Iterator<Item = usize>) -> usize {
    let sum: usize = payload.zip(WEIGHTS).map(|(v, w)| v * w).sum();
    (RADIX - sum % RADIX) % RADIX
}

/// A new random code in canonical form: 11 characters drawn uniformly from [`ALPHABET`] with `OsRng`
/// (about 54.5 random bits), then the check character. Uniqueness is the database's job (unique index;
/// generate again on a clash).
pub fn generate() -> String {
    let payload: [usize; PAYLOAD_LEN] = std::array::from_fn(|_| OsRng.gen_range(0..RADIX));
    let check = check_value(payload.iter().copied());
    payload
        .iter()
        .chain(std::iter::once(&check))
        .map(|&v| symbol(v))
        .collect()
}

/// The check character for the first `CODE_LEN - 1` characters of a code, given in canonical form;
/// `None` if there are not exactly that many or one is outside [`ALPHABET`].
pub fn check_character(payload: &str) -> Option<char> {
    if payload.chars().count() != PAYLOAD_LEN {
        return None;
    }
    let values = payload.chars().map(value).collect::<Option<Vec<usize>>>()?;
    Some(symbol(check_value(values.into_iter())))
}

/// Canonical spelling of an input: spaces (any Unicode white space) and hyphens (also dashes) removed,
/// full-width forms from Chinese input methods (`ＡＢ１２`) folded to ASCII, ASCII letters upper-cased.
/// Does not validate.
pub fn normalise(input: &str) -> String {
    input
        .chars()
        .map(|c| match u32::from(c) {
            // Full-width ASCII variants U+FF01..U+FF5E sit 0xFEE0 above their ASCII twins.
            cp @ 0xFF01..=0xFF5E => char::from_u32(cp - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Validate an input as typed or scanned (normalised first): `Ok` with the canonical code, else the first
/// problem found: wrong length, then a character outside the alphabet, then a failed check.
pub fn parse(input: &str) -> Result<String, TraceCodeError> {
    let code = normalise(input);
    if code.chars().count() != CODE_LEN {
        return Err(TraceCodeError::Length);
    }
    let mut sum = 0;
    for (i, (c, w)) in code.chars().zip(WEIGHTS).enumerate() {
        sum += value(c).ok_or(TraceCodeError::Character(i + 1))? * w;
    }
    if sum % RADIX != 0 {
        return Err(TraceCodeError::Check);
    }
    Ok(code)
}

/// Grouped form for people, four characters per group joined by hyphens (`7K3M-Q9XA-2RTM`); the input is
/// normalised first, so displaying a displayed code changes nothing.
pub fn display(code: &str) -> String {
    let mut out = String::with_capacity(CODE_LEN + CODE_LEN / GROUP);
    for (i, c) in normalise(code).chars().enumerate() {
        if i > 0 && i % GROUP == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    /// A valid code built from 11 payload values.
    fn code_from(payload: &[usize]) -> String {
        let p: String = payload.iter().map(|&v| symbol(v)).collect();
        let check = check_character(&p).unwrap();
        format!("{p}{check}")
    }

    /// Every single substitution (check character included) and every adjacent swap that changes the code
    /// must be rejected, as a check failure.
    fn assert_single_errors_caught(code: &str) {
        let chars: Vec<char> = code.chars().collect();
        assert_eq!(chars.len(), CODE_LEN);
        for i in 0..CODE_LEN {
            for c in ALPHABET.chars().filter(|&c| c != chars[i]) {
                let mut v = chars.clone();
                v[i] = c;
                let s: String = v.into_iter().collect();
                assert_eq!(parse(&s), Err(TraceCodeError::Check), "{code} -> {s}");
            }
        }
        for i in 0..CODE_LEN - 1 {
            if chars[i] != chars[i + 1] {
                let mut v = chars.clone();
                v.swap(i, i + 1);
                let s: String = v.into_iter().collect();
                assert_eq!(parse(&s), Err(TraceCodeError::Check), "{code} -> {s}");
            }
        }
    }

    #[test]
    fn alphabet_and_weights_are_sound() {
        assert_eq!(ALPHABET.chars().collect::<HashSet<_>>().len(), RADIX);
        assert!(ALPHABET
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
        assert!((2..RADIX).all(|d| !RADIX.is_multiple_of(d)), "31 is prime");
        assert!(WEIGHTS.iter().all(|w| w % RADIX != 0));
        assert_eq!(
            WEIGHTS
                .iter()
                .map(|w| w % RADIX)
                .collect::<HashSet<_>>()
                .len(),
            CODE_LEN
        );
        assert_eq!(WEIGHTS[CODE_LEN - 1], 1);
    }

    #[test]
    fn known_codes() {
        // Worked examples in docs/trace-code.md; other implementations (apps, label printers) can check
        // against them.
        assert_eq!(check_character("00000000000"), Some('0'));
        assert_eq!(check_character("10000000000"), Some('K'));
        assert_eq!(check_character("7K3MQ9XA2RT"), Some('M'));
        assert_eq!(parse("7k3m-q9xa-2rtm"), Ok("7K3MQ9XA2RTM".to_string()));
        assert_eq!(display("7K3MQ9XA2RTM"), "7K3M-Q9XA-2RTM");
        // Two errors can cancel out (T->U and M->K here): the documented limit of one check character.
        assert_eq!(parse("7K3MQ9XA2RUK"), Ok("7K3MQ9XA2RUK".to_string()));
    }

    #[test]
    fn check_character_wants_canonical_payload() {
        assert_eq!(check_character("0000000000"), None);
        assert_eq!(check_character("000000000000"), None);
        assert_eq!(check_character("0000000000O"), None);
        assert_eq!(check_character("7k3mq9xa2rt"), None);
    }

    #[test]
    fn errors_are_told_apart() {
        let code = generate();
        let (payload, check) = code.split_at(CODE_LEN - 1);
        assert_eq!(parse(payload), Err(TraceCodeError::Length));
        assert_eq!(parse(&format!("{code}0")), Err(TraceCodeError::Length));
        assert_eq!(parse(""), Err(TraceCodeError::Length));
        assert_eq!(parse("7K3M-Q9XA-2RT"), Err(TraceCodeError::Length));
        assert_eq!(parse("7K3M-Q9OA-2RTM"), Err(TraceCodeError::Character(7)));
        assert_eq!(parse("IK3MQ9XA2RTM"), Err(TraceCodeError::Character(1)));
        assert_eq!(parse("7K3MQ9XA2RT#"), Err(TraceCodeError::Character(12)));
        assert_eq!(parse("7K3MQ9XA2RTé"), Err(TraceCodeError::Character(12)));
        assert_eq!(parse("7K3M-Q9XA-2RT5"), Err(TraceCodeError::Check));
        assert_eq!(parse("7K3M-Q9XA-R2TM"), Err(TraceCodeError::Check));
        let other = ALPHABET.chars().find(|c| !check.starts_with(*c)).unwrap();
        assert_eq!(
            parse(&format!("{payload}{other}")),
            Err(TraceCodeError::Check)
        );
        let messages = [
            TraceCodeError::Length,
            TraceCodeError::Character(7),
            TraceCodeError::Check,
        ]
        .map(TraceCodeError::message);
        assert_eq!(
            messages[1].0,
            "追溯码第 7 位不是有效字符（追溯码不使用字母 I、O、S、V、Z）"
        );
        assert_eq!(
            messages[2],
            (
                "追溯码校验位不符，可能输错了，请核对".to_string(),
                "the trace code's check character does not match: mistyped?".to_string()
            )
        );
        assert_eq!(messages.iter().collect::<HashSet<_>>().len(), 3);
    }

    #[test]
    fn normalise_cleans_typed_input() {
        assert_eq!(normalise(" 7k3m-q9xa 2rtm\t"), "7K3MQ9XA2RTM");
        assert_eq!(normalise("７ｋ３ｍ－Ｑ９ＸＡ　２ＲＴＭ"), "7K3MQ9XA2RTM");
        assert_eq!(normalise("7K3M–Q9XA—2RTM"), "7K3MQ9XA2RTM");
        assert_eq!(normalise("7K3M_Q9XA"), "7K3M_Q9XA");
        assert_eq!(display("7k3m q9xa 2rtm"), "7K3M-Q9XA-2RTM");
        assert_eq!(display(&display("7K3MQ9XA2RTM")), "7K3M-Q9XA-2RTM");
    }

    #[test]
    fn ten_thousand_generated_codes_are_distinct() {
        let codes: HashSet<String> = (0..10_000).map(|_| generate()).collect();
        assert_eq!(codes.len(), 10_000);
    }

    proptest! {
        #[test]
        fn every_single_error_is_caught(payload in prop::collection::vec(0..RADIX, PAYLOAD_LEN)) {
            assert_single_errors_caught(&code_from(&payload));
        }

        #[test]
        fn every_single_error_of_a_generated_code_is_caught(_n in 0..1000u32) {
            assert_single_errors_caught(&generate());
        }

        /// Beyond the requirement: any swap of two characters, and twin errors (aa -> bb) on neighbours or
        /// one apart, are caught too, since all weights, and the sums of weights one or two apart, are
        /// non-zero and distinct mod 31.
        #[test]
        fn far_swaps_and_twin_errors_are_caught(payload in prop::collection::vec(0..RADIX, PAYLOAD_LEN)) {
            let code = code_from(&payload);
            let chars: Vec<char> = code.chars().collect();
            for i in 0..CODE_LEN {
                for j in i + 1..CODE_LEN {
                    if chars[i] != chars[j] {
                        let mut v = chars.clone();
                        v.swap(i, j);
                        let s: String = v.into_iter().collect();
                        prop_assert_eq!(parse(&s), Err(TraceCodeError::Check));
                    }
                }
                for j in [i + 1, i + 2].into_iter().filter(|&j| j < CODE_LEN) {
                    if chars[i] == chars[j] {
                        for c in ALPHABET.chars().filter(|&c| c != chars[i]) {
                            let mut v = chars.clone();
                            v[i] = c;
                            v[j] = c;
                            let s: String = v.into_iter().collect();
                            prop_assert_eq!(parse(&s), Err(TraceCodeError::Check));
                        }
                    }
                }
            }
        }

        #[test]
        fn generated_codes_are_canonical_and_parse_to_themselves(_n in 0..1000u32) {
            let code = generate();
            prop_assert_eq!(code.chars().count(), CODE_LEN);
            prop_assert_eq!(code.len(), CODE_LEN);
            prop_assert!(code.chars().all(|c| ALPHABET.contains(c)));
            prop_assert_eq!(normalise(&code), code.clone());
            prop_assert_eq!(parse(&code), Ok(code.clone()));
        }

        #[test]
        fn display_and_sloppy_typing_round_trip(
            payload in prop::collection::vec(0..RADIX, PAYLOAD_LEN),
            lower in prop::collection::vec(any::<bool>(), CODE_LEN),
            seps in prop::collection::vec(prop::sample::select(vec!["", "", " ", "-", " - ", "\u{3000}"]), CODE_LEN + 1),
        ) {
            let code = code_from(&payload);
            let shown = display(&code);
            prop_assert_eq!(shown.len(), CODE_LEN + 2);
            prop_assert_eq!(shown.matches('-').count(), 2);
            prop_assert_eq!(parse(&shown), Ok(code.clone()));
            prop_assert_eq!(parse(&shown.to_lowercase()), Ok(code.clone()));
            let mut typed = String::new();
            for (i, c) in code.chars().enumerate() {
                typed.push_str(seps[i]);
                typed.push(if lower[i] { c.to_ascii_lowercase() } else { c });
            }
            typed.push_str(seps[CODE_LEN]);
            prop_assert_eq!(parse(&typed), Ok(code.clone()));
            prop_assert_eq!(display(&typed), shown);
        }
    }
}
