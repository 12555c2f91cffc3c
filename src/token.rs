//! HS256 JSON Web Tokens, signed with `jsonwebtoken`: user tokens for the
//! browser SDK (optionally limited to some calls) and the server token that
//! authenticates REST calls. The `EncodingKey` is built once per secret, and
//! the header is Stream's SDK's, byte for byte.

use std::cell::RefCell;
use std::sync::{Mutex, Once};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, KeyUtils};
use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::signature::{self, Signer};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde::Serialize;
use sha2::Sha256;

use crate::config::Secret;
use crate::error::Result;
use crate::validate;

pub type HmacSha256 = Hmac<Sha256>;

/// base64url of `{"alg":"HS256","typ":"JWT"}`, the header Stream's SDK signs.
const HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

pub const DEFAULT_USER_TOKEN_VALIDITY: u64 = 3600;
pub const SERVER_TOKEN_VALIDITY: u64 = 3600;
/// A cached server token is replaced once it has less than this left.
pub const SERVER_TOKEN_REFRESH_MARGIN: u64 = 300;

/// jsonwebtoken's crypto backend, HS256 only. Its `rust_crypto` feature would
/// link RSA, ECDSA and EdDSA code that Stream tokens never use.
static HS256_ONLY: CryptoProvider = CryptoProvider {
  signer_factory: hs256_signer,
  verifier_factory: |_, _: &DecodingKey| Err(JwtErrorKind::InvalidAlgorithm.into()),
  key_utils: KeyUtils::new_unimplemented(),
};

fn hs256_signer(algorithm: &Algorithm, key: &EncodingKey) -> jsonwebtoken::errors::Result<Box<dyn JwtSigner>> {
  if *algorithm != Algorithm::HS256 {
    return Err(JwtErrorKind::InvalidAlgorithm.into());
  }
  thread_local! {
    /// The last secret's HMAC state: its pads are hashed once, not per token.
    static LAST: RefCell<Option<(Vec<u8>, HmacSha256)>> = const { RefCell::new(None) };
  }
  let secret = key.as_bytes();
  let mac = LAST.with(|last| {
    let mut last = last.borrow_mut();
    match last.as_ref() {
      Some((cached, mac)) if cached.as_slice() == secret => mac.clone(),
      _ => {
        let mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
        *last = Some((secret.to_vec(), mac.clone()));
        mac
      }
    }
  });
  Ok(Box::new(Hs256(mac)))
}

struct Hs256(HmacSha256);

impl Signer<Vec<u8>> for Hs256 {
  fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
    let mut mac = self.0.clone();
    mac.update(message);
    Ok(mac.finalize().into_bytes().to_vec())
  }
}

impl JwtSigner for Hs256 {
  fn algorithm(&self) -> Algorithm {
    Algorithm::HS256
  }
}

/// The API secret as a JWT signing key, and as an HMAC-SHA256 key for webhook
/// signatures with its inner and outer pads already hashed.
#[derive(Clone)]
pub struct Key {
  encoding: EncodingKey,
  mac: HmacSha256,
}

impl Key {
  pub fn new(secret: &Secret) -> Self {
    static PROVIDER: Once = Once::new();
    // Nothing else in this library installs one, so this cannot lose a race that matters.
    PROVIDER.call_once(|| {
      let _ = HS256_ONLY.install_default();
    });
    let bytes = secret.expose().as_bytes();
    Key { encoding: EncodingKey::from_secret(bytes), mac: HmacSha256::new_from_slice(bytes).expect("HMAC takes keys of any length") }
  }

  /// A fresh MAC state for one message.
  pub fn mac(&self) -> HmacSha256 {
    self.mac.clone()
  }

  /// Signs claims as a compact HS256 JWT with Stream's SDK header.
  pub fn sign(&self, claims: &impl Serialize) -> String {
    let payload = serde_json::to_vec(claims).expect("claims always serialize");
    let mut token = String::with_capacity(HEADER_B64.len() + payload.len() * 4 / 3 + 48);
    token.push_str(HEADER_B64);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let signature = jsonwebtoken::crypto::sign(token.as_bytes(), &self.encoding, Algorithm::HS256).expect("an HMAC key signs HS256");
    token.push('.');
    token.push_str(&signature);
    token
  }
}

pub fn unix_now() -> u64 {
  SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A user token's claims in the order Stream's SDK signs them: `user_id`,
/// `call_cids` and `role` for call tokens (left out otherwise), `iat`, `exp`.
/// `iat` is one second in the past, as Stream's own SDK does, to absorb clock
/// skew between this server and Stream.
#[derive(Serialize)]
pub struct UserClaims<'a> {
  pub user_id: &'a str,
  #[serde(skip_serializing_if = "Option::is_none")]
  pub call_cids: Option<Vec<String>>,
  #[serde(skip_serializing_if = "Option::is_none")]
  pub role: Option<&'a str>,
  pub iat: u64,
  pub exp: u64,
}

impl<'a> UserClaims<'a> {
  pub fn new(user_id: &'a str, now: u64, validity: u64) -> Self {
    let iat = now.saturating_sub(1);
    UserClaims { user_id, call_cids: None, role: None, iat, exp: iat.saturating_add(validity) }
  }
}

fn validity_or_default(validity: Option<f64>) -> Result<u64> {
  validity.map_or(Ok(DEFAULT_USER_TOKEN_VALIDITY), validate::validity_seconds)
}

/// Validates the arguments and signs a user token. `validity` is seconds,
/// `None` meaning one hour.
pub fn user_token(key: &Key, user_id: &str, validity: Option<f64>, now: u64) -> Result<String> {
  validate::user_id(user_id)?;
  Ok(key.sign(&UserClaims::new(user_id, now, validity_or_default(validity)?)))
}

/// A user token limited to some calls. A plain call id becomes `default:<id>`.
pub fn call_token(key: &Key, user_id: &str, call_ids: &[String], role: Option<&str>, validity: Option<f64>, now: u64) -> Result<String> {
  validate::user_id(user_id)?;
  let cids = validate::call_cids(call_ids)?;
  if let Some(role) = role {
    validate::role(role)?;
  }
  let claims = UserClaims { call_cids: Some(cids), role, ..UserClaims::new(user_id, now, validity_or_default(validity)?) };
  Ok(key.sign(&claims))
}

#[derive(Serialize)]
struct ServerClaims {
  server: bool,
  iat: u64,
  exp: u64,
}

/// The server token, built once and reused until it nears expiry.
#[derive(Default)]
pub struct ServerTokenCache {
  current: Mutex<Option<(String, u64)>>,
}

impl ServerTokenCache {
  pub fn get(&self, key: &Key, now: u64) -> String {
    let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
    match current.as_ref() {
      Some((token, exp)) if now + SERVER_TOKEN_REFRESH_MARGIN < *exp => token.clone(),
      _ => {
        let iat = now.saturating_sub(1);
        let token = key.sign(&ServerClaims { server: true, iat, exp: iat + SERVER_TOKEN_VALIDITY });
        *current = Some((token.clone(), iat + SERVER_TOKEN_VALIDITY));
        token
      }
    }
  }

  /// Drops the cached token so the next request signs a new one (after Stream
  /// rejected it as expired, e.g. after a clock jump).
  pub fn invalidate(&self) {
    *self.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  fn decode(token: &str) -> (String, String) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let text = |p: &str| String::from_utf8(URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    (text(parts[0]), text(parts[1]))
  }

  #[test]
  fn matches_stream_sdk_server_token_vector() {
    // Stream's Node SDK signs {"server":true} with secret456 to this exact token.
    let key = Key::new(&Secret::new("secret456"));
    assert_eq!(
      key.sign(&serde_json::json!({"server": true})),
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXJ2ZXIiOnRydWV9.xwtLjTyIWD38lvfY-BfgR52wsMU6d7yRL9KuHnVMVRs"
    );
    // Another secret on the same thread is not served the first one's cached key.
    let other = Key::new(&Secret::new("secret457"));
    assert_ne!(other.sign(&serde_json::json!({"server": true})), key.sign(&serde_json::json!({"server": true})));
  }

  #[test]
  fn user_token_claims_in_order() {
    let key = Key::new(&Secret::new("s"));
    let token = user_token(&key, "u\"1", None, 1_700_000_000).unwrap();
    let (header, payload) = decode(&token);
    assert_eq!(header, r#"{"alg":"HS256","typ":"JWT"}"#);
    assert_eq!(payload, r#"{"user_id":"u\"1","iat":1699999999,"exp":1700003599}"#);
    let (_, payload) = decode(&user_token(&key, "u", Some(7200.0), 100).unwrap());
    assert_eq!(payload, r#"{"user_id":"u","iat":99,"exp":7299}"#);
  }

  #[test]
  fn call_token_claims_in_the_sdk_order() {
    let key = Key::new(&Secret::new("s"));
    let ids = ["m1".to_string(), "livestream:x".to_string()];
    let (_, payload) = decode(&call_token(&key, "guest", &ids, Some("guest"), None, 1_000).unwrap());
    assert_eq!(payload, r#"{"user_id":"guest","call_cids":["default:m1","livestream:x"],"role":"guest","iat":999,"exp":4599}"#);
    let (_, payload) = decode(&call_token(&key, "u", &ids[..1], None, Some(60.0), 1_000).unwrap());
    assert_eq!(payload, r#"{"user_id":"u","call_cids":["default:m1"],"iat":999,"exp":1059}"#);
    assert!(call_token(&key, "u", &[], None, None, 0).unwrap_err().message.starts_with("callIds"));
    assert!(call_token(&key, "", &ids, None, None, 0).unwrap_err().message.starts_with("userId"));
    assert!(call_token(&key, "u", &ids, Some(""), None, 0).unwrap_err().message.starts_with("role"));
  }

  #[test]
  fn user_token_rejects_bad_input() {
    let key = Key::new(&Secret::new("s"));
    assert!(user_token(&key, "", None, 0).unwrap_err().message.contains("userId"));
    assert!(user_token(&key, "u", Some(0.0), 0).unwrap_err().message.contains("validityInSeconds"));
  }

  #[test]
  fn server_token_is_cached_until_near_expiry() {
    let key = Key::new(&Secret::new("s"));
    let cache = ServerTokenCache::default();
    let first = cache.get(&key, 1000);
    let (_, payload) = decode(&first);
    assert_eq!(payload, r#"{"server":true,"iat":999,"exp":4599}"#);
    assert_eq!(cache.get(&key, 1000 + 3000), first);
    let renewed = cache.get(&key, 1000 + 3300);
    assert_ne!(renewed, first);
    cache.invalidate();
    assert_ne!(cache.get(&key, 1000 + 3301), renewed);
  }
}
