//! The whole webhook path on arbitrary bodies (plain or gzip, bombs included):
//! size check, bounded inflate, signature, parse. A body signed over the bytes
//! it inflates to is accepted exactly when it fits the limit; nothing panics.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use stream_video_native::config::Secret;
use stream_video_native::event;
use stream_video_native::key::Key;
use stream_video_native::webhook::{open, sign};

const MAX: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
  let key = Key::new(&Secret::new("fuzz-secret"));
  let gzip = data.starts_with(&[0x1f, 0x8b]);
  // What the signature covers: the body, or what it inflates to (read independently, bounded).
  let covered = if gzip {
    let mut out = Vec::new();
    match flate2::read::GzDecoder::new(data).take(MAX as u64 + 1).read_to_end(&mut out) {
      Ok(_) => Some(out),
      Err(_) => None,
    }
  } else {
    Some(data.to_vec())
  };
  let signature = covered.as_deref().map(|c| sign(&key, c)).unwrap_or_default();
  match open(&key, data, &signature, MAX) {
    Ok(plain) => {
      let covered = covered.expect("opened, so it inflated");
      assert!(data.len() <= MAX && plain.len() <= MAX);
      assert_eq!(plain.as_ref(), covered.as_slice());
      let _ = event::parse(&plain, None);
    }
    Err(_) => assert!(data.len() > MAX || covered.is_none_or(|c| c.len() > MAX), "a fitting, signed body was refused"),
  }
  // A wrong signature never opens.
  assert!(open(&key, data, &"0".repeat(64), MAX).is_err() || signature == "0".repeat(64));
});
