//! How a [`CallEvent`] crosses into JS: the text of its fields in one
//! UTF-16 string, and what `index.js` needs to cut it into fields in a
//! `Float64Array` it passes in (its "slots"). `index.js` slices the string
//! and reads an object literal from them. That costs a fraction of
//! `JSON.parse` on the same event, and far less than an object built
//! property by property across Node-API, or a `split` of the string.
//!
//! Slot 0 is a bit mask of the fields that are not `null` (bit `i` for
//! `FIELDS[i]`). Then each of those fields, in the order of [`FIELDS`], has
//! one slot: a number field its value, a text field the length of its text
//! in UTF-16 units. A list crosses as JSON text (`memberIds`: the event's `members`), never as items
//! joined by a separator: any separator is a UTF-16 unit some item can hold.

use crate::event::{CallEvent, MeetingUpdate};

/// The number of slots [`encode`] may write: the mask and one per field.
pub const SLOTS: usize = 1 + FIELDS.len();

/// A field's value as it is written: into the text (its slot is the length
/// written) or, for a number, into its slot alone.
trait Put {
  fn put(&self, out: &mut Vec<u16>) -> f64;
}

impl Put for &str {
  fn put(&self, out: &mut Vec<u16>) -> f64 {
    let before = out.len();
    if self.is_ascii() {
      out.extend(self.bytes().map(u16::from));
    } else {
      out.extend(self.encode_utf16());
    }
    (out.len() - before) as f64
  }
}

impl Put for u32 {
  fn put(&self, _: &mut Vec<u16>) -> f64 {
    f64::from(*self)
  }
}

macro_rules! fields {
  ($($name:literal => |$e:ident| $value:expr,)*) => {
    /// Every field, in the order [`encode`] writes them. `update.*` are the
    /// update's own fields, flattened; `update.kind` is `null` without one.
    pub const FIELDS: &[&str] = &[$($name),*];
    const _: () = assert!(FIELDS.len() <= 32, "the mask is a u32");

    /// The text of the fields of `event` that are not `null`; `slots` gets
    /// the mask and a slot per such field (see the module's docs).
    pub fn encode(event: &CallEvent, slots: &mut [f64; SLOTS]) -> Vec<u16> {
      let mut out = Vec::with_capacity(512);
      let mut mask = 0u32;
      let mut bit = 1u32;
      let mut slot = 1;
      $(
        let $e = event;
        if let Some(value) = $value {
          slots[slot] = value.put(&mut out);
          slot += 1;
          mask |= bit;
        }
        bit <<= 1;
      )*
      let _ = (bit, slot);
      slots[0] = f64::from(mask);
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
  "startTime" => |e| e.start_time.as_deref(),
  "endTime" => |e| e.end_time.as_deref(),
  "memberIds" => |e| e.members_json.as_deref(),
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

  /// The fields as JS reads them: by name, `None` for `null`; a number as its decimal text.
  fn decode(event: &CallEvent) -> Vec<(&'static str, Option<Vec<u16>>)> {
    let mut slots = [f64::NAN; SLOTS];
    let text = encode(event, &mut slots);
    let mask = slots[0] as u32;
    let (mut at, mut slot) = (0, 1);
    let fields = FIELDS
      .iter()
      .enumerate()
      .map(|(i, name)| {
        if mask & (1 << i) == 0 {
          return (*name, None);
        }
        let value = slots[slot];
        slot += 1;
        if matches!(*name, "attempt" | "durationSeconds" | "update.durationSeconds") {
          return (*name, Some(value.to_string().encode_utf16().collect()));
        }
        let field = text[at..at + value as usize].to_vec();
        at += value as usize;
        (*name, Some(field))
      })
      .collect();
    assert_eq!(at, text.len(), "the slots cover the text");
    fields
  }

  fn get(fields: &[(&str, Option<Vec<u16>>)], name: &str) -> Option<String> {
    fields.iter().find(|(n, _)| *n == name).unwrap().1.as_ref().map(|v| String::from_utf16_lossy(v))
  }

  #[test]
  fn every_field_in_order_with_nulls_and_lists() {
    let body = r#"{"type":"call.member_added","call_cid":"default:m1","created_at":"2026-04-08T14:00:00Z","members":[{"user_id":"a"},{"user_id":"b\u00e9"}],"error":""}"#;
    let mut e = event::parse(body.as_bytes(), None).unwrap();
    e.attempt = Some(2);
    let fields = decode(&e);
    assert_eq!(get(&fields, "type").as_deref(), Some("call.member_added"));
    assert_eq!(get(&fields, "callId").as_deref(), Some("m1"));
    assert_eq!(get(&fields, "attempt").as_deref(), Some("2"));
    assert_eq!(get(&fields, "error").as_deref(), Some(""), "an empty string is not null");
    assert_eq!(get(&fields, "userId"), None);
    assert_eq!(get(&fields, "update.kind"), None);
    assert_eq!(get(&fields, "memberIds").as_deref(), Some(r#"[{"user_id":"a"},{"user_id":"b\u00e9"}]"#), "as the body has it");
  }

  #[test]
  fn updates_flatten_by_kind() {
    let body =
      r#"{"type":"call.session_ended","call_cid":"default:m","call":{"session":{"started_at":"2026-04-08T14:00:00Z","ended_at":"2026-04-08T14:00:10Z"}}}"#;
    let fields = decode(&event::parse(body.as_bytes(), None).unwrap());
    assert_eq!(get(&fields, "update.kind").as_deref(), Some("processing"));
    assert_eq!(get(&fields, "update.durationSeconds").as_deref(), Some("10"));
    assert_eq!(get(&fields, "update.recordingUrl"), None);
  }
}
