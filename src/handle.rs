//! Native handles for JS: an `Arc<T>` behind a Node-API external that carries
//! `T`'s type tag. A value is dereferenced only after its tag was checked, so
//! any other value (a number, an object, another kind of handle) is refused.
//! The check is one field compare inside Node, where napi-rs's `External`
//! takes a process-wide lock and a hash lookup on every call.
// `cargo test` builds this module without napi's registration, so its exports look unused there.
#![cfg_attr(test, allow(dead_code))]

use std::ffi::c_void;
use std::ptr;
use std::sync::Arc;

use napi::sys;

use crate::client::Client;
use crate::signer::Signer;

/// A type JS may hold a handle to.
pub trait Handle: Send + Sync + 'static {
  /// Distinct for each type (any 128 random bits).
  const TAG: sys::napi_type_tag;
  /// What an error calls a handle of this type.
  const NAME: &'static str;
}

impl Handle for Signer {
  const TAG: sys::napi_type_tag = sys::napi_type_tag { lower: 0x5b1f_0c6e_93d2_47a8, upper: 0x8e44_d1a7_2cf0_9b35 };
  const NAME: &'static str = "signer";
}

impl Handle for Client {
  const TAG: sys::napi_type_tag = sys::napi_type_tag { lower: 0x2d7a_e915_04bc_6f13, upper: 0xc36b_58f2_a901_de47 };
  const NAME: &'static str = "client";
}

unsafe extern "C" fn finalize<T: Handle>(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
  drop(unsafe { Box::from_raw(data.cast::<Arc<T>>()) });
}

fn failed(what: &str) -> napi::Error {
  napi::Error::from_reason(format!("could not {what}"))
}

/// A new JS handle to `value`; the `Arc` is released when JS collects it.
pub fn wrap<T: Handle>(env: sys::napi_env, value: Arc<T>) -> napi::Result<sys::napi_value> {
  let data = Box::into_raw(Box::new(value));
  let mut external = ptr::null_mut();
  unsafe {
    if sys::napi_create_external(env, data.cast(), Some(finalize::<T>), ptr::null_mut(), &mut external) != sys::Status::napi_ok {
      drop(Box::from_raw(data));
      return Err(failed("create a handle"));
    }
    // From here the external owns `data`: its finalizer frees it.
    if sys::napi_type_tag_object(env, external, &T::TAG) != sys::Status::napi_ok {
      return Err(failed("tag a handle"));
    }
  }
  Ok(external)
}

/// The `T` behind `value`, or `None` when `value` is not a handle to a `T`.
///
/// # Safety
/// `value` must be a live value of `env`, and the reference must not outlive
/// it (it lives as long as the JS value, e.g. for the call it is an argument of).
pub unsafe fn get<'a, T: Handle>(env: sys::napi_env, value: sys::napi_value) -> Option<&'a Arc<T>> {
  // The tag check converts its argument to an object, which throws for `null` and `undefined`.
  let mut kind = 0;
  if unsafe { sys::napi_typeof(env, value, &mut kind) } != sys::Status::napi_ok || kind != sys::ValueType::napi_external {
    return None;
  }
  let mut tagged = false;
  if unsafe { sys::napi_check_object_type_tag(env, value, &T::TAG, &mut tagged) } != sys::Status::napi_ok || !tagged {
    return None;
  }
  let mut data = ptr::null_mut();
  if unsafe { sys::napi_get_value_external(env, value, &mut data) } != sys::Status::napi_ok || data.is_null() {
    return None;
  }
  Some(unsafe { &*data.cast::<Arc<T>>() })
}
