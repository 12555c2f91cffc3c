//! Cancellation of a REST operation from JS (`AbortSignal`): `cancel()` wakes
//! the operation wherever it waits (the request in flight or a retry wait)
//! and drops it, which closes the request's connection.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

use tokio::sync::Notify;

use crate::error::{Error, ErrorKind, Result};

#[derive(Default)]
pub struct Cancel {
  cancelled: AtomicBool,
  notify: Notify,
}

impl Cancel {
  pub fn cancel(&self) {
    self.cancelled.store(true, Ordering::SeqCst);
    self.notify.notify_waiters();
  }

  pub fn is_cancelled(&self) -> bool {
    self.cancelled.load(Ordering::SeqCst)
  }

  async fn cancelled(&self) {
    loop {
      let mut notified = pin!(self.notify.notified());
      // Registered before the flag is read, so a cancel in between is not missed.
      notified.as_mut().enable();
      if self.is_cancelled() {
        return;
      }
      notified.await;
    }
  }

  /// Runs `operation` until it completes or `cancel()` is called, whichever
  /// comes first; the operation is dropped on cancel.
  pub async fn run<T>(&self, operation: impl Future<Output = Result<T>>) -> Result<T> {
    if self.is_cancelled() {
      return Err(aborted());
    }
    let mut operation = pin!(operation);
    let mut cancelled = pin!(self.cancelled());
    poll_fn(|cx| {
      if cancelled.as_mut().poll(cx).is_ready() {
        return Poll::Ready(Err(aborted()));
      }
      operation.as_mut().poll(cx)
    })
    .await
  }
}

fn aborted() -> Error {
  Error::new(ErrorKind::Aborted, "the operation was aborted")
}

#[cfg(test)]
mod tests {
  use std::sync::Arc;
  use std::time::{Duration, Instant};

  use super::*;

  #[tokio::test]
  async fn cancel_stops_a_waiting_operation_at_once() {
    let cancel = Arc::new(Cancel::default());
    let canceller = cancel.clone();
    tokio::spawn(async move {
      tokio::time::sleep(Duration::from_millis(20)).await;
      canceller.cancel();
    });
    let started = Instant::now();
    let result = cancel
      .run(async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
      })
      .await;
    assert_eq!(result.unwrap_err().kind, ErrorKind::Aborted);
    assert!(started.elapsed() < Duration::from_secs(1));
  }

  #[tokio::test]
  async fn completed_or_already_cancelled() {
    let cancel = Cancel::default();
    assert_eq!(cancel.run(async { Ok(3) }).await.unwrap(), 3);
    cancel.cancel();
    let mut started = false;
    let result = cancel
      .run(async {
        started = true;
        Ok(())
      })
      .await;
    assert_eq!(result.unwrap_err().kind, ErrorKind::Aborted);
    assert!(!started, "an already-cancelled operation never starts");
  }
}
