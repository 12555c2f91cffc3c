//! The three hot paths as plain Node-API callbacks: user tokens, webhook
//! checks and webhook events run once per request or more. napi-rs wraps
//! every generated function that takes arguments in a borrow scope, which
//! costs about as much as a token's HMAC; these read their arguments with one
//! `napi_get_cb_info` instead. They throw errors whose `code` is the stable
//! error code, sealed by the signer, and no panic leaves them. `index.js`
//! checks the argument types first; what reaches here anyway is refused.
//!
//! JS signatures (`binding.d.ts` does not list these, as napi-rs generates it
//! from the `#[napi]` items):
//! - `userToken(signer, userId: string, validityInSeconds?: number): string`
//! - `verifyWebhook(signer, body: string | Uint8Array, signature: unknown): boolean`
//! - `handleWebhook(signer, body: string | Uint8Array, signature: unknown, webhookId?: string,
//!   attempt?: number, startedAt?: string, maxBodyBytes?: number, slots: Float64Array): string`
//!   (the event's text; `slots` gets how to cut it, see `event_fields`)
// `cargo test` builds this module without napi's registration, so its exports look unused there.
#![cfg_attr(test, allow(dead_code))]

use std::ffi::CString;
use std::ptr;

use napi::bindgen_prelude::{Env, Object};
use napi::sys::{self, napi_callback_info, napi_env, napi_value};
use napi::JsValue;
use napi_derive::napi;

use crate::error::{Error, ErrorKind, Result};
use crate::event_fields;
use crate::handle;
use crate::js_bytes::{with_body, with_signature, with_str};
use crate::panic::catch;
use crate::signer::{Signer, WebhookContext};
use crate::validate;
use crate::webhook::DEFAULT_MAX_BODY_BYTES;

/// Adds the callbacks to the module's exports.
#[napi(module_exports)]
pub fn register(exports: Object<'_>, env: Env) -> napi::Result<()> {
  let callbacks: [(&str, Callback); 3] = [("userToken", user_token), ("verifyWebhook", verify_webhook), ("handleWebhook", handle_webhook)];
  for (name, callback) in callbacks {
    let mut function = ptr::null_mut();
    let status = unsafe { sys::napi_create_function(env.raw(), name.as_ptr().cast(), name.len() as isize, Some(callback), ptr::null_mut(), &mut function) };
    if status != sys::Status::napi_ok
      || unsafe { sys::napi_set_named_property(env.raw(), exports.raw(), CString::new(name)?.as_ptr(), function) } != sys::Status::napi_ok
    {
      return Err(napi::Error::from_reason(format!("could not export {name}")));
    }
  }
  Ok(())
}

type Callback = unsafe extern "C" fn(napi_env, napi_callback_info) -> napi_value;

/// The callback's first `N` arguments (`undefined` where fewer were passed).
unsafe fn arguments<const N: usize>(env: napi_env, info: napi_callback_info) -> [napi_value; N] {
  let mut argv = [ptr::null_mut(); N];
  let mut argc = N;
  unsafe { sys::napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut()) };
  argv
}

/// Runs a callback over its signer handle: `f`'s value is returned, its
/// error (or panic) thrown, sealed by the signer.
unsafe fn with_signer(env: napi_env, handle: napi_value, f: impl FnOnce(&Signer) -> Result<napi_value>) -> napi_value {
  let Some(signer) = (unsafe { handle::get::<Signer>(env, handle) }) else {
    return throw(env, Error::invalid("the signer handle is not one"));
  };
  match catch(|| f(signer)) {
    Ok(value) => value,
    Err(e) => throw(env, signer.seal(e, &[])),
  }
}

fn throw(env: napi_env, e: Error) -> napi_value {
  let code = CString::new(e.kind.code()).expect("codes have no NUL");
  let message = CString::new(e.message.replace('\0', "")).expect("NULs were removed");
  unsafe { sys::napi_throw_error(env, code.as_ptr(), message.as_ptr()) };
  ptr::null_mut()
}

fn failed(what: &str) -> Error {
  Error::new(ErrorKind::Internal, format!("could not {what}"))
}

fn from_napi(e: napi::Error<ErrorKind>) -> Error {
  Error::new(e.status, e.reason.clone())
}

/// `undefined`/`null` as `None`, a number as its value; anything else names `name`.
unsafe fn optional_number(env: napi_env, value: napi_value, name: &str) -> Result<Option<f64>> {
  let mut kind = 0;
  unsafe { sys::napi_typeof(env, value, &mut kind) };
  match kind {
    sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
    sys::ValueType::napi_number => {
      let mut number = 0.0;
      unsafe { sys::napi_get_value_double(env, value, &mut number) };
      Ok(Some(number))
    }
    _ => Err(Error::invalid(format!("{name} must be a number"))),
  }
}

/// An optional string argument, owned.
unsafe fn optional_string(env: napi_env, value: napi_value, name: &str) -> Result<Option<String>> {
  let mut kind = 0;
  unsafe { sys::napi_typeof(env, value, &mut kind) };
  match kind {
    sys::ValueType::napi_undefined | sys::ValueType::napi_null => Ok(None),
    _ => with_str(env, value, |s| s.map(str::to_owned).map(Some).ok_or_else(|| Error::invalid(format!("{name} must be a string")))),
  }
}

fn latin1(env: napi_env, ascii: &str) -> Result<napi_value> {
  let mut value = ptr::null_mut();
  match unsafe { sys::napi_create_string_latin1(env, ascii.as_ptr().cast(), ascii.len() as isize, &mut value) } {
    sys::Status::napi_ok => Ok(value),
    _ => Err(failed("create a string")),
  }
}

unsafe extern "C" fn user_token(env: napi_env, info: napi_callback_info) -> napi_value {
  let [handle, user_id, validity] = unsafe { arguments::<3>(env, info) };
  unsafe {
    with_signer(env, handle, |signer| {
      let validity = optional_number(env, validity, "validityInSeconds")?;
      let token = with_str(env, user_id, |id| signer.user_token(id.ok_or_else(|| Error::invalid("userId must be a string"))?, validity))?;
      latin1(env, &token)
    })
  }
}

unsafe extern "C" fn verify_webhook(env: napi_env, info: napi_callback_info) -> napi_value {
  let [handle, body, signature] = unsafe { arguments::<3>(env, info) };
  unsafe {
    with_signer(env, handle, |signer| {
      let valid = with_signature(env, signature, |signature| with_body(env, body, None, |bytes| signature.is_some_and(|s| signer.verify_webhook(bytes, s))))
        .map_err(from_napi)?;
      let mut value = ptr::null_mut();
      sys::napi_get_boolean(env, valid, &mut value);
      Ok(value)
    })
  }
}

unsafe extern "C" fn handle_webhook(env: napi_env, info: napi_callback_info) -> napi_value {
  let [handle, body, signature, webhook_id, attempt, started_at, max_body_bytes, slots] = unsafe { arguments::<8>(env, info) };
  unsafe {
    with_signer(env, handle, |signer| {
      let slots = float64_slots(env, slots)?;
      let max_body_bytes = optional_number(env, max_body_bytes, "options.maxBodyBytes")?.map_or(Ok(DEFAULT_MAX_BODY_BYTES), validate::max_body_bytes)?;
      let attempt = optional_number(env, attempt, "headers.attempt")?.map(|n| n as u32);
      let webhook_id = optional_string(env, webhook_id, "headers.webhookId")?;
      let started_at = optional_string(env, started_at, "options.startedAt")?;
      let context = WebhookContext { webhook_id, attempt, started_at: started_at.as_deref(), max_body_bytes };
      let text = with_signature(env, signature, |signature| {
        with_body(env, body, Some(max_body_bytes), |bytes| {
          signer.handle_webhook(bytes, signature.unwrap_or(""), context).map(|e| event_fields::encode(&e, slots))
        })
      })
      .map_err(from_napi)??;
      let mut value = ptr::null_mut();
      match sys::napi_create_string_utf16(env, text.as_ptr(), text.len() as isize, &mut value) {
        sys::Status::napi_ok => Ok(value),
        _ => Err(failed("create a string")),
      }
    })
  }
}

/// The `Float64Array` an event's slots are written to (`event_fields::SLOTS` of them).
unsafe fn float64_slots<'a>(env: napi_env, value: napi_value) -> Result<&'a mut [f64; event_fields::SLOTS]> {
  let mut is_typed_array = false;
  let (mut kind, mut len, mut data) = (0, 0usize, ptr::null_mut());
  let ok = unsafe { sys::napi_is_typedarray(env, value, &mut is_typed_array) } == sys::Status::napi_ok
    && is_typed_array
    && unsafe { sys::napi_get_typedarray_info(env, value, &mut kind, &mut len, &mut data, ptr::null_mut(), ptr::null_mut()) } == sys::Status::napi_ok;
  if !ok || kind != sys::TypedarrayType::float64_array || len < event_fields::SLOTS || data.is_null() {
    return Err(Error::invalid(format!("slots must be a Float64Array of {} or more", event_fields::SLOTS)));
  }
  // A Float64Array's data is 8-byte aligned, and nothing else runs while this call writes it.
  Ok(unsafe { &mut *data.cast::<[f64; event_fields::SLOTS]>() })
}
