//! Signature checks on arbitrary signature strings and bodies: true exactly
//! for the lowercase hex HMAC of the body, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stream_video_native::config::Secret;
use stream_video_native::key::Key;
use stream_video_native::webhook::{sign, verify_signature};

fuzz_target!(|data: &[u8]| {
  let key = Key::new(&Secret::new("fuzz-secret"));
  // The first byte says how many of the rest are the signature.
  let (len, rest) = data.split_first().map_or((0, &[][..]), |(n, rest)| (*n as usize, rest));
  let (signature, body) = rest.split_at(len.min(rest.len()));
  let signature = String::from_utf8_lossy(signature);
  let expected = sign(&key, body);
  assert_eq!(verify_signature(&key, body, &signature), signature == expected);
  assert!(verify_signature(&key, body, &expected));
});
