//! The transport to Stream's REST API: one pooled keep-alive HTTP client, a
//! [`Signer`] for the server token (cached), at most `max_connections`
//! requests in flight, and retries by each operation's policy (`operation`,
//! `retry`) inside one deadline. What is sent is a [`Request`] an endpoint
//! (`calls`, `users`) built; this file knows no endpoint.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::observe::{self, AttemptStart, Watch};
use crate::request::{percent_encode, Answer, Request};
use crate::retry::{server_hint, Failure, RetryPolicy};
use crate::signer::Signer;
use crate::token::{unix_now, ServerTokenCache};

/// Sent as `X-Stream-Client`; Stream echoes it back in events as `request_info.sdk`.
pub const CLIENT_ID: &str = concat!("stream-video-native-", env!("CARGO_PKG_VERSION"));
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

  /// Sends `request` as `{method} {base}{path}?{query}api_key=…`, retried as
  /// its operation allows inside one overall deadline, and reads the answer.
  pub async fn send<T>(&self, request: Request<T>) -> Result<T> {
    let Request { operation, method, path, query, body, decode } = request;
    let url = format!("{}{path}?{query}api_key={}", self.config.base_url, percent_encode(&self.config.api_key));
    let started = Instant::now();
    let deadline = started + self.config.timeout();
    let mut attempt = Attempt::default();
    let mut retries = 0;
    let mut token_renewed = false;
    // Whether an earlier attempt may have reached Stream and been acted on.
    let mut maybe_acted = false;
    let observer = observe::current();
    loop {
      attempt.number += 1;
      let sent_id = std::mem::replace(&mut attempt.request_id, uuid::Uuid::new_v4().to_string());
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
      let queued = Instant::now();
      let outcome = async {
        // Waiting for a free connection counts against the deadline, like
        // the request itself: the caller's deadline is for the whole call.
        let slot = tokio::time::timeout(deadline.saturating_duration_since(queued), self.slots.acquire()).await;
        let _slot = slot.map_err(|_| Late::Queued(queued.elapsed()))?.expect("the semaphore is never closed");
        if Instant::now() >= deadline {
          // A connection came free as the deadline passed: nothing was sent.
          return Err(Late::Queued(queued.elapsed()));
        }
        let exchange = async {
          let response = request.send().await?;
          let status = response.status().as_u16();
          let headers = response.headers().clone();
          let body = read_capped(response, MAX_RESPONSE_BYTES).await?;
          Ok::<_, reqwest::Error>((status, headers, body))
        };
        let waited = queued.elapsed();
        tokio::time::timeout(deadline.saturating_duration_since(Instant::now()), exchange).await.map_err(|_| Late::Sent(waited))
      }
      .await;
      if let Some(watch) = watch {
        watch.end(outcome.as_ref().ok().and_then(|o| o.as_ref().ok()).map(|(status, _, _)| *status), attempt_error(&outcome));
      }
      let (error, failure) = match outcome {
        Ok(Ok((status, headers, Body::Complete(bytes)))) if (200..300).contains(&status) => {
          attempt.status = Some(status);
          let answer = Answer { body: &bytes, attempts: attempt.number, status, headers: &headers, request_id: &attempt.request_id };
          return decode(&answer).map_err(|e| attempt.unreadable(&e));
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
          let mut error = Error::from_response(status, header(&headers, CONTENT_TYPE.as_str()), body.bytes(), &[self.config.api_secret.expose(), &token]);
          if status == 401 && error.stream_code == Some(TOKEN_EXPIRED) && !token_renewed {
            // Our clock jumped or the cached token outlived its welcome: sign a new one once.
            token_renewed = true;
            self.server_token.invalidate();
            continue;
          }
          if maybe_acted && operation.already_done(status, &error.message) {
            // An earlier attempt did it; its answer was lost (see `operation`).
            let answer = Answer { body: b"{}", attempts: attempt.number, status, headers: &headers, request_id: &attempt.request_id };
            return decode(&answer).map_err(|e| attempt.unreadable(&e));
          }
          error.response.get_or_insert_default().headers = header_pairs(&headers);
          let hint = server_hint(status, header(&headers, RETRY_AFTER.as_str()), header(&headers, "x-ratelimit-reset"), SystemTime::now());
          let failure = Failure::Status { status, unrecoverable: error.unrecoverable, hint };
          (error, failure)
        }
        Ok(Err(e)) => classify(&e, &self.config),
        Err(Late::Sent(waited)) => {
          let queue = match waited.as_millis() {
            0..10 => String::new(),
            ms => format!(
              ", {ms} ms of it waiting for one of the {} connections (maxConnections / STREAM_MAX_CONNECTIONS) before it was sent",
              self.config.max_connections
            ),
          };
          (Error::new(ErrorKind::Timeout, format!("request timed out after {} ms{queue}", self.config.timeout_ms)), Failure::Final)
        }
        Err(Late::Queued(waited)) => {
          // This attempt never left the process: it is not counted.
          attempt.number -= 1;
          attempt.request_id = sent_id;
          let message = format!(
            "request timed out after {} ms, {} ms of it waiting for one of the {} connections (maxConnections / STREAM_MAX_CONNECTIONS), \
             all busy with other requests; this attempt was never sent",
            self.config.timeout_ms,
            waited.as_millis(),
            self.config.max_connections
          );
          (Error::new(ErrorKind::Timeout, message), Failure::Final)
        }
      };
      maybe_acted |= !failure.shows_unsent();
      let remaining = deadline.saturating_duration_since(Instant::now());
      match self.retry.next_delay(retries, &failure, operation.retry(), remaining, fastrand::f64()) {
        Some(delay) => {
          retries += 1;
          tokio::time::sleep(delay).await;
        }
        None => return Err(attempt.finish(error)),
      }
    }
  }
}

/// Why an attempt ran out of time: waiting for a free connection, or after
/// it was sent; with how long it waited for the connection.
enum Late {
  Queued(Duration),
  Sent(Duration),
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
fn attempt_error<T, E>(outcome: &std::result::Result<reqwest::Result<(u16, T, Body)>, E>) -> Option<&'static str> {
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
      0 => "no attempt sent".to_string(),
      1 => "1 attempt".to_string(),
      n => format!("{n} attempts"),
    };
    let last = self.status.map(|s| format!(", last HTTP status {s}")).unwrap_or_default();
    error.message = format!("{} ({attempts}{last})", error.message);
    error.attempts = self.number;
    error.request_id = (self.number > 0).then_some(self.request_id);
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

/// A response's headers as `[name, value]` pairs (values that are not visible ASCII are left out).
pub fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
  headers.iter().filter_map(|(name, value)| Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))).collect()
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
    (Error::new(ErrorKind::Network, message), Failure::Refused)
  } else if e.is_timeout() {
    let message = format!("connecting to {host} timed out ({detail})");
    (Error::new(ErrorKind::Timeout, message), Failure::ConnectTimeout)
  } else if e.is_connect() {
    (Error::new(ErrorKind::Network, format!("could not connect to {host}: {detail}")), Failure::Refused)
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
