//! Password hashing (argon2id with the crate's recommended parameters), checking, generation and the
//! minimum rule for new passwords.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::distributions::{Alphanumeric, DistString};

use crate::error::{AppError, AppResult};
use crate::refusal::{Code, Refusal};

/// Hash a password with argon2id and a fresh salt (PHC string).
pub fn hash(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password hashing failed: {e}")))
}

/// Does `password` match the stored PHC hash?
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash that no password matches, checked against when the account does not exist so that timing does
/// not reveal which usernames exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&generate()).unwrap_or_default())
}

/// A random password: 20 letters and digits (about 119 bits).
pub fn generate() -> String {
    Alphanumeric.sample_string(&mut rand::rngs::OsRng, 20)
}

/// The rule for a new password: 10 to 128 characters, not all of one kind of character.
pub fn check_new(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if !(10..=128).contains(&n) {
        return Err(Refusal::of(Code::WeakPassword)
            .with("rule", "密码长度须为 10 至 128 个字符")
            .with("rule_en", "a password must be 10 to 128 characters long")
            .into());
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if kinds.iter().filter(|k| **k).count() < 2 {
        return Err(Refusal::of(Code::WeakPassword)
            .with(
                "rule",
                "密码须至少包含两类字符（小写字母、大写字母、数字、符号）",
            )
            .with(
                "rule_en",
                "a password must mix at least two kinds of character (lower, upper, digit, symbol)",
            )
            .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("Correct-Horse-9").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Correct-Horse-9", &h));
        assert!(!verify("correct-horse-9", &h));
        assert!(!verify("anything", dummy_hash()));
    }

    #[test]
    fn new_password_rule() {
        assert!(check_new("short1").is_err());
        assert!(check_new("aaaaaaaaaaaa").is_err());
        assert!(check_new("abcdefgh12").is_ok());
        assert_eq!(generate().len(), 20);
    }
}
