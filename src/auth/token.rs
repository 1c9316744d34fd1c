//! Access tokens: JWT signed with HS256 (the one algorithm accepted), with `exp`, `nbf`, `iss` and `aud` all
//! checked, and the user's session epoch, so that a password change or reset ends older tokens.
//!
//! The lifetime is the service's, not the token's: a token whose `exp - iat` is longer than the configured
//! lifetime, or issued longer ago than that, is refused (`token_lifetime_exceeded`), and so is one issued in
//! the future (`token_issued_in_future`), whatever it claims and even with the right signature. Lowering
//! the lifetime therefore also ends tokens issued under a longer one.

use std::path::Path;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::refusal::{Code, Refusal};

/// Issuer and audience of every token.
pub const ISSUER: &str = "niuyang";
/// Audience of access tokens.
pub const AUDIENCE: &str = "niuyang-api";

/// Seconds of clock difference allowed on `exp`, `nbf` and `iat`.
pub const LEEWAY_SECS: u64 = 5;

/// What a token says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Not before.
    pub nbf: i64,
    /// Expires.
    pub exp: i64,
    /// The user's session epoch when issued.
    pub epoch: i32,
}

/// Signing and checking keys with the validation rules.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Lifetime of a token, seconds.
    pub ttl_secs: u64,
}

impl TokenKeys {
    /// Keys from a secret of at least 32 bytes.
    pub fn new(secret: &[u8], ttl_secs: u64) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs,
        }
    }

    /// Issue a token for a user.
    pub fn issue(&self, user_id: &str, epoch: i32) -> AppResult<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: ISSUER.to_string(),
            aud: AUDIENCE.to_string(),
            iat: now,
            nbf: now,
            exp: now + self.ttl_secs as i64,
            epoch,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("token signing failed: {e}")))
    }

    /// Check a token's signature, algorithm and claims, and that it lives no longer than the service allows.
    pub fn check(&self, token: &str) -> AppResult<Claims> {
        let claims = self.decode(token)?;
        self.check_lifetime(&claims, chrono::Utc::now().timestamp())?;
        Ok(claims)
    }

    /// The lifetime rule: issued no later than now (with leeway), for no longer than the TTL, no longer
    /// ago than the TTL.
    fn check_lifetime(&self, c: &Claims, now: i64) -> AppResult<()> {
        let ttl = i64::try_from(self.ttl_secs).unwrap_or(i64::MAX);
        let leeway = LEEWAY_SECS as i64;
        if c.iat > now.saturating_add(leeway) {
            return Err(Code::TokenIssuedInFuture.into());
        }
        if c.exp.saturating_sub(c.iat) > ttl
            || now.saturating_sub(c.iat) > ttl.saturating_add(leeway)
        {
            return Err(Code::TokenLifetimeExceeded.into());
        }
        Ok(())
    }

    fn decode(&self, token: &str) -> AppResult<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|d| d.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                match e.kind() {
                    ErrorKind::ExpiredSignature => Code::TokenExpired.into(),
                    _ => Refusal::of(Code::InvalidToken)
                        .with("reason", "请重新登录")
                        .with("reason_en", "log in again")
                        .into(),
                }
            })
    }
}

/// The signing secret: the configured one, or the one kept in `DATA_DIR/jwt-secret`, generated on first
/// start with owner-only permissions.
pub fn load_or_create_secret(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = configured {
        anyhow::ensure!(
            s.len() >= 32,
            "NIUYANG_JWT_SECRET must be at least 32 bytes long"
        );
        return Ok(s.as_bytes().to_vec());
    }
    let path = data_dir.join("jwt-secret");
    if path.exists() {
        let s = std::fs::read_to_string(&path)?;
        let s = s.trim();
        anyhow::ensure!(s.len() >= 32, "{} is shorter than 32 bytes", path.display());
        return Ok(s.as_bytes().to_vec());
    }
    std::fs::create_dir_all(data_dir)?;
    let secret = {
        use rand::RngCore;
        let mut bytes = [0u8; 48];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    };
    write_private(&path, &secret)?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    std::fs::write(path, content)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn issued_token_checks_and_others_do_not() {
        let keys = TokenKeys::new(SECRET, 60);
        let t = keys.issue("u1", 3).unwrap();
        let c = keys.check(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.epoch), ("u1", 3));

        let other = TokenKeys::new(b"another-secret-another-secret-xx", 60);
        assert_eq!(other.check(&t).unwrap_err().code(), "invalid_token");

        // Same key, wrong audience.
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "u1".into(),
            iss: ISSUER.into(),
            aud: "elsewhere".into(),
            iat: now,
            nbf: now,
            exp: now + 60,
            epoch: 0,
        };
        let wrong_aud = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert!(keys.check(&wrong_aud).is_err());

        // Not yet valid.
        let future = Claims {
            aud: AUDIENCE.into(),
            nbf: now + 600,
            ..claims
        };
        let early = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &future,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert!(keys.check(&early).is_err());

        // Another algorithm with the same secret is refused.
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &Claims { nbf: now, ..future },
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert!(keys.check(&hs512).is_err());
    }

    #[test]
    fn expired_token_is_refused() {
        let keys = TokenKeys::new(SECRET, 60);
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "u1".into(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now - 600,
            nbf: now - 600,
            exp: now - 300,
            epoch: 0,
        };
        let t = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(SECRET),
        )
        .unwrap();
        assert_eq!(keys.check(&t).unwrap_err().code(), "token_expired");
    }

    #[test]
    fn lifetime_is_the_services_whatever_the_token_claims() {
        let keys = TokenKeys::new(SECRET, 3600);
        let now = chrono::Utc::now().timestamp();
        let sign = |iat: i64, exp: i64| {
            let claims = Claims {
                sub: "u1".into(),
                iss: ISSUER.into(),
                aud: AUDIENCE.into(),
                iat,
                nbf: iat.min(now),
                exp,
                epoch: 0,
            };
            jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(SECRET),
            )
            .unwrap()
        };
        let code = |t: String| {
            keys.check(&t)
                .map(|_| "ok".to_string())
                .unwrap_or_else(|e| e.code())
        };
        assert_eq!(code(sign(now, now + 3600)), "ok");
        assert_eq!(code(sign(now, 4_102_444_800)), "token_lifetime_exceeded");
        assert_eq!(code(sign(now, now + 3601)), "token_lifetime_exceeded");
        assert_eq!(code(sign(now + 60, now + 120)), "token_issued_in_future");
        assert_eq!(code(sign(now + 3, now + 60)), "ok", "within the leeway");
        // Old but not yet expired cannot happen with exp - iat <= ttl; the rule holds on its own anyway.
        let old = Claims {
            sub: "u1".into(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now - 7200,
            nbf: now - 7200,
            exp: now + 60,
            epoch: 0,
        };
        assert_eq!(
            keys.check_lifetime(&old, now).unwrap_err().code(),
            "token_lifetime_exceeded"
        );
        // A shorter lifetime configured later ends tokens issued under the longer one.
        let longer = TokenKeys::new(SECRET, 7200).issue("u1", 0).unwrap();
        assert_eq!(code(longer), "token_lifetime_exceeded");
    }

    #[test]
    fn generated_secret_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create_secret(None, dir.path()).unwrap();
        let b = load_or_create_secret(None, dir.path()).unwrap();
        assert_eq!(a, b);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(load_or_create_secret(Some("short"), dir.path()).is_err());
    }
}
