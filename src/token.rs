//! Stream's tokens: user tokens for the browser SDK (optionally limited to
//! some calls) and the server token that authenticates REST calls, as HS256
//! JWTs signed by a [`Key`] with the claims in the order Stream's SDK writes them.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::key::Key;
use crate::validate;

pub const DEFAULT_USER_TOKEN_VALIDITY: u64 = 3600;
pub const SERVER_TOKEN_VALIDITY: u64 = 3600;
/// A cached server token is replaced once it has less than this left.
pub const SERVER_TOKEN_REFRESH_MARGIN: u64 = 300;

pub fn unix_now() -> u64 {
  SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A plain user token's claims in the order Stream's SDK signs them:
/// `user_id`, `iat`, `exp`. `iat` is one second in the past, as Stream's own
/// SDK does, to absorb clock skew between this server and Stream.
#[derive(Serialize)]
pub struct UserClaims<'a> {
  pub user_id: &'a str,
  pub iat: u64,
  pub exp: u64,
}

impl<'a> UserClaims<'a> {
  pub fn new(user_id: &'a str, now: u64, validity: u64) -> Self {
    let iat = now.saturating_sub(1);
    UserClaims { user_id, iat, exp: iat.saturating_add(validity) }
  }
}

fn validity_or_default(validity: Option<f64>) -> Result<u64> {
  validity.map_or(Ok(DEFAULT_USER_TOKEN_VALIDITY), validate::validity_seconds)
}

/// Validates the arguments and signs a user token. `validity` is seconds,
/// `None` meaning one hour.
pub fn user_token(key: &Key, user_id: &str, validity: Option<f64>, now: u64) -> Result<String> {
  validate::user_id("userId", user_id)?;
  Ok(key.sign_jwt_payload(&user_payload(&UserClaims::new(user_id, now, validity_or_default(validity)?))))
}

/// The JSON of a plain user token's claims, written directly: tokens are a
/// hot path, and serde costs more than the rest of the JSON. The same bytes
/// as serde's (a test compares them).
fn user_payload(claims: &UserClaims) -> Vec<u8> {
  let mut out = Vec::with_capacity(claims.user_id.len() + 48);
  out.extend_from_slice(br#"{"user_id":"#);
  if claims.user_id.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
    out.push(b'"');
    out.extend_from_slice(claims.user_id.as_bytes());
    out.push(b'"');
  } else {
    serde_json::to_writer(&mut out, claims.user_id).expect("strings always serialize");
  }
  let mut number = itoa::Buffer::new();
  out.extend_from_slice(br#","iat":"#);
  out.extend_from_slice(number.format(claims.iat).as_bytes());
  out.extend_from_slice(br#","exp":"#);
  out.extend_from_slice(number.format(claims.exp).as_bytes());
  out.push(b'}');
  out
}

/// What an app may set in a token besides its user, as node-sdk's
/// `generateUserToken` payload takes them: `exp` and `iat` as absolute Unix
/// seconds (`exp` wins over a validity, as in node-sdk) and extra claims.
#[derive(Default)]
pub struct TokenOptions {
  pub exp: Option<f64>,
  pub iat: Option<f64>,
  /// A JSON object; the claims the token sets itself cannot be among them.
  pub claims_json: Option<String>,
  /// `exp` and `iat` are positional arguments (`createToken(userId, exp,
  /// iat)`), so errors name them alone, not as `options.exp`.
  pub positional: bool,
}

/// A user token with `options` (the plain case is [`user_token`], a hot path).
pub fn user_token_with(key: &Key, user_id: &str, validity: Option<f64>, options: &TokenOptions, now: u64) -> Result<String> {
  validate::user_id("userId", user_id)?;
  sign_with(key, user_id, None, None, validity, options, now)
}

/// A user token limited to some calls (a plain call id becomes
/// `default:<id>`), with `options` (see [`TokenOptions`]).
pub fn call_token(
  key: &Key,
  user_id: &str,
  call_ids: &[String],
  role: Option<&str>,
  validity: Option<f64>,
  options: &TokenOptions,
  now: u64,
) -> Result<String> {
  validate::user_id("userId", user_id)?;
  let cids = validate::call_cids(call_ids)?;
  if let Some(role) = role {
    validate::role("role", role)?;
  }
  sign_with(key, user_id, Some(cids), role, validity, options, now)
}

/// The latest time a token may name (9999-12-31T23:59:59Z): past it is a unit mistake (milliseconds).
const MAX_UNIX_SECONDS: f64 = 253_402_300_799.0;

fn unix_seconds(name: &str, value: f64) -> Result<u64> {
  if value.is_finite() && value.fract() == 0.0 && (0.0..=MAX_UNIX_SECONDS).contains(&value) {
    Ok(value as u64)
  } else {
    Err(Error::invalid(format!("{name} must be a time in whole Unix seconds (up to {MAX_UNIX_SECONDS}), got {value}")))
  }
}

/// Claims in Stream's SDK order (`user_id`, `call_cids`, `role`), then the
/// app's own, then `iat` and `exp`.
fn sign_with(
  key: &Key,
  user_id: &str,
  call_cids: Option<Vec<String>>,
  role: Option<&str>,
  validity: Option<f64>,
  options: &TokenOptions,
  now: u64,
) -> Result<String> {
  let prefix = if options.positional { "" } else { "options." };
  let iat = match options.iat {
    Some(iat) => unix_seconds(&format!("{prefix}iat"), iat)?,
    None => now.saturating_sub(1),
  };
  let exp = match options.exp {
    Some(exp) => unix_seconds(&format!("{prefix}exp"), exp)?,
    None => iat.saturating_add(validity_or_default(validity)?),
  };
  if exp <= iat {
    return Err(Error::invalid(format!("{prefix}exp ({exp}) must be after iat ({iat})")));
  }
  let own: &[&str] = if call_cids.is_some() { &["user_id", "call_cids", "role", "iat", "exp"] } else { &["user_id", "iat", "exp"] };
  let mut claims: Vec<(String, serde_json::Value)> = vec![("user_id".into(), user_id.into())];
  if let Some(cids) = call_cids {
    claims.push(("call_cids".into(), cids.into()));
  }
  if let Some(role) = role {
    claims.push(("role".into(), role.into()));
  }
  if let Some(json) = &options.claims_json {
    let extra: serde_json::Map<String, serde_json::Value> =
      serde_json::from_str(json).map_err(|_| Error::invalid("options.claims must be an object of claims"))?;
    if let Some(name) = extra.keys().find(|name| own.contains(&name.as_str())) {
      return Err(Error::invalid(format!("options.claims.{name} is set by the token itself (use userId, callIds, role, iat or exp)")));
    }
    claims.extend(extra);
  }
  claims.push(("iat".into(), iat.into()));
  claims.push(("exp".into(), exp.into()));
  // In this order (a serde map would sort the keys).
  let fields: Vec<String> = claims.iter().map(|(name, value)| format!("{}:{value}", serde_json::Value::from(name.as_str()))).collect();
  Ok(key.sign_jwt_payload(format!("{{{}}}", fields.join(",")).as_bytes()))
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
        let token = key.sign_jwt(&ServerClaims { server: true, iat, exp: iat + SERVER_TOKEN_VALIDITY });
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
  use crate::config::Secret;
  use base64::engine::general_purpose::URL_SAFE_NO_PAD;
  use base64::Engine;

  fn decode(token: &str) -> (String, String) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let text = |p: &str| String::from_utf8(URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    (text(parts[0]), text(parts[1]))
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
    let none = TokenOptions::default();
    let ids = ["m1".to_string(), "livestream:x".to_string()];
    let (_, payload) = decode(&call_token(&key, "guest", &ids, Some("guest"), None, &none, 1_000).unwrap());
    assert_eq!(payload, r#"{"user_id":"guest","call_cids":["default:m1","livestream:x"],"role":"guest","iat":999,"exp":4599}"#);
    let (_, payload) = decode(&call_token(&key, "u", &ids[..1], None, Some(60.0), &none, 1_000).unwrap());
    assert_eq!(payload, r#"{"user_id":"u","call_cids":["default:m1"],"iat":999,"exp":1059}"#);
    assert!(call_token(&key, "u", &[], None, None, &none, 0).unwrap_err().message.starts_with("callIds"));
    assert!(call_token(&key, "", &ids, None, None, &none, 0).unwrap_err().message.starts_with("userId"));
    assert!(call_token(&key, "u", &ids, Some(""), None, &none, 0).unwrap_err().message.starts_with("role"));
  }

  #[test]
  fn tokens_with_absolute_times_and_extra_claims() {
    let key = Key::new(&Secret::new("s"));
    let with = |exp, iat, claims: Option<&str>| TokenOptions { exp, iat, claims_json: claims.map(str::to_string), positional: false };
    let (_, payload) = decode(&user_token_with(&key, "u", None, &with(Some(5000.0), Some(100.0), None), 1_000).unwrap());
    assert_eq!(payload, r#"{"user_id":"u","iat":100,"exp":5000}"#);
    let (_, payload) = decode(&user_token_with(&key, "u", Some(60.0), &with(None, None, Some(r#"{"iss":"app","sub":"u","tier":[1]}"#)), 1_000).unwrap());
    assert_eq!(payload, r#"{"user_id":"u","iss":"app","sub":"u","tier":[1],"iat":999,"exp":1059}"#);
    let (_, payload) = decode(&user_token_with(&key, "u", Some(60.0), &with(Some(2000.0), None, None), 1_000).unwrap());
    assert_eq!(payload, r#"{"user_id":"u","iat":999,"exp":2000}"#, "exp wins over a validity, as in node-sdk");
    let ids = ["m1".to_string()];
    let (_, payload) = decode(&call_token(&key, "g", &ids, Some("guest"), None, &with(None, Some(500.0), Some(r#"{"x":1}"#)), 1_000).unwrap());
    assert_eq!(payload, r#"{"user_id":"g","call_cids":["default:m1"],"role":"guest","x":1,"iat":500,"exp":4100}"#);
    let message = |options: TokenOptions| user_token_with(&key, "u", None, &options, 1_000).unwrap_err().message;
    assert_eq!(
      message(with(None, None, Some(r#"{"user_id":"other"}"#))),
      "options.claims.user_id is set by the token itself (use userId, callIds, role, iat or exp)"
    );
    assert_eq!(message(with(Some(50.0), Some(100.0), None)), "options.exp (50) must be after iat (100)");
    assert_eq!(message(TokenOptions { positional: true, ..with(Some(50.0), Some(100.0), None) }), "exp (50) must be after iat (100)");
    assert!(message(with(Some(1.7e12), None, None)).starts_with("options.exp must be a time in whole Unix seconds"), "milliseconds");
    assert!(message(with(None, Some(f64::NAN), None)).starts_with("options.iat must be"));
    assert_eq!(message(with(None, None, Some("[1]"))), "options.claims must be an object of claims");
  }

  #[test]
  fn user_payload_is_what_serde_writes() {
    for id in ["u", "u\"1", "back\\slash", "tab\tnew\nline\u{1}", "é\u{7f}😀", "</script>"] {
      let claims = UserClaims::new(id, 1_700_000_000, 3600);
      assert_eq!(user_payload(&claims), serde_json::to_vec(&claims).unwrap(), "{id:?}");
    }
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
