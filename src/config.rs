//! Client configuration. Each setting is declared once, in [`settings!`]
//! below: its option name, its environment variable, and what it holds (and so
//! its checks and default). `index.js` reads the same declaration through
//! `settings()` to type-check options and to read `process.env`; values cross
//! napi in declaration order, numbers as numbers.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};

pub const DEFAULT_BASE_URL: &str = "https://video.stream-io-api.com";

/// What a setting holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
  /// A required non-empty string.
  Text,
  /// A required non-empty string that is never shown.
  Secret,
  /// `http(s)://host[:port][/prefix]`, defaulting to Stream's own.
  Url,
  /// A whole number in `min..=max`, `default` when unset.
  Whole { min: u32, max: u32, default: u32 },
  /// A call type (the call id rule), `default` when unset.
  CallType,
}

/// One setting: its `createStreamClient` option and its `STREAM_*` variable.
pub struct Setting {
  pub option: &'static str,
  pub env: &'static str,
  pub kind: Kind,
}

/// Where raw values come from, which decides how errors name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
  Options,
  Env,
}

/// A raw value as it crosses napi: a string (every environment variable, and
/// the string options) or a number (the numeric options).
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
  Text(String),
  Number(f64),
}

/// A checked value: before it takes its field's type, or as `shown` gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
  Text(String),
  Whole(u32),
}

trait FromValue {
  fn from_value(value: Value) -> Self;
}

impl FromValue for String {
  fn from_value(value: Value) -> Self {
    match value {
      Value::Text(s) => s,
      Value::Whole(n) => n.to_string(),
    }
  }
}

impl FromValue for Secret {
  fn from_value(value: Value) -> Self {
    Secret(String::from_value(value))
  }
}

impl FromValue for u32 {
  fn from_value(value: Value) -> Self {
    match value {
      Value::Whole(n) => n,
      Value::Text(_) => unreachable!("a whole-number setting is checked as one"),
    }
  }
}

trait Show {
  fn show(&self) -> Value;
}

impl Show for String {
  fn show(&self) -> Value {
    Value::Text(self.clone())
  }
}

impl Show for Secret {
  fn show(&self) -> Value {
    Value::Text("[redacted]".into())
  }
}

impl Show for u32 {
  fn show(&self) -> Value {
    Value::Whole(*self)
  }
}

macro_rules! settings {
  ($($(#[doc = $doc:literal])* $field:ident: $ty:ty = ($option:literal, $env:literal, $kind:expr),)*) => {
    /// A checked configuration.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Config {
      $($(#[doc = $doc])* pub $field: $ty,)*
    }

    /// Every setting, in the order their values cross napi.
    pub const SETTINGS: &[Setting] = &[$(Setting { option: $option, env: $env, kind: $kind },)*];

    impl Config {
      fn from_checked(values: Vec<Value>) -> Config {
        let mut values = values.into_iter();
        Config { $($field: <$ty>::from_value(values.next().expect("one value per setting")),)* }
      }

      /// The values in declaration order, the secret redacted.
      pub fn shown(&self) -> Vec<Value> {
        vec![$(self.$field.show(),)*]
      }
    }
  };
}

settings! {
  api_key: String = ("apiKey", "STREAM_API_KEY", Kind::Text),
  api_secret: Secret = ("apiSecret", "STREAM_API_SECRET", Kind::Secret),
  /// Scheme, host and optional path prefix, without a trailing slash.
  base_url: String = ("baseUrl", "STREAM_BASE_URL", Kind::Url),
  /// Deadline in milliseconds for one operation, all retries included (at
  /// most ten minutes: the bound catches a unit mistake).
  timeout_ms: u32 = ("timeoutMs", "STREAM_TIMEOUT_MS", Kind::Whole { min: 1, max: 600_000, default: 10_000 }),
  /// Retries after the first attempt.
  max_retries: u32 = ("maxRetries", "STREAM_MAX_RETRIES", Kind::Whole { min: 0, max: 10, default: 3 }),
  /// Requests in flight (and so connections open) at once; the others queue
  /// within their deadline. Far below the usual 1,024 file descriptors.
  max_connections: u32 = ("maxConnections", "STREAM_MAX_CONNECTIONS", Kind::Whole { min: 1, max: 10_000, default: 128 }),
  /// The type of the calls a plain call id names (`livestream`, `audio_room`,
  /// an app's own); a `type:id` argument names its own.
  call_type: String = ("callType", "STREAM_CALL_TYPE", Kind::CallType),
}

/// The settings a [`crate::signer::Signer`] needs: the first two, the credentials.
pub const CREDENTIALS: usize = 2;

/// The API secret. `Debug` and `Display` never show it; only `expose` does.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
  pub fn new(value: impl Into<String>) -> Self {
    Secret(value.into())
  }

  pub fn expose(&self) -> &str {
    &self.0
  }
}

impl fmt::Debug for Secret {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("[redacted]")
  }
}

impl fmt::Display for Secret {
  fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str("[redacted]")
  }
}

impl Config {
  /// Checks raw values given in declaration order; missing trailing values
  /// count as unset. Errors name the option or the variable, per `source`,
  /// and are sealed with the secret given (see [`Error::sealed`]).
  pub fn from_raw(raw: &[Option<Raw>], source: Source) -> Result<Config> {
    let secret_at = SETTINGS.iter().position(|s| s.kind == Kind::Secret).expect("a secret setting");
    let secret = match raw.get(secret_at) {
      Some(Some(Raw::Text(s))) => s.as_str(),
      _ => "",
    };
    let mut values = Vec::with_capacity(SETTINGS.len());
    for (i, setting) in SETTINGS.iter().enumerate() {
      values.push(check(setting, raw.get(i).and_then(Option::as_ref), source, secret).map_err(|e| e.sealed(&[secret]))?);
    }
    Ok(Config::from_checked(values))
  }

  pub fn timeout(&self) -> Duration {
    Duration::from_millis(self.timeout_ms.into())
  }
}

fn check(setting: &Setting, raw: Option<&Raw>, source: Source, secret: &str) -> Result<Value> {
  let name = match source {
    Source::Options => setting.option,
    Source::Env => setting.env,
  };
  let text = match raw {
    Some(Raw::Text(s)) if !s.trim().is_empty() => Some(s.as_str()),
    _ => None,
  };
  match (setting.kind, raw) {
    (Kind::Text | Kind::Secret | Kind::Url | Kind::CallType, Some(Raw::Number(_))) => Err(Error::config(format!("{name} must be a string, got number"))),
    (Kind::CallType, _) => match text.map(str::trim) {
      None => Ok(Value::Text("default".into())),
      Some(call_type) if crate::validate::is_call_part(call_type) => Ok(Value::Text(call_type.into())),
      Some(call_type) => Err(Error::config(format!("{name} must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-', got {call_type:?}"))),
    },
    (Kind::Text | Kind::Secret, _) => match text {
      Some(s) => Ok(Value::Text(s.to_string())),
      None => {
        let missing = if source == Source::Env { "is not set" } else { "is required" };
        Err(Error::config(format!("{name} {missing} (expected a non-empty string)")))
      }
    },
    (Kind::Url, _) => match text {
      Some(url) => normalize_base_url(url.trim(), name, secret).map(Value::Text),
      None => Ok(Value::Text(DEFAULT_BASE_URL.to_string())),
    },
    (Kind::Whole { min, max, .. }, Some(Raw::Number(n))) => match whole(*n, min, max) {
      Some(n) => Ok(Value::Whole(n)),
      None => Err(Error::config(format!("{name} must be a whole number from {min} to {max}, got {n}"))),
    },
    (Kind::Whole { min, max, default }, _) => match text {
      None => Ok(Value::Whole(default)),
      Some(s) => match s.trim().parse::<u64>().ok().and_then(|n| u32::try_from(n).ok()).filter(|n| (min..=max).contains(n)) {
        Some(n) => Ok(Value::Whole(n)),
        None => Err(Error::config(format!("{name} must be a whole number from {min} to {max}, got {s:?}"))),
      },
    },
  }
}

fn whole(n: f64, min: u32, max: u32) -> Option<u32> {
  (n.is_finite() && n.fract() == 0.0 && n >= f64::from(min) && n <= f64::from(max)).then_some(n as u32)
}

/// Accepts `http(s)://host[:port][/prefix]`, drops a trailing slash, and rejects
/// anything that would make request URLs ambiguous (query, fragment, credentials).
/// The rejected value is quoted only when it does not contain the secret.
pub fn normalize_base_url(url: &str, name: &str, secret: &str) -> Result<String> {
  let invalid = |why: &str| match url.contains(secret) {
    false => Error::config(format!("{name} {why}, got {url:?}")),
    true => Error::config(format!("{name} {why}")),
  };
  let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&format!("is not a valid URL ({e})")))?;
  if !parsed.username().is_empty() || parsed.password().is_some() {
    // Not quoted: the value holds credentials.
    return Err(Error::config(format!("{name} must not contain credentials")));
  }
  if !matches!(parsed.scheme(), "http" | "https") {
    return Err(invalid("must start with http:// or https://"));
  }
  if parsed.host_str().is_none_or(str::is_empty) {
    return Err(invalid("must name a host"));
  }
  if parsed.query().is_some() || parsed.fragment().is_some() {
    return Err(invalid("must not have a query or fragment"));
  }
  Ok(parsed.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorKind;

  fn env(pairs: &[(&str, &str)]) -> Result<Config> {
    let raw: Vec<Option<Raw>> = SETTINGS.iter().map(|s| pairs.iter().find(|(k, _)| *k == s.env).map(|(_, v)| Raw::Text(v.to_string()))).collect();
    Config::from_raw(&raw, Source::Env)
  }

  #[test]
  fn each_setting_is_declared_once_with_its_variable() {
    for s in SETTINGS {
      let snake: String = s.option.chars().flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c] } else { vec![c.to_ascii_uppercase()] }).collect();
      assert_eq!(s.env, format!("STREAM_{snake}"));
    }
    assert_eq!(SETTINGS[..CREDENTIALS].iter().map(|s| s.option).collect::<Vec<_>>(), ["apiKey", "apiSecret"]);
  }

  #[test]
  fn defaults_from_env() {
    let c = env(&[("STREAM_API_KEY", "key"), ("STREAM_API_SECRET", "s3cret")]).unwrap();
    assert_eq!(c.api_key, "key");
    assert_eq!(c.api_secret.expose(), "s3cret");
    assert_eq!(c.base_url, DEFAULT_BASE_URL);
    assert_eq!(c.timeout(), Duration::from_millis(10_000));
    assert_eq!(c.max_retries, 3);
    assert_eq!(c.max_connections, 128);
  }

  #[test]
  fn missing_variables_are_named_without_values() {
    let err = env(&[("STREAM_API_SECRET", "s3cret")]).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
    assert!(err.message.contains("STREAM_API_KEY is not set"), "{}", err.message);
    let err = env(&[("STREAM_API_KEY", "k"), ("STREAM_API_SECRET", " ")]).unwrap_err();
    assert!(err.message.contains("STREAM_API_SECRET"));
    let err = Config::from_raw(&[Some(Raw::Text("k".into()))], Source::Options).unwrap_err();
    assert!(err.message.contains("apiSecret is required"));
  }

  #[test]
  fn numbers_cross_as_numbers() {
    let raw = |n: f64| [Some(Raw::Text("k".into())), Some(Raw::Text("s".into())), None, Some(Raw::Number(n))];
    assert_eq!(Config::from_raw(&raw(250.0), Source::Options).unwrap().timeout_ms, 250);
    for bad in [0.0, 1.5, -1.0, f64::NAN, f64::INFINITY, 600_001.0] {
      let err = Config::from_raw(&raw(bad), Source::Options).unwrap_err();
      assert!(err.message.starts_with("timeoutMs must be a whole number from 1 to 600000"), "{}", err.message);
    }
    let err = Config::from_raw(&[Some(Raw::Number(1.0))], Source::Options).unwrap_err();
    assert_eq!(err.message, "apiKey must be a string, got number");
  }

  #[test]
  fn optional_settings_are_validated() {
    let base = [("STREAM_API_KEY", "k"), ("STREAM_API_SECRET", "s")];
    let with = |extra: (&str, &str)| {
      let mut all = base.to_vec();
      all.push(extra);
      env(&all)
    };
    assert_eq!(with(("STREAM_BASE_URL", "http://127.0.0.1:4100/")).unwrap().base_url, "http://127.0.0.1:4100");
    assert_eq!(with(("STREAM_BASE_URL", "https://x.example/prefix/")).unwrap().base_url, "https://x.example/prefix");
    assert_eq!(with(("STREAM_TIMEOUT_MS", "250")).unwrap().timeout(), Duration::from_millis(250));
    assert_eq!(with(("STREAM_MAX_RETRIES", "0")).unwrap().max_retries, 0);
    for bad in ["ftp://x", "not a url", "http://x/?a=1", "http://u:p@x", "http://x/#f"] {
      let err = with(("STREAM_BASE_URL", bad)).unwrap_err();
      assert_eq!(err.kind, ErrorKind::Config, "{bad}");
      assert!(err.message.starts_with("STREAM_BASE_URL"), "{}", err.message);
    }
    for bad in ["0", "-5", "1.5", "abc", "999999999", "99999999999999999999"] {
      assert!(with(("STREAM_TIMEOUT_MS", bad)).unwrap_err().message.contains("STREAM_TIMEOUT_MS"));
    }
    assert!(with(("STREAM_MAX_RETRIES", "11")).is_err());
    assert_eq!(with(("STREAM_MAX_CONNECTIONS", "8")).unwrap().max_connections, 8);
    for bad in ["0", "10001", "-1", "2.5"] {
      assert!(with(("STREAM_MAX_CONNECTIONS", bad)).unwrap_err().message.starts_with("STREAM_MAX_CONNECTIONS must be a whole number from 1 to 10000"));
    }
  }

  #[test]
  fn secret_is_redacted() {
    let c = env(&[("STREAM_API_KEY", "k"), ("STREAM_API_SECRET", "topsecret")]).unwrap();
    let shown = format!("{c:?} {} {:?}", c.api_secret, c.shown());
    assert!(!shown.contains("topsecret"), "{shown}");
    assert!(shown.contains("[redacted]"));
  }
}
