//! Last line of defence for messages that reach users and logs: removes the
//! API secret, given tokens and anything shaped like a JWT.

const MARK: &str = "[redacted]";
/// Shorter secrets are not searched for: they would match ordinary words in
/// the message (real Stream secrets are 64 characters).
const MIN_SECRET_LEN: usize = 8;

pub fn redact(message: &str, secrets: &[&str]) -> String {
  let mut out = message.to_string();
  for secret in secrets.iter().filter(|s| s.len() >= MIN_SECRET_LEN) {
    if out.contains(secret) {
      out = out.replace(secret, MARK);
    }
  }
  redact_jwts(&out)
}

/// Replaces every `eyJ…` run of three dot-separated base64url parts.
fn redact_jwts(message: &str) -> String {
  let bytes = message.as_bytes();
  let mut out = String::with_capacity(message.len());
  let mut copied = 0;
  let mut i = 0;
  while let Some(offset) = message[i..].find("eyJ") {
    let start = i + offset;
    let end = jwt_end(bytes, start);
    if let Some(end) = end {
      out.push_str(&message[copied..start]);
      out.push_str(MARK);
      copied = end;
      i = end;
    } else {
      i = start + 3;
    }
  }
  out.push_str(&message[copied..]);
  out
}

/// End of a JWT starting at `start`: two full segments and a dot, then an
/// optional signature segment.
fn jwt_end(bytes: &[u8], start: usize) -> Option<usize> {
  let is_b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
  let mut pos = start;
  for _ in 0..2 {
    let seg_start = pos;
    while pos < bytes.len() && is_b64(bytes[pos]) {
      pos += 1;
    }
    if pos == seg_start || pos >= bytes.len() || bytes[pos] != b'.' {
      return None;
    }
    pos += 1;
  }
  while pos < bytes.len() && is_b64(bytes[pos]) {
    pos += 1;
  }
  Some(pos)
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn removes_secrets_and_jwts() {
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXJ2ZXIiOnRydWV9.xwtLjTyIWD38lvfY-BfgR52wsMU6d7yRL9KuHnVMVRs";
    assert_eq!(redact("a short secret", &["short"]), "a short secret", "too short to search for");
    let msg = format!("bad token {jwt}, secret hunter2! again hunter2!; eyJ alone; eyJa.b; end");
    let out = redact(&msg, &["hunter2!", ""]);
    assert_eq!(out, "bad token [redacted], secret [redacted] again [redacted]; eyJ alone; eyJa.b; end");
    assert_eq!(redact("unsigned eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.", &[]), "unsigned [redacted]");
    assert_eq!(redact("héllo eyJé", &[]), "héllo eyJé");
  }
}
