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
//! Some writes of the node-sdk surface (`Operation::Api`) are neither: sending
//! an event or a caption twice shows it twice, a kick or a delete repeated
//! after Stream acted is refused as if it had failed. These are retried only
//! when the failure shows Stream never acted (`Retry::Unsent`).
//!
//! `docs/errors.md` and `docs/node-sdk.md` have these tables for users; tests
//! check that they agree.

use crate::spec::{ApiOperation, API_OPERATIONS};

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
  /// An operation of the node-sdk surface: its index in `API_OPERATIONS`.
  Api(u8),
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
  /// Not idempotent: retried only after a failure that shows Stream never
  /// acted on the request (a 429, or a connection that was never made).
  Unsent,
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
      Operation::Api(index) => API_OPERATIONS[index as usize].name,
    }
  }

  /// The node-sdk operation at `index` in `API_OPERATIONS`, if there is one.
  pub fn api(index: u32) -> Option<(Operation, &'static ApiOperation)> {
    let spec = API_OPERATIONS.get(index as usize)?;
    Some((Operation::Api(index as u8), spec))
  }

  /// The one place that says which operations are idempotent.
  pub fn retry(self) -> Retry {
    match self {
      Operation::Api(index) => api_retry(API_OPERATIONS[index as usize].id).expect("every API operation has a retry class (tested)"),
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

/// The retry class of each operation of the node-sdk surface, by the spec's
/// operationId: what the spec cannot say. `None` for an id not listed here.
fn api_retry(id: &str) -> Option<Retry> {
  Some(match id {
    "StartRecording" | "StartTranscription" | "StartClosedCaptions" => Retry::Switch { start: true },
    "StopRecording" | "StopTranscription" | "StopClosedCaptions" => Retry::Switch { start: false },
    // Reads (queries are POSTs that only read), get-or-create, upserts and
    // patches to given values, ending an ended call, muting the muted,
    // blocking the blocked, granting what is granted.
    "GetOrCreateCall"
    | "GetCall"
    | "UpdateCall"
    | "EndCall"
    | "UpdateCallMembers"
    | "QueryCallMembers"
    | "ListRecordings"
    | "ListTranscriptions"
    | "MuteUsers"
    | "BlockUser"
    | "UnblockUser"
    | "UpdateUserPermissions"
    | "QueryCallParticipantSessions"
    | "GetCallReport"
    | "QueryCalls"
    | "UpdateUsers"
    | "QueryUsers"
    | "UpdateUsersPartial" => Retry::Any,
    // Shown twice if sent twice, or refused once done (a deleted call or
    // file is not found again; a kicked user is gone; going live or stopping
    // twice is Stream's to refuse); deleting users starts a task each time.
    "SendCallEvent" | "SendClosedCaption" | "KickUser" | "DeleteCall" | "DeleteRecording" | "DeleteTranscription" | "GoLive" | "StopLive" | "DeleteUsers" => {
      Retry::Unsent
    }
    _ => return None,
  })
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

  #[test]
  fn every_api_operation_has_a_retry_class() {
    for (index, spec) in API_OPERATIONS.iter().enumerate() {
      assert!(api_retry(spec.id).is_some(), "{} has no retry class", spec.id);
      let (op, found) = Operation::api(index as u32).unwrap();
      assert_eq!((op.name(), found), (spec.name, spec));
    }
    assert!(Operation::api(API_OPERATIONS.len() as u32).is_none());
    let (start, _) = Operation::api(API_OPERATIONS.iter().position(|o| o.id == "StartRecording").unwrap() as u32).unwrap();
    assert!(start.already_done(400, "call default:c is already being recorded"));
  }

  /// `docs/node-sdk.md` holds the node-sdk surface's table; it must say what this file does.
  #[test]
  fn the_node_sdk_docs_table_is_this_table() {
    let docs = include_str!("../docs/node-sdk.md");
    let rows: Vec<Vec<&str>> = docs.lines().filter(|l| l.starts_with('|')).map(|l| l.split('|').map(str::trim).collect()).collect();
    for spec in &API_OPERATIONS {
      let row = rows.iter().find(|cells| cells.contains(&spec.id)).unwrap_or_else(|| panic!("docs/node-sdk.md has no row for {}", spec.id));
      let class = match api_retry(spec.id).unwrap() {
        Retry::Any => "any failure",
        Retry::Switch { .. } => "switch",
        Retry::Unsent => "unsent only",
      };
      assert!(row.contains(&class), "{row:?} should say {class}");
    }
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
