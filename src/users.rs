//! Stream users for `upsertUsers`: the input checks, Stream's request body
//! `{"users": {"<id>": user}}` and the typed users of its answer.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::validate::MAX_USER_ID_LEN;

/// Stream's limit for one upsert.
pub const MAX_USERS: usize = 100;

/// A user as Stream returns it. It crosses into JS as `NativeUser` (in
/// `binding.d.ts`); `name` and `image` are left out when Stream has none.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, js_name = "NativeUser"))]
pub struct UserInfo {
  pub id: String,
  pub role: String,
  pub name: Option<String>,
  pub image: Option<String>,
  /// JSON text of the user's custom data (an object), parsed by `index.js`
  /// into `custom` with `JSON.parse`, so numbers come out as `JSON.parse` makes them.
  pub custom_json: String,
  /// RFC 3339
  pub created_at: String,
  pub updated_at: String,
}

/// Checks `users_json` (a JSON array of users, as the caller gave them) and
/// returns Stream's request body with the distinct ids in order. A later user
/// with the same id replaces an earlier one, as in Stream's Node SDK.
pub fn upsert_body(users_json: &str) -> Result<(String, Vec<String>)> {
  let users: Vec<Value> = serde_json::from_str(users_json).map_err(|e| Error::invalid(format!("users must be an array of users ({e})")))?;
  if users.is_empty() || users.len() > MAX_USERS {
    return Err(Error::invalid(format!("users must hold 1 to {MAX_USERS} users, got {}", users.len())));
  }
  let mut by_id = Map::new();
  let mut ids = Vec::new();
  for (i, user) in users.into_iter().enumerate() {
    let Value::Object(fields) = user else {
      return Err(Error::invalid(format!("users[{i}] must be an object with an id")));
    };
    let id = match fields.get("id") {
      Some(Value::String(id)) if !id.is_empty() && id.chars().count() <= MAX_USER_ID_LEN => id.clone(),
      _ => return Err(Error::invalid(format!("users[{i}].id must be a string of 1 to {MAX_USER_ID_LEN} characters"))),
    };
    for field in ["name", "image", "role"] {
      if fields.get(field).is_some_and(|v| !v.is_string() && !v.is_null()) {
        return Err(Error::invalid(format!("users[{i}].{field} must be a string")));
      }
    }
    if fields.get("custom").is_some_and(|v| !v.is_object() && !v.is_null()) {
      return Err(Error::invalid(format!("users[{i}].custom must be an object")));
    }
    if by_id.insert(id.clone(), Value::Object(fields)).is_none() {
      ids.push(id);
    }
  }
  let body = serde_json::to_string(&serde_json::json!({ "users": by_id })).expect("JSON values always serialize");
  Ok((body, ids))
}

#[derive(Deserialize)]
struct UpsertResponse {
  users: HashMap<String, RawUser>,
}

#[derive(Deserialize)]
struct RawUser {
  id: String,
  #[serde(default)]
  role: String,
  name: Option<String>,
  image: Option<String>,
  custom: Option<Box<serde_json::value::RawValue>>,
  #[serde(default)]
  created_at: String,
  #[serde(default)]
  updated_at: String,
}

/// The users of Stream's answer, in the order of `ids`.
pub fn parse_response(body: &[u8], ids: &[String]) -> serde_json::Result<Vec<UserInfo>> {
  let mut parsed: UpsertResponse = serde_json::from_slice(body)?;
  Ok(
    ids
      .iter()
      .filter_map(|id| parsed.users.remove(id))
      .map(|u| UserInfo {
        id: u.id,
        role: u.role,
        name: u.name,
        image: u.image,
        custom_json: crate::client::object_json(u.custom),
        created_at: u.created_at,
        updated_at: u.updated_at,
      })
      .collect(),
  )
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorKind;

  #[test]
  fn body_is_keyed_by_id_with_each_user_as_given() {
    let (body, ids) = upsert_body(r#"[{"id":"host","name":"Host","role":"admin","custom":{"tier":1}},{"id":"guest"},{"id":"host","name":"Again"}]"#).unwrap();
    assert_eq!(ids, ["host", "guest"]);
    let parsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed, serde_json::json!({"users": {"host": {"id": "host", "name": "Again"}, "guest": {"id": "guest"}}}));
  }

  #[test]
  fn bad_input_names_what_is_wrong() {
    let message = |json: &str| upsert_body(json).unwrap_err().message;
    assert!(message("{}").starts_with("users must be an array"));
    assert_eq!(message("[]"), "users must hold 1 to 100 users, got 0");
    let many = format!("[{}]", (0..101).map(|i| format!(r#"{{"id":"u{i}"}}"#)).collect::<Vec<_>>().join(","));
    assert_eq!(message(&many), "users must hold 1 to 100 users, got 101");
    assert_eq!(message("[5]"), "users[0] must be an object with an id");
    for bad in [r#"[{"id":""}]"#, r#"[{"id":7}]"#, r#"[{"name":"x"}]"#] {
      assert_eq!(message(bad), "users[0].id must be a string of 1 to 255 characters", "{bad}");
    }
    assert_eq!(message(&format!(r#"[{{"id":"ok"}},{{"id":"{}"}}]"#, "é".repeat(256))), "users[1].id must be a string of 1 to 255 characters");
    upsert_body(&format!(r#"[{{"id":"{}"}}]"#, "é".repeat(255))).unwrap();
    assert_eq!(message(r#"[{"id":"a","role":5}]"#), "users[0].role must be a string");
    assert_eq!(message(r#"[{"id":"a","custom":[]}]"#), "users[0].custom must be an object");
    assert_eq!(upsert_body("[]").unwrap_err().kind, ErrorKind::InvalidArgument);
  }

  #[test]
  fn response_users_come_back_typed_in_request_order() {
    let body = br#"{"users":{"b":{"id":"b","role":"user","custom":{},"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-02T00:00:00Z","banned":false},
      "a":{"id":"a","role":"admin","name":"A","image":"https://i/a.png","custom":{"x":[1]},"created_at":"t1","updated_at":"t2"}},"duration":"1ms"}"#;
    let users = parse_response(body, &["a".into(), "b".into()]).unwrap();
    assert_eq!(
      users[0],
      UserInfo {
        id: "a".into(),
        role: "admin".into(),
        name: Some("A".into()),
        image: Some("https://i/a.png".into()),
        custom_json: r#"{"x":[1]}"#.into(),
        created_at: "t1".into(),
        updated_at: "t2".into()
      }
    );
    assert_eq!(users[1].name, None);
    assert_eq!(users[1].custom_json, "{}");
  }
}
