//! When to try a request again, and how long to wait first.
//!
//! Whether an operation may be sent again is its retry class (`operation`):
//! idempotent operations and switches are retried after any retryable
//! failure; the others (`Retry::Unsent`) only after a failure that shows
//! Stream never acted: a 429, a refused connection or a connect timeout.
//!
//! Retried: HTTP 429, 500, 502, 503 and 504, refused or reset connections and
//! connect timeouts. Never retried: other 4xx and bodies that say
//! `"unrecoverable": true`. The wait is the server's hint (`Retry-After`, or
//! `X-RateLimit-Reset` on a 429) when there is one, otherwise exponential
//! backoff with full jitter from 100 ms; a wait that would pass the caller's
//! deadline is not taken and the last error is returned at once.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::operation::Retry;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
  pub max_retries: u32,
  pub base_delay: Duration,
  pub max_delay: Duration,
}

impl RetryPolicy {
  pub fn new(max_retries: u32) -> Self {
    RetryPolicy { max_retries, base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(5) }
  }

  /// The wait before the next attempt, or `None` to give up. `retries_done`
  /// counts retries already made; `jitter` is uniform in `[0, 1)`.
  pub fn next_delay(&self, retries_done: u32, failure: &Failure, class: Retry, remaining: Duration, jitter: f64) -> Option<Duration> {
    if retries_done >= self.max_retries || !failure.is_retryable() || (class == Retry::Unsent && !failure.shows_unsent()) {
      return None;
    }
    let delay = match failure.server_hint() {
      Some(hint) => hint,
      None => {
        let ceiling = self.base_delay.saturating_mul(1u32 << retries_done.min(16)).min(self.max_delay);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
      }
    };
    (delay < remaining).then_some(delay)
  }
}

/// One failed attempt, as far as the retry decision is concerned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Failure {
  /// A complete non-2xx response.
  Status { status: u16, unrecoverable: bool, hint: Option<Duration> },
  /// Connection reset or closed before a full response arrived: the request
  /// may have reached Stream.
  Connection,
  /// No connection was made (refused, or this process could not open one):
  /// nothing was sent.
  Refused,
  /// Connecting took longer than the connect timeout.
  ConnectTimeout,
  /// The caller's deadline passed, or the response could not be used; no time
  /// or no point in trying again.
  Final,
}

impl Failure {
  pub fn is_retryable(&self) -> bool {
    match *self {
      Failure::Status { status, unrecoverable, .. } => !unrecoverable && matches!(status, 429 | 500 | 502 | 503 | 504),
      Failure::Connection | Failure::Refused | Failure::ConnectTimeout => true,
      Failure::Final => false,
    }
  }

  /// Whether this failure shows that Stream did not act on the request: it
  /// refused it for the rate limit, or it was never sent.
  pub fn shows_unsent(&self) -> bool {
    matches!(self, Failure::Status { status: 429, .. } | Failure::Refused | Failure::ConnectTimeout)
  }

  fn server_hint(&self) -> Option<Duration> {
    match *self {
      Failure::Status { hint, .. } => hint,
      _ => None,
    }
  }
}

/// The server's own idea of when to come back: `Retry-After` (seconds or an
/// HTTP date) on any retryable status, else Stream's `X-RateLimit-Reset`
/// (epoch seconds) on a 429.
pub fn server_hint(status: u16, retry_after: Option<&str>, rate_limit_reset: Option<&str>, now: SystemTime) -> Option<Duration> {
  if let Some(value) = retry_after.map(str::trim) {
    if let Ok(seconds) = value.parse::<u64>() {
      return Some(Duration::from_secs(seconds));
    }
    if let Ok(at) = httpdate::parse_http_date(value) {
      return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
    }
  }
  if status == 429 {
    let reset = rate_limit_reset?.trim().parse::<u64>().ok()?;
    // A reset past what the clock can represent means "not before the deadline".
    let Some(at) = UNIX_EPOCH.checked_add(Duration::from_secs(reset)) else {
      return Some(Duration::MAX);
    };
    return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
  }
  None
}

#[cfg(test)]
mod tests {
  use super::*;

  const LONG: Duration = Duration::from_secs(60);

  fn status(status: u16) -> Failure {
    Failure::Status { status, unrecoverable: false, hint: None }
  }

  #[test]
  fn retryable_statuses_and_errors() {
    for s in [429, 500, 502, 503, 504] {
      assert!(status(s).is_retryable(), "{s}");
    }
    for s in [400, 401, 403, 404, 408, 409, 413, 422, 501, 505] {
      assert!(!status(s).is_retryable(), "{s}");
    }
    assert!(Failure::Connection.is_retryable());
    assert!(Failure::ConnectTimeout.is_retryable());
    assert!(!Failure::Final.is_retryable());
    assert!(Failure::Refused.is_retryable());
    assert!(!Failure::Status { status: 503, unrecoverable: true, hint: None }.is_retryable());
  }

  #[test]
  fn full_jitter_exponential_backoff() {
    let p = RetryPolicy::new(3);
    assert_eq!(p.next_delay(0, &status(503), Retry::Any, LONG, 0.0), Some(Duration::ZERO));
    let near_top = p.next_delay(0, &status(503), Retry::Any, LONG, 0.999).unwrap();
    assert!(near_top > Duration::from_millis(99) && near_top < Duration::from_millis(100), "{near_top:?}");
    assert_eq!(p.next_delay(1, &status(503), Retry::Any, LONG, 0.5), Some(Duration::from_millis(100)));
    assert_eq!(p.next_delay(2, &status(503), Retry::Any, LONG, 0.5), Some(Duration::from_millis(200)));
    assert_eq!(p.next_delay(3, &status(503), Retry::Any, LONG, 0.5), None, "budget of 3 retries spent");
    let wide = RetryPolicy::new(10);
    assert_eq!(wide.next_delay(9, &status(503), Retry::Any, LONG, 1.0), Some(Duration::from_secs(5)), "capped");
    assert_eq!(RetryPolicy::new(0).next_delay(0, &status(503), Retry::Any, LONG, 0.5), None, "0 disables");
    assert_eq!(p.next_delay(0, &status(400), Retry::Any, LONG, 0.5), None);
  }

  #[test]
  fn server_hint_wins_but_not_past_the_deadline() {
    let p = RetryPolicy::new(3);
    let hinted = Failure::Status { status: 429, unrecoverable: false, hint: Some(Duration::from_secs(1)) };
    assert_eq!(p.next_delay(0, &hinted, Retry::Any, LONG, 0.0), Some(Duration::from_secs(1)));
    assert_eq!(p.next_delay(0, &hinted, Retry::Any, Duration::from_millis(900), 0.0), None);
    assert_eq!(p.next_delay(0, &status(503), Retry::Any, Duration::from_millis(10), 0.5), None, "backoff past deadline");
  }

  #[test]
  fn parses_retry_after_and_rate_limit_reset() {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    assert_eq!(server_hint(429, Some("1"), None, now), Some(Duration::from_secs(1)));
    assert_eq!(server_hint(503, Some(" 7 "), None, now), Some(Duration::from_secs(7)));
    let date = httpdate::fmt_http_date(now + Duration::from_secs(3));
    assert_eq!(server_hint(503, Some(&date), None, now), Some(Duration::from_secs(3)));
    let past = httpdate::fmt_http_date(now - Duration::from_secs(3));
    assert_eq!(server_hint(503, Some(&past), None, now), Some(Duration::ZERO));
    assert_eq!(server_hint(429, None, Some("1700000002"), now), Some(Duration::from_secs(2)));
    assert_eq!(server_hint(429, None, Some("1699999000"), now), Some(Duration::ZERO));
    assert_eq!(server_hint(500, None, Some("1700000002"), now), None, "reset only means something on 429");
    assert_eq!(server_hint(429, Some("soon"), Some("x"), now), None);
    assert_eq!(server_hint(429, None, None, now), None);
  }

  #[test]
  fn extreme_header_values_never_panic_and_never_wait_past_the_deadline() {
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let p = RetryPolicy::new(3);
    let extremes = [
      "18446744073709551615",
      "18446744073709551616",
      "99999999999999999999999999",
      "-1",
      "1e400",
      "",
      " ",
      "NaN",
      "Fri, 31 Dec 9999 23:59:59 GMT",
      "Thu, 01 Jan 1970 00:00:00 GMT",
      "\u{0}",
    ];
    for value in extremes {
      for status in [429, 503] {
        let hint = server_hint(status, Some(value), Some(value), now);
        let failure = Failure::Status { status, unrecoverable: false, hint };
        if let Some(delay) = p.next_delay(0, &failure, Retry::Any, LONG, 0.5) {
          assert!(delay < LONG, "{value}: {delay:?}");
        }
        let hint = server_hint(status, None, Some(value), now);
        let _ = p.next_delay(0, &Failure::Status { status, unrecoverable: false, hint }, Retry::Any, LONG, 0.5);
      }
    }
    assert_eq!(server_hint(429, None, Some("18446744073709551615"), now), Some(Duration::MAX));
    assert_eq!(p.next_delay(0, &Failure::Status { status: 429, unrecoverable: false, hint: Some(Duration::MAX) }, Retry::Any, LONG, 0.5), None);
  }

  #[test]
  fn writes_that_are_not_idempotent_are_retried_only_when_nothing_was_sent() {
    let p = RetryPolicy::new(3);
    for unsent in [status(429), Failure::Refused, Failure::ConnectTimeout] {
      assert!(p.next_delay(0, &unsent, Retry::Unsent, LONG, 0.5).is_some(), "{unsent:?}");
    }
    for maybe_acted in [status(500), status(502), status(503), status(504), Failure::Connection] {
      assert_eq!(p.next_delay(0, &maybe_acted, Retry::Unsent, LONG, 0.5), None, "{maybe_acted:?}");
      assert!(p.next_delay(0, &maybe_acted, Retry::Any, LONG, 0.5).is_some(), "{maybe_acted:?}");
      assert!(p.next_delay(0, &maybe_acted, Retry::Switch { start: true }, LONG, 0.5).is_some(), "{maybe_acted:?}");
    }
  }
}
