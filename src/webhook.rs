//! Webhook signature checks: `X-Signature` is the lowercase hex HMAC-SHA256 of
//! the raw request body, keyed by the API secret.

use hmac::Mac;

use crate::token::Key;

/// Constant-time check of `signature` against the body's HMAC. A malformed
/// signature (wrong length, not lowercase hex) is simply `false`, as in
/// Stream's SDK, which compares the lowercase hex strings.
pub fn verify_signature(key: &Key, body: &[u8], signature: &str) -> bool {
  let Some(expected) = decode_lower_hex(signature) else {
    return false;
  };
  let mut mac = key.mac();
  mac.update(body);
  mac.verify_slice(&expected).is_ok()
}

/// Lowercase hex HMAC of `body`, as Stream puts it in `X-Signature`.
pub fn sign(key: &Key, body: &[u8]) -> String {
  let mut mac = key.mac();
  mac.update(body);
  let bytes = mac.finalize().into_bytes();
  let mut out = String::with_capacity(64);
  for b in bytes {
    out.push(HEX[(b >> 4) as usize] as char);
    out.push(HEX[(b & 15) as usize] as char);
  }
  out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn decode_lower_hex(signature: &str) -> Option<[u8; 32]> {
  let bytes = signature.as_bytes();
  if bytes.len() != 64 {
    return None;
  }
  let nibble = |c: u8| match c {
    b'0'..=b'9' => Some(c - b'0'),
    b'a'..=b'f' => Some(c - b'a' + 10),
    _ => None,
  };
  let mut out = [0u8; 32];
  for (i, pair) in bytes.chunks_exact(2).enumerate() {
    out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
  }
  Some(out)
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

  #[test]
  fn malformed_signatures_are_false() {
    let key = Key::new(&Secret::new("Jefe"));
    let body = b"what do ya want for nothing?";
    let sig = sign(&key, body);
    for bad in [
      String::new(),
      sig.to_uppercase(),
      sig[..63].to_string(),
      format!("{sig}0"),
      format!("sha256={sig}"),
      "zz".repeat(32),
      "é".repeat(32),
    ] {
      assert!(!verify_signature(&key, body, &bad), "{bad}");
    }
  }
}

#[cfg(test)]
mod properties {
  use proptest::prelude::*;
  use sha2::{Digest, Sha256};

  use super::*;
  use crate::config::Secret;

  /// HMAC-SHA256 written out from RFC 2104 on plain SHA-256, independent of the `hmac` crate.
  fn reference_hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut block = [0u8; 64];
    if key.len() > 64 {
      block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
      block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    let outer = Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
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
