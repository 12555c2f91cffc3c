//! Argument checks that run before anything is signed or sent. Every message
//! names the parameter.

use crate::error::{Error, Result};

pub const MAX_CALL_ID_LEN: usize = 64;
pub const MAX_USER_ID_LEN: usize = 255;
pub const MAX_ROLE_LEN: usize = 255;
/// Ten years of 365 days: longer-lived user tokens are almost certainly a unit mistake.
pub const MAX_VALIDITY_SECONDS: u64 = 10 * 365 * 24 * 60 * 60;

/// Call ids are 1-64 characters of `[A-Za-z0-9_-]`: Stream's 64-character limit
/// plus the character set Stream's own sample apps enforce, which also keeps the
/// id safe as a URL path segment.
pub fn call_id(id: &str) -> Result<()> {
  if id.is_empty() || id.len() > MAX_CALL_ID_LEN || !id.bytes().all(is_id_byte) {
    return Err(Error::invalid(format!("callId must be 1-{MAX_CALL_ID_LEN} characters of A-Z, a-z, 0-9, '_' or '-', got {}", quote(id))));
  }
  Ok(())
}

/// The most calls one call token may name.
pub const MAX_CALL_IDS: usize = 100;

/// `callIds` of a call token: 1-100 entries, each a call id (`default:` is
/// prepended) or a `type:id` cid whose type and id follow the call id rule.
pub fn call_cids(ids: &[String]) -> Result<Vec<String>> {
  if ids.is_empty() || ids.len() > MAX_CALL_IDS {
    return Err(Error::invalid(format!("callIds must hold 1 to {MAX_CALL_IDS} call ids, got {}", ids.len())));
  }
  ids
    .iter()
    .enumerate()
    .map(|(i, value)| {
      let (call_type, id) = value.split_once(':').unwrap_or(("default", value));
      let valid = |part: &str| !part.is_empty() && part.len() <= MAX_CALL_ID_LEN && part.bytes().all(is_id_byte);
      if valid(call_type) && valid(id) {
        Ok(format!("{call_type}:{id}"))
      } else {
        Err(Error::invalid(format!(
          "callIds[{i}] must be a call id or type:id, each part 1-{MAX_CALL_ID_LEN} characters of A-Z, a-z, 0-9, '_' or '-', got {}",
          quote(value)
        )))
      }
    })
    .collect()
}

fn is_id_byte(b: u8) -> bool {
  b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

pub fn user_id(id: &str) -> Result<()> {
  non_empty_bounded("userId", id, MAX_USER_ID_LEN)
}

pub fn role(role: &str) -> Result<()> {
  non_empty_bounded("role", role, MAX_ROLE_LEN)
}

fn non_empty_bounded(name: &str, value: &str, max: usize) -> Result<()> {
  if value.trim().is_empty() {
    return Err(Error::invalid(format!("{name} must be a non-empty string")));
  }
  if value.chars().count() > max {
    return Err(Error::invalid(format!("{name} must be at most {max} characters")));
  }
  Ok(())
}

/// Token validity: a positive whole number of seconds, at most ten years.
pub fn validity_seconds(value: f64) -> Result<u64> {
  if value.is_finite() && value.fract() == 0.0 && value >= 1.0 && value <= MAX_VALIDITY_SECONDS as f64 {
    Ok(value as u64)
  } else {
    Err(Error::invalid(format!("validityInSeconds must be a whole number of seconds from 1 to {MAX_VALIDITY_SECONDS}, got {value}")))
  }
}

/// The largest `maxBodyBytes` accepted (1 GiB): a webhook is a few KiB.
pub const MAX_MAX_BODY_BYTES: usize = 1 << 30;

/// `maxBodyBytes`: a whole number of bytes from 1 to 1 GiB.
pub fn max_body_bytes(value: f64) -> Result<usize> {
  let max = MAX_MAX_BODY_BYTES;
  if value.is_finite() && value.fract() == 0.0 && value >= 1.0 && value <= max as f64 {
    Ok(value as usize)
  } else {
    Err(Error::invalid(format!("maxBodyBytes must be a whole number of bytes from 1 to {max}, got {value}")))
  }
}

/// Stream stores at most 5 KiB of custom data per call or user (as JSON);
/// more is refused before anything is sent, so a call or user is never
/// created with data whose answer this client would then have to refuse.
pub const MAX_CUSTOM_BYTES: usize = 5 * 1024;

/// `name`'s custom data, given as JSON text, fits Stream's limit.
pub fn custom_size(name: &str, json: &str) -> Result<()> {
  match json.len() {
    n if n > MAX_CUSTOM_BYTES => Err(Error::invalid(format!("{name} is {n} bytes as JSON, over Stream's {MAX_CUSTOM_BYTES}-byte limit on custom data"))),
    _ => Ok(()),
  }
}

/// Shows a rejected value in an error message, shortened so a huge input
/// cannot flood logs.
fn quote(value: &str) -> String {
  match value.char_indices().nth(80) {
    Some((i, _)) => format!("{:?}…", &value[..i]),
    None => format!("{value:?}"),
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorKind;

  #[test]
  fn call_ids() {
    for ok in ["a", "meeting-123", "A_b-C9", &"x".repeat(64)] {
      call_id(ok).unwrap();
    }
    for bad in ["", "a b", "a/b", "a:b", "é", "a?b", "a.b", &"x".repeat(65)] {
      let err = call_id(bad).unwrap_err();
      assert_eq!(err.kind, ErrorKind::InvalidArgument);
      assert!(err.message.starts_with("callId"), "{}", err.message);
    }
    assert!(call_id(&"y".repeat(500)).unwrap_err().message.len() < 250);
  }

  #[test]
  fn call_cid_lists() {
    let ids = |v: &[&str]| call_cids(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(ids(&["a", "livestream:b-1", "default:c"]).unwrap(), ["default:a", "livestream:b-1", "default:c"]);
    assert!(ids(&[]).unwrap_err().message.starts_with("callIds must hold 1 to 100"));
    assert!(ids(&["a"; 101]).is_err());
    for bad in ["", ":", "a:", ":b", "a:b:c", "a b", "é", &"x".repeat(65)] {
      let err = ids(&["ok", bad]).unwrap_err();
      assert!(err.message.starts_with("callIds[1] must be a call id"), "{bad}: {}", err.message);
    }
  }

  #[test]
  fn user_ids_and_roles() {
    user_id("u").unwrap();
    user_id(&"é".repeat(255)).unwrap();
    assert!(user_id("").unwrap_err().message.contains("userId"));
    assert!(user_id("   ").is_err());
    assert!(user_id(&"u".repeat(256)).unwrap_err().message.contains("at most 255"));
    role("participant").unwrap();
    assert!(role("").unwrap_err().message.starts_with("role"));
  }

  #[test]
  fn validity() {
    assert_eq!(validity_seconds(3600.0).unwrap(), 3600);
    assert_eq!(validity_seconds(1.0).unwrap(), 1);
    assert_eq!(validity_seconds(MAX_VALIDITY_SECONDS as f64).unwrap(), MAX_VALIDITY_SECONDS);
    for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, (MAX_VALIDITY_SECONDS + 1) as f64] {
      let err = validity_seconds(bad).unwrap_err();
      assert!(err.message.starts_with("validityInSeconds"), "{bad}");
    }
  }

  #[test]
  fn max_body_bytes_range() {
    assert_eq!(max_body_bytes(1.0).unwrap(), 1);
    assert_eq!(max_body_bytes((1u64 << 30) as f64).unwrap(), 1 << 30);
    for bad in [0.0, -1.0, 0.5, f64::MAX, f64::INFINITY, f64::NAN, ((1u64 << 30) + 1) as f64] {
      assert!(max_body_bytes(bad).unwrap_err().message.starts_with("maxBodyBytes must be a whole number"), "{bad}");
    }
  }
}

#[cfg(test)]
mod properties {
  use proptest::prelude::*;

  use super::*;

  proptest! {
    #[test]
    fn call_ids_matching_the_regex_are_accepted(id in "[A-Za-z0-9_-]{1,64}") {
      prop_assert!(call_id(&id).is_ok());
    }

    #[test]
    fn call_ids_outside_the_regex_are_rejected(
      prefix in "[A-Za-z0-9_-]{0,30}",
      bad in "[^A-Za-z0-9_-]",
      suffix in "[A-Za-z0-9_-]{0,30}",
      too_long in "[A-Za-z0-9_-]{65,200}",
    ) {
      let with_bad_char = format!("{prefix}{bad}{suffix}");
      prop_assert!(call_id(&with_bad_char).is_err(), "{:?}", with_bad_char);
      prop_assert!(call_id(&too_long).is_err());
    }

    #[test]
    fn validity_accepts_exactly_whole_seconds_in_range(v in any::<f64>()) {
      let ok = v.is_finite() && v.fract() == 0.0 && (1.0..=MAX_VALIDITY_SECONDS as f64).contains(&v);
      prop_assert_eq!(validity_seconds(v).is_ok(), ok);
    }
  }
}
