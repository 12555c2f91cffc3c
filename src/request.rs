//! A REST request as an endpoint describes it (`calls`, `users`), checked and
//! built before anything is sent, for the transport (`client`) to send: the
//! operation, method, path, query, body and how to read the answer.

use crate::operation::Operation;
use crate::validate;

/// A 2xx answer as the transport received it.
pub struct Answer<'a> {
  pub body: &'a [u8],
  /// How many attempts were made.
  pub attempts: u32,
  pub status: u16,
  pub headers: &'a reqwest::header::HeaderMap,
  /// `x-client-request-id` of the attempt answered.
  pub request_id: &'a str,
}

/// Reads a 2xx answer. A body that is not the JSON Stream documents is an
/// error the transport reports.
pub type Decode<T> = Box<dyn FnOnce(&Answer<'_>) -> serde_json::Result<T> + Send>;

pub struct Request<T> {
  pub operation: Operation,
  pub method: reqwest::Method,
  /// From the base URL on, percent-encoded.
  pub path: String,
  /// Empty, or `name=value&…&` (node-sdk puts `api_key` last).
  pub query: String,
  pub body: Option<String>,
  pub decode: Decode<T>,
}

impl<T> Request<T> {
  pub fn new(operation: Operation, method: reqwest::Method, path: String, body: Option<String>, decode: Decode<T>) -> Self {
    Request { operation, method, path, query: String::new(), body, decode }
  }
}

/// A request whose answer carries nothing the caller needs.
pub fn no_answer(operation: Operation, method: reqwest::Method, path: String, body: Option<String>) -> Request<()> {
  Request::new(operation, method, path, body, Box::new(|_| Ok(())))
}

const CALL_PATH: &str = "/api/v2/video/call/";
pub const USERS_PATH: &str = "/api/v2/users";

/// A call as Stream names it, its type and id both checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cid {
  pub call_type: String,
  pub id: String,
}

impl Cid {
  /// `callId` as the caller gave it: an id of `default_type`, or `type:id`.
  pub fn parse(call_id: &str, default_type: &str) -> crate::error::Result<Cid> {
    let (call_type, id) = validate::cid("callId", call_id, default_type)?;
    Ok(Cid { call_type: call_type.into(), id: id.into() })
  }

  /// `/api/v2/video/call/{type}/{id}{suffix}`.
  pub fn path(&self, suffix: &str) -> String {
    format!("{CALL_PATH}{}/{}{suffix}", percent_encode(&self.call_type), percent_encode(&self.id))
  }
}

/// JSON text of an object as received, or `{}` for anything else (null, an
/// array): custom data is always an object.
pub fn object_json(raw: Option<Box<serde_json::value::RawValue>>) -> String {
  match raw {
    Some(raw) if raw.get().starts_with('{') => raw.get().into(),
    _ => "{}".into(),
  }
}

pub fn json_string(value: &str) -> String {
  serde_json::to_string(value).expect("a string always serializes")
}

/// Percent-encodes everything outside RFC 3986's unreserved set.
pub fn percent_encode(value: &str) -> String {
  let mut out = String::with_capacity(value.len());
  for b in value.bytes() {
    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
      out.push(b as char);
    } else {
      out.push_str(&format!("%{b:02X}"));
    }
  }
  out
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn encodes_query_and_path_values() {
    assert_eq!(percent_encode("abc-_.~XYZ09"), "abc-_.~XYZ09");
    assert_eq!(percent_encode("a b/c?d&é"), "a%20b%2Fc%3Fd%26%C3%A9");
    assert_eq!(Cid::parse("c-1", "default").unwrap().path("/members"), "/api/v2/video/call/default/c-1/members");
    assert_eq!(Cid::parse("livestream:ls_1", "default").unwrap().path(""), "/api/v2/video/call/livestream/ls_1");
    assert_eq!(Cid::parse("ls_1", "audio_room").unwrap().path(""), "/api/v2/video/call/audio_room/ls_1");
    assert!(Cid::parse("../x", "default").is_err());
  }

  #[test]
  fn custom_data_is_always_an_object() {
    let raw = |s: &str| Some(serde_json::value::RawValue::from_string(s.into()).unwrap());
    assert_eq!(object_json(raw(r#"{"big":18446744073709551615}"#)), r#"{"big":18446744073709551615}"#, "kept as text, for JSON.parse");
    for odd in ["null", "[1]", "\"x\"", "7"] {
      assert_eq!(object_json(raw(odd)), "{}");
    }
    assert_eq!(object_json(None), "{}");
  }
}
