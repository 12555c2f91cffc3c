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
use crate::request::{json_string, no_answer, object_json, Answer, Cid, Request};
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

/// Stream's get-or-create answer: the call as `getCall` reads it, and whether it was created.
#[derive(Deserialize)]
struct GetOrCreateResponse {
  call: RawCallState,
  #[serde(default)]
  created: Flag,
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

/// Get-or-create the call `cid` created by `user_id`, with `custom_json` (a
/// JSON object, as the caller gave it; `None`: no custom data) as its custom
/// data and `options_json` (`createStreamCall`'s options: members, start
/// time, settings) as node-sdk sends them in `data`.
pub fn create_call(cid: &Cid, user_id: &str, custom_json: Option<&str>, options_json: Option<&str>) -> Result<Request<CallInfo>> {
  validate::user_id("userId", user_id)?;
  let mut body = format!("{{\"data\":{{\"created_by_id\":{}", json_string(user_id));
  if let Some(custom) = custom_json {
    validate_custom(custom)?;
    body.push_str(&format!(",\"custom\":{custom}"));
  }
  for (name, value) in call_options::call_data(options_json)? {
    body.push_str(&format!(",\"{name}\":{value}"));
  }
  body.push_str("}}");
  let began = SystemTime::now();
  let user_id = user_id.to_string();
  let decode = move |answer: &Answer<'_>| {
    let (bytes, attempts) = (answer.body, answer.attempts);
    let parsed: GetOrCreateResponse = serde_json::from_slice(bytes)?;
    let call = parsed.call;
    let created_by_id = call.created_by.0.and_then(|u| u.id.0).unwrap_or_default();
    let created = parsed.created.0 == Some(true) || (attempts > 1 && created_by_id == user_id && created_since(&call.created_at, began));
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
  Ok(Request::new(Operation::CreateCall, Method::POST, cid.path(""), Some(body), Box::new(decode)))
}

/// Adds (or updates) a member; `role` `None` sends none, so Stream gives the
/// call type's default role, as node-sdk does without one.
pub fn add_member(cid: &Cid, user_id: &str, role: Option<&str>) -> Result<Request<()>> {
  validate::user_id("userId", user_id)?;
  let role = match role {
    Some(role) => validate::role("role", role).map(|()| format!(",\"role\":{}", json_string(role)))?,
    None => String::new(),
  };
  let body = format!("{{\"update_members\":[{{\"user_id\":{}{role}}}]}}", json_string(user_id));
  Ok(no_answer(Operation::AddMember, Method::POST, cid.path("/members"), Some(body)))
}

/// Switches recording, transcription or captions on or off (`options_json`:
/// the caller's options, checked here).
pub fn call_action(cid: &Cid, action: CallAction, options_json: Option<&str>) -> Result<Request<()>> {
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
  Ok(no_answer(action.operation(), Method::POST, cid.path(&suffix), Some(body)))
}

/// The call with what is running and its current session (`GET /call/{type}/{id}`, node-sdk's `call.get()`).
pub fn get_call(cid: &Cid) -> Request<CallState> {
  Request::new(Operation::GetCall, Method::GET, cid.path(""), None, Box::new(|a| parse_call_state(a.body)))
}

pub fn list_recordings(cid: &Cid) -> Request<Vec<CallRecording>> {
  Request::new(Operation::ListRecordings, Method::GET, cid.path("/recordings"), None, Box::new(|a| parse_recordings(a.body)))
}

pub fn list_transcriptions(cid: &Cid) -> Request<Vec<CallTranscription>> {
  Request::new(Operation::ListTranscriptions, Method::GET, cid.path("/transcriptions"), None, Box::new(|a| parse_transcriptions(a.body)))
}

pub fn end_call(cid: &Cid) -> Request<()> {
  no_answer(Operation::EndCall, Method::POST, cid.path("/mark_ended"), None)
}

/// A page of a call's members (`POST /api/v2/video/call/members`, node-sdk's
/// `queryCallMembers`): `options_json` holds `filter`, `sort`, `limit`,
/// `next` and `prev`.
pub fn query_members(cid: &Cid, options_json: Option<&str>) -> Result<Request<MembersPage>> {
  let mut body = format!("{{\"type\":{},\"id\":{}", json_string(&cid.call_type), json_string(&cid.id));
  for (name, value) in call_options::members_query(options_json)? {
    body.push_str(&format!(",\"{name}\":{value}"));
  }
  body.push('}');
  let decode = |a: &Answer<'_>| parse_members_page(a.body);
  Ok(Request::new(Operation::QueryCallMembers, Method::POST, "/api/v2/video/call/members".into(), Some(body), Box::new(decode)))
}

/// Custom data: any JSON object.
fn validate_custom(custom_json: &str) -> Result<()> {
  match serde_json::from_str::<serde::de::IgnoredAny>(custom_json) {
    Ok(_) if custom_json.trim_start().starts_with('{') => Ok(()),
    _ => Err(Error::invalid("data must be a JSON object")),
  }
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

/// A member of a call as Stream lists it (`MemberResponse`), with its user.
/// Crosses into JS as `NativeMember`; `index.js` parses the custom data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, js_name = "NativeMember", use_nullable = true))]
pub struct CallMember {
  pub user_id: String,
  /// The member's role in the call.
  pub role: Option<String>,
  /// The member's own custom data (JSON text of an object).
  pub custom_json: String,
  pub user_name: Option<String>,
  pub user_image: Option<String>,
  /// The user's custom data (JSON text of an object), e.g. an `email`.
  pub user_custom_json: String,
  /// RFC 3339, or `null`.
  pub created_at: Option<String>,
  pub updated_at: Option<String>,
}

/// One page of `queryCallMembers`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, js_name = "NativeMembersPage", use_nullable = true))]
pub struct MembersPage {
  pub members: Vec<CallMember>,
  /// The token of the next page, `null` on the last.
  pub next: Option<String>,
  pub prev: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMember {
  user_id: Text,
  role: Text,
  custom: Option<Box<serde_json::value::RawValue>>,
  user: Object<RawMemberUser>,
  created_at: Time,
  updated_at: Time,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawMemberUser {
  name: Text,
  image: Text,
  custom: Option<Box<serde_json::value::RawValue>>,
}

/// The members of a list that have a user id (anything else is skipped).
fn members(list: List<Object<RawMember>>) -> Vec<CallMember> {
  let member = |m: RawMember| {
    let user = m.user.0.unwrap_or_default();
    Some(CallMember {
      user_id: m.user_id.0?,
      role: m.role.0,
      custom_json: object_json(m.custom),
      user_name: user.name.0,
      user_image: user.image.0,
      user_custom_json: object_json(user.custom),
      created_at: m.created_at.0,
      updated_at: m.updated_at.0,
    })
  };
  list.0.unwrap_or_default().into_iter().filter_map(|m| m.0).filter_map(member).collect()
}

#[derive(Deserialize)]
struct MembersResponse {
  members: List<Object<RawMember>>,
  #[serde(default)]
  next: Text,
  #[serde(default)]
  prev: Text,
}

fn parse_members_page(body: &[u8]) -> serde_json::Result<MembersPage> {
  let page: MembersResponse = serde_json::from_slice(body)?;
  let token = |t: Text| t.0.filter(|t| !t.is_empty());
  Ok(MembersPage { members: members(page.members), next: token(page.next), prev: token(page.prev) })
}

/// A call as `getCall` reads it: what `createStreamCall` returns (but
/// `created`) plus what is running, the current session and the members.
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
  /// The call's members (Stream's `get` lists up to 25 by default; `queryCallMembers` pages through all).
  pub members: Vec<CallMember>,
}

#[derive(Deserialize)]
struct GetCallResponse {
  call: RawCallState,
  #[serde(default)]
  members: List<Object<RawMember>>,
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
  let response = serde_json::from_slice::<GetCallResponse>(body)?;
  let call = response.call;
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
    members: members(response.members),
  })
}

#[cfg(test)]
mod tests {
  use super::*;

  fn cid(value: &str) -> Cid {
    Cid::parse(value, "default").unwrap()
  }

  fn answer(body: &[u8]) -> Answer<'_> {
    static HEADERS: std::sync::LazyLock<reqwest::header::HeaderMap> = std::sync::LazyLock::new(Default::default);
    Answer { body, attempts: 1, status: 201, headers: &HEADERS, request_id: "r" }
  }

  #[test]
  fn custom_data_is_any_json_object_or_none() {
    let body = |custom: Option<&str>| create_call(&cid("c"), "u", custom, None).unwrap().body.unwrap();
    assert_eq!(body(Some(r#"{"description":"x","n":[1,{"x":null}]}"#)), r#"{"data":{"created_by_id":"u","custom":{"description":"x","n":[1,{"x":null}]}}}"#);
    assert_eq!(body(Some("{}")), r#"{"data":{"created_by_id":"u","custom":{}}}"#);
    assert_eq!(body(None), r#"{"data":{"created_by_id":"u"}}"#, "no custom data");
    for bad in ["[]", "5", "null", "{"] {
      assert_eq!(create_call(&cid("c"), "u", Some(bad), None).err().unwrap().message, "data must be a JSON object", "{bad}");
    }
  }

  #[test]
  fn a_call_is_created_with_members_and_a_start_as_node_sdk_sends_them() {
    let options = r#"{"members":[{"userId":"a","role":"host"},{"userId":"b","custom":{"x":1}}],"startsAt":"2026-12-24T18:00:00.000Z"}"#;
    let request = create_call(&cid("livestream:ls_1"), "a", None, Some(options)).unwrap();
    assert_eq!(request.path, "/api/v2/video/call/livestream/ls_1");
    assert_eq!(
      request.body.unwrap(),
      r#"{"data":{"created_by_id":"a","members":[{"role":"host","user_id":"a"},{"custom":{"x":1},"user_id":"b"}],"starts_at":"2026-12-24T18:00:00.000Z"}}"#
    );
    let message = |options: &str| create_call(&cid("c"), "a", None, Some(options)).err().unwrap().message;
    assert_eq!(message(r#"{"foo":1}"#), "options.foo is not an option here (known: members, startsAt, settings)");
    assert_eq!(message(r#"{"members":[{"user_id":"a"}]}"#), "options.members[0].user_id is not an option here (known: userId, role, custom)");
    assert_eq!(message(r#"{"members":[{"userId":" "}]}"#), "options.members[0].userId must be a non-empty string, not only whitespace");
    assert_eq!(message(r#"{"startsAt":"tomorrow"}"#), "options.startsAt must be a Date or an RFC 3339 time (after 2000)");
    let many = format!(r#"{{"members":[{}]}}"#, vec![r#"{"userId":"a"}"#; 101].join(","));
    assert_eq!(message(&many), "options.members must hold at most 100 members, got 101");
  }

  #[test]
  fn a_member_without_a_role_gets_none() {
    assert_eq!(add_member(&cid("c"), "u", None).unwrap().body.unwrap(), r#"{"update_members":[{"user_id":"u"}]}"#);
    assert_eq!(add_member(&cid("c"), "u", Some("host")).unwrap().body.unwrap(), r#"{"update_members":[{"user_id":"u","role":"host"}]}"#);
    assert!(add_member(&cid("c"), "u", Some("")).is_err());
  }

  #[test]
  fn parses_get_or_create_response() {
    let body = br#"{"call":{"type":"default","id":"c1","cid":"default:c1","created_by":{"id":"u1","name":"U"},"created_at":"2026-04-08T14:23:35.879421674Z","custom":{"meetingId":"m1","n":[1,2]},"settings":{}},"members":[],"own_capabilities":[],"created":true,"duration":"1.2ms"}"#;
    let call = (create_call(&cid("c1"), "u1", Some("{}"), None).unwrap().decode)(&answer(body)).unwrap();
    assert!(call.created);
    assert_eq!(call.cid, "default:c1");
    assert_eq!(call.created_by_id, "u1");
    assert_eq!(call.created_at.as_deref(), Some("2026-04-08T14:23:35.879421674Z"));
    assert_eq!(call.custom_json, r#"{"meetingId":"m1","n":[1,2]}"#);
    let placeholder = br#"{"call":{"type":"default","id":"c","cid":"default:c","created_at":"0001-01-01T00:00:00Z","custom":null}}"#;
    let call = (get_call(&cid("c")).decode)(&answer(placeholder)).unwrap();
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
