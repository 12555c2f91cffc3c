//! Stream call events, parsed into what a meeting store must do. Every
//! `call.*` type node-sdk knows ([`CALL_EVENT_TYPES`]) comes back with its
//! common fields and its own typed ones (participants, egress, members); only
//! the four events the meeting store acts on produce an update, any other
//! event type is returned with `update: None` (new event types are not errors). A genuine event that
//! lacks an optional field is not an error either: the update says what is
//! known (a session that ended at an unknown time is still over), and an
//! asset event without a URL has nothing to apply.

use std::borrow::Cow;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::lenient::{real_millis, Count, Object, Text, Time};

// A `CallEvent` crosses into JS as `event_fields` writes it, which lists its
// fields. The napi attributes generate these types in `binding.d.ts`, so a
// field added here and in `event_fields` reaches the JS result and its types.

/// What a meeting store must do, by `kind` (JS adds the meeting's `status`,
/// named as the kind). Unknown times are `null`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(discriminant = "kind", discriminant_case = "lowercase", use_nullable = true))]
pub enum MeetingUpdate {
  /// `call.session_started`: the meeting is live since the session's start
  /// (else the event's time).
  Active { started_at: Option<String> },
  /// `call.session_ended`: the meeting is over and its media is being
  /// processed. `started_at` is the session's own start when the event carries
  /// it; the duration needs a start (the event's or the stored one) and an end.
  Processing { started_at: Option<String>, ended_at: Option<String>, duration_seconds: Option<u32> },
  /// `call.transcription_ready`
  Transcription { transcription_url: String },
  /// `call.recording_ready`
  Recording { recording_url: String },
}

/// Every `call.*` event type: Stream's, generated from its spec (the same 53 as node-sdk 0.7.64's models).
pub use crate::spec::CALL_EVENT_TYPES;

/// A verified call event. Absent values are `null`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, use_nullable = true))]
pub struct CallEvent {
  #[cfg_attr(not(fuzzing), napi(js_name = "type"))]
  pub event_type: String,
  /// RFC 3339 time of the event.
  pub created_at: Option<String>,
  /// From `call_cid` (`type:id`, split on the first `:`).
  pub call_type: Option<String>,
  pub call_id: Option<String>,
  pub session_id: Option<String>,
  /// `X-Webhook-Id`: the same across Stream's retries, so apply an event once per id.
  pub webhook_id: Option<String>,
  /// `X-Webhook-Attempt`, counting from 1.
  pub attempt: Option<u32>,
  /// `call.custom.meetingId`; only session events carry the call object, so
  /// find the meeting by `callId` for the others.
  pub meeting_id: Option<String>,
  /// The user the event is about: the participant of `session_participant_*`
  /// events, else the event's `user` (who accepted, was blocked, muted, …).
  pub user_id: Option<String>,
  /// The participant's own session (`participant.user_session_id`): one user
  /// joining twice has two.
  pub user_session_id: Option<String>,
  /// `call.session_participant_left`: how long the participant stayed.
  pub duration_seconds: Option<u32>,
  /// Recording, transcription and caption events: the egress that produced them.
  pub egress_id: Option<String>,
  /// Recording events: `composite`, `individual` or `raw`.
  pub recording_type: Option<String>,
  /// `*_failed` events: what went wrong, when Stream says.
  pub error: Option<String>,
  /// `call.recording_ready` / `call.transcription_ready`: when the file's
  /// recording or transcript started and ended (RFC 3339, or `null`).
  pub start_time: Option<String>,
  pub end_time: Option<String>,
  /// Member events: the `members` array as JSON text, unparsed. `index.js`
  /// reads the user ids from it with `JSON.parse`, so every id arrives
  /// exactly as the JSON holds it (a lone surrogate escape included, which
  /// no Rust string can hold), and no in-band separator can split one.
  pub members_json: Option<String>,
  /// `null` for event types a meeting store does not act on.
  pub update: Option<MeetingUpdate>,
}

// The raw event borrows its strings from the body wherever the JSON has no
// escapes; only what `CallEvent` keeps is copied, once.
type Str<'a> = Text<Cow<'a, str>>;

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEvent<'a> {
  #[serde(rename = "type", borrow)]
  event_type: Str<'a>,
  #[serde(borrow)]
  created_at: Time<Cow<'a, str>>,
  #[serde(borrow)]
  call_cid: Str<'a>,
  #[serde(borrow)]
  session_id: Str<'a>,
  #[serde(borrow)]
  call: Object<RawCall<'a>>,
  #[serde(borrow)]
  call_transcription: Object<RawAsset<'a>>,
  #[serde(borrow)]
  call_recording: Object<RawAsset<'a>>,
  #[serde(borrow)]
  participant: Object<RawParticipant<'a>>,
  #[serde(borrow)]
  user: Object<RawUser<'a>>,
  duration_seconds: Count,
  #[serde(borrow)]
  egress_id: Str<'a>,
  #[serde(borrow)]
  recording_type: Str<'a>,
  #[serde(borrow)]
  error: Str<'a>,
  /// Read as its JSON text, unparsed: see `CallEvent::members_json`.
  #[serde(borrow)]
  members: Option<&'a serde_json::value::RawValue>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawParticipant<'a> {
  #[serde(borrow)]
  user: Object<RawUser<'a>>,
  #[serde(borrow)]
  user_session_id: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawUser<'a> {
  #[serde(borrow)]
  id: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCall<'a> {
  #[serde(rename = "type", borrow)]
  call_type: Str<'a>,
  #[serde(borrow)]
  id: Str<'a>,
  #[serde(borrow)]
  custom: Object<RawCustom<'a>>,
  #[serde(borrow)]
  session: Object<RawSession<'a>>,
}

/// Of a call's custom data only `meetingId` is read; the rest is skipped unread.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawCustom<'a> {
  #[serde(rename = "meetingId", borrow)]
  meeting_id: Str<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawSession<'a> {
  #[serde(borrow)]
  id: Str<'a>,
  #[serde(borrow)]
  started_at: Time<Cow<'a, str>>,
  #[serde(borrow)]
  ended_at: Time<Cow<'a, str>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAsset<'a> {
  #[serde(borrow)]
  url: Str<'a>,
  #[serde(borrow)]
  session_id: Str<'a>,
  #[serde(borrow)]
  recording_type: Str<'a>,
  #[serde(borrow)]
  start_time: Time<Cow<'a, str>>,
  #[serde(borrow)]
  end_time: Time<Cow<'a, str>>,
}

/// Parses an event body. `stored_started_at` is the meeting's start time as the
/// app recorded it, used for the duration when the event itself lacks one.
///
/// Only a body that is not a JSON object with a string `type` is an error:
/// every other field is read when it has the expected shape and is `null`
/// otherwise, and fields this crate does not read may hold anything.
pub fn parse(body: &[u8], stored_started_at: Option<&str>) -> Result<CallEvent> {
  let invalid = |why: String| Error::invalid(format!("webhook body is not a valid Stream event: {why}"));
  // Checking the UTF-8 once and parsing text is faster than checking each string.
  let parsed = match std::str::from_utf8(body) {
    Ok(text) => serde_json::from_str::<Object<RawEvent>>(text),
    Err(_) => serde_json::from_slice::<Object<RawEvent>>(body),
  };
  let raw = match parsed {
    Ok(Object(Some(raw))) => raw,
    Ok(Object(None)) => return Err(invalid("not a JSON object".into())),
    Err(e) => return Err(invalid(crate::error::describe_json_error(&e))),
  };
  let Some(event_type) = raw.event_type.0 else {
    return Err(invalid("`type` is not a string".into()));
  };
  let call = raw.call.0.as_ref();
  let (call_type, call_id) = match raw.call_cid.0.as_deref().and_then(|cid| cid.split_once(':')) {
    Some((t, id)) => (Some(t), Some(id)),
    None => (call.and_then(|c| c.call_type.0.as_deref()), call.and_then(|c| c.id.0.as_deref())),
  };
  let session = call.and_then(|c| c.session.0.as_ref());
  let asset = raw.call_recording.0.as_ref().or(raw.call_transcription.0.as_ref());
  let session_id = raw.session_id.0.as_deref().or_else(|| asset.and_then(|a| a.session_id.0.as_deref())).or_else(|| session.and_then(|s| s.id.0.as_deref()));
  let meeting_id = call.and_then(|c| c.custom.0.as_ref()).and_then(|custom| custom.meeting_id.0.as_deref());

  let event_time = usable(&raw.created_at);
  let update = match &*event_type {
    "call.session_started" => {
      let started_at = session.and_then(|s| usable(&s.started_at)).or(event_time);
      Some(MeetingUpdate::Active { started_at: started_at.map(|(text, _)| text.to_string()) })
    }
    "call.session_ended" => {
      let ended_at = session.and_then(|s| usable(&s.ended_at)).or(event_time);
      let own_start = session.and_then(|s| usable(&s.started_at));
      let start = own_start.or_else(|| stored_started_at.and_then(instant));
      let duration_seconds = start.zip(ended_at).and_then(|((_, start), (_, end))| duration_seconds(start, end));
      Some(MeetingUpdate::Processing {
        started_at: own_start.map(|(text, _)| text.to_string()),
        ended_at: ended_at.map(|(text, _)| text.to_string()),
        duration_seconds,
      })
    }
    "call.transcription_ready" => asset_url(&raw.call_transcription).map(|transcription_url| MeetingUpdate::Transcription { transcription_url }),
    "call.recording_ready" => asset_url(&raw.call_recording).map(|recording_url| MeetingUpdate::Recording { recording_url }),
    _ => None,
  };
  let participant = raw.participant.0.as_ref();
  let user_id = participant.and_then(|p| p.user.0.as_ref()).and_then(|u| u.id.0.as_deref()).or_else(|| raw.user.0.as_ref().and_then(|u| u.id.0.as_deref()));
  let recording_type = raw.recording_type.0.as_deref().or_else(|| raw.call_recording.0.as_ref().and_then(|r| r.recording_type.0.as_deref()));
  let owned = |text: Option<&str>| text.map(str::to_string);
  Ok(CallEvent {
    event_type: event_type.into_owned(),
    created_at: raw.created_at.0.map(Cow::into_owned),
    call_type: owned(call_type),
    call_id: owned(call_id),
    session_id: owned(session_id),
    webhook_id: None,
    attempt: None,
    meeting_id: owned(meeting_id),
    user_id: owned(user_id),
    user_session_id: owned(participant.and_then(|p| p.user_session_id.0.as_deref())),
    duration_seconds: raw.duration_seconds.0.map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
    egress_id: owned(raw.egress_id.0.as_deref()),
    recording_type: owned(recording_type),
    error: owned(raw.error.0.as_deref()),
    start_time: asset.and_then(|a| a.start_time.0.as_deref()).map(str::to_string),
    end_time: asset.and_then(|a| a.end_time.0.as_deref()).map(str::to_string),
    members_json: raw.members.map(serde_json::value::RawValue::get).filter(|json| json.starts_with('[')).map(str::to_string),
    update,
  })
}

fn asset_url(asset: &Object<RawAsset>) -> Option<String> {
  asset.0.as_ref().and_then(|a| a.url.0.as_deref()).filter(|url| !url.is_empty()).map(str::to_string)
}

/// The longest duration reported; anything longer comes from a wrong clock or
/// a placeholder time, and is `null` instead.
pub const MAX_DURATION_SECONDS: u32 = 31 * 24 * 60 * 60;

/// A time as given with its instant, when it is a real moment (RFC 3339, not a placeholder).
fn instant(text: &str) -> Option<(&str, i64)> {
  real_millis(text).map(|ms| (text, ms))
}

fn usable<'t>(time: &'t Time<Cow<'_, str>>) -> Option<(&'t str, i64)> {
  time.0.as_deref().map(|text| (text, time.1))
}

/// An end up to this much before its start is clock skew between the two
/// sources of the times (Stream's and the app's), and counts as 0 seconds.
const MAX_SKEW_MS: i64 = 60_000;

/// Whole seconds from `start` to `end` (milliseconds, rounded); `None` when
/// the end is before the start (beyond clock skew) or the span is over
/// [`MAX_DURATION_SECONDS`]: never negative, never absurd.
fn duration_seconds(start_ms: i64, end_ms: i64) -> Option<u32> {
  let millis = end_ms.checked_sub(start_ms).filter(|ms| *ms >= -MAX_SKEW_MS)?;
  u32::try_from((millis.max(0) + 500) / 1000).ok().filter(|s| *s <= MAX_DURATION_SECONDS)
}

#[cfg(test)]
mod tests {
  use super::tests_payloads::*;
  use super::*;
  use crate::lenient::unix_millis;

  #[test]
  fn session_started() {
    let e = parse(STARTED.as_bytes(), None).unwrap();
    assert_eq!(e.event_type, "call.session_started");
    assert_eq!(e.call_type.as_deref(), Some("default"));
    assert_eq!(e.call_id.as_deref(), Some("meeting-123"));
    assert_eq!(e.session_id.as_deref(), Some("sess-1"));
    assert_eq!(e.meeting_id.as_deref(), Some("123"));
    assert_eq!(e.created_at.as_deref(), Some("2026-04-08T14:23:35.879421674Z"));
    assert_eq!(e.update, Some(MeetingUpdate::Active { started_at: Some("2026-04-08T14:23:35.2Z".into()) }));
  }

  #[test]
  fn session_started_without_session_uses_event_time() {
    let body = r#"{"type":"call.session_started","created_at":"2026-04-08T14:23:35Z","call_cid":"default:x","call":{"custom":{}}}"#;
    let e = parse(body.as_bytes(), None).unwrap();
    assert_eq!(e.meeting_id, None);
    assert_eq!(e.session_id, None);
    assert_eq!(e.update, Some(MeetingUpdate::Active { started_at: Some("2026-04-08T14:23:35Z".into()) }));
  }

  #[test]
  fn session_ended_duration() {
    let e = parse(ENDED.as_bytes(), None).unwrap();
    assert_eq!(
      e.update,
      Some(MeetingUpdate::Processing {
        started_at: Some("2026-04-08T14:23:35.2Z".into()),
        ended_at: Some("2026-04-08T14:59:59.9Z".into()),
        duration_seconds: Some(2185)
      })
    );
  }

  #[test]
  fn session_ended_falls_back_to_stored_start_and_is_never_negative() {
    let body = r#"{"type":"call.session_ended","created_at":"2026-04-08T15:00:00Z","call_cid":"default:m","call":{"id":"m"}}"#;
    for (stored, duration) in [
      (Some("2026-04-08T14:00:00Z"), Some(3600)),
      (Some("2026-04-08T16:00:00Z"), None),
      (Some("2026-04-08T15:00:30Z"), Some(0)),
      (None, None),
      (Some("yesterday"), None),
    ] {
      let e = parse(body.as_bytes(), stored).unwrap();
      assert_eq!(
        e.update,
        Some(MeetingUpdate::Processing { started_at: None, ended_at: Some("2026-04-08T15:00:00Z".into()), duration_seconds: duration }),
        "{stored:?}"
      );
    }
  }

  #[test]
  fn transcription_and_recording() {
    let t = parse(TRANSCRIPTION.as_bytes(), None).unwrap();
    assert_eq!(t.update, Some(MeetingUpdate::Transcription { transcription_url: "https://cdn.example/t.jsonl".into() }));
    assert_eq!(t.call_id.as_deref(), Some("meeting-123"));
    assert_eq!(t.meeting_id, None, "no call object, so no custom data");
    assert_eq!(t.session_id.as_deref(), Some("sess-1"));
    let r = parse(RECORDING.as_bytes(), None).unwrap();
    assert_eq!(r.update, Some(MeetingUpdate::Recording { recording_url: "https://cdn.example/r.mp4".into() }));
  }

  #[test]
  fn genuine_events_missing_optional_fields_are_not_errors() {
    let no_url = parse(br#"{"type":"call.recording_ready","call_cid":"default:x","call_recording":{"filename":"r.mp4"}}"#, None).unwrap();
    assert_eq!(no_url.update, None, "nothing to apply");
    assert_eq!(no_url.call_id.as_deref(), Some("x"));
    assert_eq!(parse(br#"{"type":"call.transcription_ready","call_transcription":{"url":""}}"#, None).unwrap().update, None);
    let no_time = parse(br#"{"type":"call.session_started","call_cid":"default:x"}"#, None).unwrap();
    assert_eq!(no_time.update, Some(MeetingUpdate::Active { started_at: None }));
    let ended = parse(br#"{"type":"call.session_ended","call_cid":"default:x","call":{"session":null}}"#, Some("2026-04-08T14:00:00Z")).unwrap();
    assert_eq!(ended.update, Some(MeetingUpdate::Processing { started_at: None, ended_at: None, duration_seconds: None }));
  }

  #[test]
  fn rfc3339_timestamps_as_stream_sends_them() {
    assert_eq!(unix_millis("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(unix_millis("2026-04-08T14:23:35.879421674Z"), Some(1_775_658_215_879));
    assert_eq!(unix_millis("2026-04-08T16:23:35.879+02:00"), Some(1_775_658_215_879));
    assert_eq!(unix_millis("2026-04-08T09:23:35.8-05:00"), Some(1_775_658_215_800));
    assert_eq!(unix_millis("2024-02-29T00:00:00z"), Some(1_709_164_800_000));
    assert_eq!(unix_millis("1969-12-31T23:59:59Z"), Some(-1000));
    for bad in [
      "",
      "2026-04-08",
      "2026-04-08T14:23:35",
      "2026-13-01T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2026-04-08T24:00:00Z",
      "2026-04-08T14:23:35.Z",
      "2026-04-08T14:23:35Zjunk",
      "2026-04-08T14:23:35+0200",
      "２０２６-04-08T14:23:35Z",
    ] {
      assert_eq!(unix_millis(bad), None, "{bad}");
    }
  }

  #[test]
  fn participant_egress_and_member_events_carry_their_own_fields() {
    let joined = parse(
      br#"{"type":"call.session_participant_joined","created_at":"2026-04-08T14:30:00Z","call_cid":"default:m","session_id":"s1",
        "participant":{"user":{"id":"guest-1","name":"G"},"user_session_id":"us-1","role":"user","joined_at":"2026-04-08T14:30:00Z"}}"#,
      None,
    )
    .unwrap();
    assert_eq!((joined.user_id.as_deref(), joined.user_session_id.as_deref(), joined.session_id.as_deref()), (Some("guest-1"), Some("us-1"), Some("s1")));
    assert_eq!((joined.duration_seconds, joined.update), (None, None));
    let left =
      parse(br#"{"type":"call.session_participant_left","call_cid":"default:m","participant":{"user":{"id":"guest-1"}},"duration_seconds":95}"#, None).unwrap();
    assert_eq!(left.duration_seconds, Some(95));
    let failed =
      parse(br#"{"type":"call.recording_failed","call_cid":"default:m","egress_id":"e1","recording_type":"raw","error":"disk full"}"#, None).unwrap();
    assert_eq!((failed.egress_id.as_deref(), failed.recording_type.as_deref(), failed.error.as_deref()), (Some("e1"), Some("raw"), Some("disk full")));
    let ready = parse(tests_payloads::RECORDING.as_bytes(), None).unwrap();
    assert_eq!((ready.egress_id.as_deref(), ready.recording_type.as_deref()), (Some("e2"), Some("composite")));
    let added = parse(br#"{"type":"call.member_added","call_cid":"default:m","members":[{"user_id":"a","user":{"id":"a"}},{"user_id":"b"},7]}"#, None).unwrap();
    assert_eq!(added.members_json.as_deref(), Some(r#"[{"user_id":"a","user":{"id":"a"}},{"user_id":"b"},7]"#));
    let removed = parse(br#"{"type":"call.member_removed","call_cid":"default:m","members":["a\ud83c","c"]}"#, None).unwrap();
    assert_eq!(removed.members_json.as_deref(), Some(r#"["a\ud83c","c"]"#), "a lone surrogate escape is kept for JS");
    let odd = parse(br#"{"type":"call.member_removed","call_cid":"default:m","members":{"a":1}}"#, None).unwrap();
    assert_eq!(odd.members_json, None, "not an array");
    let accepted = parse(br#"{"type":"call.accepted","call_cid":"default:m","user":{"id":"callee"}}"#, None).unwrap();
    assert_eq!(accepted.user_id.as_deref(), Some("callee"));
    assert_eq!(CALL_EVENT_TYPES.len(), 53);
  }

  #[test]
  fn unknown_events_are_kept_without_update() {
    let e = parse(br#"{"type":"call.member_added","created_at":"2026-04-08T15:00:00Z","call_cid":"livestream:a:b:c","members":[]}"#, None).unwrap();
    assert_eq!(e.event_type, "call.member_added");
    assert_eq!(e.call_type.as_deref(), Some("livestream"));
    assert_eq!(e.call_id.as_deref(), Some("a:b:c"), "split on the first ':'");
    assert_eq!(e.update, None);
  }

  #[test]
  fn malformed_bodies_are_errors() {
    for body in [&b"not json"[..], b"{}", b"[]", b"{\"type\":5}", b"", b"{\"type\":\"x\""] {
      let err = parse(body, None).unwrap_err();
      assert!(err.message.starts_with("webhook body is not a valid Stream event"), "{}", err.message);
    }
    let err = parse(br#"{"type":"call.x","call":{"custom":{"k":"s3cret-value-s3cret"}} trailing"#, None).unwrap_err();
    assert!(!err.message.contains("s3cret") && !err.message.contains("trailing"), "{}", err.message);
  }

  #[test]
  fn odd_shapes_in_any_field_are_not_errors() {
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    for odd in ["7", "\"x\"", "[]", "{}", "null", "true", "-1.5", "18446744073709551616", deep.as_str()] {
      for field in ["created_at", "call_cid", "session_id", "call", "call_transcription", "call_recording", "request_info"] {
        let body = format!(r#"{{"type":"call.session_ended","{field}":{odd}}}"#);
        parse(body.as_bytes(), None).unwrap_or_else(|e| panic!("{body:.200}: {}", e.message));
      }
      for field in ["type", "id", "custom", "session", "settings"] {
        let body = format!(r#"{{"type":"call.session_started","call_cid":"default:x","call":{{"{field}":{odd}}}}}"#);
        let e = parse(body.as_bytes(), None).unwrap_or_else(|e| panic!("{body:.200}: {}", e.message));
        assert_eq!(e.call_id.as_deref(), Some("x"));
      }
      for field in ["meetingId", "other"] {
        let body = format!(r#"{{"type":"call.session_started","call":{{"custom":{{"{field}":{odd}}},"session":{{"started_at":{odd}}}}}}}"#);
        parse(body.as_bytes(), None).unwrap_or_else(|e| panic!("{body:.200}: {}", e.message));
      }
    }
    let nested = format!(
      r#"{{"type":"call.session_started","call":{{"custom":{{"meetingId":"m","deep":{}{}}}}}}}"#,
      "{\"a\":".repeat(125),
      "{}".to_string() + &"}".repeat(125)
    );
    assert_eq!(parse(nested.as_bytes(), None).unwrap().meeting_id.as_deref(), Some("m"));
  }

  #[test]
  fn unusable_times_fall_back() {
    let ended = |started: &str, created: &str, stored: Option<&str>| {
      let body =
        format!(r#"{{"type":"call.session_ended","created_at":{created},"call":{{"session":{{"started_at":{started},"ended_at":"2026-04-08T15:00:00Z"}}}}}}"#);
      parse(body.as_bytes(), stored).unwrap().update
    };
    let processing = |started_at: Option<&str>, duration_seconds: Option<u32>| {
      Some(MeetingUpdate::Processing { started_at: started_at.map(String::from), ended_at: Some("2026-04-08T15:00:00Z".into()), duration_seconds })
    };
    let stored = Some("2026-04-08T14:00:00Z");
    for garbage in [r#""""#, r#""garbage""#, r#""0001-01-01T00:00:00Z""#, r#""1970-01-01T00:00:00Z""#, "null", "[1]"] {
      assert_eq!(ended(garbage, "null", stored), processing(None, Some(3600)), "{garbage} falls back to the stored start");
      assert_eq!(ended(garbage, "null", None), processing(None, None), "{garbage}");
      assert_eq!(ended(garbage, "null", Some("0001-01-01T00:00:00Z")), processing(None, None), "{garbage}: a placeholder stored start");
    }
    // A start after the end, or a span over 31 days, has no duration.
    assert_eq!(ended(r#""2026-04-08T16:00:00Z""#, "null", None), processing(Some("2026-04-08T16:00:00Z"), None));
    assert_eq!(ended(r#""2026-01-01T00:00:00Z""#, "null", None), processing(Some("2026-01-01T00:00:00Z"), None));
    assert_eq!(ended(r#""2026-03-08T15:00:00Z""#, "null", None), processing(Some("2026-03-08T15:00:00Z"), Some(MAX_DURATION_SECONDS)));
    // Numeric times are nanoseconds since the epoch, as Stream's SDK decodes them.
    assert_eq!(ended("1775656800000000000", "null", None), processing(Some("2026-04-08T14:00:00Z"), Some(3600)));
    let started = |started: &str| {
      let body = format!(r#"{{"type":"call.session_started","created_at":"2026-04-08T14:00:00Z","call":{{"session":{{"started_at":{started}}}}}}}"#);
      parse(body.as_bytes(), None).unwrap().update
    };
    for garbage in [r#""""#, r#""garbage""#, r#""0001-01-01T00:00:00Z""#] {
      assert_eq!(started(garbage), Some(MeetingUpdate::Active { started_at: Some("2026-04-08T14:00:00Z".into()) }));
    }
  }
}

#[cfg(test)]
mod properties {
  use proptest::prelude::*;
  use serde_json::Value;

  use super::*;

  fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
      Just(Value::Null),
      any::<bool>().prop_map(Value::Bool),
      any::<f64>().prop_filter_map("finite", serde_json::Number::from_f64).prop_map(Value::Number),
      "\\PC{0,20}".prop_map(Value::String),
      prop_oneof![
        Just("call.session_started"),
        Just("call.session_ended"),
        Just("call.recording_ready"),
        Just("call.transcription_ready"),
        Just("2026-04-08T14:23:35Z"),
        Just("default:x")
      ]
      .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
      let keys = prop_oneof![
        Just("type".to_string()),
        Just("created_at".to_string()),
        Just("call_cid".to_string()),
        Just("call".to_string()),
        Just("session".to_string()),
        Just("started_at".to_string()),
        Just("ended_at".to_string()),
        Just("custom".to_string()),
        Just("meetingId".to_string()),
        Just("call_recording".to_string()),
        Just("call_transcription".to_string()),
        Just("url".to_string()),
        "\\PC{0,8}",
      ];
      prop_oneof![
        proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
        proptest::collection::btree_map(keys, inner, 0..8).prop_map(|m| Value::Object(m.into_iter().collect())),
      ]
    })
  }

  const REAL: [&str; 4] = [tests_payloads::STARTED, tests_payloads::ENDED, tests_payloads::TRANSCRIPTION, tests_payloads::RECORDING];

  proptest! {
    #[test]
    fn arbitrary_json_never_panics(value in json(), stored in proptest::option::of("\\PC{0,30}")) {
      let _ = parse(value.to_string().as_bytes(), stored.as_deref());
    }

    #[test]
    fn truncated_real_payloads_never_panic(which in 0..REAL.len(), cut in 0usize..2000) {
      let body = REAL[which].as_bytes();
      let result = parse(&body[..cut.min(body.len())], None);
      prop_assert!(cut < body.len() || result.is_ok());
    }

    /// A genuine, signed event with junk of any shape (deeply nested too) in
    /// fields this crate does not read parses to the same result as without it.
    #[test]
    fn junk_in_unread_fields_never_loses_a_signed_event(
      which in 0..REAL.len(),
      junk in proptest::collection::vec((0usize..5, "[a-z_]{1,12}", json()), 1..6),
      depth in 0usize..300,
    ) {
      let key = crate::key::Key::new(&crate::config::Secret::new("webhook-secret"));
      let mut event: Value = serde_json::from_str(REAL[which]).unwrap();
      let expected = parse(REAL[which].as_bytes(), None).unwrap();
      for (place, name, value) in junk {
        let name = format!("x_{name}");
        let value = (0..depth).fold(value, |v, _| Value::Array(vec![v]));
        let target = match place {
          0 => Some(&mut event),
          1 => event.get_mut("call"),
          2 => event.pointer_mut("/call/custom"),
          3 => event.pointer_mut("/call/session"),
          _ => event.get_mut("call_recording"),
        };
        if let Some(Value::Object(map)) = target {
          map.insert(name, value);
        }
      }
      let body = event.to_string();
      let signature = crate::webhook::sign(&key, body.as_bytes());
      let opened = crate::webhook::open(&key, body.as_bytes(), &signature, 64 * 1024 * 1024).unwrap();
      prop_assert_eq!(parse(&opened, None).unwrap(), expected);
    }

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
      let _ = parse(&body, None);
    }
  }
}

/// Real-shaped payloads shared by the unit and property tests.
#[cfg(test)]
mod tests_payloads {
  pub const STARTED: &str = r#"{"type":"call.session_started","created_at":"2026-04-08T14:23:35.879421674Z","call_cid":"default:meeting-123","session_id":"sess-1",
    "call":{"type":"default","id":"meeting-123","cid":"default:meeting-123","custom":{"meetingId":"123","agentId":"agent-456"},
    "session":{"id":"sess-1","started_at":"2026-04-08T14:23:35.2Z","participants":[]},"created_by":{"id":"u1"},"settings":{}},
    "request_info":{"sdk":"stream-node-0.7.64"}}"#;
  pub const ENDED: &str = r#"{"type":"call.session_ended","created_at":"2026-04-08T15:00:00Z","call_cid":"default:meeting-123","session_id":"sess-1",
    "call":{"type":"default","id":"meeting-123","custom":{"meetingId":"123"},
    "session":{"id":"sess-1","started_at":"2026-04-08T14:23:35.2Z","ended_at":"2026-04-08T14:59:59.9Z"}}}"#;
  pub const TRANSCRIPTION: &str = r#"{"type":"call.transcription_ready","created_at":"2026-04-08T15:01:00Z","call_cid":"default:meeting-123","egress_id":"e1",
    "call_transcription":{"filename":"t.jsonl","url":"https://cdn.example/t.jsonl","start_time":"2026-04-08T14:23:35Z","end_time":"2026-04-08T15:00:00Z","session_id":"sess-1"}}"#;
  pub const RECORDING: &str = r#"{"type":"call.recording_ready","created_at":"2026-04-08T15:02:00Z","call_cid":"default:meeting-123","egress_id":"e2","recording_type":"composite",
    "call_recording":{"filename":"r.mp4","url":"https://cdn.example/r.mp4","start_time":"2026-04-08T14:23:35Z","end_time":"2026-04-08T15:00:00Z","session_id":"sess-1","recording_type":"composite"}}"#;
}
