//! No panic reaches a user: a panic in this crate (a bug) becomes a
//! `STREAM_INTERNAL` error, and nothing is printed to stderr, so the JS side
//! reports it once, as `STREAM_LOG` says.

use std::any::Any;
use std::future::{poll_fn, Future};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::Poll;

use crate::error::{Error, ErrorKind, Result};
use crate::redact::redact;

/// Replaces the default hook, which prints the message and a backtrace to
/// stderr. The hook belongs to this library's own copy of std (a cdylib), so
/// other native code in the process keeps its own.
pub fn install_quiet_hook() {
  std::panic::set_hook(Box::new(|_| {}));
}

/// Runs `f`, turning a panic into `STREAM_INTERNAL`.
pub fn catch<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
  catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(internal(payload)))
}

/// Awaits `future`, turning a panic in any of its polls into `STREAM_INTERNAL`.
pub async fn catch_async<T>(future: impl Future<Output = Result<T>>) -> Result<T> {
  let mut future = Box::pin(future);
  poll_fn(move |cx| match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
    Ok(poll) => poll,
    Err(payload) => Poll::Ready(Err(internal(payload))),
  })
  .await
}

fn internal(payload: Box<dyn Any + Send>) -> Error {
  let detail = payload.downcast_ref::<String>().map(String::as_str).or_else(|| payload.downcast_ref::<&str>().copied()).unwrap_or("no message");
  let message = format!("internal error in stream-video-native (a bug, please report it): {detail}");
  Error::new(ErrorKind::Internal, redact(&message, &[]))
}

#[cfg(test)]
mod tests {
  use super::*;

  #[test]
  fn panics_become_internal_errors() {
    let err = catch::<()>(|| panic!("boom {}", 1)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Internal);
    assert!(err.message.ends_with("boom 1"), "{}", err.message);
    assert_eq!(catch(|| Ok(5)).unwrap(), 5);
  }

  #[tokio::test]
  async fn async_panics_become_internal_errors() {
    let err = catch_async::<()>(async {
      tokio::task::yield_now().await;
      let overflow = u64::MAX;
      panic!("after a yield {}", overflow.to_string().len())
    })
    .await
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Internal);
    assert!(err.message.ends_with("after a yield 20"), "{}", err.message);
    assert_eq!(catch_async(async { Ok(7) }).await.unwrap(), 7);
  }
}
