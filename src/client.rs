//! The Stream Video REST client: one pooled keep-alive HTTP client, a
//! [`Signer`] for the server token (cached) and the retry policy per configuration.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use serde::Deserialize;

use crate::calls::{self, CallRecording, CallState, CallTranscription};
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::event;
use crate::observe::{self, AttemptStart, Watch};
use crate::retry::{server_hint, Failure, RetryPolicy};
use crate::signer::Signer;
use crate::token::{unix_now, ServerTokenCache};
use crate::users::{self, UserInfo};
use crate::validate;

/// Sent as `X-Stream-Client`; Stream echoes it back in events as `request_info.sdk`.
pub const CLIENT_ID: &str = concat!("stream-video-native-", env!("CARGO_PKG_VERSION"));
const CALL_PATH: &str = "/api/v2/video/call/default/";
const USERS_PATH: &str = "/api/v2/users";
/// Stream's own code for "token expired" on a 401.
const TOKEN_EXPIRED: i64 = 40;
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Stream's answers are a few KiB; no attempt downloads more than this.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

pub struct Client {
  config: Config,
  signer: Arc<Signer>,
  server_token: ServerTokenCache,
  http: reqwest::Client,
  retry: RetryPolicy,
  /// One permit per request in flight: at most `max_connections` connections
  /// are open at once, and requests beyond that wait for a turn.
  slots: tokio::sync::Semaphore,
}

/// What `call_action` switches on or off (`CallAction` in `binding.d.ts`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(string_enum))]
pub enum CallAction {
  StartRecording,
  StopRecording,
  StartTranscription,
  StopTranscription,
  StartClosedCaptions,
  StopClosedCaptions,
}

/// The created (or existing) call, from Stream's get-or-create response. It
/// crosses into JS as it is (`NativeCall` in `binding.d.ts`; `index.js` parses `customJson` into `custom`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, js_name = "NativeCall"))]
pub struct CallInfo {
  #[cfg_attr(not(fuzzing), napi(js_name = "type"))]
  pub call_type: String,
  pub id: String,
  /// `type:id`, e.g. `default:meeting-123`.
  pub cid: String,
  pub created_by_id: String,
  /// RFC 3339 time the call was created.
  pub created_at: String,
  /// The call's custom data as Stream sent it, JSON text of an object: `index.js`
  /// turns it into `custom` with `JSON.parse`, so every number is what
  /// `JSON.parse` makes of it (a 2^63 stays a number, never a string).
  pub custom_json: String,
  /// `true` when this operation created the call, `false` when it already existed.
  pub created: bool,
}

#[derive(Deserialize)]
struct GetOrCreateResponse {
  call: CallResponse,
  #[serde(default)]
  created: bool,
}

#[derive(Deserialize)]
struct CallResponse {
  #[serde(rename = "type")]
  call_type: String,
  id: String,
  cid: String,
  #[serde(default)]
  created_by: Option<UserRef>,
  #[serde(default)]
  created_at: String,
  #[serde(default)]
  custom: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
struct UserRef {
  id: String,
}

/// JSON text of an object as received, or `{}` for anything else (null, an
/// array): custom data is always an object.
pub fn object_json(raw: Option<Box<serde_json::value::RawValue>>) -> String {
  match raw {
    Some(raw) if raw.get().starts_with('{') => raw.get().into(),
    _ => "{}".into(),
  }
}

impl Client {
  pub fn new(config: Config) -> Result<Self> {
    let http = reqwest::Client::builder()
      .connect_timeout(config.timeout().min(MAX_CONNECT_TIMEOUT))
      .pool_idle_timeout(Duration::from_secs(55))
      .pool_max_idle_per_host(config.max_connections as usize)
      .tcp_nodelay(true)
      // A redirect never comes from Stream: a proxy or login page answered.
      // Following it would count a page that never reached Stream as success
      // (or replay a POST as a GET on another origin).
      .redirect(reqwest::redirect::Policy::none())
      .build()
      .map_err(|e| Error::config(format!("could not set up the HTTP client: {e}")))?;
    Ok(Client {
      signer: Arc::new(Signer::new(config.api_secret.clone())),
      server_token: ServerTokenCache::default(),
      retry: RetryPolicy::new(config.max_retries),
      slots: tokio::sync::Semaphore::new(config.max_connections as usize),
      http,
      config,
    })
  }

  /// The one door for this client's errors (see [`Error::sealed`]): its
  /// secret and its server token never leave in a message.
  pub fn seal(&self, error: Error) -> Error {
    let token = self.server_token.get(self.signer.key(), unix_now());
    self.signer.seal(error, &[&token])
  }

  pub fn config(&self) -> &Config {
    &self.config
  }

  pub fn signer(&self) -> &Arc<Signer> {
    &self.signer
  }

  /// Get-or-create `default:{call_id}` created by `user_id`, with `custom_json`
  /// (a JSON object holding at least `meetingId`, `agentId` and `agentName`)
  /// as the call's custom data.
  ///
  /// `settings_json` (`createStreamCall`'s `settings`) becomes the call's
  /// `settings_override`, as node-sdk sends it.
  pub async fn create_call(&self, call_id: &str, user_id: &str, custom_json: &str, settings_json: Option<&str>) -> Result<CallInfo> {
    validate::call_id(call_id)?;
    validate::user_id(user_id)?;
    validate_custom(custom_json)?;
    let settings = match calls::settings_override(settings_json)? {
      Some(settings) => format!(",\"settings_override\":{settings}"),
      None => String::new(),
    };
    let body = format!("{{\"data\":{{\"created_by_id\":{},\"custom\":{}{settings}}}}}", json_string(user_id), custom_json);
    let began = SystemTime::now();
    let (bytes, meta) = self.post(&call_path(call_id, ""), Some(body)).await?;
    let parsed: GetOrCreateResponse = serde_json::from_slice(&bytes).map_err(|e| meta.unreadable(&e))?;
    let call = parsed.call;
    let created_by_id = call.created_by.map(|u| u.id).unwrap_or_default();
    let created = parsed.created || (meta.number > 1 && created_by_id == user_id && created_since(&call.created_at, began));
    Ok(CallInfo {
      call_type: call.call_type,
      id: call.id,
      cid: call.cid,
      created_by_id,
      created_at: call.created_at,
      custom_json: object_json(call.custom),
      created,
    })
  }

  pub async fn add_member(&self, call_id: &str, user_id: &str, role: &str) -> Result<()> {
    validate::call_id(call_id)?;
    validate::user_id(user_id)?;
    validate::role(role)?;
    let body = format!("{{\"update_members\":[{{\"user_id\":{},\"role\":{}}}]}}", json_string(user_id), json_string(role));
    self.post(&call_path(call_id, "/members"), Some(body)).await.map(drop)
  }

  /// Switches recording, transcription or captions on or off (`options_json`:
  /// the caller's options, checked here).
  pub async fn call_action(&self, call_id: &str, action: CallAction, options_json: Option<&str>) -> Result<()> {
    validate::call_id(call_id)?;
    let (suffix, body) = match action {
      CallAction::StartRecording | CallAction::StopRecording => {
        let start = action == CallAction::StartRecording;
        let (kind, body) = calls::recording_request(options_json, start)?;
        (format!("/recordings/{kind}/{}", if start { "start" } else { "stop" }), body)
      }
      CallAction::StartTranscription => ("/start_transcription".into(), calls::start_transcription_body(options_json)?),
      CallAction::StopTranscription => ("/stop_transcription".into(), calls::stop_transcription_body(options_json)?),
      CallAction::StartClosedCaptions => ("/start_closed_captions".into(), calls::start_captions_body(options_json)?),
      CallAction::StopClosedCaptions => ("/stop_closed_captions".into(), calls::stop_captions_body(options_json)?),
    };
    self.post(&call_path(call_id, &suffix), Some(body)).await.map(drop)
  }

  /// The call with what is running and its current session (`GET /call/default/{id}`, node-sdk's `call.get()`).
  pub async fn get_call(&self, call_id: &str) -> Result<CallState> {
    validate::call_id(call_id)?;
    let (bytes, meta) = self.send(reqwest::Method::GET, &call_path(call_id, ""), "", None).await?;
    calls::parse_call_state(&bytes).map_err(|e| meta.unreadable(&e))
  }

  pub async fn list_recordings(&self, call_id: &str) -> Result<Vec<CallRecording>> {
    validate::call_id(call_id)?;
    let (bytes, meta) = self.send(reqwest::Method::GET, &call_path(call_id, "/recordings"), "", None).await?;
    calls::parse_recordings(&bytes).map_err(|e| meta.unreadable(&e))
  }

  pub async fn list_transcriptions(&self, call_id: &str) -> Result<Vec<CallTranscription>> {
    validate::call_id(call_id)?;
    let (bytes, meta) = self.send(reqwest::Method::GET, &call_path(call_id, "/transcriptions"), "", None).await?;
    calls::parse_transcriptions(&bytes).map_err(|e| meta.unreadable(&e))
  }

  pub async fn end_call(&self, call_id: &str) -> Result<()> {
    validate::call_id(call_id)?;
    self.post(&call_path(call_id, "/mark_ended"), None).await.map(drop)
  }

  /// Creates or updates users (`POST /api/v2/users`); `users_json` is a JSON
  /// array of users as the caller gave them. Resolves to Stream's users.
  pub async fn upsert_users(&self, users_json: &str) -> Result<Vec<UserInfo>> {
    let (body, ids) = users::upsert_body(users_json)?;
    let (bytes, meta) = self.post(USERS_PATH, Some(body)).await?;
    users::parse_response(&bytes, &ids).map_err(|e| meta.unreadable(&e))
  }

  /// Reads the users of `user_ids` that exist (`GET /api/v2/users?payload=…`,
  /// node-sdk's `queryUsers` with an `id $in` filter), in the order given.
  pub async fn get_users(&self, user_ids_json: &str) -> Result<Vec<UserInfo>> {
    let (payload, ids) = users::query_payload(user_ids_json)?;
    let query = format!("payload={}&", percent_encode(&payload));
    let (bytes, meta) = self.send(reqwest::Method::GET, USERS_PATH, &query, None).await?;
    users::parse_query_response(&bytes, &ids).map_err(|e| meta.unreadable(&e))
  }

  /// Sets and unsets fields of existing users (`PATCH /api/v2/users`, node-sdk's
  /// `updateUsersPartial`); every other field is left as it is.
  pub async fn update_users_partial(&self, updates_json: &str) -> Result<Vec<UserInfo>> {
    let (body, ids) = users::partial_body(updates_json)?;
    let (bytes, meta) = self.send(reqwest::Method::PATCH, USERS_PATH, "", Some(body)).await?;
    users::parse_response(&bytes, &ids).map_err(|e| meta.unreadable(&e))
  }

  async fn post(&self, path: &str, body: Option<String>) -> Result<(bytes::Bytes, Attempt)> {
    self.send(reqwest::Method::POST, path, "", body).await
  }

  /// Sends `{method} {base}{path}?{query}api_key=…` (`query` is empty or ends
  /// with `&`; node-sdk puts `api_key` last) with retries inside one overall
  /// deadline and returns the 2xx body.
  async fn send(&self, method: reqwest::Method, path: &str, query: &str, body: Option<String>) -> Result<(bytes::Bytes, Attempt)> {
    let url = format!("{}{path}?{query}api_key={}", self.config.base_url, percent_encode(&self.config.api_key));
    let started = Instant::now();
    let deadline = started + self.config.timeout();
    let mut attempt = Attempt::default();
    let mut retries = 0;
    let mut token_renewed = false;
    let observer = observe::current();
    loop {
      attempt.number += 1;
      attempt.request_id = uuid::Uuid::new_v4().to_string();
      let token = self.server_token.get(self.signer.key(), unix_now());
      let mut request = self
        .http
        .request(method.clone(), &url)
        .header(AUTHORIZATION, token.as_str())
        .header("stream-auth-type", "jwt")
        .header(CONTENT_TYPE, "application/json")
        .header("X-Stream-Client", CLIENT_ID)
        .header("x-client-request-id", attempt.request_id.as_str());
      if let Some(body) = &body {
        request = request.body(body.clone());
      }
      let watch = match &observer {
        Some(observer) => {
          let (watch, headers) = Watch::start(observer.clone(), AttemptStart { number: attempt.number, method: method.as_str(), url: &url }).await;
          for (name, value) in headers {
            // Only what is a valid header: an observer cannot break the request.
            if let (Ok(name), Ok(value)) = (reqwest::header::HeaderName::try_from(name), reqwest::header::HeaderValue::try_from(value)) {
              request = request.header(name, value);
            }
          }
          Some(watch)
        }
        None => None,
      };
      let remaining = deadline.saturating_duration_since(Instant::now());
      let outcome = tokio::time::timeout(remaining, async {
        // Waiting for a free slot counts against the deadline, like the request itself.
        let _slot = self.slots.acquire().await.expect("the semaphore is never closed");
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_capped(response, MAX_RESPONSE_BYTES).await?;
        Ok::<_, reqwest::Error>((status, headers, body))
      })
      .await;
      if let Some(watch) = watch {
        watch.end(outcome.as_ref().ok().and_then(|o| o.as_ref().ok()).map(|(status, _, _)| *status), attempt_error(&outcome));
      }
      let (error, failure) = match outcome {
        Ok(Ok((status, _, Body::Complete(bytes)))) if (200..300).contains(&status) => {
          attempt.status = Some(status);
          return Ok((bytes, attempt));
        }
        Ok(Ok((status, _, Body::TooLarge { .. }))) if (200..300).contains(&status) => {
          attempt.status = Some(status);
          let message = format!("Stream API answered HTTP {status} with a body over the {MAX_RESPONSE_BYTES}-byte limit (not read)");
          (Error::new(ErrorKind::Api, message), Failure::Final)
        }
        Ok(Ok((status, headers, _))) if (300..400).contains(&status) => {
          attempt.status = Some(status);
          (redirect_error(status, header(&headers, LOCATION.as_str())), Failure::Final)
        }
        Ok(Ok((status, headers, body))) => {
          attempt.status = Some(status);
          let error = Error::from_response(status, header(&headers, CONTENT_TYPE.as_str()), body.bytes(), &[self.config.api_secret.expose(), &token]);
          if status == 401 && error.stream_code == Some(TOKEN_EXPIRED) && !token_renewed {
            // Our clock jumped or the cached token outlived its welcome: sign a new one once.
            token_renewed = true;
            self.server_token.invalidate();
            continue;
          }
          let hint = server_hint(status, header(&headers, RETRY_AFTER.as_str()), header(&headers, "x-ratelimit-reset"), SystemTime::now());
          let failure = Failure::Status { status, unrecoverable: error.unrecoverable, hint };
          (error, failure)
        }
        Ok(Err(e)) => classify(&e, &self.config),
        Err(_) => (Error::new(ErrorKind::Timeout, format!("request timed out after {} ms", self.config.timeout_ms)), Failure::Final),
      };
      let remaining = deadline.saturating_duration_since(Instant::now());
      match self.retry.next_delay(retries, &failure, remaining, fastrand::f64()) {
        Some(delay) => {
          retries += 1;
          tokio::time::sleep(delay).await;
        }
        None => return Err(attempt.finish(error)),
      }
    }
  }
}

/// How far Stream's clock may be behind ours when telling whether a call was
/// created during this operation.
const CLOCK_SKEW: Duration = Duration::from_secs(5);

/// Whether `created_at` (Stream's RFC 3339 time) is no earlier than `began`,
/// less [`CLOCK_SKEW`]. Stream's get-or-create answer says `created: false`
/// when a retry finds the call that the lost first attempt created; it has no
/// field that names the creating request. A call by the same creator, created
/// since this operation began, is taken as this operation's.
fn created_since(created_at: &str, began: SystemTime) -> bool {
  let began_ms = (began - CLOCK_SKEW).duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
  event::unix_millis(created_at).is_some_and(|at| at >= began_ms)
}

/// A response body read up to a cap.
enum Body {
  Complete(bytes::Bytes),
  /// Over the cap: the first `cap` bytes at most (none when `Content-Length`
  /// already said so); the rest was never downloaded.
  TooLarge {
    prefix: Vec<u8>,
  },
}

impl Body {
  fn bytes(&self) -> &[u8] {
    match self {
      Body::Complete(bytes) => bytes,
      Body::TooLarge { prefix } => prefix,
    }
  }
}

/// Streams a body into memory, stopping at `cap` bytes. Dropping the response
/// then closes the connection, so nothing past the cap is downloaded.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> reqwest::Result<Body> {
  if response.content_length().is_some_and(|n| n > cap as u64) {
    return Ok(Body::TooLarge { prefix: Vec::new() });
  }
  let mut body = Vec::new();
  while let Some(chunk) = response.chunk().await? {
    if body.len() + chunk.len() > cap {
      body.extend_from_slice(&chunk[..cap - body.len()]);
      return Ok(Body::TooLarge { prefix: body });
    }
    body.extend_from_slice(&chunk);
  }
  Ok(Body::Complete(body.into()))
}

/// What kept an attempt from an answer, or spoiled it, as tracing names it (see `observe`).
fn attempt_error<T>(outcome: &std::result::Result<reqwest::Result<(u16, T, Body)>, tokio::time::error::Elapsed>) -> Option<&'static str> {
  match outcome {
    Ok(Ok((status, _, Body::TooLarge { .. }))) if (200..300).contains(status) => Some("response_too_large"),
    Ok(Ok(_)) => None,
    Ok(Err(e)) if e.is_timeout() => Some("timeout"),
    Ok(Err(e)) if e.is_connect() => Some("connect_error"),
    Ok(Err(_)) => Some("network_error"),
    Err(_) => Some("timeout"),
  }
}

/// A 3xx: named with where it pointed (origin only), never followed.
fn redirect_error(status: u16, location: Option<&str>) -> Error {
  let target = location.and_then(|l| reqwest::Url::parse(l).ok()).map(|u| format!(" to {}", u.origin().ascii_serialization())).unwrap_or_default();
  let mut error = Error::new(
    ErrorKind::Api,
    format!("Stream API answered HTTP {status}, a redirect{target}; redirects are not followed (is STREAM_BASE_URL / baseUrl right?)"),
  );
  error.status = Some(status);
  error
}

/// What is known about the request so far, for error reports.
#[derive(Default)]
struct Attempt {
  number: u32,
  request_id: String,
  status: Option<u16>,
}

impl Attempt {
  fn finish(self, mut error: Error) -> Error {
    let attempts = match self.number {
      1 => "1 attempt".to_string(),
      n => format!("{n} attempts"),
    };
    let last = self.status.map(|s| format!(", last HTTP status {s}")).unwrap_or_default();
    error.message = format!("{} ({attempts}{last})", error.message);
    error.attempts = self.number;
    error.request_id = Some(self.request_id);
    error.status = error.status.or(self.status);
    error
  }

  /// A 2xx whose body is not the JSON Stream documents. The body is described,
  /// never quoted.
  fn unreadable(&self, cause: &serde_json::Error) -> Error {
    let status = self.status.unwrap_or(0);
    let mut error = Error::new(
      ErrorKind::Api,
      format!("Stream API answered HTTP {status} with a body that is not the expected JSON: {}", crate::error::describe_json_error(cause)),
    );
    error.status = self.status;
    error.attempts = self.number;
    error.request_id = Some(self.request_id.clone());
    error
  }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
  headers.get(name).and_then(|v| v.to_str().ok())
}

/// Turns a transport error into our error and its retry class. The URL is
/// left out of the message; only the host is named.
fn classify(e: &reqwest::Error, config: &Config) -> (Error, Failure) {
  let mut detail = String::new();
  let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
  while let Some(s) = source {
    detail = s.to_string();
    source = s.source();
  }
  if detail.is_empty() {
    detail = e.to_string();
  }
  let host = reqwest::Url::parse(&config.base_url)
    .ok()
    .and_then(|u| {
      u.host_str().map(|h| match u.port() {
        Some(p) => format!("{h}:{p}"),
        None => h.to_string(),
      })
    })
    .unwrap_or_default();
  if out_of_descriptors(e) {
    let message = format!(
      "could not open a connection to {host}: this process is out of file descriptors (too many open files); {host} was not reached. \
       Lower maxConnections / STREAM_MAX_CONNECTIONS or raise the limit (ulimit -n)"
    );
    (Error::new(ErrorKind::Network, message), Failure::Connection)
  } else if e.is_timeout() {
    let message = format!("connecting to {host} timed out ({detail})");
    (Error::new(ErrorKind::Timeout, message), Failure::ConnectTimeout)
  } else if e.is_connect() {
    (Error::new(ErrorKind::Network, format!("could not connect to {host}: {detail}")), Failure::Connection)
  } else {
    (Error::new(ErrorKind::Network, format!("connection to {host} failed: {detail}")), Failure::Connection)
  }
}

/// Whether the failure is this process's own lack of file descriptors
/// (EMFILE, ENFILE; WSAEMFILE on Windows), not anything the host did.
fn out_of_descriptors(e: &reqwest::Error) -> bool {
  const CODES: [i32; 3] = [24, 23, 10024];
  let mut source: Option<&dyn std::error::Error> = Some(e);
  while let Some(s) = source {
    if s.downcast_ref::<std::io::Error>().and_then(std::io::Error::raw_os_error).is_some_and(|code| CODES.contains(&code)) {
      return true;
    }
    source = s.source();
  }
  false
}

/// `/api/v2/video/call/default/{id}{suffix}`.
fn call_path(call_id: &str, suffix: &str) -> String {
  format!("{CALL_PATH}{}{suffix}", percent_encode(call_id))
}

fn validate_custom(custom_json: &str) -> Result<()> {
  validate::custom_size("data", custom_json)?;
  let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(custom_json).map_err(|_| Error::invalid("data must be a JSON object"))?;
  for field in ["meetingId", "agentId", "agentName"] {
    if !map.get(field).is_some_and(serde_json::Value::is_string) {
      return Err(Error::invalid(format!("data.{field} must be a string")));
    }
  }
  Ok(())
}

fn json_string(value: &str) -> String {
  serde_json::to_string(value).expect("a string always serializes")
}

/// Percent-encodes everything outside RFC 3986's unreserved set.
fn percent_encode(value: &str) -> String {
  let mut out = String::with_capacity(value.len());
  for b in value.bytes() {
    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
      out.push(b as char);
    } else {
      out.push_str(&format!("%{b:02X}"));
    }
  }
  out
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn encodes_query_and_path_values() {
    assert_eq!(percent_encode("abc-_.~XYZ09"), "abc-_.~XYZ09");
    assert_eq!(percent_encode("a b/c?d&é"), "a%20b%2Fc%3Fd%26%C3%A9");
  }

  #[test]
  fn custom_data_needs_the_three_fields() {
    validate_custom(r#"{"meetingId":"m","agentId":"a","agentName":"n","extra":[1,{"x":null}]}"#).unwrap();
    assert_eq!(validate_custom("[]").unwrap_err().message, "data must be a JSON object");
    assert_eq!(validate_custom(r#"{"meetingId":"m","agentId":5,"agentName":"n"}"#).unwrap_err().message, "data.agentId must be a string");
    assert_eq!(validate_custom(r#"{"agentId":"a","agentName":"n"}"#).unwrap_err().message, "data.meetingId must be a string");
  }

  #[test]
  fn parses_get_or_create_response() {
    let body = br#"{"call":{"type":"default","id":"c1","cid":"default:c1","created_by":{"id":"u1","name":"U"},"created_at":"2026-04-08T14:23:35.879421674Z","custom":{"meetingId":"m1","n":[1,2]},"settings":{}},"members":[],"own_capabilities":[],"created":true,"duration":"1.2ms"}"#;
    let parsed: GetOrCreateResponse = serde_json::from_slice(body).unwrap();
    assert!(parsed.created);
    assert_eq!(parsed.call.cid, "default:c1");
    assert_eq!(parsed.call.created_by.unwrap().id, "u1");
    assert_eq!(object_json(parsed.call.custom), r#"{"meetingId":"m1","n":[1,2]}"#);
    let huge = br#"{"call":{"type":"default","id":"c","cid":"default:c","custom":{"big":18446744073709551615,"neg":-9223372036854775809,"f":1.5e300}}}"#;
    let parsed: GetOrCreateResponse = serde_json::from_slice(huge).unwrap();
    assert_eq!(object_json(parsed.call.custom), r#"{"big":18446744073709551615,"neg":-9223372036854775809,"f":1.5e300}"#, "kept as text, for JSON.parse");
    for odd in ["null", "[1]", "\"x\"", "7"] {
      let body = format!(r#"{{"call":{{"type":"default","id":"c","cid":"default:c","custom":{odd}}}}}"#);
      assert_eq!(object_json(serde_json::from_str::<GetOrCreateResponse>(&body).unwrap().call.custom), "{}");
    }
  }
}
