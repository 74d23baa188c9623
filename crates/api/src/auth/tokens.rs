//! Opaque random tokens and their stored hashes.
//!
//! Refresh tokens, API tokens and invite codes carry ≥ 59 bits of randomness from the OS RNG and
//! are stored only as SHA-256 hex digests: the database never holds a usable secret. A plain
//! hash (no salt, no stretching) is enough because the inputs are random, not chosen by people.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// `n` random bytes from the OS RNG.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    OsRng.fill_bytes(&mut b);
    b
}

/// `n` random bytes as lower-case hex (2n characters).
pub fn random_hex(n: usize) -> String {
    hex::encode(random_bytes(n))
}

/// A refresh token: 32 random bytes, base64url (43 characters, 256 bits).
pub fn new_refresh_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(32))
}

/// The prefix that marks API tokens in `Authorization: Bearer`.
pub const API_TOKEN_PREFIX: &str = "otm_";

/// An API token: `otm_` + 32 random bytes base64url (256 bits).
pub fn new_api_token() -> String {
    format!(
        "{API_TOKEN_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random_bytes(32))
    )
}

/// A normalized invite code: 12 characters from the look-alike-free alphabet
/// ([`otmetka_domain::rules::INVITE_ALPHABET`]), ≈ 59 bits.
pub fn new_invite_code() -> String {
    let alphabet = otmetka_domain::rules::INVITE_ALPHABET;
    let mut rng = OsRng;
    (0..otmetka_domain::rules::INVITE_CODE_LEN)
        .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
        .collect()
}

/// SHA-256 of the token as 64 hex characters: what the database stores and looks up.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_distinct() {
        let a = new_refresh_token();
        let b = new_refresh_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        let t = new_api_token();
        assert!(t.starts_with("otm_") && t.len() == 47);
        let code = new_invite_code();
        assert!(otmetka_domain::rules::is_valid_invite_code(&code), "{code}");
        assert_eq!(hash_token("abc").len(), 64);
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
