//! Sealing a stored answer that carries a secret (a complaint's access code, which exists in clear only in
//! the answer to its filing). The key is derived with HMAC-SHA256 from the server's secret and the
//! idempotency key, and the database holds neither, so whoever can read the database cannot open it.
//!
//! Each sealing key seals exactly one answer (one per key row), so no nonce is needed: the plaintext is
//! XORed with an HMAC-SHA256 keystream in counter mode and authenticated with HMAC-SHA256 over the
//! ciphertext (encrypt-then-MAC, separate derived keys). Form: `sealed:v1:` + base64(ciphertext ‖ tag).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const PREFIX: &str = "sealed:v1:";
const TAG_LEN: usize = 32;

fn mac(key: &[u8]) -> HmacSha256 {
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// HMAC-SHA256 of `parts`, each length-prefixed so that no two different lists give the same input.
pub fn derive(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = mac(key);
    for p in parts {
        m.update(&(p.len() as u64).to_be_bytes());
        m.update(p);
    }
    m.finalize().into_bytes().into()
}

fn keystream_xor(key: &[u8; 32], data: &mut [u8]) {
    let enc = derive(key, &[b"enc"]);
    for (i, chunk) in data.chunks_mut(32).enumerate() {
        let block = derive(&enc, &[&(i as u64).to_be_bytes()]);
        for (b, k) in chunk.iter_mut().zip(block) {
            *b ^= k;
        }
    }
}

/// Seal `plain` with `key`.
pub fn seal(key: &[u8; 32], plain: &str) -> String {
    let mut data = plain.as_bytes().to_vec();
    keystream_xor(key, &mut data);
    let tag = derive(&derive(key, &[b"mac"]), &[&data]);
    data.extend_from_slice(&tag);
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(&data)
    )
}

/// Is this stored answer sealed?
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

/// Open a sealed answer; `None` when it is not one, or the key is not the one it was sealed with.
pub fn open(key: &[u8; 32], sealed: &str) -> Option<String> {
    let data = base64::engine::general_purpose::STANDARD
        .decode(sealed.strip_prefix(PREFIX)?)
        .ok()?;
    let split = data.len().checked_sub(TAG_LEN)?;
    let (ct, tag) = data.split_at(split);
    let mut m = mac(&derive(key, &[b"mac"]));
    m.update(&(ct.len() as u64).to_be_bytes());
    m.update(ct);
    m.verify_slice(tag).ok()?;
    let mut plain = ct.to_vec();
    keystream_xor(key, &mut plain);
    String::from_utf8(plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_answers_open_with_their_key_only() {
        let key = derive(b"server secret", &[b"scope", b"op", b"key"]);
        let other = derive(b"server secret", &[b"scope", b"op", b"key2"]);
        let plain = r#"{"ticket_no":"TS1","access_code":"ABCDEFGHJK","text":"超过三十二个字节的一段中文内容，好分多块"}"#;
        let sealed = seal(&key, plain);
        assert!(is_sealed(&sealed));
        assert!(!sealed.contains("ABCDEFGHJK"));
        assert_eq!(open(&key, &sealed).as_deref(), Some(plain));
        assert_eq!(open(&other, &sealed), None);
        // One bit changed anywhere: refused.
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed.strip_prefix(PREFIX).unwrap())
            .unwrap();
        bytes[3] ^= 1;
        let tampered = format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        );
        assert_eq!(open(&key, &tampered), None);
        assert_eq!(open(&key, "{}"), None);
        // The parts of a derivation cannot slide into one another.
        assert_ne!(derive(b"k", &[b"ab", b"c"]), derive(b"k", &[b"a", b"bc"]));
    }
}
