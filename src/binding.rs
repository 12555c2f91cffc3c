//! The napi edge: mirror structs and thin wrappers over the pure Rust modules.
//! Sync functions throw napi errors whose `code` is the stable error code;
//! async ones resolve to an outcome object (napi cannot reject with a custom
//! code) that `index.js` turns into a `StreamError` rejection.
// `cargo test` builds this module without napi's registration, so its exports look unused there.
#![cfg_attr(test, allow(dead_code))]

use std::future::Future;
use std::sync::Arc;

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::cancel::Cancel;
use crate::client::{CallInfo, Client};
use crate::config::{Config, RawConfig};
use crate::error::{Error, ErrorKind, Result};
use crate::event::{CallEvent, MeetingUpdate};
use crate::js_bytes::{with_body, with_signature};
use crate::panic::{catch, catch_async};
use crate::users::UserInfo;
use crate::validate;
use crate::webhook::DEFAULT_MAX_BODY_BYTES;

#[napi_derive::module_init]
fn init() {
  crate::panic::install_quiet_hook();
}

fn to_js(e: Error) -> napi::Error<ErrorKind> {
  napi::Error::new(e.kind, e.message)
}

/// Runs a sync export: a panic becomes `STREAM_INTERNAL`, any error a napi error with our code.
fn sync<T>(f: impl FnOnce() -> Result<T>) -> napi::Result<T, ErrorKind> {
  catch(f).map_err(to_js)
}

/// The `STREAM_*` variables as the calling thread's `process.env` holds them.
#[napi(object)]
pub struct EnvValues {
  pub api_key: Option<String>,
  pub api_secret: Option<String>,
  pub base_url: Option<String>,
  pub timeout_ms: Option<String>,
  pub max_retries: Option<String>,
}

#[napi(object)]
pub struct ClientOptions {
  pub api_key: Option<String>,
  pub api_secret: Option<String>,
  pub base_url: Option<String>,
  pub timeout_ms: Option<f64>,
  pub max_retries: Option<f64>,
}

#[napi(object)]
pub struct NativeError {
  pub code: String,
  pub message: String,
  pub status: Option<u32>,
  pub stream_code: Option<i64>,
  pub request_id: Option<String>,
  pub attempts: u32,
}

impl From<Error> for NativeError {
  fn from(e: Error) -> Self {
    NativeError {
      code: e.kind.code().to_string(),
      message: e.message,
      status: e.status.map(u32::from),
      stream_code: e.stream_code,
      request_id: e.request_id,
      attempts: e.attempts,
    }
  }
}

#[napi(object)]
pub struct NativeCall {
  #[napi(js_name = "type")]
  pub call_type: String,
  pub id: String,
  pub cid: String,
  pub created_by_id: String,
  pub created_at: String,
  /// The call's custom data as JSON text.
  pub custom_json: String,
  pub created: bool,
}

impl From<CallInfo> for NativeCall {
  fn from(c: CallInfo) -> Self {
    NativeCall {
      call_type: c.call_type,
      id: c.id,
      cid: c.cid,
      created_by_id: c.created_by_id,
      created_at: c.created_at,
      custom_json: c.custom_json,
      created: c.created,
    }
  }
}

#[napi(object)]
pub struct NativeUser {
  pub id: String,
  pub role: String,
  pub name: Option<String>,
  pub image: Option<String>,
  #[napi(ts_type = "Record<string, unknown>")]
  pub custom: serde_json::Value,
  pub created_at: String,
  pub updated_at: String,
}

impl From<UserInfo> for NativeUser {
  fn from(u: UserInfo) -> Self {
    NativeUser { id: u.id, role: u.role, name: u.name, image: u.image, custom: u.custom, created_at: u.created_at, updated_at: u.updated_at }
  }
}

/// Result of an HTTP operation: `error` when it failed, else `call` for
/// `createCall`, `users` for `upsertUsers` and nothing for the others.
#[derive(Default)]
#[napi(object)]
pub struct Outcome {
  pub call: Option<NativeCall>,
  pub users: Option<Vec<NativeUser>>,
  pub error: Option<NativeError>,
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

/// Starts a REST operation on the runtime and returns a Promise of its
/// outcome: panics are caught, `cancel` stops it, errors resolve as `error`.
fn spawn<'env, T: Send + 'static>(
  env: &'env Env,
  cancel: Option<&NativeCancel>,
  operation: impl Future<Output = Result<T>> + Send + 'static,
  into: impl FnOnce(T) -> Outcome + Send + 'static,
) -> napi::Result<PromiseRaw<'env, Outcome>> {
  let cancel = cancel.map_or_else(|| Arc::new(Cancel::default()), |c| c.inner.clone());
  env.spawn_future(async move {
    Ok(match cancel.run(catch_async(operation)).await {
      Ok(value) => into(value),
      Err(e) => Outcome { error: Some(e.into()), ..Default::default() },
    })
  })
}

/// A verified call event; `index.js` shapes it into the public `WebhookResult`.
#[napi(object)]
pub struct NativeWebhookEvent {
  #[napi(js_name = "type")]
  pub event_type: String,
  pub created_at: Option<String>,
  pub call_type: Option<String>,
  pub call_id: Option<String>,
  pub session_id: Option<String>,
  pub meeting_id: Option<String>,
  /// `active`, `processing`, `transcription`, `recording`, or absent for other events.
  pub update_kind: Option<String>,
  pub started_at: Option<String>,
  pub ended_at: Option<String>,
  pub duration_seconds: Option<f64>,
  pub url: Option<String>,
}

impl From<CallEvent> for NativeWebhookEvent {
  fn from(e: CallEvent) -> Self {
    let mut out = NativeWebhookEvent {
      event_type: e.event_type,
      created_at: e.created_at,
      call_type: e.call_type,
      call_id: e.call_id,
      session_id: e.session_id,
      meeting_id: e.meeting_id,
      update_kind: None,
      started_at: None,
      ended_at: None,
      duration_seconds: None,
      url: None,
    };
    let kind = match e.update {
      None => return out,
      Some(MeetingUpdate::Active { started_at }) => {
        out.started_at = started_at;
        "active"
      }
      Some(MeetingUpdate::Processing { started_at, ended_at, duration_seconds }) => {
        out.started_at = started_at;
        out.ended_at = ended_at;
        out.duration_seconds = duration_seconds.map(|d| d as f64);
        "processing"
      }
      Some(MeetingUpdate::Transcription { url }) => {
        out.url = Some(url);
        "transcription"
      }
      Some(MeetingUpdate::Recording { url }) => {
        out.url = Some(url);
        "recording"
      }
    };
    out.update_kind = Some(kind.to_string());
    out
  }
}

/// Public, non-secret view of a client's settings.
#[napi(object)]
pub struct ClientSettings {
  pub api_key: String,
  pub base_url: String,
  pub timeout_ms: u32,
  pub max_retries: u32,
}

#[napi]
pub struct NativeClient {
  inner: Arc<Client>,
}

#[napi]
impl NativeClient {
  #[napi(constructor)]
  pub fn new(options: ClientOptions) -> napi::Result<Self, ErrorKind> {
    let number = |n: Option<f64>| n.map(|v| v.to_string());
    let raw = RawConfig {
      api_key: options.api_key,
      api_secret: options.api_secret,
      base_url: options.base_url,
      timeout_ms: number(options.timeout_ms),
      max_retries: number(options.max_retries),
    };
    sync(|| Ok(NativeClient { inner: Arc::new(Client::new(Config::from_options(&raw)?)?) }))
  }

  /// The client for these `STREAM_*` values (errors name the variables).
  #[napi(factory)]
  pub fn from_env(env: EnvValues) -> napi::Result<Self, ErrorKind> {
    let raw = RawConfig { api_key: env.api_key, api_secret: env.api_secret, base_url: env.base_url, timeout_ms: env.timeout_ms, max_retries: env.max_retries };
    sync(|| Ok(NativeClient { inner: Arc::new(Client::new(Config::from_env_values(&raw)?)?) }))
  }

  #[napi]
  pub fn settings(&self) -> ClientSettings {
    let c = self.inner.config();
    ClientSettings { api_key: c.api_key.clone(), base_url: c.base_url.clone(), timeout_ms: c.timeout.as_millis() as u32, max_retries: c.max_retries }
  }

  #[napi]
  pub fn generate_token(&self, user_id: String, validity_in_seconds: Option<f64>) -> napi::Result<String, ErrorKind> {
    sync(|| self.inner.user_token(&user_id, validity_in_seconds))
  }

  #[napi(ts_args_type = "body: string | Uint8Array, signature: string")]
  pub fn verify_webhook(&self, body: Unknown<'_>, signature: Unknown<'_>) -> napi::Result<bool, ErrorKind> {
    verify_webhook(&self.inner, body, signature)
  }

  #[napi(ts_args_type = "body: string | Uint8Array, signature: string, storedStartedAt?: string | undefined | null, maxBodyBytes?: number | undefined | null")]
  pub fn handle_webhook(
    &self,
    body: Unknown<'_>,
    signature: Unknown<'_>,
    stored_started_at: Option<String>,
    max_body_bytes: Option<f64>,
  ) -> napi::Result<NativeWebhookEvent, ErrorKind> {
    handle_webhook(&self.inner, body, signature, stored_started_at, max_body_bytes)
  }

  #[napi]
  pub fn generate_call_token(
    &self,
    user_id: String,
    call_ids: Vec<String>,
    role: Option<String>,
    validity_in_seconds: Option<f64>,
  ) -> napi::Result<String, ErrorKind> {
    sync(|| self.inner.call_token(&user_id, &call_ids, role.as_deref(), validity_in_seconds))
  }

  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn create_call<'env>(
    &self,
    env: &'env Env,
    call_id: String,
    user_id: String,
    custom_json: String,
    cancel: Option<&NativeCancel>,
  ) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let client = self.inner.clone();
    let operation = async move { client.create_call(&call_id, &user_id, &custom_json).await };
    spawn(env, cancel, operation, |call| Outcome { call: Some(call.into()), ..Default::default() })
  }

  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn add_member<'env>(
    &self,
    env: &'env Env,
    call_id: String,
    user_id: String,
    role: String,
    cancel: Option<&NativeCancel>,
  ) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let client = self.inner.clone();
    let operation = async move { client.add_member(&call_id, &user_id, &role).await };
    spawn(env, cancel, operation, |()| Outcome::default())
  }

  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn end_call<'env>(&self, env: &'env Env, call_id: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let client = self.inner.clone();
    let operation = async move { client.end_call(&call_id).await };
    spawn(env, cancel, operation, |()| Outcome::default())
  }

  /// `users_json`: the users as a JSON array, checked natively.
  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn upsert_users<'env>(&self, env: &'env Env, users_json: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let client = self.inner.clone();
    let operation = async move { client.upsert_users(&users_json).await };
    spawn(env, cancel, operation, |users| Outcome { users: Some(users.into_iter().map(NativeUser::from).collect()), ..Default::default() })
  }
}

fn verify_webhook(client: &Client, body: Unknown<'_>, signature: Unknown<'_>) -> napi::Result<bool, ErrorKind> {
  with_signature(signature, |signature| with_body(body, |bytes| sync(|| Ok(signature.is_some_and(|s| client.verify_webhook(bytes, s))))))?
}

fn handle_webhook(
  client: &Client,
  body: Unknown<'_>,
  signature: Unknown<'_>,
  stored_started_at: Option<String>,
  max_body_bytes: Option<f64>,
) -> napi::Result<NativeWebhookEvent, ErrorKind> {
  let max = max_body_bytes.map_or(Ok(DEFAULT_MAX_BODY_BYTES), validate::max_body_bytes).map_err(to_js)?;
  let event = with_signature(signature, |signature| {
    with_body(body, |bytes| sync(|| client.handle_webhook(bytes, signature.unwrap_or(""), stored_started_at.as_deref(), max)))
  })?;
  Ok(event?.into())
}
