//! Reading request bodies and signatures from JS without extra work: a string
//! is converted to UTF-8 in one pass into a buffer reused by the thread (no
//! length pre-scan, no allocation per call), a `Uint8Array`/`Buffer` is
//! borrowed in place, and a signature is read into a stack buffer.
// `cargo test` builds this module without napi's registration, so its exports look unused there.
#![cfg_attr(test, allow(dead_code))]

use std::cell::RefCell;
use std::ptr;

use napi::sys;

use crate::error::ErrorKind;

thread_local! {
  static UTF8: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}
/// Buffers larger than this are not kept between calls.
const KEEP_BYTES: usize = 1024 * 1024;

fn napi_failed(what: &str) -> napi::Error<ErrorKind> {
  napi::Error::new(ErrorKind::InvalidArgument, format!("could not read {what}"))
}

fn too_large(max: usize) -> napi::Error<ErrorKind> {
  napi::Error::new(ErrorKind::InvalidArgument, format!("webhook body is over the {max}-byte limit"))
}

/// Runs `f` over the bytes of `body`: a string's UTF-8 encoding, or the bytes
/// of a typed array. Anything else is `STREAM_INVALID_ARGUMENT`. A string
/// over `max` bytes is refused before anything is copied.
pub fn with_body<R>(env: sys::napi_env, value: sys::napi_value, max: Option<usize>, f: impl FnOnce(&[u8]) -> R) -> napi::Result<R, ErrorKind> {
  let mut is_typed_array = false;
  let mut len = 0usize;
  unsafe {
    if sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut len) == sys::Status::napi_ok {
      // `len` is in UTF-16 units (O(1) to ask), and each takes at least one UTF-8 byte.
      if max.is_some_and(|max| len > max) {
        return Err(too_large(max.unwrap_or_default()));
      }
      // UTF-8 needs at most 3 bytes per unit: small strings get that much room
      // in the reused buffer; for a large one, the exact size is asked first
      // (a scan, no copy), so nothing three times its size is ever allocated.
      let mut need = len * 3;
      if need > KEEP_BYTES {
        if sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut need) != sys::Status::napi_ok {
          return Err(napi_failed("body"));
        }
        if max.is_some_and(|max| need > max) {
          return Err(too_large(max.unwrap_or_default()));
        }
      }
      return UTF8
        .with(|cell| {
          let mut buf = cell.borrow_mut();
          let cap = need + 1;
          if buf.len() < cap {
            buf.resize(cap, 0);
          }
          let mut written = 0usize;
          let status = sys::napi_get_value_string_utf8(env, value, buf.as_mut_ptr().cast(), cap, &mut written);
          let result = (status == sys::Status::napi_ok).then(|| f(&buf[..written]));
          if buf.len() > KEEP_BYTES {
            *buf = Vec::new();
          }
          result
        })
        .ok_or_else(|| napi_failed("body"));
    }
    if sys::napi_is_typedarray(env, value, &mut is_typed_array) != sys::Status::napi_ok || !is_typed_array {
      return Err(napi::Error::new(ErrorKind::InvalidArgument, "body must be a string or a Uint8Array (Buffer)"));
    }
    let mut kind = 0;
    let mut data = ptr::null_mut();
    let mut array_buffer = ptr::null_mut();
    let mut offset = 0usize;
    if sys::napi_get_typedarray_info(env, value, &mut kind, &mut len, &mut data, &mut array_buffer, &mut offset) != sys::Status::napi_ok {
      return Err(napi_failed("body"));
    }
    if kind != sys::TypedarrayType::uint8_array {
      return Err(napi::Error::new(ErrorKind::InvalidArgument, "body must be a string or a Uint8Array (Buffer)"));
    }
    let bytes = if len == 0 { &[][..] } else { std::slice::from_raw_parts(data.cast::<u8>(), len) };
    Ok(f(bytes))
  }
}

/// A hex signature is 64 characters; anything longer cannot match, so it is
/// read into a small stack buffer and reported as `None` when it overflows.
/// A value that is not a string is `None` too (a missing header).
pub fn with_signature<R>(env: sys::napi_env, signature: sys::napi_value, f: impl FnOnce(Option<&str>) -> R) -> R {
  let mut buf = [0u8; 130];
  let mut written = 0usize;
  let status = unsafe { sys::napi_get_value_string_utf8(env, signature, buf.as_mut_ptr().cast(), buf.len(), &mut written) };
  if status != sys::Status::napi_ok {
    return f(None);
  }
  let text = (written < buf.len() - 1).then(|| std::str::from_utf8(&buf[..written]).ok()).flatten();
  f(text)
}

/// Runs `f` over a short string argument (an id) read into a stack buffer in
/// one pass; a longer one is read into the heap. Not a string: `None`.
pub fn with_str<R>(env: sys::napi_env, value: sys::napi_value, f: impl FnOnce(Option<&str>) -> R) -> R {
  let mut buf = [0u8; 256];
  let mut written = 0usize;
  if unsafe { sys::napi_get_value_string_utf8(env, value, buf.as_mut_ptr().cast(), buf.len(), &mut written) } != sys::Status::napi_ok {
    return f(None);
  }
  if written < buf.len() - 1 {
    return f(std::str::from_utf8(&buf[..written]).ok());
  }
  let mut len = 0usize;
  unsafe { sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len) };
  let mut heap = vec![0u8; len + 1];
  unsafe { sys::napi_get_value_string_utf8(env, value, heap.as_mut_ptr().cast(), heap.len(), &mut written) };
  f(std::str::from_utf8(&heap[..written]).ok())
}
