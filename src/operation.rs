//! The REST operations and what retrying each of them means, in one table.
//!
//! An idempotent operation leaves the same state behind however often it is
//! sent: `POST /call/{type}/{id}` is get-or-create, `POST …/members` upserts
//! members, `POST …/mark_ended` marks an ended call ended again, reads read,
//! users are upserted or patched to the same values, and a members query (a
//! POST) only reads. These are retried on
//! any retryable failure (see `retry`).
//!
//! Switching recording, transcription or captions on or off is not
//! idempotent: once Stream acted, the same request is refused ("call … is
//! already being recorded", "… is not being recorded"). When an attempt's
//! answer was lost after Stream acted, the retry's refusal says that the state
//! the caller asked for holds, so such a refusal of a retry is the operation's
//! success. A refusal of the first attempt is the caller's error, as Stream
//! sent it.
//!
//! `docs/errors.md` has this table for users; a test checks the two agree.

/// One REST operation, named as its JS function is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
  CreateCall,
  AddMember,
  StartRecording,
  StopRecording,
  StartTranscription,
  StopTranscription,
  StartClosedCaptions,
  StopClosedCaptions,
  GetCall,
  ListRecordings,
  ListTranscriptions,
  EndCall,
  UpsertUsers,
  GetUsers,
  UpdateUsersPartial,
  QueryCallMembers,
}

/// What a retry of an operation may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
  /// Idempotent: retried on every retryable failure.
  Any,
  /// Switches something on (`start`) or off: retried on every retryable
  /// failure, and Stream's refusal of a retry because the switch is already
  /// in that position is the operation's success.
  Switch { start: bool },
}

impl Operation {
  pub const ALL: [Operation; 16] = [
    Operation::CreateCall,
    Operation::AddMember,
    Operation::StartRecording,
    Operation::StopRecording,
    Operation::StartTranscription,
    Operation::StopTranscription,
    Operation::StartClosedCaptions,
    Operation::StopClosedCaptions,
    Operation::GetCall,
    Operation::ListRecordings,
    Operation::ListTranscriptions,
    Operation::EndCall,
    Operation::UpsertUsers,
    Operation::GetUsers,
    Operation::UpdateUsersPartial,
    Operation::QueryCallMembers,
  ];

  /// The JS function's name.
  pub const fn name(self) -> &'static str {
    match self {
      Operation::CreateCall => "createStreamCall",
      Operation::AddMember => "addCallParticipant",
      Operation::StartRecording => "startRecording",
      Operation::StopRecording => "stopRecording",
      Operation::StartTranscription => "startTranscription",
      Operation::StopTranscription => "stopTranscription",
      Operation::StartClosedCaptions => "startClosedCaptions",
      Operation::StopClosedCaptions => "stopClosedCaptions",
      Operation::GetCall => "getCall",
      Operation::ListRecordings => "listRecordings",
      Operation::ListTranscriptions => "listTranscriptions",
      Operation::EndCall => "endCall",
      Operation::UpsertUsers => "upsertUsers",
      Operation::GetUsers => "getUsers",
      Operation::UpdateUsersPartial => "updateUsersPartial",
      Operation::QueryCallMembers => "queryCallMembers",
    }
  }

  /// The one place that says which operations are idempotent.
  pub const fn retry(self) -> Retry {
    match self {
      Operation::StartRecording | Operation::StartTranscription | Operation::StartClosedCaptions => Retry::Switch { start: true },
      Operation::StopRecording | Operation::StopTranscription | Operation::StopClosedCaptions => Retry::Switch { start: false },
      Operation::CreateCall
      | Operation::AddMember
      | Operation::GetCall
      | Operation::ListRecordings
      | Operation::ListTranscriptions
      | Operation::EndCall
      | Operation::UpsertUsers
      | Operation::GetUsers
      | Operation::UpdateUsersPartial
      | Operation::QueryCallMembers => Retry::Any,
    }
  }

  /// Whether Stream's answer `status` / `message` to a retry (not the first
  /// attempt) says the state this operation asked for already holds. Stream
  /// answers HTTP 400 with "call … is already being recorded" to a start of
  /// what runs, and "call … is not being recorded" to a stop of what does
  /// not (and likewise "being transcribed", "being captioned").
  pub fn already_done(self, status: u16, message: &str) -> bool {
    let Retry::Switch { start } = self.retry() else { return false };
    let message = message.to_ascii_lowercase();
    status == 400 && if start { message.contains("is already") } else { message.contains("is not being") || message.contains("is not running") }
  }
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn switches_are_done_only_by_the_matching_refusal() {
    let started = r#"Stream API error (HTTP 400, code 4): StartRecording failed with error: "call default:c is already being recorded""#;
    let stopped = r#"Stream API error (HTTP 400, code 4): StopRecording failed with error: "call default:c is not being recorded""#;
    assert!(Operation::StartRecording.already_done(400, started));
    assert!(!Operation::StartRecording.already_done(400, stopped));
    assert!(Operation::StopRecording.already_done(400, stopped));
    assert!(!Operation::StopRecording.already_done(400, started));
    assert!(Operation::StopTranscription.already_done(400, "call default:c is not being transcribed"));
    assert!(Operation::StartClosedCaptions.already_done(400, "call default:c is ALREADY being captioned"));
    assert!(!Operation::StartRecording.already_done(403, started), "only a 400 is the switch's position");
    assert!(!Operation::StartRecording.already_done(400, "recording_type must be one of composite"));
    assert!(!Operation::CreateCall.already_done(400, started), "idempotent operations have no such answer");
  }

  /// `docs/errors.md` holds the table users read; it must say what this file does.
  #[test]
  fn the_docs_table_is_this_table() {
    let docs = include_str!("../docs/errors.md");
    for op in Operation::ALL {
      let row = docs.lines().find(|l| l.starts_with(&format!("| `{}`", op.name()))).unwrap_or_else(|| panic!("docs/errors.md has no row for {}", op.name()));
      let idempotent = matches!(op.retry(), Retry::Any);
      assert_eq!(row.contains("| yes"), idempotent, "{row}");
    }
  }
}
