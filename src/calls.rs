//! The call endpoints: create a call, add a member, switch recording,
//! transcription and closed captions on and off, end it, and read back its
//! state, recordings and transcripts. Each builds a checked [`Request`] for
//! the transport (`client`) and reads Stream's answer leniently.

use std::time::{Duration, SystemTime};

use reqwest::Method;
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::call_options;
use crate::error::{Error, Result};
use crate::lenient::{Flag, List, Object, Text, Time};
use crate::operation::Operation;
use crate::request::{call_path, json_string, no_answer, object_json, Request};
use crate::validate;

/// What `call_action` switches on or off (`CallAction` in `binding.d.ts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(string_enum))]
pub enum CallAction {
  StartRecording,
  StopRecording,
  StartTranscription,
  StopTranscription,
  StartClosedCaptions,
  StopClosedCaptions,
}

/// The created (or existing) call, from Stream's get-or-create response. It
/// crosses into JS as it is (`NativeCall` in `binding.d.ts`; `index.js` parses `customJson` into `custom`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, js_name = "NativeCall", use_nullable = true))]
pub struct CallInfo {
  #[cfg_attr(not(fuzzing), napi(js_name = "type"))]
  pub call_type: String,
  pub id: String,
  /// `type:id`, e.g. `default:meeting-123`.
  pub cid: String,
  pub created_by_id: String,
  /// RFC 3339 time the call was created (`null` when Stream's is not a real time).
  pub created_at: Option<String>,
  /// The call's custom data as Stream sent it, JSON text of an object: `index.js`
  /// turns it into `custom` with `JSON.parse`, so every number is what
  /// `JSON.parse` makes of it (a 2^63 stays a number, never a string).
  pub custom_json: String,
  /// `true` when this operation created the call, `false` when it already existed.
  pub created: bool,
}

#[derive(Deserialize)]
struct GetOrCreateResponse {
  call: CallResponse,
  #[serde(default)]
  created: bool,
}

#[derive(Deserialize)]
struct CallResponse {
  #[serde(rename = "type")]
  call_type: String,
  id: String,
  cid: String,
  #[serde(default)]
  created_by: Option<UserRef>,
  #[serde(default)]
  created_at: Time,
  #[serde(default)]
  custom: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
struct UserRef {
  id: String,
}

impl CallAction {
  pub const fn operation(self) -> Operation {
    match self {
      CallAction::StartRecording => Operation::StartRecording,
      CallAction::StopRecording => Operation::StopRecording,
      CallAction::StartTranscription => Operation::StartTranscription,
      CallAction::StopTranscription => Operation::StopTranscription,
      CallAction::StartClosedCaptions => Operation::StartClosedCaptions,
      CallAction::StopClosedCaptions => Operation::StopClosedCaptions,
    }
  }
}

/// Get-or-create `default:{call_id}` created by `user_id`, with `custom_json`
/// (a JSON object holding at least `meetingId`, `agentId` and `agentName`)
/// as the call's custom data.
///
/// `settings_json` (`createStreamCall`'s `settings`) becomes the call's
/// `settings_override`, as node-sdk sends it.
pub fn create_call(call_id: &str, user_id: &str, custom_json: &str, settings_json: Option<&str>) -> Result<Request<CallInfo>> {
  let path = call_path(call_id, "")?;
  validate::user_id("userId", user_id)?;
  validate_custom(custom_json)?;
  let settings = match call_options::settings_override(settings_json)? {
    Some(settings) => format!(",\"settings_override\":{settings}"),
    None => String::new(),
  };
  let body = format!("{{\"data\":{{\"created_by_id\":{},\"custom\":{}{settings}}}}}", json_string(user_id), custom_json);
  let began = SystemTime::now();
  let user_id = user_id.to_string();
  let decode = move |bytes: &[u8], attempts: u32| {
    let parsed: GetOrCreateResponse = serde_json::from_slice(bytes)?;
    let call = parsed.call;
    let created_by_id = call.created_by.map(|u| u.id).unwrap_or_default();
    let created = parsed.created || (attempts > 1 && created_by_id == user_id && created_since(&call.created_at, began));
    Ok(CallInfo {
      call_type: call.call_type,
      id: call.id,
      cid: call.cid,
      created_by_id,
      created_at: call.created_at.0,
      custom_json: object_json(call.custom),
      created,
    })
  };
  Ok(Request::new(Operation::CreateCall, Method::POST, path, Some(body), Box::new(decode)))
}

pub fn add_member(call_id: &str, user_id: &str, role: &str) -> Result<Request<()>> {
  let path = call_path(call_id, "/members")?;
  validate::user_id("userId", user_id)?;
  validate::role(role)?;
  let body = format!("{{\"update_members\":[{{\"user_id\":{},\"role\":{}}}]}}", json_string(user_id), json_string(role));
  Ok(no_answer(Operation::AddMember, Method::POST, path, Some(body)))
}

/// Switches recording, transcription or captions on or off (`options_json`:
/// the caller's options, checked here).
pub fn call_action(call_id: &str, action: CallAction, options_json: Option<&str>) -> Result<Request<()>> {
  validate::call_id(call_id)?;
  let (suffix, body) = match action {
    CallAction::StartRecording | CallAction::StopRecording => {
      let start = action == CallAction::StartRecording;
      let (kind, body) = call_options::recording_request(options_json, start)?;
      (format!("/recordings/{kind}/{}", if start { "start" } else { "stop" }), body)
    }
    CallAction::StartTranscription => ("/start_transcription".into(), call_options::start_transcription_body(options_json)?),
    CallAction::StopTranscription => ("/stop_transcription".into(), call_options::stop_transcription_body(options_json)?),
    CallAction::StartClosedCaptions => ("/start_closed_captions".into(), call_options::start_captions_body(options_json)?),
    CallAction::StopClosedCaptions => ("/stop_closed_captions".into(), call_options::stop_captions_body(options_json)?),
  };
  Ok(no_answer(action.operation(), Method::POST, call_path(call_id, &suffix)?, Some(body)))
}

/// The call with what is running and its current session (`GET /call/default/{id}`, node-sdk's `call.get()`).
pub fn get_call(call_id: &str) -> Result<Request<CallState>> {
  Ok(Request::new(Operation::GetCall, Method::GET, call_path(call_id, "")?, None, Box::new(|bytes, _| parse_call_state(bytes))))
}

pub fn list_recordings(call_id: &str) -> Result<Request<Vec<CallRecording>>> {
  Ok(Request::new(Operation::ListRecordings, Method::GET, call_path(call_id, "/recordings")?, None, Box::new(|bytes, _| parse_recordings(bytes))))
}

pub fn list_transcriptions(call_id: &str) -> Result<Request<Vec<CallTranscription>>> {
  let path = call_path(call_id, "/transcriptions")?;
  Ok(Request::new(Operation::ListTranscriptions, Method::GET, path, None, Box::new(|bytes, _| parse_transcriptions(bytes))))
}

pub fn end_call(call_id: &str) -> Result<Request<()>> {
  Ok(no_answer(Operation::EndCall, Method::POST, call_path(call_id, "/mark_ended")?, None))
}

fn validate_custom(custom_json: &str) -> Result<()> {
  let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(custom_json).map_err(|_| Error::invalid("data must be a JSON object"))?;
  for field in ["meetingId", "agentId", "agentName"] {
    if !map.get(field).is_some_and(serde_json::Value::is_string) {
      return Err(Error::invalid(format!("data.{field} must be a string")));
    }
  }
  Ok(())
}

/// How far Stream's clock may be behind ours when telling whether a call was
/// created during this operation.
const CLOCK_SKEW: Duration = Duration::from_secs(5);

/// Whether `created_at` (Stream's RFC 3339 time) is no earlier than `began`,
/// less [`CLOCK_SKEW`]. Stream's get-or-create answer says `created: false`
/// when a retry finds the call that the lost first attempt created; it has no
/// field that names the creating request. A call by the same creator, created
/// since this operation began, is taken as this operation's.
fn created_since(created_at: &Time, began: SystemTime) -> bool {
  let began_ms = (began - CLOCK_SKEW).duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
  created_at.0.is_some() && created_at.1 >= began_ms
}

// ---------------------------------------------------------------- answers

/// One recording of a call (`GET …/recordings`). Absent times are `null`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, use_nullable = true))]
pub struct CallRecording {
  pub url: String,
  pub filename: String,
  pub session_id: String,
  /// `composite`, `individual` or `raw`.
  pub recording_type: String,
  /// RFC 3339
  pub start_time: Option<String>,
  pub end_time: Option<String>,
}

/// One transcript of a call (`GET …/transcriptions`), a JSONL file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, use_nullable = true))]
pub struct CallTranscription {
  pub url: String,
  pub filename: String,
  pub session_id: String,
  /// RFC 3339
  pub start_time: Option<String>,
  pub end_time: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFile {
  url: Text,
  filename: Text,
  session_id: Text,
  recording_type: Text,
  start_time: Time,
  end_time: Time,
}

#[derive(Deserialize)]
struct RecordingsResponse {
  recordings: List<Object<RawFile>>,
}

#[derive(Deserialize)]
struct TranscriptionsResponse {
  transcriptions: List<Object<RawFile>>,
}

fn files(list: List<Object<RawFile>>) -> impl Iterator<Item = CallRecording> {
  list.0.unwrap_or_default().into_iter().filter_map(|o| o.0).map(|f| CallRecording {
    url: f.url.0.unwrap_or_default(),
    filename: f.filename.0.unwrap_or_default(),
    session_id: f.session_id.0.unwrap_or_default(),
    recording_type: f.recording_type.0.unwrap_or_default(),
    start_time: f.start_time.0,
    end_time: f.end_time.0,
  })
}

pub fn parse_recordings(body: &[u8]) -> serde_json::Result<Vec<CallRecording>> {
  Ok(files(serde_json::from_slice::<RecordingsResponse>(body)?.recordings).collect())
}

/// Transcripts are listed like recordings, without a recording type.
pub fn parse_transcriptions(body: &[u8]) -> serde_json::Result<Vec<CallTranscription>> {
  let transcript =
    |f: CallRecording| CallTranscription { url: f.url, filename: f.filename, session_id: f.session_id, start_time: f.start_time, end_time: f.end_time };
  Ok(files(serde_json::from_slice::<TranscriptionsResponse>(body)?.transcriptions).map(transcript).collect())
}

/// The call's current session, when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, use_nullable = true))]
pub struct CallSession {
  pub id: String,
  /// RFC 3339; `null` until it started.
  pub started_at: Option<String>,
  /// RFC 3339; `null` while it runs.
  pub ended_at: Option<String>,
  /// People in the session now.
  pub participant_count: u32,
}

/// A call as `getCall` reads it: what `createStreamCall` returns (but
/// `created`) plus what is running and the current session.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, js_name = "NativeCallState", use_nullable = true))]
pub struct CallState {
  #[cfg_attr(not(fuzzing), napi(js_name = "type"))]
  pub call_type: String,
  pub id: String,
  pub cid: String,
  pub created_by_id: String,
  /// RFC 3339; `null` when Stream's is not a real time.
  pub created_at: Option<String>,
  /// JSON text of the custom data, parsed in JS (see `NativeCall`).
  pub custom_json: String,
  pub recording: bool,
  pub transcribing: bool,
  pub captioning: bool,
  /// RFC 3339; `null` unless the call was ended.
  pub ended_at: Option<String>,
  pub session: Option<CallSession>,
}

#[derive(Deserialize)]
struct GetCallResponse {
  call: RawCallState,
}

#[derive(Deserialize)]
struct RawCallState {
  #[serde(rename = "type")]
  call_type: String,
  id: String,
  cid: String,
  #[serde(default)]
  created_by: Object<RawUserRef>,
  #[serde(default)]
  created_at: Time,
  #[serde(default)]
  custom: Option<Box<serde_json::value::RawValue>>,
  #[serde(default)]
  recording: Flag,
  #[serde(default)]
  transcribing: Flag,
  #[serde(default)]
  captioning: Flag,
  #[serde(default)]
  ended_at: Time,
  #[serde(default)]
  session: Object<RawSessionState>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawUserRef {
  id: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawSessionState {
  id: Text,
  started_at: Time,
  ended_at: Time,
  participants: List<IgnoredAny>,
}

pub fn parse_call_state(body: &[u8]) -> serde_json::Result<CallState> {
  let call = serde_json::from_slice::<GetCallResponse>(body)?.call;
  let session = call.session.0.and_then(|s| {
    Some(CallSession {
      id: s.id.0.filter(|id| !id.is_empty())?,
      started_at: s.started_at.0,
      ended_at: s.ended_at.0,
      participant_count: s.participants.0.map_or(0, |p| u32::try_from(p.len()).unwrap_or(u32::MAX)),
    })
  });
  Ok(CallState {
    call_type: call.call_type,
    id: call.id,
    cid: call.cid,
    created_by_id: call.created_by.0.and_then(|u| u.id.0).unwrap_or_default(),
    created_at: call.created_at.0,
    custom_json: object_json(call.custom),
    recording: call.recording.0.unwrap_or(false),
    transcribing: call.transcribing.0.unwrap_or(false),
    captioning: call.captioning.0.unwrap_or(false),
    ended_at: call.ended_at.0,
    session,
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn custom_data_needs_the_three_fields() {
    validate_custom(r#"{"meetingId":"m","agentId":"a","agentName":"n","extra":[1,{"x":null}]}"#).unwrap();
    assert_eq!(validate_custom("[]").unwrap_err().message, "data must be a JSON object");
    assert_eq!(validate_custom(r#"{"meetingId":"m","agentId":5,"agentName":"n"}"#).unwrap_err().message, "data.agentId must be a string");
    assert_eq!(validate_custom(r#"{"agentId":"a","agentName":"n"}"#).unwrap_err().message, "data.meetingId must be a string");
  }

  #[test]
  fn parses_get_or_create_response() {
    let body = br#"{"call":{"type":"default","id":"c1","cid":"default:c1","created_by":{"id":"u1","name":"U"},"created_at":"2026-04-08T14:23:35.879421674Z","custom":{"meetingId":"m1","n":[1,2]},"settings":{}},"members":[],"own_capabilities":[],"created":true,"duration":"1.2ms"}"#;
    let call = (create_call("c1", "u1", r#"{"meetingId":"m1","agentId":"a","agentName":"n"}"#, None).unwrap().decode)(body, 1).unwrap();
    assert!(call.created);
    assert_eq!(call.cid, "default:c1");
    assert_eq!(call.created_by_id, "u1");
    assert_eq!(call.created_at.as_deref(), Some("2026-04-08T14:23:35.879421674Z"));
    assert_eq!(call.custom_json, r#"{"meetingId":"m1","n":[1,2]}"#);
    let placeholder = br#"{"call":{"type":"default","id":"c","cid":"default:c","created_at":"0001-01-01T00:00:00Z","custom":null}}"#;
    let call = (get_call("c").unwrap().decode)(placeholder, 1).unwrap();
    assert_eq!((call.created_at, call.custom_json.as_str()), (None, "{}"));
  }

  #[test]
  fn answers_are_read_leniently() {
    let recordings = parse_recordings(
      br#"{"recordings":[{"filename":"r.mp4","url":"https://x/r.mp4","start_time":"2026-04-08T14:00:00Z","end_time":null,"session_id":"s1","recording_type":"composite","extra":[[[]]]},7],"duration":"1ms"}"#,
    )
    .unwrap();
    assert_eq!(
      recordings,
      [CallRecording {
        url: "https://x/r.mp4".into(),
        filename: "r.mp4".into(),
        session_id: "s1".into(),
        recording_type: "composite".into(),
        start_time: Some("2026-04-08T14:00:00Z".into()),
        end_time: None
      }]
    );
    assert_eq!(parse_transcriptions(br#"{"transcriptions":[]}"#).unwrap(), []);
    assert!(parse_transcriptions(br#"{"duration":"1ms"}"#).is_err(), "the list itself is required");
    let state = parse_call_state(
      br#"{"call":{"type":"default","id":"c","cid":"default:c","created_by":{"id":"u"},"created_at":"2026-04-08T14:00:00Z","custom":{"n":18446744073709551615},
        "recording":true,"transcribing":false,"captioning":"odd","ended_at":null,"session":{"id":"s1","started_at":"2026-04-08T14:01:00Z","participants":[{},{}]}},"members":[]}"#,
    )
    .unwrap();
    assert_eq!(state.custom_json, r#"{"n":18446744073709551615}"#);
    assert!(state.recording && !state.transcribing && !state.captioning);
    assert_eq!(state.session, Some(CallSession { id: "s1".into(), started_at: Some("2026-04-08T14:01:00Z".into()), ended_at: None, participant_count: 2 }));
    let no_session = parse_call_state(br#"{"call":{"type":"default","id":"c","cid":"default:c","session":{"id":""}}}"#).unwrap();
    assert_eq!(no_session.session, None);
  }
}
