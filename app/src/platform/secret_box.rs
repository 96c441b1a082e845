//! Encryption at rest for the secrets the portal must read back (second-factor secrets):
//! XChaCha20-Poly1305 under a 32-byte key from `KABINET_SECRET_KEY` or its key file (the server
//! crate loads it). A sealed value is text, `v1:` and the base64 of a random 24-byte nonce and
//! the ciphertext; the account it belongs to is bound in as associated data, so a value copied
//! onto another account does not open. During a key rotation the previous key still opens what
//! it sealed, and such values (and clear ones from before encryption) are sealed anew.
//! Neither keys nor opened secrets implement `Debug` output of their bytes, nor `Serialize`.

use base64::{engine::general_purpose, Engine as _};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

/// A 32-byte key.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// Why a key's text was refused (the text itself is never repeated).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadKey;

impl std::fmt::Display for BadKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key is 32 bytes written as base64 (44 characters) or hex (64 characters)")
    }
}

impl std::error::Error for BadKey {}

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// 32 bytes as 64 hex digits or as base64 (standard or URL-safe, padded or not).
    pub fn parse(text: &str) -> Result<Self, BadKey> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32).map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| BadKey)).collect()
        } else {
            let unpadded = text.trim_end_matches('=');
            general_purpose::STANDARD_NO_PAD
                .decode(unpadded)
                .or_else(|_| general_purpose::URL_SAFE_NO_PAD.decode(unpadded))
                .map_err(|_| BadKey)
        }?;
        let array: [u8; 32] = bytes.try_into().map_err(|_| BadKey)?;
        Ok(Self(array))
    }

    /// The key as padded standard base64, as key files keep it.
    pub fn to_base64(&self) -> String {
        general_purpose::STANDARD.encode(self.0)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&self.0))
    }
}

/// What opening a stored value gave.
pub enum Opened {
    /// Sealed under the current key.
    Current(String),
    /// Readable, but clear (stored before encryption) or sealed under the previous key: it
    /// should be sealed anew.
    Stale(String),
}

impl Opened {
    pub fn into_plain(self) -> String {
        match self {
            Opened::Current(s) | Opened::Stale(s) => s,
        }
    }
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Opened::Current(_) => "Current(…)",
            Opened::Stale(_) => "Stale(…)",
        })
    }
}

/// A stored value that no configured key opens (the wrong key, or a damaged value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unreadable;

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a stored secret does not open with the configured key (KABINET_SECRET_KEY)")
    }
}

impl std::error::Error for Unreadable {}

/// Seals and opens secrets with the current key; the previous key (rotation) only opens.
#[derive(Clone)]
pub struct SecretBox {
    current: SecretKey,
    previous: Option<SecretKey>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretBox").field("previous_key", &self.previous.is_some()).finish_non_exhaustive()
    }
}

fn associated_data(account_id: i64) -> Vec<u8> {
    format!("kabinet-totp:{account_id}").into_bytes()
}

/// A second-factor secret from before encryption: base32 text.
fn looks_clear(stored: &str) -> bool {
    !stored.is_empty() && stored.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b) || b == b'=')
}

impl SecretBox {
    pub fn new(current: SecretKey, previous: Option<SecretKey>) -> Self {
        Self { current, previous }
    }

    /// `plain` sealed for `account_id`, under a fresh random nonce.
    pub fn seal(&self, plain: &str, account_id: i64) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = associated_data(account_id);
        let sealed = self
            .current
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: &aad })
            .expect("XChaCha20-Poly1305 encrypts any message shorter than 256 GiB");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", general_purpose::STANDARD_NO_PAD.encode(out))
    }

    /// The plain text of a stored value for `account_id`.
    pub fn open(&self, stored: &str, account_id: i64) -> Result<Opened, Unreadable> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return if looks_clear(stored) { Ok(Opened::Stale(stored.to_string())) } else { Err(Unreadable) };
        };
        let bytes = general_purpose::STANDARD_NO_PAD.decode(encoded).map_err(|_| Unreadable)?;
        if bytes.len() < NONCE_LEN {
            return Err(Unreadable);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let aad = associated_data(account_id);
        let try_key = |key: &SecretKey| {
            key.cipher()
                .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: &aad })
                .ok()
                .and_then(|p| String::from_utf8(p).ok())
        };
        if let Some(plain) = try_key(&self.current) {
            return Ok(Opened::Current(plain));
        }
        match self.previous.as_ref().and_then(try_key) {
            Some(plain) => Ok(Opened::Stale(plain)),
            None => Err(Unreadable),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn a_sealed_secret_opens_only_for_its_account_and_shows_no_base32() {
        let sbox = SecretBox::new(SecretKey::generate(), None);
        let sealed = sbox.seal(SECRET, 7);
        assert!(sealed.starts_with("v1:") && !sealed.contains(SECRET), "{sealed}");
        assert_ne!(sealed, sbox.seal(SECRET, 7), "each seal has its own nonce");
        assert!(matches!(sbox.open(&sealed, 7), Ok(Opened::Current(p)) if p == SECRET));
        assert_eq!(sbox.open(&sealed, 8).unwrap_err(), Unreadable, "bound to the account");
        let mut damaged = sealed.clone();
        damaged.pop();
        damaged.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(sbox.open(&damaged, 7).unwrap_err(), Unreadable);
    }

    #[test]
    fn clear_and_previous_key_values_open_as_stale_and_other_keys_do_not_open() {
        let old = SecretKey::generate();
        let sealed_by_old = SecretBox::new(old.clone(), None).seal(SECRET, 1);
        let rotated = SecretBox::new(SecretKey::generate(), Some(old));
        assert!(matches!(rotated.open(&sealed_by_old, 1), Ok(Opened::Stale(p)) if p == SECRET));
        assert!(matches!(rotated.open(SECRET, 1), Ok(Opened::Stale(p)) if p == SECRET));
        let stranger = SecretBox::new(SecretKey::generate(), None);
        assert_eq!(stranger.open(&sealed_by_old, 1).unwrap_err(), Unreadable);
        assert_eq!(stranger.open("not a secret!", 1).unwrap_err(), Unreadable);
    }

    #[test]
    fn keys_parse_from_base64_or_hex_and_nothing_else() {
        let key = SecretKey::generate();
        let b64 = key.to_base64();
        assert_eq!(SecretKey::parse(&b64).unwrap().0, key.0);
        assert_eq!(SecretKey::parse(&format!("{}\n", b64.trim_end_matches('='))).unwrap().0, key.0);
        let hex: String = key.0.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(SecretKey::parse(&hex).unwrap().0, key.0);
        assert_eq!(SecretKey::parse("c2hvcnQ=").unwrap_err(), BadKey);
        assert_eq!(SecretKey::parse("").unwrap_err(), BadKey);
        assert_eq!(format!("{key:?}"), "SecretKey(…)");
    }
}
