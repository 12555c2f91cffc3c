//! Watching each HTTP attempt of a REST operation, for tracing: an
//! [`Observer`] is told when an attempt starts (and answers with headers to
//! send, such as W3C `traceparent`) and how it ended. It is set for one
//! operation with [`observed`] and found by the client with [`current`], so
//! the REST functions need no parameter for it; without one, nothing is done.
//! An attempt dropped before its end (the operation was aborted) ends as
//! `aborted`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An attempt about to be sent.
pub struct AttemptStart<'a> {
  /// 1 for the first attempt of the operation.
  pub number: u32,
  pub method: &'a str,
  pub url: &'a str,
}

/// How an attempt ended: Stream's HTTP status, or what kept it from one.
pub struct AttemptEnd {
  pub number: u32,
  pub method: String,
  pub url: String,
  /// From the attempt's start to its end.
  pub duration: Duration,
  pub status: Option<u16>,
  /// `timeout`, `connect_error`, `network_error`, `response_too_large` or `aborted`.
  pub error: Option<&'static str>,
}

pub type Headers = Vec<(String, String)>;

pub trait Observer: Send + Sync {
  /// The attempt starts; resolves to the headers to add to it.
  fn start(&self, attempt: AttemptStart<'_>) -> Pin<Box<dyn Future<Output = Headers> + Send + 'static>>;
  fn end(&self, attempt: AttemptEnd);
}

tokio::task_local! {
  static OBSERVER: Arc<dyn Observer>;
}

/// Runs `operation` with `observer` (if any) watching its attempts.
pub async fn observed<F: Future>(observer: Option<Arc<dyn Observer>>, operation: F) -> F::Output {
  match observer {
    Some(observer) => OBSERVER.scope(observer, operation).await,
    None => operation.await,
  }
}

/// The observer of the operation running now, if any.
pub fn current() -> Option<Arc<dyn Observer>> {
  OBSERVER.try_with(Arc::clone).ok()
}

/// An attempt under watch: [`Watch::end`] reports how it ended; dropped
/// without that, it ends as `aborted`.
pub struct Watch {
  observer: Arc<dyn Observer>,
  number: u32,
  method: String,
  url: String,
  started: Instant,
  ended: bool,
}

impl Watch {
  /// Tells `observer` the attempt starts; resolves to the watch and the headers to send.
  pub async fn start(observer: Arc<dyn Observer>, attempt: AttemptStart<'_>) -> (Watch, Headers) {
    let (number, method, url) = (attempt.number, attempt.method.to_string(), attempt.url.to_string());
    let headers = observer.start(attempt).await;
    (Watch { observer, number, method, url, started: Instant::now(), ended: false }, headers)
  }

  pub fn end(mut self, status: Option<u16>, error: Option<&'static str>) {
    self.ended = true;
    self.report(status, error);
  }

  fn report(&mut self, status: Option<u16>, error: Option<&'static str>) {
    let (method, url) = (std::mem::take(&mut self.method), std::mem::take(&mut self.url));
    self.observer.end(AttemptEnd { number: self.number, method, url, duration: self.started.elapsed(), status, error });
  }
}

impl Drop for Watch {
  fn drop(&mut self) {
    if !self.ended {
      self.report(None, Some("aborted"));
    }
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use std::sync::Mutex;

  #[derive(Default)]
  struct Log(Mutex<Vec<String>>);

  impl Observer for Log {
    fn start(&self, a: AttemptStart<'_>) -> Pin<Box<dyn Future<Output = Headers> + Send + 'static>> {
      self.0.lock().unwrap().push(format!("start {} {} {}", a.number, a.method, a.url));
      Box::pin(async { vec![("traceparent".to_string(), "00-x".to_string())] })
    }
    fn end(&self, a: AttemptEnd) {
      self.0.lock().unwrap().push(format!("end {} {} {} {:?} {:?}", a.number, a.method, a.url, a.status, a.error));
    }
  }

  #[tokio::test]
  async fn an_operation_sees_its_observer_and_others_do_not() {
    let log = Arc::new(Log::default());
    let seen = observed(Some(log.clone()), async {
      let (watch, headers) = Watch::start(current().unwrap(), AttemptStart { number: 1, method: "POST", url: "http://x/a" }).await;
      watch.end(Some(503), None);
      let (_dropped, _) = Watch::start(current().unwrap(), AttemptStart { number: 2, method: "POST", url: "http://x/a" }).await;
      headers
    })
    .await;
    assert_eq!(seen, vec![("traceparent".to_string(), "00-x".to_string())]);
    assert!(observed(None, async { current().is_none() }).await);
    assert_eq!(
      *log.0.lock().unwrap(),
      ["start 1 POST http://x/a", "end 1 POST http://x/a Some(503) None", "start 2 POST http://x/a", "end 2 POST http://x/a None Some(\"aborted\")"]
    );
  }
}
