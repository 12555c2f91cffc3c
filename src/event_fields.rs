//! How a [`CallEvent`] crosses into JS: its fields in one UTF-16 string,
//! which `index.js` splits and reads into an object literal. That costs a
//! fraction of `JSON.parse` on the same event, and far less than an object
//! built property by property across Node-API.
//!
//! Only the fields that are not `null` are written, in the order of
//! [`FIELDS`], each followed by [`FIELD`]; then comes a bit mask of which
//! ones were written (bit `i` for `FIELDS[i]`), in decimal. The items of a
//! list are separated by [`ITEM`]. Both marks are lone surrogates, which no
//! Rust string (and so no field) can hold.

use crate::event::{CallEvent, MeetingUpdate};

/// After each field.
pub const FIELD: u16 = 0xDFFF;
/// Between two items of a list field.
pub const ITEM: u16 = 0xDFFD;

/// A field's value as it is written.
trait Put {
  fn put(&self, out: &mut Vec<u16>);
}

impl Put for &str {
  fn put(&self, out: &mut Vec<u16>) {
    if self.is_ascii() {
      out.extend(self.bytes().map(u16::from));
    } else {
      out.extend(self.encode_utf16());
    }
  }
}

impl Put for u32 {
  fn put(&self, out: &mut Vec<u16>) {
    out.extend(itoa::Buffer::new().format(*self).bytes().map(u16::from));
  }
}

impl Put for &[String] {
  fn put(&self, out: &mut Vec<u16>) {
    for (i, item) in self.iter().enumerate() {
      if i > 0 {
        out.push(ITEM);
      }
      item.as_str().put(out);
    }
  }
}

macro_rules! fields {
  ($($name:literal => |$e:ident| $value:expr,)*) => {
    /// Every field, in the order [`encode`] writes them. `update.*` are the
    /// update's own fields, flattened; `update.kind` is `null` without one.
    pub const FIELDS: &[&str] = &[$($name),*];
    const _: () = assert!(FIELDS.len() <= 32, "the mask is a u32");

    /// The fields of `event` that are not `null`, then the mask of which they are.
    pub fn encode(event: &CallEvent) -> Vec<u16> {
      let mut out = Vec::with_capacity(512);
      let mut mask = 0u32;
      let mut bit = 1u32;
      $(
        let $e = event;
        if let Some(value) = $value {
          value.put(&mut out);
          out.push(FIELD);
          mask |= bit;
        }
        bit <<= 1;
      )*
      let _ = bit;
      mask.put(&mut out);
      out
    }
  };
}

fields! {
  "type" => |e| Some(e.event_type.as_str()),
  "createdAt" => |e| e.created_at.as_deref(),
  "callType" => |e| e.call_type.as_deref(),
  "callId" => |e| e.call_id.as_deref(),
  "sessionId" => |e| e.session_id.as_deref(),
  "webhookId" => |e| e.webhook_id.as_deref(),
  "attempt" => |e| e.attempt,
  "meetingId" => |e| e.meeting_id.as_deref(),
  "userId" => |e| e.user_id.as_deref(),
  "userSessionId" => |e| e.user_session_id.as_deref(),
  "durationSeconds" => |e| e.duration_seconds,
  "egressId" => |e| e.egress_id.as_deref(),
  "recordingType" => |e| e.recording_type.as_deref(),
  "error" => |e| e.error.as_deref(),
  "memberIds" => |e| e.member_ids.as_deref(),
  "update.kind" => |e| e.update.as_ref().map(kind),
  "update.startedAt" => |e| match &e.update {
    Some(MeetingUpdate::Active { started_at, .. } | MeetingUpdate::Processing { started_at, .. }) => started_at.as_deref(),
    _ => None,
  },
  "update.endedAt" => |e| match &e.update {
    Some(MeetingUpdate::Processing { ended_at, .. }) => ended_at.as_deref(),
    _ => None,
  },
  "update.durationSeconds" => |e| match &e.update {
    Some(MeetingUpdate::Processing { duration_seconds, .. }) => *duration_seconds,
    _ => None,
  },
  "update.transcriptionUrl" => |e| match &e.update {
    Some(MeetingUpdate::Transcription { transcription_url }) => Some(transcription_url.as_str()),
    _ => None,
  },
  "update.recordingUrl" => |e| match &e.update {
    Some(MeetingUpdate::Recording { recording_url }) => Some(recording_url.as_str()),
    _ => None,
  },
}

fn kind(update: &MeetingUpdate) -> &'static str {
  match update {
    MeetingUpdate::Active { .. } => "active",
    MeetingUpdate::Processing { .. } => "processing",
    MeetingUpdate::Transcription { .. } => "transcription",
    MeetingUpdate::Recording { .. } => "recording",
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::event;

  /// The fields as JS reads them: by name, `None` for `null`.
  fn decode(encoded: &[u16]) -> Vec<(&'static str, Option<Vec<u16>>)> {
    let mut parts: Vec<&[u16]> = encoded.split(|u| *u == FIELD).collect();
    let mask: u32 = String::from_utf16(parts.pop().unwrap()).unwrap().parse().unwrap();
    let mut present = parts.into_iter();
    FIELDS.iter().enumerate().map(|(i, name)| (*name, (mask & (1 << i) != 0).then(|| present.next().unwrap().to_vec()))).collect()
  }

  fn get(fields: &[(&str, Option<Vec<u16>>)], name: &str) -> Option<String> {
    fields.iter().find(|(n, _)| *n == name).unwrap().1.as_ref().map(|v| String::from_utf16_lossy(v))
  }

  #[test]
  fn every_field_in_order_with_nulls_and_lists() {
    let body = r#"{"type":"call.member_added","call_cid":"default:m1","created_at":"2026-04-08T14:00:00Z","members":[{"user_id":"a"},{"user_id":"b\u00e9"}],"error":""}"#;
    let mut e = event::parse(body.as_bytes(), None).unwrap();
    e.attempt = Some(2);
    let fields = decode(&encode(&e));
    assert_eq!(get(&fields, "type").as_deref(), Some("call.member_added"));
    assert_eq!(get(&fields, "callId").as_deref(), Some("m1"));
    assert_eq!(get(&fields, "attempt").as_deref(), Some("2"));
    assert_eq!(get(&fields, "error").as_deref(), Some(""), "an empty string is not null");
    assert_eq!(get(&fields, "userId"), None);
    assert_eq!(get(&fields, "update.kind"), None);
    let members: Vec<u16> = "a".encode_utf16().chain([ITEM]).chain("bé".encode_utf16()).collect();
    assert_eq!(fields.iter().find(|(n, _)| *n == "memberIds").unwrap().1.as_deref(), Some(members.as_slice()));
  }

  #[test]
  fn updates_flatten_by_kind() {
    let body =
      r#"{"type":"call.session_ended","call_cid":"default:m","call":{"session":{"started_at":"2026-04-08T14:00:00Z","ended_at":"2026-04-08T14:00:10Z"}}}"#;
    let fields = decode(&encode(&event::parse(body.as_bytes(), None).unwrap()));
    assert_eq!(get(&fields, "update.kind").as_deref(), Some("processing"));
    assert_eq!(get(&fields, "update.durationSeconds").as_deref(), Some("10"));
    assert_eq!(get(&fields, "update.recordingUrl"), None);
  }
}
