//! A call transcript as Stream's transcription writes it: JSONL, one JSON
//! object per line. Stream documents the file only as "JSONL"; public apps that
//! read it see `{"type":"speech","speaker_id","text","start_time","stop_time"}`
//! with RFC 3339 times, others `start_ts`/`stop_ts` as numbers (milliseconds),
//! some `user_id` for the speaker. All of these are read; a line of another
//! `type` is skipped (the format may grow), a line that is not a JSON object
//! or a speech line without text or times is an error naming the line.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::lenient::unix_millis;

/// One speech segment: who spoke, what, from when to when.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
  /// `speaker_id` (or `user_id`); empty when the line names nobody.
  pub speaker_id: String,
  pub text: String,
  /// Milliseconds: since the Unix epoch for RFC 3339 times, as written for `start_ts`/`stop_ts`.
  pub start: f64,
  pub end: f64,
}

/// The fields a line may carry; anything else is ignored.
#[derive(Deserialize)]
struct Line {
  #[serde(rename = "type")]
  kind: Option<Value>,
  speaker_id: Option<Value>,
  user_id: Option<Value>,
  text: Option<Value>,
  start_time: Option<Value>,
  stop_time: Option<Value>,
  start_ts: Option<Value>,
  stop_ts: Option<Value>,
}

/// A time as the line wrote it: an RFC 3339 string, or a number of milliseconds.
fn millis(value: Option<&Value>) -> Option<f64> {
  match value? {
    Value::String(text) => unix_millis(text).map(|ms| ms as f64),
    Value::Number(n) => n.as_f64().filter(|ms| ms.is_finite() && *ms >= 0.0),
    _ => None,
  }
}

fn text_of(value: Option<&Value>) -> Option<&str> {
  value.and_then(Value::as_str)
}

/// The speech segments of `body`, in file order. `max_lines`: the most
/// non-empty lines read before the file is refused as too long.
pub fn parse(body: &[u8], max_lines: usize) -> Result<Vec<Segment>> {
  let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
  let mut segments = Vec::new();
  let mut lines = 0usize;
  for (index, raw) in body.split(|b| *b == b'\n').enumerate() {
    let raw = raw.trim_ascii();
    if raw.is_empty() {
      continue;
    }
    lines += 1;
    if lines > max_lines {
      return Err(Error::invalid(format!("transcript has more than {max_lines} lines (maxLines)")));
    }
    let number = index + 1;
    let line: Line =
      serde_json::from_slice(raw).map_err(|_| Error::invalid(format!("transcript line {number} is not a JSON object: a transcript is JSONL")))?;
    match text_of(line.kind.as_ref()) {
      None if line.kind.is_some() => continue, // a type that is not even a string: not a line we know
      Some(kind) if kind != "speech" => continue,
      _ => {}
    }
    let Some(text) = text_of(line.text.as_ref()) else {
      if line.kind.is_none() {
        continue; // no type and no text: some other record
      }
      return Err(Error::invalid(format!("transcript line {number} is a speech line without text")));
    };
    let speaker_id = text_of(line.speaker_id.as_ref()).or(text_of(line.user_id.as_ref())).unwrap_or_default();
    let start = millis(line.start_time.as_ref()).or(millis(line.start_ts.as_ref()));
    let end = millis(line.stop_time.as_ref()).or(millis(line.stop_ts.as_ref()));
    let (Some(start), Some(end)) = (start, end) else {
      return Err(Error::invalid(format!("transcript line {number} has no usable times: start_time/stop_time (RFC 3339) or start_ts/stop_ts (milliseconds)")));
    };
    segments.push(Segment { speaker_id: speaker_id.to_owned(), text: text.to_owned(), start, end: end.max(start) });
  }
  Ok(segments)
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorKind;

  fn one(line: &str) -> Segment {
    let mut all = parse(line.as_bytes(), 10).unwrap();
    assert_eq!(all.len(), 1, "{line}");
    all.remove(0)
  }

  #[test]
  fn streams_rfc3339_shape() {
    let s = one(r#"{"type":"speech","start_time":"2026-01-01T00:00:01Z","stop_time":"2026-01-01T00:00:04.5Z","speaker_id":"host-1","text":"Hello"}"#);
    assert_eq!(s, Segment { speaker_id: "host-1".into(), text: "Hello".into(), start: 1_767_225_601_000.0, end: 1_767_225_604_500.0 });
  }

  #[test]
  fn numeric_times_and_user_id() {
    let s = one(r#"{"type":"speech","start_ts":1200,"stop_ts":3400.5,"user_id":"u9","text":"Hi"}"#);
    assert_eq!((s.speaker_id.as_str(), s.start, s.end), ("u9", 1200.0, 3400.5));
    let s = one(r#"{"start_ts":5,"stop_ts":9,"speaker_id":"a","user_id":"b","text":"no type: speech"}"#);
    assert_eq!(s.speaker_id, "a", "speaker_id wins over user_id");
  }

  #[test]
  fn unknown_types_blank_lines_crlf_and_bom_are_tolerated() {
    let body = "\u{feff}{\"type\":\"metadata\",\"version\":2}\r\n\r\n{\"type\":\"silence\",\"start_ts\":0,\"stop_ts\":5}\n{\"type\":7}\n{\"kind\":\"no text, no type\"}\n{\"type\":\"speech\",\"start_ts\":1,\"stop_ts\":2,\"speaker_id\":\"x\",\"text\":\"kept\"}\r\n";
    let all = parse(body.as_bytes(), 10).unwrap();
    assert_eq!(all.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(), ["kept"]);
  }

  #[test]
  fn what_is_not_a_transcript_is_an_error_naming_the_line() {
    for (body, says) in [
      ("<html>nope</html>", "line 1 is not a JSON object"),
      ("{\"type\":\"speech\",\"start_ts\":1,\"stop_ts\":2,\"text\":\"a\"}\n[1,2]", "line 2 is not a JSON object"),
      ("{\"type\":\"speech\",\"speaker_id\":\"a\",\"text\":\"no times\"}", "line 1 has no usable times"),
      ("{\"type\":\"speech\",\"start_time\":\"yesterday\",\"stop_time\":\"today\",\"text\":\"a\"}", "line 1 has no usable times"),
      ("{\"type\":\"speech\",\"start_ts\":1,\"stop_ts\":2}", "line 1 is a speech line without text"),
    ] {
      let error = parse(body.as_bytes(), 10).unwrap_err();
      assert_eq!(error.kind, ErrorKind::InvalidArgument);
      assert!(error.message.contains(says), "{body}: {}", error.message);
    }
  }

  #[test]
  fn too_many_lines_is_refused() {
    let line = "{\"type\":\"speech\",\"start_ts\":1,\"stop_ts\":2,\"speaker_id\":\"x\",\"text\":\"t\"}\n";
    assert_eq!(parse(line.repeat(3).as_bytes(), 3).unwrap().len(), 3);
    assert!(parse(line.repeat(4).as_bytes(), 3).unwrap_err().message.contains("more than 3 lines"));
  }

  #[test]
  fn an_end_before_its_start_is_clamped() {
    let s = one(r#"{"type":"speech","start_ts":10,"stop_ts":4,"speaker_id":"x","text":"t"}"#);
    assert_eq!((s.start, s.end), (10.0, 10.0));
  }
}
