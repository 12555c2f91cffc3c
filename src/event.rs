//! Stream call events, parsed into what a meeting store must do. Only the four
//! events the app acts on produce an update; any other event type is returned
//! with `update: None` (new event types are not errors). A genuine event that
//! lacks an optional field is not an error either: the update says what is
//! known (a session that ended at an unknown time is still over), and an
//! asset event without a URL has nothing to apply.

use serde::Deserialize;

use crate::error::{Error, Result};

// These types cross into JS as they are (the napi attributes generate
// `binding.d.ts`): adding a field here adds it to the JS result and its types.

/// A meeting's status after a session event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(string_enum = "lowercase"))]
pub enum MeetingStatus {
  Active,
  Processing,
}

/// What a meeting store must do, by `kind`. Unknown times are `null`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(discriminant = "kind", discriminant_case = "lowercase", use_nullable = true))]
pub enum MeetingUpdate {
  /// `call.session_started`: the meeting is live since the session's start
  /// (else the event's time).
  Active { status: MeetingStatus, started_at: Option<String> },
  /// `call.session_ended`: the meeting is over and its media is being
  /// processed. `started_at` is the session's own start when the event carries
  /// it; the duration needs a start (the event's or the stored one) and an end.
  Processing { status: MeetingStatus, started_at: Option<String>, ended_at: Option<String>, duration_seconds: Option<u32> },
  /// `call.transcription_ready`
  Transcription { transcription_url: String },
  /// `call.recording_ready`
  Recording { recording_url: String },
}

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
  /// `null` for event types a meeting store does not act on.
  pub update: Option<MeetingUpdate>,
}

#[derive(Deserialize)]
struct RawEvent {
  #[serde(rename = "type")]
  event_type: String,
  created_at: Option<String>,
  call_cid: Option<String>,
  session_id: Option<String>,
  call: Option<RawCall>,
  call_transcription: Option<RawAsset>,
  call_recording: Option<RawAsset>,
}

#[derive(Deserialize)]
struct RawCall {
  #[serde(rename = "type")]
  call_type: Option<String>,
  id: Option<String>,
  custom: Option<serde_json::Map<String, serde_json::Value>>,
  session: Option<RawSession>,
}

#[derive(Deserialize)]
struct RawSession {
  id: Option<String>,
  started_at: Option<String>,
  ended_at: Option<String>,
}

#[derive(Deserialize)]
struct RawAsset {
  url: Option<String>,
  session_id: Option<String>,
}

/// Parses an event body. `stored_started_at` is the meeting's start time as the
/// app recorded it, used for the duration when the event itself lacks one.
pub fn parse(body: &[u8], stored_started_at: Option<&str>) -> Result<CallEvent> {
  let raw: RawEvent = serde_json::from_slice(body).map_err(|e| Error::invalid(format!("webhook body is not a valid Stream event: {e}")))?;
  let (mut call_type, mut call_id) = match raw.call_cid.as_deref().and_then(|cid| cid.split_once(':')) {
    Some((t, id)) => (Some(t.to_string()), Some(id.to_string())),
    None => (None, None),
  };
  let call = raw.call.as_ref();
  if call_type.is_none() {
    call_type = call.and_then(|c| c.call_type.clone());
  }
  if call_id.is_none() {
    call_id = call.and_then(|c| c.id.clone());
  }
  let session = call.and_then(|c| c.session.as_ref());
  let asset = raw.call_recording.as_ref().or(raw.call_transcription.as_ref());
  let session_id = raw.session_id.clone().or_else(|| asset.and_then(|a| a.session_id.clone())).or_else(|| session.and_then(|s| s.id.clone()));
  let meeting_id = call.and_then(|c| c.custom.as_ref()).and_then(|custom| custom.get("meetingId")).and_then(|v| v.as_str()).map(str::to_string);

  let event_time = || raw.created_at.clone();
  let update = match raw.event_type.as_str() {
    "call.session_started" => {
      Some(MeetingUpdate::Active { status: MeetingStatus::Active, started_at: session.and_then(|s| s.started_at.clone()).or_else(event_time) })
    }
    "call.session_ended" => {
      let ended_at = session.and_then(|s| s.ended_at.clone()).or_else(event_time);
      let own_start = session.and_then(|s| s.started_at.clone());
      let start = own_start.as_deref().or(stored_started_at);
      let duration_seconds = start.zip(ended_at.as_deref()).and_then(|(start, end)| duration_seconds(start, end));
      Some(MeetingUpdate::Processing { status: MeetingStatus::Processing, started_at: own_start, ended_at, duration_seconds })
    }
    "call.transcription_ready" => asset_url(&raw.call_transcription).map(|transcription_url| MeetingUpdate::Transcription { transcription_url }),
    "call.recording_ready" => asset_url(&raw.call_recording).map(|recording_url| MeetingUpdate::Recording { recording_url }),
    _ => None,
  };
  Ok(CallEvent { event_type: raw.event_type, created_at: raw.created_at, call_type, call_id, session_id, webhook_id: None, attempt: None, meeting_id, update })
}

fn asset_url(asset: &Option<RawAsset>) -> Option<String> {
  asset.as_ref().and_then(|a| a.url.clone()).filter(|url| !url.is_empty())
}

/// Milliseconds since the epoch of an RFC 3339 date-time (`2026-04-08T14:23:35.879421674Z`,
/// or with an offset), or `None` when `text` is not one.
fn unix_millis(text: &str) -> Option<i64> {
  let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
  i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Whole seconds from `start` to `end` (rounded), never negative; `None` when
/// either is not a valid timestamp.
fn duration_seconds(start: &str, end: &str) -> Option<u32> {
  let millis = unix_millis(end)? - unix_millis(start)?;
  Some(u32::try_from((millis.max(0) + 500) / 1000).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
  use super::tests_payloads::*;
  use super::*;

  #[test]
  fn session_started() {
    let e = parse(STARTED.as_bytes(), None).unwrap();
    assert_eq!(e.event_type, "call.session_started");
    assert_eq!(e.call_type.as_deref(), Some("default"));
    assert_eq!(e.call_id.as_deref(), Some("meeting-123"));
    assert_eq!(e.session_id.as_deref(), Some("sess-1"));
    assert_eq!(e.meeting_id.as_deref(), Some("123"));
    assert_eq!(e.created_at.as_deref(), Some("2026-04-08T14:23:35.879421674Z"));
    assert_eq!(e.update, Some(MeetingUpdate::Active { status: MeetingStatus::Active, started_at: Some("2026-04-08T14:23:35.2Z".into()) }));
  }

  #[test]
  fn session_started_without_session_uses_event_time() {
    let body = r#"{"type":"call.session_started","created_at":"2026-04-08T14:23:35Z","call_cid":"default:x","call":{"custom":{}}}"#;
    let e = parse(body.as_bytes(), None).unwrap();
    assert_eq!(e.meeting_id, None);
    assert_eq!(e.session_id, None);
    assert_eq!(e.update, Some(MeetingUpdate::Active { status: MeetingStatus::Active, started_at: Some("2026-04-08T14:23:35Z".into()) }));
  }

  #[test]
  fn session_ended_duration() {
    let e = parse(ENDED.as_bytes(), None).unwrap();
    assert_eq!(
      e.update,
      Some(MeetingUpdate::Processing {
        status: MeetingStatus::Processing,
        started_at: Some("2026-04-08T14:23:35.2Z".into()),
        ended_at: Some("2026-04-08T14:59:59.9Z".into()),
        duration_seconds: Some(2185)
      })
    );
  }

  #[test]
  fn session_ended_falls_back_to_stored_start_and_never_goes_negative() {
    let body = r#"{"type":"call.session_ended","created_at":"2026-04-08T15:00:00Z","call_cid":"default:m","call":{"id":"m"}}"#;
    for (stored, duration) in [(Some("2026-04-08T14:00:00Z"), Some(3600)), (Some("2026-04-08T16:00:00Z"), Some(0)), (None, None), (Some("yesterday"), None)] {
      let e = parse(body.as_bytes(), stored).unwrap();
      assert_eq!(
        e.update,
        Some(MeetingUpdate::Processing {
          status: MeetingStatus::Processing,
          started_at: None,
          ended_at: Some("2026-04-08T15:00:00Z".into()),
          duration_seconds: duration
        }),
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
    assert_eq!(no_time.update, Some(MeetingUpdate::Active { status: MeetingStatus::Active, started_at: None }));
    let ended = parse(br#"{"type":"call.session_ended","call_cid":"default:x","call":{"session":null}}"#, Some("2026-04-08T14:00:00Z")).unwrap();
    assert_eq!(ended.update, Some(MeetingUpdate::Processing { status: MeetingStatus::Processing, started_at: None, ended_at: None, duration_seconds: None }));
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
  fn unknown_events_are_kept_without_update() {
    let e = parse(br#"{"type":"call.member_added","created_at":"2026-04-08T15:00:00Z","call_cid":"livestream:a:b:c","members":[]}"#, None).unwrap();
    assert_eq!(e.event_type, "call.member_added");
    assert_eq!(e.call_type.as_deref(), Some("livestream"));
    assert_eq!(e.call_id.as_deref(), Some("a:b:c"), "split on the first ':'");
    assert_eq!(e.update, None);
  }

  #[test]
  fn malformed_bodies_are_errors() {
    for body in [&b"not json"[..], b"{}", b"[]", b"{\"type\":5}", b"{\"type\":\"call.session_started\",\"call\":7}", b""] {
      let err = parse(body, None).unwrap_err();
      assert!(err.message.starts_with("webhook body is not a valid Stream event"), "{}", err.message);
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
