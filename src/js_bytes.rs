//! Reading request bodies, signatures and ids from JS without extra work. A
//! body string is converted to UTF-8 in one pass into a buffer reused by the
//! thread (no length pre-scan, no allocation per call); a `Uint8Array` /
//! `Buffer` is borrowed in place. A short string (an id, a signature) is
//! copied out as UTF-16 into a stack buffer, which for V8 is a plain copy and
//! far cheaper than its UTF-8 writer's setup, and encoded here: ASCII is a
//! narrowing copy. A lone surrogate becomes U+FFFD, as Node's UTF-8 reading
//! does (`index.js` refuses them in ids before they get here).
// `cargo test` builds this module without napi's registration, so its exports look unused there.
#![cfg_attr(test, allow(dead_code))]

use std::cell::RefCell;
use std::mem::MaybeUninit;
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

/// The length of a string in UTF-16 units (O(1)), or `None` when `value` is not a string.
fn string_length(env: sys::napi_env, value: sys::napi_value) -> Option<usize> {
  let mut len = 0usize;
  (unsafe { sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut len) } == sys::Status::napi_ok).then_some(len)
}

/// Copies a string of `len` units into `units` (which has room for `len + 1`); `false` when it could not.
fn copy_units(env: sys::napi_env, value: sys::napi_value, units: &mut [u16], len: usize) -> bool {
  let mut written = 0usize;
  let status = unsafe { sys::napi_get_value_string_utf16(env, value, units.as_mut_ptr(), units.len(), &mut written) };
  status == sys::Status::napi_ok && written == len
}

/// The UTF-8 of `units` into `out`, which has room for three bytes per unit;
/// returns the length written. ASCII is narrowed (the check and the copy
/// vectorize); anything else is encoded, a lone surrogate as U+FFFD.
fn encode_utf8(units: &[u16], out: &mut [u8]) -> usize {
  if units.iter().fold(0, |all, &u| all | u) < 0x80 {
    for (byte, &unit) in out.iter_mut().zip(units) {
      *byte = unit as u8;
    }
    return units.len();
  }
  let mut at = 0;
  for c in char::decode_utf16(units.iter().copied()) {
    at += c.unwrap_or(char::REPLACEMENT_CHARACTER).encode_utf8(&mut out[at..]).len();
  }
  at
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

/// The UTF-8 of a string of `len` units, through `units` and `utf8` (room for `len + 1` and `3 * len`).
fn read_str<'a>(env: sys::napi_env, value: sys::napi_value, len: usize, units: &mut [u16], utf8: &'a mut [u8]) -> Option<&'a str> {
  copy_units(env, value, units, len).then(|| {
    let written = encode_utf8(&units[..len], utf8);
    // SAFETY: `encode_utf8` writes UTF-8 (a lone surrogate as U+FFFD).
    unsafe { std::str::from_utf8_unchecked(&utf8[..written]) }
  })
}

/// Runs `f` over a string of `len` units, read through stack buffers when it
/// is shorter than `N`, else through the heap.
fn with_len<const N: usize, R>(env: sys::napi_env, value: sys::napi_value, len: usize, f: impl FnOnce(Option<&str>) -> R) -> R {
  if len < N {
    // Stack buffers, not zeroed first (a memset would cost more than the copy).
    let mut units = MaybeUninit::<[u16; N]>::uninit();
    let mut utf8 = MaybeUninit::<[[u8; 3]; N]>::uninit();
    // SAFETY: u16 and u8 have no invalid bit patterns; only what napi and `encode_utf8` write is read.
    let (units, utf8) = unsafe { (&mut *units.as_mut_ptr(), (*utf8.as_mut_ptr()).as_flattened_mut()) };
    f(read_str(env, value, len, units, utf8))
  } else {
    f(read_str(env, value, len, &mut vec![0; len + 1], &mut vec![0; len * 3]))
  }
}

/// A hex signature is 64 characters; anything longer cannot match, so it is
/// reported as `None`, as is a value that is not a string (a missing header).
pub fn with_signature<R>(env: sys::napi_env, signature: sys::napi_value, f: impl FnOnce(Option<&str>) -> R) -> R {
  match string_length(env, signature) {
    Some(len) if len <= 128 => with_len::<129, R>(env, signature, len, f),
    _ => f(None),
  }
}

/// Runs `f` over a string argument (an id); not a string: `None`.
pub fn with_str<R>(env: sys::napi_env, value: sys::napi_value, f: impl FnOnce(Option<&str>) -> R) -> R {
  match string_length(env, value) {
    Some(len) => with_len::<256, R>(env, value, len, f),
    None => f(None),
  }
}

#[cfg(test)]
mod tests {
  use super::encode_utf8;

  fn utf8(text: &[u16]) -> Vec<u8> {
    let mut out = vec![0; text.len() * 3];
    let n = encode_utf8(text, &mut out);
    out.truncate(n);
    out
  }

  #[test]
  fn encodes_as_node_reads_strings() {
    for text in ["", "user-42", "bé 💬 ok", "\u{7f}\u{80}\u{7ff}\u{800}\u{ffff}\u{10000}"] {
      assert_eq!(utf8(&text.encode_utf16().collect::<Vec<_>>()), text.as_bytes(), "{text:?}");
    }
    // Lone surrogates become U+FFFD, each.
    assert_eq!(utf8(&[0x61, 0xD800, 0x62, 0xDC00]), "a\u{FFFD}b\u{FFFD}".as_bytes());
  }
}
