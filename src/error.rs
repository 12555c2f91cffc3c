//! One error type for every failure, with a `kind` that maps one-to-one onto the
//! stable JS `err.code` strings.

use serde::Deserialize;

use crate::redact::redact;

/// The one list of error codes: each `ErrorKind` variant and the stable
/// `err.code` string users match on in JS. `$then!` receives the list; this
/// module builds `ErrorKind` from it, and the napi edge builds the `ErrorCode`
/// string enum that `binding.d.ts` and `index.js` take their codes from.
macro_rules! with_error_codes {
  ($then:ident) => {
    $then! {
      /// Missing or invalid credentials or settings.
      Config => "STREAM_CONFIG",
      /// An argument of the wrong type or shape; nothing was sent.
      InvalidArgument => "STREAM_INVALID_ARGUMENT",
      /// Stream answered non-2xx, or a 2xx that is not the documented JSON.
      Api => "STREAM_API",
      /// The connection failed.
      Network => "STREAM_NETWORK",
      /// The operation's deadline passed.
      Timeout => "STREAM_TIMEOUT",
      /// A webhook whose signature does not match its body.
      WebhookSignature => "STREAM_WEBHOOK_SIGNATURE",
      /// The caller's `AbortSignal` fired.
      Aborted => "STREAM_ABORTED",
      /// A bug in this package (a Rust panic), caught before it reached Node.
      Internal => "STREAM_INTERNAL",
    }
  };
}
pub(crate) use with_error_codes;

macro_rules! define_error_kind {
  ($($(#[doc = $doc:literal])* $variant:ident => $code:tt,)*) => {
    /// The stable error codes users match on (`err.code` in JS).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum ErrorKind {
      $($(#[doc = $doc])* $variant,)*
    }

    impl ErrorKind {
      pub const fn code(self) -> &'static str {
        match self {
          $(ErrorKind::$variant => $code,)*
        }
      }
    }
  };
}
with_error_codes!(define_error_kind);

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
  pub unrecoverable: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
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
  /// What the node-sdk surface's errors show of the last response (boxed:
  /// most errors have none, and a `Result` stays small).
  pub response: Option<Box<ResponseDetails>>,
}

/// Stream's own words and the response's headers, for node-sdk-shaped errors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseDetails {
  /// Stream's `message` from the JSON body, cleaned (no secret, one line).
  pub stream_message: Option<String>,
  pub headers: Vec<(String, String)>,
}

pub type Result<T> = std::result::Result<T, Error>;

/// The longest message an error may have, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;

impl Error {
  /// The one door every message passes before it leaves this crate (for a JS
  /// error, a log line or a `cause`): the secrets, the tokens and anything
  /// shaped like a JWT are removed, then the text is folded onto one line and
  /// cut to [`MAX_MESSAGE_CHARS`]. Redaction comes first, so no part of a
  /// secret survives the cut.
  pub fn sealed(mut self, secrets: &[&str]) -> Self {
    self.message = one_line(&redact(&self.message, secrets), MAX_MESSAGE_CHARS);
    if let Some(response) = &mut self.response {
      response.stream_message = response.stream_message.take().map(|m| one_line(&redact(&m, secrets), MAX_MESSAGE_CHARS));
      // A proxy may echo the request's headers: no token leaves in a response header either.
      for (_, value) in &mut response.headers {
        *value = redact(value, secrets);
      }
    }
    self
  }

  pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
    Error { kind, message: message.into(), status: None, stream_code: None, request_id: None, attempts: 0, unrecoverable: false, response: None }
  }

  pub fn config(message: impl Into<String>) -> Self {
    Self::new(ErrorKind::Config, message)
  }

  pub fn invalid(message: impl Into<String>) -> Self {
    Self::new(ErrorKind::InvalidArgument, message)
  }

  /// Maps a non-2xx response onto `STREAM_API`, parsing Stream's JSON error
  /// body when there is one and summarising any other body (a proxy's HTML
  /// page, say) by its content type and title, never quoting it raw.
  /// `secrets` are redacted (with anything shaped like a JWT) before any
  /// text is shortened, so no part of one survives a cut.
  pub fn from_response(status: u16, content_type: Option<&str>, body: &[u8], secrets: &[&str]) -> Self {
    let clean = |text: &str, max: usize| one_line(&redact(text, secrets), max);
    let mut err = Self::new(ErrorKind::Api, String::new());
    err.status = Some(status);
    match serde_json::from_slice::<ApiErrorBody>(body) {
      Ok(parsed) if parsed.code.is_some() || parsed.message.is_some() => {
        err.stream_code = parsed.code;
        err.unrecoverable = parsed.unrecoverable.unwrap_or(false);
        let message = clean(parsed.message.as_deref().unwrap_or("no message"), 300);
        err.message = match parsed.code {
          Some(code) => format!("Stream API error (HTTP {status}, code {code}): {message}"),
          None => format!("Stream API error (HTTP {status}): {message}"),
        };
        err.response = Some(Box::new(ResponseDetails { stream_message: Some(message), headers: Vec::new() }));
      }
      _ => err.message = format!("Stream API error (HTTP {status}), not a Stream error body: {}", summary(content_type, body, clean)),
    }
    err
  }
}

/// What is wrong with JSON we could not read, without quoting any of it
/// (serde's own message quotes the offending value, which may be anything
/// the other side chose to echo: a token, the secret, a megabyte).
pub fn describe_json_error(e: &serde_json::Error) -> String {
  let what = match e.classify() {
    serde_json::error::Category::Io => "it could not be read",
    serde_json::error::Category::Syntax => "it is not valid JSON",
    serde_json::error::Category::Eof => "it ends too early",
    serde_json::error::Category::Data => "a field is missing or has the wrong type",
  };
  format!("{what} (line {}, column {})", e.line(), e.column())
}

/// Describes a body that is not Stream's JSON: its content type, and the
/// `<title>` of an HTML page or the first words of plain text.
fn summary(content_type: Option<&str>, body: &[u8], clean: impl Fn(&str, usize) -> String) -> String {
  let kind = content_type.map(|ct| clean(ct.split(';').next().unwrap_or(ct), 60)).filter(|ct| !ct.is_empty());
  let kind = kind.as_deref().unwrap_or("no content type");
  if body.is_empty() {
    return format!("{kind}, empty body");
  }
  let text = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
  if kind.contains("html") || text.trim_start().starts_with('<') {
    return match html_title(&text).map(|title| clean(title, 100)).filter(|t| !t.is_empty()) {
      Some(title) => format!("{kind} page titled {title:?}"),
      None => format!("{kind} page of {} bytes without a title", body.len()),
    };
  }
  if kind.starts_with("text/") || kind.contains("json") {
    return format!("{kind}: {:?}", clean(&text, 100));
  }
  format!("{kind}, {} bytes", body.len())
}

fn html_title(page: &str) -> Option<&str> {
  let lower = page.to_ascii_lowercase();
  let open = lower.find("<title")?;
  let start = open + lower[open..].find('>')? + 1;
  let end = start + lower[start..].find("</title")?;
  Some(&page[start..end])
}

/// Whitespace folded, control characters dropped, at most `max` characters.
fn one_line(text: &str, max: usize) -> String {
  let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
  let clean: String = folded.chars().filter(|c| !c.is_control()).collect();
  match clean.char_indices().nth(max) {
    Some((i, _)) => format!("{}…", &clean[..i]),
    None => clean,
  }
}

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
    assert_eq!(ErrorKind::Aborted.code(), "STREAM_ABORTED");
    assert_eq!(ErrorKind::Internal.code(), "STREAM_INTERNAL");
  }

  #[test]
  fn parses_stream_error_body() {
    let body = br#"{"code":4,"message":"GetOrCreateCall failed with error: \"bad\"","StatusCode":400,"duration":"0.01ms","more_info":"https://getstream.io/","details":[],"unrecoverable":true}"#;
    let err = Error::from_response(400, Some("application/json"), body, &[]);
    assert_eq!(err.kind, ErrorKind::Api);
    assert_eq!(err.status, Some(400));
    assert_eq!(err.stream_code, Some(4));
    assert!(err.unrecoverable);
    assert!(err.message.contains("GetOrCreateCall failed"), "{}", err.message);
    assert!(err.message.contains("HTTP 400"));
  }

  #[test]
  fn html_body_is_summarised_by_its_title() {
    let body = b"<html>\n<head><title>502 Bad\n Gateway</title></head>\n<body>nginx <script>secret()</script></body></html>";
    let err = Error::from_response(502, Some("text/html; charset=utf-8"), body, &[]);
    assert_eq!(err.stream_code, None);
    assert_eq!(err.message, r#"Stream API error (HTTP 502), not a Stream error body: text/html page titled "502 Bad Gateway""#);
    let untitled = Error::from_response(502, None, b"<html><body>x</body></html>", &[]);
    assert!(untitled.message.ends_with("no content type page of 27 bytes without a title"), "{}", untitled.message);
  }

  #[test]
  fn other_bodies_are_summarised_not_pasted() {
    let err = Error::from_response(500, Some("text/plain"), "é\u{7}\r\n".repeat(1000).as_bytes(), &[]);
    assert!(err.message.contains("text/plain: \"é"), "{}", err.message);
    assert!(err.message.ends_with("…\""), "{}", err.message);
    assert!(!err.message.contains('\u{7}') && !err.message.contains('\n'));
    assert!(err.message.chars().count() < 200);
    assert!(Error::from_response(503, Some("text/plain"), b"", &[]).message.ends_with("text/plain, empty body"));
    assert!(Error::from_response(500, Some("application/octet-stream"), &[0, 1, 2], &[]).message.ends_with("application/octet-stream, 3 bytes"));
    // A secret cut in half by the length limit would escape redaction: redaction comes first.
    let secret = "s3cret-s3cret-s3cret";
    let near_cut = format!("{}{secret}", "x".repeat(90));
    for ct in ["text/plain", "text/html"] {
      let body = if ct == "text/plain" { near_cut.clone() } else { format!("<title>{near_cut}</title>") };
      let err = Error::from_response(502, Some(ct), body.as_bytes(), &[secret]);
      assert!(!err.message.contains("s3cret"), "{}", err.message);
    }
    let json = format!(r#"{{"code":5,"message":"{}{secret}"}}"#, "x".repeat(290));
    assert!(!Error::from_response(401, None, json.as_bytes(), &[secret]).message.contains("s3c"));
    // JSON that is not an error body is summarised like any other text.
    let err = Error::from_response(500, Some("application/json"), b"[1,2]", &[]);
    assert!(err.message.ends_with(r#"application/json: "[1,2]""#), "{}", err.message);
  }
}
