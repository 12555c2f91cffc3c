//! The API secret as a signing key: HMAC-SHA256 from RustCrypto's `hmac` and
//! `sha2` crates, keyed once per secret (the inner and outer pads hashed when
//! the key is made) and cloned per message, for HS256 JSON Web Tokens and for
//! webhook signatures. This module knows nothing of tokens' claims or of
//! webhooks; both build on it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::config::Secret;

/// base64url of `{"alg":"HS256","typ":"JWT"}`, the header Stream's SDK signs.
const JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
/// base64url length of a 32-byte HMAC.
const SIGNATURE_B64_LEN: usize = 43;

#[derive(Clone)]
pub struct Key {
  /// Keyed once: a clone carries the hashed pads, so a message costs only its own blocks.
  mac: Hmac<Sha256>,
}

impl Key {
  pub fn new(secret: &Secret) -> Self {
    Key { mac: Hmac::new_from_slice(secret.expose().as_bytes()).expect("HMAC takes a key of any length") }
  }

  /// HMAC-SHA256 of `message`.
  pub fn hmac(&self, message: &[u8]) -> [u8; 32] {
    let mut mac = self.mac.clone();
    mac.update(message);
    mac.finalize().into_bytes().into()
  }

  /// Signs claims as a compact HS256 JWT with Stream's SDK header.
  pub fn sign_jwt(&self, claims: &impl Serialize) -> String {
    self.sign_jwt_payload(&serde_json::to_vec(claims).expect("claims always serialize"))
  }

  /// Signs a payload that is already JSON text.
  pub fn sign_jwt_payload(&self, payload: &[u8]) -> String {
    // Written into one buffer of the exact length (base64's String sink would check each chunk's UTF-8).
    let payload_len = base64_len(payload.len());
    let signed_len = JWT_HEADER.len() + 1 + payload_len;
    let mut token = vec![0u8; signed_len + 1 + SIGNATURE_B64_LEN];
    token[..JWT_HEADER.len()].copy_from_slice(JWT_HEADER.as_bytes());
    token[JWT_HEADER.len()] = b'.';
    URL_SAFE_NO_PAD.encode_slice(payload, &mut token[JWT_HEADER.len() + 1..signed_len]).expect("the buffer has room");
    let signature = self.hmac(&token[..signed_len]);
    token[signed_len] = b'.';
    URL_SAFE_NO_PAD.encode_slice(signature, &mut token[signed_len + 1..]).expect("the buffer has room");
    String::from_utf8(token).expect("base64url is ASCII")
  }
}

/// The length of unpadded base64 of `n` bytes.
fn base64_len(n: usize) -> usize {
  n / 3 * 4 + [0, 2, 3][n % 3]
}

#[cfg(test)]
pub(crate) mod tests {
  use super::*;
  use sha2::Digest;

  #[test]
  fn matches_stream_sdk_server_token_vector() {
    // Stream's Node SDK signs {"server":true} with secret456 to this exact token.
    let key = Key::new(&Secret::new("secret456"));
    assert_eq!(
      key.sign_jwt(&serde_json::json!({"server": true})),
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXJ2ZXIiOnRydWV9.xwtLjTyIWD38lvfY-BfgR52wsMU6d7yRL9KuHnVMVRs"
    );
    let other = Key::new(&Secret::new("secret457"));
    assert_ne!(other.sign_jwt(&serde_json::json!({"server": true})), key.sign_jwt(&serde_json::json!({"server": true})));
  }

  #[test]
  fn hmac_matches_rfc_4231_case_2() {
    let mac = Key::new(&Secret::new("Jefe")).hmac(b"what do ya want for nothing?");
    assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  #[test]
  fn hmac_matches_the_digest_api_at_every_padding_boundary() {
    // Messages of 0 to 200 bytes cross the one-block/two-block tails (55, 56, 63, 64 bytes and on);
    // keys shorter than a block, exactly one, and longer (hashed first).
    for key_len in [1, 63, 64, 65, 131] {
      let secret = "k".repeat(key_len);
      let key = Key::new(&Secret::new(&secret));
      for len in 0..=200 {
        let message: Vec<u8> = (0..len).map(|i| i as u8).collect();
        assert_eq!(key.hmac(&message), reference_hmac(secret.as_bytes(), &message), "key {key_len}, message {len}");
      }
    }
  }

  /// HMAC-SHA256 written out over the digest API (RFC 2104), to check [`Key::hmac`] against.
  pub(crate) fn reference_hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
      block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
      block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
  }
}
