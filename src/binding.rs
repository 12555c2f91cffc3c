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

use crate::calls::{CallRecording, CallState, CallTranscription};
use crate::cancel::Cancel;
use crate::client::{CallAction, CallInfo, Client};
use crate::config::{Config, RawConfig};
use crate::error::{Error, ErrorKind, Result};
use crate::event::{CallEvent, CALL_EVENT_TYPES};
use crate::js_bytes::{with_body, with_signature};
use crate::panic::{catch, catch_async};
use crate::users::UserInfo;
use crate::validate;
use crate::webhook::DEFAULT_MAX_BODY_BYTES;

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

/// Runs a sync export of `client`: a panic becomes `STREAM_INTERNAL`, any
/// error a napi error with our code, sealed by the client.
fn sync<T>(client: &Client, f: impl FnOnce() -> Result<T>) -> napi::Result<T, ErrorKind> {
  catch(f).map_err(|e| to_js(client.seal(e)))
}

/// Builds a client; a settings error is sealed with the secret it was given.
fn new_client(config: Result<Config>, secret: Option<&str>) -> napi::Result<NativeClient, ErrorKind> {
  catch(|| Ok(NativeClient { inner: Arc::new(Client::new(config?)?) })).map_err(|e| to_js(e.sealed(&[secret.unwrap_or_default()])))
}

#[napi(object)]
pub struct ClientOptions {
  pub api_key: Option<String>,
  pub api_secret: Option<String>,
  pub base_url: Option<String>,
  pub timeout_ms: Option<f64>,
  pub max_retries: Option<f64>,
  pub max_connections: Option<f64>,
}

#[napi(object)]
pub struct NativeError {
  pub code: ErrorCode,
  pub message: String,
  pub status: Option<u32>,
  pub stream_code: Option<i64>,
  pub request_id: Option<String>,
  pub attempts: u32,
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
    }
  }
}

/// Result of an HTTP operation: `error` when it failed, else the field of
/// its result (`call`, `users`, `state`, `recordings`, `transcriptions`), or
/// nothing for the operations that resolve to nothing.
#[derive(Default)]
#[napi(object)]
pub struct Outcome {
  pub call: Option<CallInfo>,
  pub users: Option<Vec<UserInfo>>,
  pub state: Option<CallState>,
  pub recordings: Option<Vec<CallRecording>>,
  pub transcriptions: Option<Vec<CallTranscription>>,
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

/// Starts a REST operation of `client` on the runtime and returns a Promise of
/// its outcome: panics are caught, `cancel` stops it, errors are sealed by the
/// client and resolve as `error`.
fn spawn<'env, T: Send + 'static, F: Future<Output = Result<T>> + Send + 'static>(
  env: &'env Env,
  client: &Arc<Client>,
  cancel: Option<&NativeCancel>,
  operation: impl FnOnce(Arc<Client>) -> F,
  into: impl FnOnce(T) -> Outcome + Send + 'static,
) -> napi::Result<PromiseRaw<'env, Outcome>> {
  let cancel = cancel.map_or_else(|| Arc::new(Cancel::default()), |c| c.inner.clone());
  let client = client.clone();
  let operation = operation(client.clone());
  env.spawn_future(async move {
    Ok(match cancel.run(catch_async(operation)).await {
      Ok(value) => into(value),
      Err(e) => Outcome { error: Some(client.seal(e).into()), ..Default::default() },
    })
  })
}

/// What `handleStreamWebhook` knows besides the body and the signature.
#[napi(object)]
pub struct WebhookOptions {
  /// `X-Webhook-Id`, echoed in the result.
  pub webhook_id: Option<String>,
  /// `X-Webhook-Attempt`, echoed in the result.
  pub attempt: Option<u32>,
  /// The meeting's stored start, for the duration when the event has none.
  pub started_at: Option<String>,
  /// Body limit in bytes (1 to 1 GiB, default 1 MiB).
  pub max_body_bytes: Option<f64>,
}

/// Public, non-secret view of a client's settings.
#[napi(object)]
pub struct ClientSettings {
  pub api_key: String,
  pub base_url: String,
  pub timeout_ms: u32,
  pub max_retries: u32,
  pub max_connections: u32,
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
      max_connections: number(options.max_connections),
    };
    new_client(Config::from_options(&raw), raw.api_secret.as_deref())
  }

  /// The client for these `STREAM_*` values, as the calling thread's
  /// `process.env` holds them (errors name the variables).
  #[napi(factory)]
  pub fn from_env(env: RawConfig) -> napi::Result<Self, ErrorKind> {
    new_client(Config::from_env_values(&env), env.api_secret.as_deref())
  }

  #[napi]
  pub fn settings(&self) -> ClientSettings {
    let c = self.inner.config();
    ClientSettings {
      api_key: c.api_key.clone(),
      base_url: c.base_url.clone(),
      timeout_ms: c.timeout.as_millis() as u32,
      max_retries: c.max_retries,
      max_connections: c.max_connections,
    }
  }

  #[napi]
  pub fn generate_token(&self, user_id: String, validity_in_seconds: Option<f64>) -> napi::Result<String, ErrorKind> {
    sync(&self.inner, || self.inner.user_token(&user_id, validity_in_seconds))
  }

  #[napi(ts_args_type = "body: string | Uint8Array, signature: string")]
  pub fn verify_webhook(&self, body: Unknown<'_>, signature: Unknown<'_>) -> napi::Result<bool, ErrorKind> {
    verify_webhook(&self.inner, body, signature)
  }

  #[napi(ts_args_type = "body: string | Uint8Array, signature: string, options: WebhookOptions")]
  pub fn handle_webhook(&self, body: Unknown<'_>, signature: Unknown<'_>, options: WebhookOptions) -> napi::Result<CallEvent, ErrorKind> {
    let client = &self.inner;
    let max = options.max_body_bytes.map_or(Ok(DEFAULT_MAX_BODY_BYTES), validate::max_body_bytes).map_err(to_js)?;
    let event = with_signature(signature, |signature| {
      with_body(body, Some(max), |bytes| sync(client, || client.handle_webhook(bytes, signature.unwrap_or(""), options.started_at.as_deref(), max)))
    })??;
    Ok(CallEvent { webhook_id: options.webhook_id, attempt: options.attempt, ..event })
  }

  #[napi]
  pub fn generate_call_token(
    &self,
    user_id: String,
    call_ids: Vec<String>,
    role: Option<String>,
    validity_in_seconds: Option<f64>,
  ) -> napi::Result<String, ErrorKind> {
    sync(&self.inner, || self.inner.call_token(&user_id, &call_ids, role.as_deref(), validity_in_seconds))
  }

  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn create_call<'env>(
    &self,
    env: &'env Env,
    call_id: String,
    user_id: String,
    custom_json: String,
    settings_json: Option<String>,
    cancel: Option<&NativeCancel>,
  ) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.create_call(&call_id, &user_id, &custom_json, settings_json.as_deref()).await };
    spawn(env, &self.inner, cancel, operation, |call| Outcome { call: Some(call), ..Default::default() })
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
    let operation = |client: Arc<Client>| async move { client.add_member(&call_id, &user_id, &role).await };
    spawn(env, &self.inner, cancel, operation, |()| Outcome::default())
  }

  /// `options_json`: the caller's options (without `signal`) as JSON, checked natively.
  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn call_action<'env>(
    &self,
    env: &'env Env,
    call_id: String,
    action: CallAction,
    options_json: Option<String>,
    cancel: Option<&NativeCancel>,
  ) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.call_action(&call_id, action, options_json.as_deref()).await };
    spawn(env, &self.inner, cancel, operation, |()| Outcome::default())
  }

  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn get_call<'env>(&self, env: &'env Env, call_id: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.get_call(&call_id).await };
    spawn(env, &self.inner, cancel, operation, |state| Outcome { state: Some(state), ..Default::default() })
  }

  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn list_recordings<'env>(&self, env: &'env Env, call_id: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.list_recordings(&call_id).await };
    spawn(env, &self.inner, cancel, operation, |recordings| Outcome { recordings: Some(recordings), ..Default::default() })
  }

  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn list_transcriptions<'env>(&self, env: &'env Env, call_id: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.list_transcriptions(&call_id).await };
    spawn(env, &self.inner, cancel, operation, |transcriptions| Outcome { transcriptions: Some(transcriptions), ..Default::default() })
  }

  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn end_call<'env>(&self, env: &'env Env, call_id: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.end_call(&call_id).await };
    spawn(env, &self.inner, cancel, operation, |()| Outcome::default())
  }

  /// `users_json`: the users as a JSON array, checked natively.
  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn upsert_users<'env>(&self, env: &'env Env, users_json: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.upsert_users(&users_json).await };
    spawn(env, &self.inner, cancel, operation, |users| Outcome { users: Some(users), ..Default::default() })
  }

  /// `user_ids_json`: the ids as a JSON array, checked natively.
  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn get_users<'env>(&self, env: &'env Env, user_ids_json: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.get_users(&user_ids_json).await };
    spawn(env, &self.inner, cancel, operation, |users| Outcome { users: Some(users), ..Default::default() })
  }

  /// `updates_json`: `[{ id, set, unset }]` as JSON, checked natively.
  #[napi(ts_return_type = "Promise<Outcome>")]
  pub fn update_users_partial<'env>(&self, env: &'env Env, updates_json: String, cancel: Option<&NativeCancel>) -> napi::Result<PromiseRaw<'env, Outcome>> {
    let operation = |client: Arc<Client>| async move { client.update_users_partial(&updates_json).await };
    spawn(env, &self.inner, cancel, operation, |users| Outcome { users: Some(users), ..Default::default() })
  }
}

/// Every `call.*` event type `handleStreamWebhook` knows (node-sdk 0.7.64's list).
#[napi]
pub fn call_event_types() -> Vec<&'static str> {
  CALL_EVENT_TYPES.to_vec()
}

fn verify_webhook(client: &Client, body: Unknown<'_>, signature: Unknown<'_>) -> napi::Result<bool, ErrorKind> {
  with_signature(signature, |signature| with_body(body, None, |bytes| sync(client, || Ok(signature.is_some_and(|s| client.verify_webhook(bytes, s))))))?
}
