//! The user endpoints: upsert, read and partly update users. Each checks its
//! input, builds a [`Request`] with the body node-sdk sends and reads the
//! typed users of Stream's answer.

use std::collections::HashMap;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::lenient::Time;
use crate::operation::Operation;
use crate::request::{object_json, percent_encode, Answer, Request, USERS_PATH};
use crate::validate;

/// The most users one request may carry: "batches of up to 100" for
/// `upsertUsers` and `partialUpdateUsers` (getstream.io/docs/platform/users/),
/// `maxItems: 100` on `UpdateUsersPartialRequest.users` in the OpenAPI spec.
pub const MAX_USERS: usize = 100;

/// Creates or updates users (`POST /api/v2/users`); `users_json` is a JSON
/// array of users as the caller gave them. Resolves to Stream's users.
pub fn upsert_users(users_json: &str) -> Result<Request<Vec<UserInfo>>> {
  let (body, ids) = upsert_body(users_json)?;
  let decode = move |a: &Answer<'_>| parse_response(a.body, &ids);
  Ok(Request::new(Operation::UpsertUsers, Method::POST, USERS_PATH.into(), Some(body), Box::new(decode)))
}

/// Reads the users of `user_ids` that exist (`GET /api/v2/users?payload=…`,
/// node-sdk's `queryUsers` with an `id $in` filter), in the order given.
pub fn get_users(user_ids_json: &str) -> Result<Request<Vec<UserInfo>>> {
  let (payload, ids) = query_payload(user_ids_json)?;
  let decode = move |a: &Answer<'_>| parse_query_response(a.body, &ids);
  let mut request = Request::new(Operation::GetUsers, Method::GET, USERS_PATH.into(), None, Box::new(decode));
  request.query = format!("payload={}&", percent_encode(&payload));
  Ok(request)
}

/// Sets and unsets fields of existing users (`PATCH /api/v2/users`, node-sdk's
/// `updateUsersPartial`); every other field is left as it is.
pub fn update_users_partial(updates_json: &str) -> Result<Request<Vec<UserInfo>>> {
  let (body, ids) = partial_body(updates_json)?;
  let decode = move |a: &Answer<'_>| parse_response(a.body, &ids);
  Ok(Request::new(Operation::UpdateUsersPartial, Method::PATCH, USERS_PATH.into(), Some(body), Box::new(decode)))
}

/// The id at `name` of the caller's JSON: a string, by the one user id rule.
fn id_at(name: &str, value: Option<&Value>) -> Result<String> {
  match value {
    Some(Value::String(id)) => validate::user_id(name, id).map(|()| id.clone()),
    _ => Err(Error::invalid(format!("{name} must be a string"))),
  }
}

/// A user as Stream returns it. It crosses into JS as `NativeUser` (in
/// `binding.d.ts`); `name` and `image` are left out when Stream has none,
/// and `index.js` makes absent times `null`.
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
  /// RFC 3339; `null` when Stream's is not a real time.
  pub created_at: Option<String>,
  pub updated_at: Option<String>,
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
    let id = id_at(&format!("users[{i}].id"), fields.get("id"))?;
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

/// Checks `user_ids_json` (a JSON array of 1 to 100 user ids) and returns
/// node-sdk's `queryUsers` payload for them (`{"filter_conditions":{"id":{"$in":[…]}},"limit":n}`)
/// with the distinct ids in order.
pub fn query_payload(user_ids_json: &str) -> Result<(String, Vec<String>)> {
  let ids: Vec<Value> = serde_json::from_str(user_ids_json).map_err(|_| Error::invalid("userIds must be an array of user ids"))?;
  if ids.is_empty() || ids.len() > MAX_USERS {
    return Err(Error::invalid(format!("userIds must hold 1 to {MAX_USERS} ids, got {}", ids.len())));
  }
  let mut distinct: Vec<String> = Vec::new();
  for (i, id) in ids.into_iter().enumerate() {
    let id = id_at(&format!("userIds[{i}]"), Some(&id))?;
    if !distinct.contains(&id) {
      distinct.push(id)
    }
  }
  let payload = serde_json::json!({ "filter_conditions": { "id": { "$in": distinct } }, "limit": distinct.len() });
  Ok((payload.to_string(), distinct))
}

/// Checks `updates_json` (a JSON array of `{ id, set?, unset? }`) and returns
/// Stream's request body `{"users":[…]}` with the distinct ids in order.
pub fn partial_body(updates_json: &str) -> Result<(String, Vec<String>)> {
  let updates: Vec<Value> = serde_json::from_str(updates_json).map_err(|_| Error::invalid("updates must be an array of { id, set, unset }"))?;
  if updates.is_empty() || updates.len() > MAX_USERS {
    return Err(Error::invalid(format!("updates must hold 1 to {MAX_USERS} users, got {}", updates.len())));
  }
  let mut ids = Vec::new();
  for (i, update) in updates.iter().enumerate() {
    let Value::Object(fields) = update else {
      return Err(Error::invalid(format!("updates[{i}] must be an object like {{ id, set, unset }}")));
    };
    let id = id_at(&format!("updates[{i}].id"), fields.get("id"))?;
    if let Some(key) = fields.keys().find(|k| !matches!(k.as_str(), "id" | "set" | "unset")) {
      return Err(Error::invalid(format!("updates[{i}] has {key:?}; only id, set and unset are sent")));
    }
    if fields.get("set").is_some_and(|v| !v.is_object()) {
      return Err(Error::invalid(format!("updates[{i}].set must be an object of fields to set")));
    }
    if fields.get("set").and_then(|set| set.get("id")).is_some() {
      return Err(Error::invalid(format!("updates[{i}].set cannot change the id")));
    }
    match fields.get("unset") {
      None => {}
      Some(Value::Array(names)) if names.iter().all(|n| n.as_str().is_some_and(|n| !n.is_empty() && n != "id")) => {}
      Some(_) => return Err(Error::invalid(format!("updates[{i}].unset must be an array of field names (not id)"))),
    }
    if !fields.contains_key("set") && !fields.contains_key("unset") {
      return Err(Error::invalid(format!("updates[{i}] must have set or unset")));
    }
    if ids.contains(&id) {
      return Err(Error::invalid(format!("updates[{i}].id {id:?} appears twice")));
    }
    ids.push(id);
  }
  let body = serde_json::to_string(&serde_json::json!({ "users": updates })).expect("JSON values always serialize");
  Ok((body, ids))
}

#[derive(Deserialize)]
struct QueryResponse {
  users: Vec<RawUser>,
}

/// The users of a `queryUsers` answer, in the order of `ids`; ids Stream does not know are left out.
pub fn parse_query_response(body: &[u8], ids: &[String]) -> serde_json::Result<Vec<UserInfo>> {
  let parsed: QueryResponse = serde_json::from_slice(body)?;
  let mut by_id: HashMap<String, RawUser> = parsed.users.into_iter().map(|u| (u.id.clone(), u)).collect();
  Ok(ids.iter().filter_map(|id| by_id.remove(id)).map(RawUser::into_info).collect())
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
  created_at: Time,
  #[serde(default)]
  updated_at: Time,
}

/// The users of Stream's answer, in the order of `ids`.
pub fn parse_response(body: &[u8], ids: &[String]) -> serde_json::Result<Vec<UserInfo>> {
  let mut parsed: UpsertResponse = serde_json::from_slice(body)?;
  Ok(ids.iter().filter_map(|id| parsed.users.remove(id)).map(RawUser::into_info).collect())
}

impl RawUser {
  fn into_info(self) -> UserInfo {
    UserInfo {
      id: self.id,
      role: self.role,
      name: self.name,
      image: self.image,
      custom_json: object_json(self.custom),
      created_at: self.created_at.0,
      updated_at: self.updated_at.0,
    }
  }
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
    for bad in [r#"[{"id":7}]"#, r#"[{"name":"x"}]"#] {
      assert_eq!(message(bad), "users[0].id must be a string", "{bad}");
    }
    assert_eq!(message(r#"[{"id":"ok"},{"id":"  "}]"#), "users[1].id must be a non-empty string, not only whitespace");
    upsert_body(&format!(r#"[{{"id":"{}"}}]"#, "é".repeat(1000))).unwrap();
    assert_eq!(message(r#"[{"id":"a","role":5}]"#), "users[0].role must be a string");
    assert_eq!(message(r#"[{"id":"a","custom":[]}]"#), "users[0].custom must be an object");
    assert_eq!(upsert_body("[]").unwrap_err().kind, ErrorKind::InvalidArgument);
  }

  #[test]
  fn query_payload_is_node_sdks() {
    let (payload, ids) = query_payload(r#"["a","b","a"]"#).unwrap();
    assert_eq!(payload, r#"{"filter_conditions":{"id":{"$in":["a","b"]}},"limit":2}"#);
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(query_payload("[]").unwrap_err().message, "userIds must hold 1 to 100 ids, got 0");
    assert_eq!(query_payload(r#"["a",5]"#).unwrap_err().message, "userIds[1] must be a string");
    assert_eq!(query_payload(r#"["a"," "]"#).unwrap_err().message, "userIds[1] must be a non-empty string, not only whitespace");
    let body = br#"{"users":[{"id":"b","role":"user","custom":{"n":1}},{"id":"x","role":"user"}],"duration":"1ms"}"#;
    let users = parse_query_response(body, &ids).unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].custom_json, r#"{"n":1}"#);
  }

  #[test]
  fn partial_updates_are_checked_and_sent_as_given() {
    let (body, ids) = partial_body(r#"[{"id":"a","set":{"name":"A","custom":{"x":1}},"unset":["image"]}]"#).unwrap();
    assert_eq!(body, r#"{"users":[{"id":"a","set":{"custom":{"x":1},"name":"A"},"unset":["image"]}]}"#);
    assert_eq!(ids, ["a"]);
    let message = |json: &str| partial_body(json).unwrap_err().message;
    assert_eq!(message(r#"[{"id":"a"}]"#), "updates[0] must have set or unset");
    assert_eq!(message(r#"[{"id":"a","set":[]}]"#), "updates[0].set must be an object of fields to set");
    assert_eq!(message(r#"[{"id":"a","set":{"id":"b"}}]"#), "updates[0].set cannot change the id");
    assert_eq!(message(r#"[{"id":"a","unset":["id"]}]"#), "updates[0].unset must be an array of field names (not id)");
    assert_eq!(message(r#"[{"id":"a","name":"x"}]"#), r#"updates[0] has "name"; only id, set and unset are sent"#);
    assert_eq!(message(r#"[{"id":"a","set":{}},{"id":"a","set":{}}]"#), r#"updates[1].id "a" appears twice"#);
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
        created_at: None,
        updated_at: None
      }
    );
    assert_eq!(users[1].name, None);
    assert_eq!(users[1].custom_json, "{}");
  }

  #[test]
  fn custom_data_has_no_size_limit_without_a_source() {
    let big = "x".repeat(100_000);
    assert!(upsert_body(&format!(r#"[{{"id":"a","custom":{{"n":"{big}"}}}}]"#)).is_ok());
    assert!(partial_body(&format!(r#"[{{"id":"a","set":{{"custom":{{"n":"{big}"}}}}}}]"#)).is_ok());
  }
}
