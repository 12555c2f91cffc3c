//! The API secret as a signing key, on the design card's crates: tokens are
//! signed by `jsonwebtoken` (HS256), and both its HMAC and the webhook
//! signature (compared by `webhook` with `subtle`) are RustCrypto's `hmac` over `sha2`, keyed once per secret (the
//! inner and outer pads hashed when the key is made) and cloned per message.
//! This module knows nothing of tokens' claims or of webhooks; both build on it.
//!
//! `jsonwebtoken` leaves its cryptography to a process-wide `CryptoProvider`.
//! Its own `rust_crypto` provider would also compile RSA, ECDSA and EdDSA,
//! which Stream's HS256 tokens never use, so this module installs one that
//! knows HS256 only, on the same `hmac` and `sha2` crates (see [`JWT_CRYPTO`]).

use std::sync::Once;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::signature::{Error as SignatureError, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};
use serde::Serialize;
use sha2::Sha256;

use crate::config::Secret;

/// base64url of `{"alg":"HS256","typ":"JWT"}`, the header Stream's SDK signs
/// (`jsonwebtoken::encode` would write `typ` first: same token, other bytes).
const JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
/// base64url length of a 32-byte HMAC.
const SIGNATURE_B64_LEN: usize = 43;
/// Bytes in an HMAC-SHA256.
pub const HMAC_BYTES: usize = 32;

#[derive(Clone)]
pub struct Key {
  /// Keyed once: a clone carries the hashed pads, so a message costs only its own blocks.
  mac: Hmac<Sha256>,
  /// The same secret as `jsonwebtoken` takes it.
  jwt: EncodingKey,
}

impl Key {
  pub fn new(secret: &Secret) -> Self {
    static INSTALL: Once = Once::new();
    // Fails only if a provider is already installed in this process: that one is then ours.
    INSTALL.call_once(|| {
      let _ = JWT_CRYPTO.install_default();
    });
    let bytes = secret.expose().as_bytes();
    Key {
      mac: Hmac::new_from_slice(bytes).expect("HMAC takes a key of any length"),
      // The settings refuse an empty secret, the one key `jsonwebtoken` refuses.
      jwt: EncodingKey::from_secret(bytes).expect("the API secret is not empty"),
    }
  }

  /// HMAC-SHA256 of `message`.
  pub fn hmac(&self, message: &[u8]) -> [u8; HMAC_BYTES] {
    self.mac.clone().chain_update(message).finalize().into_bytes().into()
  }

  /// Signs claims as a compact HS256 JWT with Stream's SDK header.
  pub fn sign_jwt(&self, claims: &impl Serialize) -> String {
    self.sign_jwt_payload(&serde_json::to_vec(claims).expect("claims always serialize"))
  }

  /// Signs a payload that is already JSON text: the header and payload are
  /// written here, byte for byte as Stream's SDK writes them; the signature is
  /// `jsonwebtoken::crypto::sign`'s.
  pub fn sign_jwt_payload(&self, payload: &[u8]) -> String {
    let payload_len = base64_len(payload.len());
    let mut token = String::with_capacity(JWT_HEADER.len() + 1 + payload_len + 1 + SIGNATURE_B64_LEN);
    token.push_str(JWT_HEADER);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let signature = jsonwebtoken::crypto::sign(token.as_bytes(), &self.jwt, Algorithm::HS256).expect("the installed provider signs HS256 with any HMAC key");
    token.push('.');
    token.push_str(&signature);
    token
  }
}

/// `jsonwebtoken`'s cryptography in this process: HS256 on `hmac` and `sha2`.
/// Any other algorithm is refused (`InvalidAlgorithm`); JWK helpers are not
/// offered (this package never reads a JWK).
static JWT_CRYPTO: CryptoProvider = CryptoProvider { signer_factory: hs256_signer, verifier_factory: hs256_verifier, key_utils: KeyUtils::new_unimplemented() };

struct Hs256(Hmac<Sha256>);

/// The HS256 HMAC keyed with `key`. jsonwebtoken asks for a signer (or a
/// verifier) per token, so the keyed HMAC of the last key this thread used is
/// cloned instead of keyed again (the two pad blocks are hashed once per key,
/// as in `Key`).
fn hs256(algorithm: &Algorithm, family: AlgorithmFamily, key: &[u8]) -> jsonwebtoken::errors::Result<Hs256> {
  if *algorithm != Algorithm::HS256 || family != AlgorithmFamily::Hmac {
    return Err(JwtErrorKind::InvalidAlgorithm.into());
  }
  thread_local! {
    static LAST: std::cell::RefCell<Option<(Vec<u8>, Hmac<Sha256>)>> = const { std::cell::RefCell::new(None) };
  }
  LAST.with_borrow_mut(|last| match last {
    Some((bytes, mac)) if bytes.as_slice() == key => Ok(Hs256(mac.clone())),
    _ => {
      let mac = Hmac::new_from_slice(key).map_err(|_| JwtErrorKind::InvalidKeyFormat)?;
      *last = Some((key.to_vec(), mac.clone()));
      Ok(Hs256(mac))
    }
  })
}

fn hs256_signer(algorithm: &Algorithm, key: &EncodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtSigner>> {
  Ok(Box::new(hs256(algorithm, key.family(), key.as_bytes())?))
}

fn hs256_verifier(algorithm: &Algorithm, key: &DecodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtVerifier>> {
  Ok(Box::new(hs256(algorithm, key.family(), key.try_get_as_bytes()?)?))
}

impl jsonwebtoken::signature::Signer<Vec<u8>> for Hs256 {
  fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
    Ok(self.0.clone().chain_update(message).finalize().into_bytes().to_vec())
  }
}

impl Verifier<Vec<u8>> for Hs256 {
  fn verify(&self, message: &[u8], signature: &Vec<u8>) -> Result<(), SignatureError> {
    self.0.clone().chain_update(message).verify_slice(signature).map_err(SignatureError::from_source)
  }
}

impl JwtSigner for Hs256 {
  fn algorithm(&self) -> Algorithm {
    Algorithm::HS256
  }
}

impl JwtVerifier for Hs256 {
  fn algorithm(&self) -> Algorithm {
    Algorithm::HS256
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
  fn tokens_are_jsonwebtoken_tokens() {
    // jsonwebtoken decodes and checks what this key signs (through the installed provider)
    // and refuses the same token under another secret or algorithm.
    let key = Key::new(&Secret::new("secret456"));
    let token = key.sign_jwt(&serde_json::json!({"user_id": "ada", "exp": 4_000_000_000u64}));
    let validation = jsonwebtoken::Validation::new(Algorithm::HS256);
    let decoded = jsonwebtoken::decode::<serde_json::Value>(&token, &DecodingKey::from_secret(b"secret456").unwrap(), &validation).unwrap();
    assert_eq!(decoded.claims["user_id"], "ada");
    assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &DecodingKey::from_secret(b"secret457").unwrap(), &validation).is_err());
    let hs512 = jsonwebtoken::Validation::new(Algorithm::HS512);
    assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &DecodingKey::from_secret(b"secret456").unwrap(), &hs512).is_err());
    assert!(jsonwebtoken::crypto::sign(b"m", &EncodingKey::from_secret(b"k").unwrap(), Algorithm::HS384).is_err());
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
