//! The API secret as a signing key: HMAC-SHA256 (RFC 2104) with its inner and
//! outer pads hashed once, for HS256 JSON Web Tokens and for webhook
//! signatures. A message then costs only its own SHA-256 blocks, hashed
//! straight from where it lies (no copy into a MAC's buffer, no MAC state to
//! clone). This module knows nothing of tokens' claims or of webhooks; both
//! build on it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use sha2::digest::consts::U64;
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};

use crate::config::Secret;

/// base64url of `{"alg":"HS256","typ":"JWT"}`, the header Stream's SDK signs.
const JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
/// base64url length of a 32-byte HMAC.
const SIGNATURE_B64_LEN: usize = 43;
/// SHA-256's block size in bytes.
const BLOCK: usize = 64;
/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const INITIAL: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

#[derive(Clone)]
pub struct Key {
  /// SHA-256 states after one block: the key xor the inner pad, and xor the outer pad.
  inner: [u32; 8],
  outer: [u32; 8],
}

impl Key {
  pub fn new(secret: &Secret) -> Self {
    let bytes = secret.expose().as_bytes();
    let mut key = [0u8; BLOCK];
    if bytes.len() > BLOCK {
      key[..32].copy_from_slice(&Sha256::digest(bytes));
    } else {
      key[..bytes.len()].copy_from_slice(bytes);
    }
    let padded = |pad: u8| {
      let mut state = INITIAL;
      compress(&mut state, &[key.map(|byte| byte ^ pad)]);
      state
    };
    Key { inner: padded(0x36), outer: padded(0x5c) }
  }

  /// HMAC-SHA256 of `message`.
  pub fn hmac(&self, message: &[u8]) -> [u8; 32] {
    finish(self.outer, &finish(self.inner, message))
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

fn compress(state: &mut [u32; 8], blocks: &[[u8; BLOCK]]) {
  // SAFETY: `GenericArray<u8, U64>` is `repr(transparent)` over `[u8; 64]`.
  let blocks = unsafe { std::slice::from_raw_parts(blocks.as_ptr().cast::<GenericArray<u8, U64>>(), blocks.len()) };
  sha2::compress256(state, blocks);
}

/// The SHA-256 digest of one block already absorbed into `state`, then `message`.
fn finish(mut state: [u32; 8], message: &[u8]) -> [u8; 32] {
  let (blocks, rest) = message.as_chunks::<BLOCK>();
  compress(&mut state, blocks);
  // The rest, the 0x80 byte and the message's length in bits fill one block, or two.
  let mut tail = [[0u8; BLOCK]; 2];
  let used = if rest.len() + 9 > BLOCK { 2 } else { 1 };
  let bytes = tail.as_flattened_mut();
  bytes[..rest.len()].copy_from_slice(rest);
  bytes[rest.len()] = 0x80;
  let bits = ((BLOCK + message.len()) as u64) * 8;
  bytes[used * BLOCK - 8..used * BLOCK].copy_from_slice(&bits.to_be_bytes());
  compress(&mut state, &tail[..used]);
  let mut digest = [0u8; 32];
  for (out, word) in digest.chunks_exact_mut(4).zip(state) {
    out.copy_from_slice(&word.to_be_bytes());
  }
  digest
}

#[cfg(test)]
pub(crate) mod tests {
  use super::*;

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
