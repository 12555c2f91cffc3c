//! Argument checks that run before anything is signed or sent. Every message
//! names the parameter.

use crate::error::{Error, Result};

/// Stream's OpenAPI spec (v236.0.4) gives the `type` and `id` path
/// parameters of the call endpoints `maxLength: 64`.
pub const MAX_CALL_ID_LEN: usize = 64;
/// Ten years of 365 days: longer-lived user tokens are almost certainly a unit mistake.
pub const MAX_VALIDITY_SECONDS: u64 = 10 * 365 * 24 * 60 * 60;

/// The rule for a call id and a call type: 1-64 characters of
/// `[A-Za-z0-9_-]`, the OpenAPI spec's 64-character limit (on `type` and `id`)
/// plus the character set Stream's own sample apps enforce
/// (GetStream/stream-video-js PR #1165), which also keeps each safe as a URL
/// path segment and apart from the `:` of a cid.
pub fn is_call_part(part: &str) -> bool {
  !part.is_empty() && part.len() <= MAX_CALL_ID_LEN && part.bytes().all(is_id_byte)
}

/// A call named as its id (of `default_type`) or as a cid, `type:id` (split
/// on the first `:`, as Stream writes cids): the call type and id, each by
/// [`is_call_part`]. `name` is the parameter.
pub fn cid<'a>(name: &str, value: &'a str, default_type: &'a str) -> Result<(&'a str, &'a str)> {
  match value.split_once(':') {
    None if is_call_part(value) => Ok((default_type, value)),
    Some((call_type, id)) if is_call_part(call_type) && is_call_part(id) => Ok((call_type, id)),
    _ => Err(Error::invalid(format!(
      "{name} must be a call id or type:id, each part 1-{MAX_CALL_ID_LEN} characters of A-Z, a-z, 0-9, '_' or '-', got {}",
      quote(value)
    ))),
  }
}

/// `callIds` of a call token: at least one entry, each a call id (`default:`
/// is prepended) or a `type:id` cid whose type and id follow the call id rule.
pub fn call_cids(ids: &[String]) -> Result<Vec<String>> {
  if ids.is_empty() {
    return Err(Error::invalid("callIds must hold at least one call id"));
  }
  ids.iter().enumerate().map(|(i, value)| cid(&format!("callIds[{i}]"), value, "default").map(|(call_type, id)| format!("{call_type}:{id}"))).collect()
}

fn is_id_byte(b: u8) -> bool {
  b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The one rule for a user id, wherever one is taken (tokens, members,
/// users, guests), `name` being the parameter: a string that is not empty or
/// only whitespace. This is the package's rule, not Stream's (whose spec sets
/// only `minLength: 1` on a member's `user_id`): an id of spaces is a form
/// field left blank, and a user created with it could not be made a member.
pub fn user_id(name: &str, id: &str) -> Result<()> {
  not_blank(name, id)
}

/// A role (`name` is the parameter): not empty or only whitespace.
pub fn role(name: &str, role: &str) -> Result<()> {
  not_blank(name, role)
}

fn not_blank(name: &str, value: &str) -> Result<()> {
  match value {
    "" => Err(Error::invalid(format!("{name} must be a non-empty string"))),
    _ if value.trim().is_empty() => Err(Error::invalid(format!("{name} must be a non-empty string, not only whitespace"))),
    _ => Ok(()),
  }
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
      cid("callId", ok, "default").unwrap();
    }
    for bad in ["", "a b", "a/b", "é", "a?b", "a.b", &"x".repeat(65), ":", "a:", ":b", "a:b:c", "a b:c"] {
      let err = cid("callId", bad, "default").unwrap_err();
      assert_eq!(err.kind, ErrorKind::InvalidArgument);
      assert!(err.message.starts_with("callId"), "{}", err.message);
    }
    assert!(cid("callId", &"y".repeat(500), "default").unwrap_err().message.len() < 250);
  }

  #[test]
  fn cids_name_a_type() {
    assert_eq!(cid("callId", "m-1", "default").unwrap(), ("default", "m-1"));
    assert_eq!(cid("callId", "m-1", "audio_room").unwrap(), ("audio_room", "m-1"), "the client's default type");
    assert_eq!(cid("callId", "livestream:ls_1", "default").unwrap(), ("livestream", "ls_1"));
    assert!(cid("callId", "a:b:c", "default").unwrap_err().message.starts_with("callId must be a call id or type:id"));
  }

  #[test]
  fn call_cid_lists() {
    let ids = |v: &[&str]| call_cids(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(ids(&["a", "livestream:b-1", "default:c"]).unwrap(), ["default:a", "livestream:b-1", "default:c"]);
    assert_eq!(ids(&[]).unwrap_err().message, "callIds must hold at least one call id");
    assert_eq!(ids(&["a"; 1000]).unwrap().len(), 1000, "no limit without a source");
    for bad in ["", ":", "a:", ":b", "a:b:c", "a b", "é", &"x".repeat(65)] {
      let err = ids(&["ok", bad]).unwrap_err();
      assert!(err.message.starts_with("callIds[1] must be a call id"), "{bad}: {}", err.message);
    }
  }

  #[test]
  fn user_ids_and_roles() {
    user_id("userId", "u").unwrap();
    user_id("userId", &"é".repeat(1000)).unwrap();
    assert_eq!(user_id("userId", "").unwrap_err().message, "userId must be a non-empty string");
    assert_eq!(user_id("users[2].id", " \t\n\u{3000}").unwrap_err().message, "users[2].id must be a non-empty string, not only whitespace");
    role("role", "participant").unwrap();
    assert!(role("role", "").unwrap_err().message.starts_with("role"));
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
    fn call_ids_matching_the_regex_are_accepted(id in "[A-Za-z0-9_-]{1,64}", call_type in "[A-Za-z0-9_-]{1,64}") {
      prop_assert!(is_call_part(&id));
      let both = format!("{call_type}:{id}");
      prop_assert_eq!(cid("callId", &both, "default").unwrap(), (call_type.as_str(), id.as_str()));
    }

    #[test]
    fn call_ids_outside_the_regex_are_rejected(
      prefix in "[A-Za-z0-9_-]{0,30}",
      bad in "[^A-Za-z0-9_:-]",
      suffix in "[A-Za-z0-9_-]{0,30}",
      too_long in "[A-Za-z0-9_-]{65,200}",
    ) {
      let with_bad_char = format!("{prefix}{bad}{suffix}");
      prop_assert!(cid("callId", &with_bad_char, "default").is_err(), "{:?}", with_bad_char);
      prop_assert!(!is_call_part(&too_long));
    }

    #[test]
    fn validity_accepts_exactly_whole_seconds_in_range(v in any::<f64>()) {
      let ok = v.is_finite() && v.fract() == 0.0 && (1.0..=MAX_VALIDITY_SECONDS as f64).contains(&v);
      prop_assert_eq!(validity_seconds(v).is_ok(), ok);
    }
  }
}
