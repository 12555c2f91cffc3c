//! The napi edge: free functions over two handles (see `handle`), a
//! [`Signer`] (tokens and webhooks) and a REST [`Client`], and mirror
//! structs; the hottest three are plain Node-API callbacks in `hot`. Sync functions throw
//! napi errors whose `code` is the stable error code; async ones resolve to an
//! outcome object (napi cannot reject with a custom code) that `index.js`
//! turns into a `StreamError` rejection. Free functions, not class methods:
//! a method call unwraps `this` first, which costs more than a token's HMAC.
// `cargo test` builds this module without napi's registration, so its exports look unused there.
#![cfg_attr(test, allow(dead_code))]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use napi::bindgen_prelude::{Either, PromiseRaw, Unknown};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{Env, JsValue};
use napi_derive::napi;

use crate::api::{self, ApiAnswer};
use crate::calls::{self, CallAction, CallInfo, CallRecording, CallState, CallTranscription, MembersPage};
use crate::cancel::Cancel;
use crate::client::Client;
use crate::config::{Config, Kind, Raw, Source, Value, CREDENTIALS, SETTINGS};
use crate::error::{Error, ErrorKind, Result};
use crate::event::CALL_EVENT_TYPES;
use crate::handle::{self, Handle};
use crate::observe::{self, AttemptEnd, AttemptStart, Headers, Observer};
use crate::panic::{catch, catch_async};
use crate::request::Cid;
use crate::signer::Signer;
use crate::token::TokenOptions;
use crate::users::{self, UserInfo};

#[napi_derive::module_init]
fn init() {
  // `cargo test` runs module initialisers too; there, panics must still print.
  if !cfg!(test) {
    crate::panic::install_quiet_hook();
  }
}

macro_rules! define_error_code {
  ($($(#[doc = $doc:literal])* $variant:ident => $code:tt,)*) => {
    /// Every `err.code` a `StreamError` can have (the same list as `ErrorKind`).
    #[napi(string_enum)]
    pub enum ErrorCode {
      $($(#[doc = $doc])* #[napi(value = $code)] $variant,)*
    }

    impl From<ErrorKind> for ErrorCode {
      fn from(kind: ErrorKind) -> Self {
        match kind {
          $(ErrorKind::$variant => ErrorCode::$variant,)*
        }
      }
    }
  };
}
crate::error::with_error_codes!(define_error_code);

fn to_js(e: Error) -> napi::Error<ErrorKind> {
  napi::Error::new(e.kind, e.message)
}

/// Runs a sync export of `signer`: a panic becomes `STREAM_INTERNAL`, any
/// error a napi error with our code, sealed by the signer.
fn sync<T>(signer: &Signer, f: impl FnOnce() -> Result<T>) -> napi::Result<T, ErrorKind> {
  catch(f).map_err(|e| to_js(signer.seal(e, &[])))
}

/// A handle argument: `None` when the value is not a handle to a `T`.
fn get<'a, T: Handle>(value: &Unknown<'a>) -> napi::Result<&'a Arc<T>, ErrorKind> {
  unsafe { handle::get::<T>(value.value().env, value.raw()) }
    .ok_or_else(|| napi::Error::new(ErrorKind::InvalidArgument, format!("the {} handle is not one", T::NAME)))
}

/// A new handle to `value` for JS.
fn wrap<'env, T: Handle>(env: &'env Env, value: Arc<T>) -> napi::Result<Unknown<'env>, ErrorKind> {
  let raw = handle::wrap(env.raw(), value).map_err(|e| napi::Error::new(ErrorKind::Internal, e.reason.clone()))?;
  Ok(unsafe { Unknown::from_raw_unchecked(env.raw(), raw) })
}

/// One setting as `index.js` reads it (see `config::SETTINGS`).
#[napi(object, object_from_js = false)]
pub struct SettingInfo {
  /// The `createStreamClient` option.
  pub option: &'static str,
  /// The `STREAM_*` variable.
  pub env: &'static str,
  /// The option's JS type: `string` or `number`.
  #[napi(js_name = "type", ts_type = "'string' | 'number'")]
  pub value_type: &'static str,
  /// Tokens and webhook checks need it (the credentials).
  pub credential: bool,
}

/// Every setting, in the order `newClient` and `newSigner` take their values.
#[napi]
pub fn settings() -> Vec<SettingInfo> {
  let info = |(i, s): (usize, &crate::config::Setting)| SettingInfo {
    option: s.option,
    env: s.env,
    value_type: if matches!(s.kind, Kind::Whole { .. }) { "number" } else { "string" },
    credential: i < CREDENTIALS,
  };
  SETTINGS.iter().enumerate().map(info).collect()
}

type RawValues = Vec<Option<Either<String, f64>>>;

/// Checks raw values (declaration order), naming options or, `from_env`, variables.
fn config_of(values: RawValues, from_env: bool) -> napi::Result<Config, ErrorKind> {
  let raw: Vec<Option<Raw>> = values.into_iter().map(|v| v.map(raw_value)).collect();
  let source = if from_env { Source::Env } else { Source::Options };
  catch(|| Config::from_raw(&raw, source)).map_err(to_js)
}

fn raw_value(value: Either<String, f64>) -> Raw {
  match value {
    Either::A(s) => Raw::Text(s),
    Either::B(n) => Raw::Number(n),
  }
}

/// A REST client for these settings: options (`fromEnv` false) or the
/// `STREAM_*` values of the calling thread's `process.env` (errors name the variables).
#[napi(ts_args_type = "values: Array<string | number | undefined | null>, fromEnv: boolean", ts_return_type = "ExternalObject<'Client'>")]
pub fn new_client(env: &Env, values: RawValues, from_env: bool) -> napi::Result<Unknown<'_>, ErrorKind> {
  let config = config_of(values, from_env)?;
  let secret = config.api_secret.clone();
  let client = catch(|| Client::new(config)).map_err(|e| to_js(e.sealed(&[secret.expose()])))?;
  wrap(env, Arc::new(client))
}

/// A signer for the credentials alone: no HTTP client is built.
#[napi(ts_args_type = "values: Array<string | undefined | null>, fromEnv: boolean", ts_return_type = "ExternalObject<'Signer'>")]
pub fn new_signer(env: &Env, mut values: RawValues, from_env: bool) -> napi::Result<Unknown<'_>, ErrorKind> {
  values.truncate(CREDENTIALS);
  let config = config_of(values, from_env)?;
  wrap(env, Arc::new(Signer::new(config.api_secret)))
}

/// The signer a client holds.
#[napi(ts_args_type = "client: ExternalObject<'Client'>", ts_return_type = "ExternalObject<'Signer'>")]
pub fn client_signer<'env>(env: &'env Env, client: Unknown<'_>) -> napi::Result<Unknown<'env>, ErrorKind> {
  wrap(env, get::<Client>(&client)?.signer().clone())
}

/// A client's settings in declaration order, the secret `[redacted]`.
#[napi(ts_args_type = "client: ExternalObject<'Client'>")]
pub fn client_settings(client: Unknown<'_>) -> napi::Result<Vec<Either<String, u32>>, ErrorKind> {
  let shown = |v| match v {
    Value::Text(s) => Either::A(s),
    Value::Whole(n) => Either::B(n),
  };
  Ok(get::<Client>(&client)?.config().shown().into_iter().map(shown).collect())
}

/// A user token with absolute times or extra claims (`claimsJson`: a JSON
/// object); the plain case is the hot `userToken`. `positional`: `exp` and
/// `iat` were `createToken`'s arguments, not options.
#[napi(
  ts_args_type = "signer: ExternalObject<'Signer'>, userId: string, validityInSeconds?: number, exp?: number, iat?: number, claimsJson?: string, positional?: boolean"
)]
pub fn user_token_with(
  signer: Unknown<'_>,
  user_id: String,
  validity_in_seconds: Option<f64>,
  exp: Option<f64>,
  iat: Option<f64>,
  claims_json: Option<String>,
  positional: Option<bool>,
) -> napi::Result<String, ErrorKind> {
  let signer = get::<Signer>(&signer)?;
  let options = TokenOptions { exp, iat, claims_json, positional: positional.unwrap_or(false) };
  sync(signer, || signer.user_token_with(&user_id, validity_in_seconds, &options))
}

#[napi(
  ts_args_type = "signer: ExternalObject<'Signer'>, userId: string, callIds: string[], role?: string, validityInSeconds?: number, exp?: number, iat?: number, claimsJson?: string"
)]
#[allow(clippy::too_many_arguments)] // the edge: the JS arguments as they come
pub fn call_token(
  signer: Unknown<'_>,
  user_id: String,
  call_ids: Vec<String>,
  role: Option<String>,
  validity_in_seconds: Option<f64>,
  exp: Option<f64>,
  iat: Option<f64>,
  claims_json: Option<String>,
) -> napi::Result<String, ErrorKind> {
  let signer = get::<Signer>(&signer)?;
  let options = TokenOptions { exp, iat, claims_json, positional: false };
  sync(signer, || signer.call_token(&user_id, &call_ids, role.as_deref(), validity_in_seconds, &options))
}

#[napi(object)]
pub struct NativeError {
  pub code: ErrorCode,
  pub message: String,
  pub status: Option<u32>,
  pub stream_code: Option<i64>,
  pub request_id: Option<String>,
  pub attempts: u32,
  /// Stream's own message, for the node-sdk surface's error messages.
  pub stream_message: Option<String>,
  /// The last response's headers as `[name, value, name, value, …]`.
  pub response_headers: Option<Vec<String>>,
}

impl From<Error> for NativeError {
  fn from(e: Error) -> Self {
    NativeError {
      code: e.kind.into(),
      message: e.message,
      status: e.status.map(u32::from),
      stream_code: e.stream_code,
      request_id: e.request_id,
      attempts: e.attempts,
      stream_message: e.response.as_ref().and_then(|r| r.stream_message.clone()),
      response_headers: e.response.map(|r| flat(r.headers)),
    }
  }
}

fn flat(pairs: Vec<(String, String)>) -> Vec<String> {
  pairs.into_iter().flat_map(|(name, value)| [name, value]).collect()
}

/// A node-sdk operation's 2xx answer (`api::ApiAnswer`).
#[napi(object)]
pub struct NativeApiAnswer {
  pub status: u32,
  /// `[name, value, name, value, …]`.
  pub headers: Vec<String>,
  /// JSON text.
  pub body: String,
  pub request_id: String,
}

impl From<ApiAnswer> for NativeApiAnswer {
  fn from(a: ApiAnswer) -> Self {
    NativeApiAnswer { status: a.status.into(), headers: flat(a.headers), body: a.body, request_id: a.request_id }
  }
}

/// Result of an HTTP operation: `error` when it failed, else the field of
/// its result (`call`, `users`, `state`, `recordings`, `transcriptions`, `page`), or
/// nothing for the operations that resolve to nothing.
#[derive(Default)]
#[napi(object)]
pub struct Outcome {
  pub call: Option<CallInfo>,
  pub users: Option<Vec<UserInfo>>,
  pub state: Option<CallState>,
  pub recordings: Option<Vec<CallRecording>>,
  pub transcriptions: Option<Vec<CallTranscription>>,
  pub page: Option<MembersPage>,
  pub api: Option<NativeApiAnswer>,
  pub error: Option<NativeError>,
  /// With an `observer`: how each attempt not yet reported ended.
  pub attempts: Option<Vec<AttemptRecord>>,
}

/// Cancels the REST operations it was handed to (`AbortSignal` in JS).
#[napi]
pub struct NativeCancel {
  inner: Arc<Cancel>,
}

#[napi]
impl NativeCancel {
  #[napi(constructor)]
  #[allow(clippy::new_without_default)]
  pub fn new() -> Self {
    NativeCancel { inner: Arc::new(Cancel::default()) }
  }

  #[napi]
  pub fn cancel(&self) {
    self.inner.cancel();
  }
}

/// How one HTTP attempt ended, as the `Outcome` (or the next attempt's start) reports it.
#[napi(object)]
pub struct AttemptRecord {
  /// 1 for the first attempt.
  pub attempt: u32,
  pub method: String,
  pub url: String,
  /// Stream's HTTP status, if it answered.
  pub status: Option<u32>,
  /// What kept the attempt from an answer, or spoiled it: `timeout`,
  /// `connect_error`, `network_error`, `response_too_large` or `aborted`.
  pub error: Option<String>,
  pub duration_ms: f64,
  /// When it ended, in milliseconds since the Unix epoch.
  pub ended_at: f64,
}

/// An attempt about to start, as the `observer` of a REST function hears of
/// it (answering with the trace headers to send): the attempts that ended
/// since it last heard come with it.
#[napi(object)]
pub struct AttemptEvent {
  /// The operation's `watch` number, as its REST function was given it.
  pub watch: u32,
  pub attempt: u32,
  pub method: String,
  pub url: String,
  pub ended: Vec<AttemptRecord>,
}

/// W3C trace context headers for one attempt.
#[napi(object)]
pub struct TraceHeaders {
  pub traceparent: Option<String>,
  pub tracestate: Option<String>,
}

/// Called on the JS thread; it must not throw (`tracing.js` catches everything).
/// Weak: it does not keep the process alive.
type AttemptCallback = ThreadsafeFunction<AttemptEvent, Option<TraceHeaders>, AttemptEvent, napi::Status, false, true>;

/// The JS function that hears of attempts (`tracing.js`): made once and
/// shared by every watched operation, each named by its `watch` number
/// (making a thread-safe function per call costs more than the call).
#[napi]
pub struct AttemptObserver {
  callback: Arc<AttemptCallback>,
}

#[napi]
impl AttemptObserver {
  #[napi(constructor)]
  pub fn new(#[napi(ts_arg_type = "(event: AttemptEvent) => TraceHeaders | undefined")] callback: AttemptCallback) -> Self {
    AttemptObserver { callback: Arc::new(callback) }
  }
}

/// Watches one operation for `tracing.js` without crossing to the JS thread
/// when it can: the first attempt's headers are given up front (unless the
/// caller wants to hear of its start), and ends are kept for the `Outcome`.
/// Only a retry's start calls JS (for its own span), carrying the ends so far.
struct JsObserver {
  callback: Arc<AttemptCallback>,
  watch: u32,
  first: std::sync::Mutex<Option<Headers>>,
  ended: std::sync::Mutex<Vec<AttemptRecord>>,
}

impl JsObserver {
  fn take_ended(&self) -> Vec<AttemptRecord> {
    std::mem::take(&mut *self.ended.lock().unwrap_or_else(|e| e.into_inner()))
  }
}

fn header_list(trace: TraceHeaders) -> Headers {
  [("traceparent", trace.traceparent), ("tracestate", trace.tracestate)].into_iter().filter_map(|(name, value)| Some((name.to_string(), value?))).collect()
}

impl Observer for JsObserver {
  fn start(&self, a: AttemptStart<'_>) -> Pin<Box<dyn Future<Output = Headers> + Send + 'static>> {
    if a.number == 1 {
      if let Some(headers) = self.first.lock().unwrap_or_else(|e| e.into_inner()).take() {
        return Box::pin(std::future::ready(headers));
      }
    }
    let event = AttemptEvent { watch: self.watch, attempt: a.number, method: a.method.into(), url: a.url.into(), ended: self.take_ended() };
    let callback = self.callback.clone();
    Box::pin(async move {
      match callback.call_async_catch(event).await {
        Ok(Some(trace)) => header_list(trace),
        _ => Vec::new(),
      }
    })
  }

  fn end(&self, a: AttemptEnd) {
    let ended_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let record = AttemptRecord {
      attempt: a.number,
      method: a.method,
      url: a.url,
      status: a.status.map(u32::from),
      error: a.error.map(str::to_string),
      duration_ms: a.duration.as_secs_f64() * 1000.0,
      ended_at,
    };
    self.ended.lock().unwrap_or_else(|e| e.into_inner()).push(record);
  }
}

/// The observer of one operation: `observer` hears of each attempt as
/// operation `watch`, whose first attempt's trace headers are `first`.
fn js_observer(observer: Option<&AttemptObserver>, watch: Option<u32>, first: Option<TraceHeaders>) -> Option<Arc<JsObserver>> {
  observer.map(|o| {
    let first = std::sync::Mutex::new(first.map(header_list));
    Arc::new(JsObserver { callback: o.callback.clone(), watch: watch.unwrap_or(0), first, ended: std::sync::Mutex::default() })
  })
}

type Sending = Pin<Box<dyn Future<Output = Result<Outcome>> + Send>>;

/// A REST request whose arguments were checked and whose body was built (by
/// one of the functions below), ready for `send`: the arguments are refused
/// before anything is watched or sent.
#[napi]
pub struct PreparedRequest {
  client: Arc<Client>,
  sending: std::sync::Mutex<Option<Sending>>,
}

/// Sends a prepared request on the runtime and returns a Promise of its
/// outcome: panics are caught, `cancel` stops it, `observer` hears of each
/// attempt as operation `watch` (its first attempt's trace headers are
/// `first`; see `JsObserver`), errors are sealed by the client and resolve
/// as `error`. A request is sent once; sending it again is an error.
#[napi(ts_return_type = "Promise<Outcome>")]
pub fn send<'env>(
  env: &'env Env,
  request: &PreparedRequest,
  cancel: Option<&NativeCancel>,
  observer: Option<&AttemptObserver>,
  watch: Option<u32>,
  first: Option<TraceHeaders>,
) -> napi::Result<PromiseRaw<'env, Outcome>> {
  let sending = request.sending.lock().unwrap_or_else(|e| e.into_inner()).take();
  let sending = sending.ok_or_else(|| napi::Error::new(napi::Status::InvalidArg, "this request was sent already".to_string()))?;
  let cancel = cancel.map_or_else(|| Arc::new(Cancel::default()), |c| c.inner.clone());
  let client = request.client.clone();
  let observer = js_observer(observer, watch, first);
  env.spawn_future(async move {
    let watching = observer.clone().map(|o| o as Arc<dyn Observer>);
    let mut outcome = match cancel.run(observe::observed(watching, catch_async(sending))).await {
      Ok(outcome) => outcome,
      Err(e) => Outcome { error: Some(client.seal(e).into()), ..Default::default() },
    };
    outcome.attempts = observer.map(|o| o.take_ended());
    Ok(outcome)
  })
}

/// A REST operation's `PreparedRequest`: a function of the client handle and
/// its arguments, which throws (with the error's code) when they are refused.
/// Sent, it resolves to an `Outcome` whose `$field` holds the result (no
/// field: the operation resolves to nothing).
macro_rules! rest {
  ($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),*) => |$c:ident| $request:expr $(, $field:ident)?) => {
    $(#[doc = $doc])*
    #[napi]
    pub fn $name(#[napi(ts_arg_type = "ExternalObject<'Client'>")] client: Unknown<'_>, $($arg: $ty),*) -> napi::Result<PreparedRequest, ErrorKind> {
      let client = get::<Client>(&client)?.clone();
      let $c: &Client = &client;
      let request = catch(|| $request).map_err(|e| to_js(client.seal(e)))?;
      let sender = client.clone();
      #[allow(unused_variables)]
      let sending: Sending = Box::pin(async move { sender.send(request).await.map(|value| Outcome { $($field: Some(value.into()),)? ..Default::default() }) });
      Ok(PreparedRequest { client, sending: std::sync::Mutex::new(Some(sending)) })
    }
  };
}

rest!(create_call(call_id: String, user_id: String, custom_json: Option<String>, options_json: Option<String>) => |c| calls::create_call(&cid(c, &call_id)?, &user_id, custom_json.as_deref(), options_json.as_deref()), call);
rest!(
  /// `role`: `null` sends none (the call type's default role).
  add_member(call_id: String, user_id: String, role: Option<String>) => |c| calls::add_member(&cid(c, &call_id)?, &user_id, role.as_deref())
);
rest!(
  /// `options_json`: the caller's options (without `signal`) as JSON, checked natively.
  call_action(call_id: String, action: CallAction, options_json: Option<String>) => |c| calls::call_action(&cid(c, &call_id)?, action, options_json.as_deref())
);
rest!(get_call(call_id: String) => |c| Ok(calls::get_call(&cid(c, &call_id)?)), state);
rest!(list_recordings(call_id: String) => |c| Ok(calls::list_recordings(&cid(c, &call_id)?)), recordings);
rest!(list_transcriptions(call_id: String) => |c| Ok(calls::list_transcriptions(&cid(c, &call_id)?)), transcriptions);
rest!(end_call(call_id: String) => |c| Ok(calls::end_call(&cid(c, &call_id)?)));
rest!(
  /// `options_json`: `filter`, `sort`, `limit`, `next`, `prev` as JSON, checked natively.
  query_call_members(call_id: String, options_json: Option<String>) => |c| calls::query_members(&cid(c, &call_id)?, options_json.as_deref()), page
);
rest!(
  /// `users_json`: the users as a JSON array, checked natively.
  upsert_users(users_json: String) => |_c| users::upsert_users(&users_json), users
);
rest!(
  /// `user_ids_json`: the ids as a JSON array, checked natively.
  get_users(user_ids_json: String) => |_c| users::get_users(&user_ids_json), users
);
rest!(
  /// `updates_json`: `[{ id, set, unset }]` as JSON, checked natively.
  update_users_partial(updates_json: String) => |_c| users::update_users_partial(&updates_json), users
);

rest!(
  /// Operation `index` of the node-sdk surface (`node-sdk/operations.js`):
  /// its path parameters in order, its query (`name=value&…`, encoded) and its
  /// JSON body, as node-sdk builds them.
  api_request(index: u32, path_params: Vec<String>, query: String, body: Option<String>) => |_c| api::request(index, &path_params, &query, body), api
);

/// The call a `callId` argument names: an id of the client's call type, or `type:id`.
fn cid(client: &Client, call_id: &str) -> Result<Cid> {
  Cid::parse(call_id, &client.config().call_type)
}

/// The fields of an event as `handleWebhook` writes them (see `event_fields`).
#[napi]
pub fn event_fields() -> Vec<&'static str> {
  crate::event_fields::FIELDS.to_vec()
}

/// Every `call.*` event type `handleStreamWebhook` knows (node-sdk 0.7.64's list).
#[napi]
pub fn call_event_types() -> Vec<&'static str> {
  CALL_EVENT_TYPES.to_vec()
}

/// One speech segment of a transcript (see `transcript`).
#[napi(object, object_from_js = false)]
pub struct TranscriptSegment {
  pub speaker_id: String,
  pub text: String,
  pub start: f64,
  pub end: f64,
}

/// The speech segments of a JSONL transcript; `readTranscript` (lib/transcript.js) caps its size first.
#[napi(ts_args_type = "body: Uint8Array, maxLines: number")]
pub fn parse_transcript(body: napi::bindgen_prelude::Uint8Array, max_lines: u32) -> napi::Result<Vec<TranscriptSegment>, ErrorKind> {
  let segments = catch(|| crate::transcript::parse(&body, max_lines as usize)).map_err(to_js)?;
  Ok(segments.into_iter().map(|s| TranscriptSegment { speaker_id: s.speaker_id, text: s.text, start: s.start, end: s.end }).collect())
}
