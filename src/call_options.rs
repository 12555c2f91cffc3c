//! The options of the call endpoints (`calls`): recording, transcription and
//! closed captions on and off, and the call's settings at creation. They
//! arrive as the JSON the caller gave (camelCase, checked here, each error
//! naming the option) and leave as the body node-sdk sends.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::validate;

// The values each choice may take are Stream's, generated from its spec (`spec`).
use crate::spec::{LANGUAGES, RECORDING_QUALITIES as QUALITIES, RECORDING_TYPES, SETTING_MODES as MODES};

/// The options a caller passed (a JSON object, or nothing), read field by field.
pub struct Options {
  name: String,
  map: Map<String, Value>,
}

impl Options {
  /// Parses `json` (`None`: no options) as the object called `name`, refusing
  /// any key outside `known` (a misspelt option would silently do nothing).
  pub fn parse(json: Option<&str>, name: &str, known: &[&str]) -> Result<Options> {
    let map = match json {
      None => Map::new(),
      Some(json) => match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => map,
        Ok(Value::Null) => Map::new(),
        _ => return Err(Error::invalid(format!("{name} must be an object"))),
      },
    };
    Options::of(map, name, known)
  }

  fn of(map: Map<String, Value>, name: &str, known: &[&str]) -> Result<Options> {
    if let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) {
      let key: String = key.chars().take(40).collect();
      return Err(Error::invalid(format!("{name}.{key} is not an option here (known: {})", known.join(", "))));
    }
    Ok(Options { name: name.to_string(), map })
  }

  fn get(&self, key: &str) -> Option<&Value> {
    self.map.get(key).filter(|v| !v.is_null())
  }

  /// An object, as given, or `None` when absent.
  pub fn object(&self, key: &str) -> Result<Option<Value>> {
    match self.get(key) {
      None => Ok(None),
      Some(value @ Value::Object(_)) => Ok(Some(value.clone())),
      Some(_) => Err(Error::invalid(format!("{}.{key} must be an object", self.name))),
    }
  }

  /// A whole number in `min..=max`, or `None` when absent.
  pub fn whole(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>> {
    match self.get(key) {
      None => Ok(None),
      Some(Value::Number(n)) if n.as_u64().is_some_and(|n| (min..=max).contains(&n)) => Ok(n.as_u64()),
      Some(_) => Err(Error::invalid(format!("{}.{key} must be a whole number from {min} to {max}", self.name))),
    }
  }

  /// One of `allowed`, or `None` when absent.
  pub fn choice(&self, key: &str, allowed: &[&str]) -> Result<Option<String>> {
    match self.get(key) {
      None => Ok(None),
      Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(Some(s.clone())),
      Some(_) => Err(Error::invalid(format!("{}.{key} must be one of {}", self.name, quoted(allowed)))),
    }
  }

  /// A non-empty string, or `None` when absent.
  pub fn text(&self, key: &str) -> Result<Option<String>> {
    match self.get(key) {
      None => Ok(None),
      Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
      Some(_) => Err(Error::invalid(format!("{}.{key} must be a non-empty string", self.name))),
    }
  }

  pub fn flag(&self, key: &str) -> Result<Option<bool>> {
    match self.get(key) {
      None => Ok(None),
      Some(Value::Bool(b)) => Ok(Some(*b)),
      Some(_) => Err(Error::invalid(format!("{}.{key} must be a boolean", self.name))),
    }
  }

  /// A nested options object, or `None` when absent.
  pub fn nested(&self, key: &str, known: &[&str]) -> Result<Option<Options>> {
    match self.get(key) {
      None => Ok(None),
      Some(Value::Object(map)) => Options::of(map.clone(), &format!("{}.{key}", self.name), known).map(Some),
      Some(_) => Err(Error::invalid(format!("{}.{key} must be an object", self.name))),
    }
  }
}

/// `queryCallMembers`' options as node-sdk's body fields after `type` and
/// `id`: `filter_conditions`, `sort` (at most one `{ field, direction }`: the
/// spec's `maxItems: 1`), `limit` (0-100: the spec's bounds), `next`, `prev`.
pub fn members_query(options: Option<&str>) -> Result<Vec<(&'static str, Value)>> {
  let o = Options::parse(options, "options", &["filter", "sort", "limit", "next", "prev"])?;
  let mut fields = Vec::new();
  if let Some(filter) = o.object("filter")? {
    fields.push(("filter_conditions", filter));
  }
  if let Some(sort) = o.get("sort") {
    let valid = |s: &Value| {
      s.as_object().is_some_and(|s| {
        s.keys().all(|k| k == "field" || k == "direction")
          && s.get("field").is_some_and(Value::is_string)
          && s.get("direction").is_none_or(|d| d.as_i64().is_some_and(|d| d == 1 || d == -1))
      })
    };
    match sort {
      Value::Array(items) if items.len() <= 1 && items.iter().all(valid) => fields.push(("sort", sort.clone())),
      _ => return Err(Error::invalid("options.sort must be an array of at most one { field, direction: 1 | -1 }")),
    }
  }
  if let Some(limit) = o.whole("limit", 0, 100)? {
    fields.push(("limit", limit.into()));
  }
  for key in ["next", "prev"] {
    if let Some(token) = o.text(key)? {
      fields.push((key, Value::String(token)));
    }
  }
  Ok(fields)
}

fn quoted(values: &[&str]) -> String {
  values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
}

/// A JSON object of the fields that are present, in the order given (what
/// `JSON.stringify` makes of node-sdk's request objects, whose `undefined`
/// fields vanish).
fn object(fields: Vec<(&str, Option<Value>)>) -> Value {
  Value::Object(fields.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_string(), v))).collect())
}

fn string(value: Option<String>) -> Option<Value> {
  value.map(Value::String)
}

fn boolean(value: Option<bool>) -> Option<Value> {
  value.map(Value::Bool)
}

/// `startRecording` / `stopRecording`: the recording type for the path
/// (`composite` by default) and the body.
pub fn recording_request(options: Option<&str>, start: bool) -> Result<(String, String)> {
  let known: &[&str] = if start { &["recordingType", "externalStorage"] } else { &["recordingType"] };
  let o = Options::parse(options, "options", known)?;
  let recording_type = o.choice("recordingType", &RECORDING_TYPES)?.unwrap_or_else(|| "composite".into());
  let body = if start { object(vec![("recording_external_storage", string(o.text("externalStorage")?))]) } else { object(vec![]) };
  Ok((recording_type, body.to_string()))
}

/// `startTranscription` body: `{enable_closed_captions?, language?, transcription_external_storage?}`.
pub fn start_transcription_body(options: Option<&str>) -> Result<String> {
  let o = Options::parse(options, "options", &["language", "enableClosedCaptions", "externalStorage"])?;
  Ok(
    object(vec![
      ("enable_closed_captions", boolean(o.flag("enableClosedCaptions")?)),
      ("language", string(o.choice("language", &LANGUAGES)?)),
      ("transcription_external_storage", string(o.text("externalStorage")?)),
    ])
    .to_string(),
  )
}

/// `stopTranscription` body: `{stop_closed_captions?}`.
pub fn stop_transcription_body(options: Option<&str>) -> Result<String> {
  let o = Options::parse(options, "options", &["stopClosedCaptions"])?;
  Ok(object(vec![("stop_closed_captions", boolean(o.flag("stopClosedCaptions")?))]).to_string())
}

/// `startClosedCaptions` body: `{enable_transcription?, external_storage?, language?}`.
pub fn start_captions_body(options: Option<&str>) -> Result<String> {
  let o = Options::parse(options, "options", &["language", "enableTranscription", "externalStorage"])?;
  Ok(
    object(vec![
      ("enable_transcription", boolean(o.flag("enableTranscription")?)),
      ("external_storage", string(o.text("externalStorage")?)),
      ("language", string(o.choice("language", &LANGUAGES)?)),
    ])
    .to_string(),
  )
}

/// `stopClosedCaptions` body: `{stop_transcription?}`.
pub fn stop_captions_body(options: Option<&str>) -> Result<String> {
  let o = Options::parse(options, "options", &["stopTranscription"])?;
  Ok(object(vec![("stop_transcription", boolean(o.flag("stopTranscription")?))]).to_string())
}

/// The most members one request may add: `maxItems: 100` on
/// `CallRequest.members` and `UpdateCallMembersRequest.update_members` in
/// Stream's OpenAPI spec.
pub const MAX_MEMBERS: usize = 100;

/// `createStreamCall`'s options (besides `signal`) as the fields node-sdk
/// sends in `data`, in order: `members` (`[{ userId, role?, custom? }]` as
/// `[{user_id, role?, custom?}]`), `starts_at` (RFC 3339, as the caller gave
/// it; `index.js` writes a `Date` as `toISOString` does, as node-sdk's JSON
/// does) and `settings_override` (from `settings`).
pub fn call_data(options: Option<&str>) -> Result<Vec<(&'static str, Value)>> {
  let o = Options::parse(options, "options", &["members", "startsAt", "settings"])?;
  let mut data = Vec::new();
  if let Some(members) = o.get("members") {
    let Value::Array(list) = members else { return Err(Error::invalid("options.members must be an array of { userId, role?, custom? }")) };
    if list.len() > MAX_MEMBERS {
      return Err(Error::invalid(format!("options.members must hold at most {MAX_MEMBERS} members, got {}", list.len())));
    }
    let members = list.iter().enumerate().map(|(i, member)| member_request(&format!("options.members[{i}]"), member)).collect::<Result<_>>()?;
    data.push(("members", Value::Array(members)));
  }
  if let Some(starts_at) = o.get("startsAt") {
    match starts_at {
      Value::String(at) if crate::lenient::real_millis(at).is_some() => data.push(("starts_at", starts_at.clone())),
      _ => return Err(Error::invalid("options.startsAt must be a Date or an RFC 3339 time (after 2000)")),
    }
  }
  if let Some(settings) = o.nested("settings", &["recording", "transcription"])? {
    data.push(("settings_override", settings_override(&settings)?));
  }
  Ok(data)
}

/// One member as the caller gave it (`{ userId, role?, custom? }`, at `name`)
/// as Stream's `MemberRequest`.
fn member_request(name: &str, member: &Value) -> Result<Value> {
  let Value::Object(fields) = member else { return Err(Error::invalid(format!("{name} must be an object like {{ userId, role?, custom? }}"))) };
  let m = Options::of(fields.clone(), name, &["userId", "role", "custom"])?;
  let user_id = match m.get("userId") {
    Some(Value::String(id)) => validate::user_id(&format!("{name}.userId"), id).map(|()| id.clone())?,
    _ => return Err(Error::invalid(format!("{name}.userId must be a string"))),
  };
  let role = match m.get("role") {
    None => None,
    Some(Value::String(role)) => validate::role(&format!("{name}.role"), role).map(|()| Value::String(role.clone())).map(Some)?,
    Some(_) => return Err(Error::invalid(format!("{name}.role must be a string"))),
  };
  let custom = match m.get("custom") {
    None => None,
    Some(custom @ Value::Object(_)) => Some(custom.clone()),
    Some(_) => return Err(Error::invalid(format!("{name}.custom must be an object"))),
  };
  Ok(object(vec![("user_id", Some(Value::String(user_id))), ("role", role), ("custom", custom)]))
}

/// `createStreamCall`'s `settings` as Stream's `settings_override`:
/// `{recording: {mode, quality?, audio_only?}, transcription: {mode?, language?, closed_caption_mode?}}`.
/// Stream requires `mode` of a recording setting.
fn settings_override(o: &Options) -> Result<Value> {
  let recording = match o.nested("recording", &["mode", "quality", "audioOnly"])? {
    None => None,
    Some(r) => {
      let mode =
        r.choice("mode", &MODES)?.ok_or_else(|| Error::invalid("options.settings.recording.mode is required (one of 'available', 'disabled', 'auto-on')"))?;
      Some(object(vec![
        ("mode", Some(Value::String(mode))),
        ("quality", string(r.choice("quality", &QUALITIES)?)),
        ("audio_only", boolean(r.flag("audioOnly")?)),
      ]))
    }
  };
  let transcription = match o.nested("transcription", &["mode", "language", "closedCaptionMode"])? {
    None => None,
    Some(t) => Some(object(vec![
      ("mode", string(t.choice("mode", &MODES)?)),
      ("language", string(t.choice("language", &LANGUAGES)?)),
      ("closed_caption_mode", string(t.choice("closedCaptionMode", &MODES)?)),
    ])),
  };
  Ok(object(vec![("recording", recording), ("transcription", transcription)]))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn recording_requests() {
    assert_eq!(recording_request(None, true).unwrap(), ("composite".into(), "{}".into()));
    assert_eq!(
      recording_request(Some(r#"{"recordingType":"raw","externalStorage":"s3-main"}"#), true).unwrap(),
      ("raw".into(), r#"{"recording_external_storage":"s3-main"}"#.into())
    );
    assert_eq!(recording_request(Some(r#"{"recordingType":"individual"}"#), false).unwrap(), ("individual".into(), "{}".into()));
    let err = recording_request(Some(r#"{"recordingType":"mp4"}"#), true).unwrap_err();
    assert_eq!(err.message, "options.recordingType must be one of 'composite', 'individual', 'raw'");
    let err = recording_request(Some(r#"{"externalStorage":"x"}"#), false).unwrap_err();
    assert_eq!(err.message, "options.externalStorage is not an option here (known: recordingType)");
    assert_eq!(recording_request(Some("[]"), true).unwrap_err().message, "options must be an object");
  }

  #[test]
  fn transcription_and_caption_bodies() {
    assert_eq!(start_transcription_body(None).unwrap(), "{}");
    assert_eq!(
      start_transcription_body(Some(r#"{"language":"de","enableClosedCaptions":true,"externalStorage":"bucket"}"#)).unwrap(),
      r#"{"enable_closed_captions":true,"language":"de","transcription_external_storage":"bucket"}"#
    );
    assert!(start_transcription_body(Some(r#"{"language":"klingon"}"#)).unwrap_err().message.starts_with("options.language must be one of 'auto', 'en'"));
    assert_eq!(start_transcription_body(Some(r#"{"enableClosedCaptions":"yes"}"#)).unwrap_err().message, "options.enableClosedCaptions must be a boolean");
    assert_eq!(stop_transcription_body(Some(r#"{"stopClosedCaptions":false}"#)).unwrap(), r#"{"stop_closed_captions":false}"#);
    assert_eq!(start_captions_body(Some(r#"{"language":"fr","enableTranscription":true}"#)).unwrap(), r#"{"enable_transcription":true,"language":"fr"}"#);
    assert_eq!(stop_captions_body(Some(r#"{"stopTranscription":true}"#)).unwrap(), r#"{"stop_transcription":true}"#);
  }

  #[test]
  fn settings_as_node_sdk_sends_them() {
    assert_eq!(call_data(None).unwrap(), vec![]);
    let data = call_data(Some(
      r#"{"settings":{"recording":{"mode":"auto-on","quality":"720p","audioOnly":false},"transcription":{"mode":"auto-on","language":"en","closedCaptionMode":"available"}}}"#,
    ))
    .unwrap();
    let (name, s) = &data[0];
    assert_eq!(*name, "settings_override");
    assert_eq!(
      s.to_string(),
      r#"{"recording":{"audio_only":false,"mode":"auto-on","quality":"720p"},"transcription":{"closed_caption_mode":"available","language":"en","mode":"auto-on"}}"#
    );
    let message = |json: &str| call_data(Some(&format!(r#"{{"settings":{json}}}"#))).unwrap_err().message;
    assert_eq!(message(r#"{"recording":{"quality":"720p"}}"#), "options.settings.recording.mode is required (one of 'available', 'disabled', 'auto-on')");
    assert_eq!(message(r#"{"recording":{"mode":"on"}}"#), "options.settings.recording.mode must be one of 'available', 'disabled', 'auto-on'");
    assert_eq!(
      message(r#"{"transcription":{"langauge":"en"}}"#),
      "options.settings.transcription.langauge is not an option here (known: mode, language, closedCaptionMode)"
    );
    assert_eq!(message(r#"{"recording":"auto-on"}"#), "options.settings.recording must be an object");
  }
}
