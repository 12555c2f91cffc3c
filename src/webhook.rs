//! Webhook signature checks: `X-Signature` is the lowercase hex HMAC-SHA256 of
//! the raw request body, keyed by the API secret. Gzip-compressed bodies are
//! inflated first (bounded) and the signature covers the inflated bytes.

use std::borrow::Cow;
use std::io::Read;

use crate::error::{Error, ErrorKind, Result};
use crate::key::{Key, HMAC_BYTES};

pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Checks size, inflates a gzip body and verifies the signature, in that order.
/// Returns the bytes the signature covers, ready to parse.
pub fn open<'a>(key: &Key, body: &'a [u8], signature: &str, max_bytes: usize) -> Result<Cow<'a, [u8]>> {
  if body.len() > max_bytes {
    return Err(Error::invalid(format!("webhook body is {} bytes, over the {max_bytes}-byte limit", body.len())));
  }
  let plain = if body.starts_with(&GZIP_MAGIC) { Cow::Owned(gunzip(body, max_bytes)?) } else { Cow::Borrowed(body) };
  if !verify_signature(key, &plain, signature) {
    return Err(Error::new(ErrorKind::WebhookSignature, "webhook signature does not match the body"));
  }
  Ok(plain)
}

/// Inflates at most `max_bytes`; a body that would inflate further is refused
/// (no zip bombs). The body must be exactly one gzip member: bytes after it
/// (trailing data, or a second member that Node's `zlib.gunzipSync` would
/// append) are refused, so the bytes whose signature is checked are the only
/// reading of the body there is.
fn gunzip(body: &[u8], max_bytes: usize) -> Result<Vec<u8>> {
  let mut out = Vec::new();
  let mut decoder = flate2::bufread::GzDecoder::new(body);
  (&mut decoder)
    .take((max_bytes as u64).saturating_add(1))
    .read_to_end(&mut out)
    .map_err(|e| Error::invalid(format!("webhook body gzip decompression failed: {e}")))?;
  if out.len() > max_bytes {
    return Err(Error::invalid(format!("decompressed webhook body is over the {max_bytes}-byte limit")));
  }
  let rest = decoder.into_inner();
  if !rest.is_empty() {
    return Err(Error::invalid(format!("webhook body has {} bytes after its gzip data", rest.len())));
  }
  Ok(out)
}

/// Checks `signature` against the body's HMAC (`hmac`), as Stream's SDK
/// does: the lowercase hex of the HMAC and the signature are compared as
/// strings, in constant time (`subtle`, RustCrypto's constant-time crate). A
/// malformed signature (wrong length, not lowercase hex) is simply `false`.
pub fn verify_signature(key: &Key, body: &[u8], signature: &str) -> bool {
  // A signature of another length cannot match, and its length is no secret.
  if signature.len() != 2 * HMAC_BYTES {
    return false;
  }
  let mut expected = [0u8; 2 * HMAC_BYTES];
  hex::encode_to_slice(key.hmac(body), &mut expected).expect("64 bytes hold 32 in hex");
  subtle::ConstantTimeEq::ct_eq(&expected[..], signature.as_bytes()).into()
}

/// Lowercase hex HMAC of `body`, as Stream puts it in `X-Signature`.
pub fn sign(key: &Key, body: &[u8]) -> String {
  hex::encode(key.hmac(body))
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::config::Secret;

  #[test]
  fn rfc4231_vector_and_round_trip() {
    // RFC 4231 test case 2: key "Jefe".
    let key = Key::new(&Secret::new("Jefe"));
    let sig = sign(&key, b"what do ya want for nothing?");
    assert_eq!(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert!(verify_signature(&key, b"what do ya want for nothing?", &sig));
    assert!(!verify_signature(&key, b"what do ya want for nothing!", &sig));
  }

  fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
  }

  #[test]
  fn open_checks_size_then_signature() {
    let key = Key::new(&Secret::new("Jefe"));
    let body = br#"{"type":"call.session_started"}"#;
    let sig = sign(&key, body);
    assert_eq!(open(&key, body, &sig, 1024).unwrap().as_ref(), body);
    let err = open(&key, body, &sig.replace('a', "b"), 1024).unwrap_err();
    assert_eq!(err.kind, ErrorKind::WebhookSignature);
    let err = open(&key, body, &sig, 10).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidArgument);
    assert!(err.message.contains("over the 10-byte limit"));
  }

  #[test]
  fn gzip_bodies_are_signed_over_the_inflated_bytes() {
    let key = Key::new(&Secret::new("Jefe"));
    let body = br#"{"type":"call.recording_ready"}"#;
    let compressed = gzip(body);
    assert_eq!(open(&key, &compressed, &sign(&key, body), 1024).unwrap().as_ref(), body);
    assert_eq!(open(&key, &compressed, &sign(&key, &compressed), 1024).unwrap_err().kind, ErrorKind::WebhookSignature);
    let bomb = gzip(&vec![b' '; 5_000_000]);
    assert!(bomb.len() < 10_000);
    let err = open(&key, &bomb, &sign(&key, b""), 1024 * 1024).unwrap_err();
    assert!(err.message.contains("decompressed webhook body is over"), "{}", err.message);
    let err = open(&key, &[0x1f, 0x8b, 1, 2, 3], "", 1024).unwrap_err();
    assert!(err.message.contains("gzip decompression failed"), "{}", err.message);
  }

  #[test]
  fn gzip_with_anything_after_its_member_is_refused() {
    let key = Key::new(&Secret::new("Jefe"));
    let body = br#"{"type":"call.recording_ready"}"#;
    let signature = sign(&key, body);
    let member = gzip(body);
    let second = [member.clone(), gzip(br#",{"type":"call.session_ended"}"#)].concat();
    let trailing = [member.clone(), b"junk".to_vec()].concat();
    let one_byte = [member.clone(), vec![0]].concat();
    for bad in [second, trailing, one_byte] {
      let err = open(&key, &bad, &signature, 1024).unwrap_err();
      assert_eq!(err.kind, ErrorKind::InvalidArgument);
      assert!(err.message.contains("after its gzip data"), "{}", err.message);
    }
    assert_eq!(open(&key, &member, &signature, 1024).unwrap().as_ref(), body);
  }

  #[test]
  fn malformed_signatures_are_false() {
    let key = Key::new(&Secret::new("Jefe"));
    let body = b"what do ya want for nothing?";
    let sig = sign(&key, body);
    for bad in [String::new(), sig.to_uppercase(), sig[..63].to_string(), format!("{sig}0"), format!("sha256={sig}"), "zz".repeat(32), "é".repeat(32)] {
      assert!(!verify_signature(&key, body, &bad), "{bad}");
    }
  }
}

#[cfg(test)]
mod properties {
  use proptest::prelude::*;

  use super::*;
  use crate::config::Secret;

  /// HMAC-SHA256 written out from RFC 2104 over SHA-256's digest API, independent of `Key::hmac`.
  fn reference_hmac_hex(key: &[u8], message: &[u8]) -> String {
    hex::encode(crate::key::tests::reference_hmac(key, message))
  }

  proptest! {
    #[test]
    fn verify_equals_reference_hmac(secret in "\\PC{1,100}", body in proptest::collection::vec(any::<u8>(), 0..2048)) {
      let key = Key::new(&Secret::new(secret.clone()));
      let expected = reference_hmac_hex(secret.as_bytes(), &body);
      prop_assert_eq!(sign(&key, &body), expected.clone());
      prop_assert!(verify_signature(&key, &body, &expected));
      let mut flipped = expected.into_bytes();
      flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
      prop_assert!(!verify_signature(&key, &body, std::str::from_utf8(&flipped).unwrap()));
    }

    #[test]
    fn arbitrary_signatures_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256), signature in "\\PC{0,200}|[0-9a-fA-F]{0,130}") {
      let key = Key::new(&Secret::new("secret"));
      let expected = reference_hmac_hex(b"secret", &body);
      prop_assert_eq!(verify_signature(&key, &body, &signature), signature == expected);
    }
  }

  #[test]
  fn huge_signature_is_false() {
    let key = Key::new(&Secret::new("secret"));
    assert!(!verify_signature(&key, b"body", &"a".repeat(10_000_000)));
  }
}
