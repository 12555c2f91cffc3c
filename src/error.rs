//! One error type for every failure, with a `kind` that maps one-to-one onto the
//! stable JS `err.code` strings.

use std::fmt;

use serde::Deserialize;

/// The stable error codes users match on (`err.code` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
  Config,
  InvalidArgument,
  Api,
  Network,
  Timeout,
  WebhookSignature,
}

impl ErrorKind {
  pub const fn code(self) -> &'static str {
    match self {
      ErrorKind::Config => "STREAM_CONFIG",
      ErrorKind::InvalidArgument => "STREAM_INVALID_ARGUMENT",
      ErrorKind::Api => "STREAM_API",
      ErrorKind::Network => "STREAM_NETWORK",
      ErrorKind::Timeout => "STREAM_TIMEOUT",
      ErrorKind::WebhookSignature => "STREAM_WEBHOOK_SIGNATURE",
    }
  }
}

/// napi uses `AsRef<str>` of a custom status as the JS `err.code`.
impl AsRef<str> for ErrorKind {
  fn as_ref(&self) -> &str {
    self.code()
  }
}

/// Stream's JSON error body (OpenAPI `APIError`). Only the fields we use are read;
/// everything is optional so a partial body still parses.
#[derive(Debug, Default, Deserialize)]
pub struct ApiErrorBody {
  pub code: Option<i64>,
  pub message: Option<String>,
  #[serde(rename = "StatusCode")]
  pub status_code: Option<i64>,
  pub unrecoverable: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
  pub kind: ErrorKind,
  pub message: String,
  /// HTTP status of the last response, when there was one.
  pub status: Option<u16>,
  /// Stream's own error code from the JSON body (4 input, 5/40-43 auth, 16 not found, 9 rate limit).
  pub stream_code: Option<i64>,
  /// `x-client-request-id` of the last attempt.
  pub request_id: Option<String>,
  /// How many HTTP attempts were made (0 when the call failed before sending).
  pub attempts: u32,
  /// Stream marked the error as not worth retrying.
  pub unrecoverable: bool,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
  pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
    Error {
      kind,
      message: message.into(),
      status: None,
      stream_code: None,
      request_id: None,
      attempts: 0,
      unrecoverable: false,
    }
  }

  pub fn config(message: impl Into<String>) -> Self {
    Self::new(ErrorKind::Config, message)
  }

  pub fn invalid(message: impl Into<String>) -> Self {
    Self::new(ErrorKind::InvalidArgument, message)
  }

  /// Maps a non-2xx response onto `STREAM_API`, parsing Stream's JSON error body
  /// when there is one and quoting a short, single-line excerpt when there is not.
  pub fn from_response(status: u16, body: &[u8]) -> Self {
    let mut err = Self::new(ErrorKind::Api, String::new());
    err.status = Some(status);
    match serde_json::from_slice::<ApiErrorBody>(body) {
      Ok(parsed) if parsed.code.is_some() || parsed.message.is_some() => {
        err.stream_code = parsed.code;
        err.unrecoverable = parsed.unrecoverable.unwrap_or(false);
        let message = parsed.message.unwrap_or_else(|| "no message".into());
        err.message = match parsed.code {
          Some(code) => format!("Stream API error (HTTP {status}, code {code}): {message}"),
          None => format!("Stream API error (HTTP {status}): {message}"),
        };
      }
      _ => {
        let excerpt = excerpt(body);
        err.message = if excerpt.is_empty() {
          format!("Stream API error (HTTP {status}) with an empty body")
        } else {
          format!("Stream API error (HTTP {status}), body is not a Stream error: {excerpt}")
        };
      }
    }
    err
  }
}

/// First 200 characters of a body, whitespace folded, so an HTML error page
/// from a proxy turns into a readable one-line message.
fn excerpt(body: &[u8]) -> String {
  let text = String::from_utf8_lossy(body);
  let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
  match folded.char_indices().nth(200) {
    Some((i, _)) => format!("{}…", &folded[..i]),
    None => folded,
  }
}

impl fmt::Display for Error {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(&self.message)
  }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn codes_are_stable() {
    assert_eq!(ErrorKind::Config.code(), "STREAM_CONFIG");
    assert_eq!(ErrorKind::InvalidArgument.code(), "STREAM_INVALID_ARGUMENT");
    assert_eq!(ErrorKind::Api.code(), "STREAM_API");
    assert_eq!(ErrorKind::Network.code(), "STREAM_NETWORK");
    assert_eq!(ErrorKind::Timeout.code(), "STREAM_TIMEOUT");
    assert_eq!(ErrorKind::WebhookSignature.code(), "STREAM_WEBHOOK_SIGNATURE");
  }

  #[test]
  fn parses_stream_error_body() {
    let body = br#"{"code":4,"message":"GetOrCreateCall failed with error: \"bad\"","StatusCode":400,"duration":"0.01ms","more_info":"https://getstream.io/","details":[],"unrecoverable":true}"#;
    let err = Error::from_response(400, body);
    assert_eq!(err.kind, ErrorKind::Api);
    assert_eq!(err.status, Some(400));
    assert_eq!(err.stream_code, Some(4));
    assert!(err.unrecoverable);
    assert!(err.message.contains("GetOrCreateCall failed"), "{}", err.message);
    assert!(err.message.contains("HTTP 400"));
  }

  #[test]
  fn html_body_gives_clear_excerpt() {
    let body = b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>";
    let err = Error::from_response(502, body);
    assert_eq!(err.stream_code, None);
    assert!(err.message.contains("not a Stream error: <html> <head><title>502 Bad Gateway"), "{}", err.message);
  }

  #[test]
  fn long_and_empty_bodies() {
    let err = Error::from_response(500, "é".repeat(1000).as_bytes());
    assert!(err.message.ends_with('…'));
    assert!(err.message.chars().count() < 300);
    let err = Error::from_response(503, b"");
    assert!(err.message.contains("empty body"));
    // JSON that is not an error body is quoted like any other text.
    let err = Error::from_response(500, b"[1,2]");
    assert!(err.message.contains("not a Stream error: [1,2]"));
  }
}
