//! Event parsing on arbitrary bytes, with and without a stored start time:
//! never a panic, and a recognised event always has the update its type implies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stream_video_native::event::{self, MeetingUpdate};

fuzz_target!(|data: &[u8]| {
  for stored in [None, Some("2026-04-08T14:00:00Z"), Some("not a time")] {
    if let Ok(e) = event::parse(data, stored) {
      match (e.event_type.as_str(), &e.update) {
        ("call.session_started", Some(MeetingUpdate::Active { .. })) | ("call.session_ended", Some(MeetingUpdate::Processing { .. })) => {}
        ("call.session_started" | "call.session_ended", other) => panic!("{} gave {other:?}", e.event_type),
        ("call.recording_ready", None | Some(MeetingUpdate::Recording { .. }))
        | ("call.transcription_ready", None | Some(MeetingUpdate::Transcription { .. })) => {}
        ("call.recording_ready" | "call.transcription_ready", other) => panic!("{} gave {other:?}", e.event_type),
        (_, None) => {}
        (other, update) => panic!("{other} gave {update:?}"),
      }
    }
  }
});
