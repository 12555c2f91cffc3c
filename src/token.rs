//! HS256 JSON Web Tokens: user tokens for the browser SDK and the server token
//! that authenticates REST calls. The HMAC key schedule is computed once per
//! secret and claims are written straight into the payload buffer.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;
use crate::error::Result;
use crate::validate;

pub type HmacSha256 = Hmac<Sha256>;

/// base64url of `{"alg":"HS256","typ":"JWT"}`.
const HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
pub const DEFAULT_USER_TOKEN_VALIDITY: u64 = 3600;
pub const SERVER_TOKEN_VALIDITY: u64 = 3600;
/// A cached server token is replaced once it has less than this left.
pub const SERVER_TOKEN_REFRESH_MARGIN: u64 = 300;

/// An HMAC-SHA256 key with its inner and outer pads already hashed.
#[derive(Clone)]
pub struct Key(HmacSha256);

impl Key {
  pub fn new(secret: &Secret) -> Self {
    Key(HmacSha256::new_from_slice(secret.expose().as_bytes()).expect("HMAC takes keys of any length"))
  }

  /// A fresh MAC state for one message.
  pub fn mac(&self) -> HmacSha256 {
    self.0.clone()
  }

  /// Signs a JSON payload as a compact JWT.
  pub fn sign(&self, payload_json: &str) -> String {
    let payload_len = base64::encoded_len(payload_json.len(), false).unwrap_or(0);
    let mut token = String::with_capacity(HEADER_B64.len() + payload_len + 45);
    token.push_str(HEADER_B64);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload_json, &mut token);
    let mut mac = self.mac();
    mac.update(token.as_bytes());
    let signature = mac.finalize().into_bytes();
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    token
  }
}

pub fn unix_now() -> u64 {
  SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Claims `{user_id, <extra>, iat, exp}` in that order, as Stream's SDK signs
/// them. `extra` is JSON members (`"call_cids":[…]`) or empty. `iat` is one
/// second in the past, as Stream's own SDK does, to absorb clock skew between
/// this server and Stream.
pub fn user_claims(user_id: &str, extra: &str, now: u64, validity: u64) -> String {
  let iat = now.saturating_sub(1);
  let mut claims = String::with_capacity(user_id.len() + extra.len() + 48);
  claims.push_str("{\"user_id\":");
  claims.push_str(&json_string(user_id));
  if !extra.is_empty() {
    claims.push(',');
    claims.push_str(extra);
  }
  claims.push_str(",\"iat\":");
  claims.push_str(&iat.to_string());
  claims.push_str(",\"exp\":");
  claims.push_str(&iat.saturating_add(validity).to_string());
  claims.push('}');
  claims
}

fn json_string(value: &str) -> String {
  serde_json::to_string(value).expect("a string always serializes")
}

fn validity_or_default(validity: Option<f64>) -> Result<u64> {
  validity.map_or(Ok(DEFAULT_USER_TOKEN_VALIDITY), validate::validity_seconds)
}

/// Validates the arguments and signs a user token. `validity` is seconds,
/// `None` meaning one hour.
pub fn user_token(key: &Key, user_id: &str, validity: Option<f64>, now: u64) -> Result<String> {
  validate::user_id(user_id)?;
  Ok(key.sign(&user_claims(user_id, "", now, validity_or_default(validity)?)))
}

/// A user token limited to some calls: claims `{user_id, call_cids, role?,
/// iat, exp}`. A plain call id becomes `default:<id>`.
pub fn call_token(key: &Key, user_id: &str, call_ids: &[String], role: Option<&str>, validity: Option<f64>, now: u64) -> Result<String> {
  validate::user_id(user_id)?;
  let cids = validate::call_cids(call_ids)?;
  if let Some(role) = role {
    validate::role(role)?;
  }
  let validity = validity_or_default(validity)?;
  let mut extra = format!("\"call_cids\":{}", serde_json::to_string(&cids).expect("strings always serialize"));
  if let Some(role) = role {
    extra.push_str(",\"role\":");
    extra.push_str(&json_string(role));
  }
  Ok(key.sign(&user_claims(user_id, &extra, now, validity)))
}

pub fn server_claims(iat: u64) -> String {
  format!("{{\"server\":true,\"iat\":{iat},\"exp\":{}}}", iat + SERVER_TOKEN_VALIDITY)
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
        let token = key.sign(&server_claims(iat));
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
    assert_eq!(key.sign(r#"{"server":true}"#), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXJ2ZXIiOnRydWV9.xwtLjTyIWD38lvfY-BfgR52wsMU6d7yRL9KuHnVMVRs");
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
