//! Client configuration: credentials, base URL, timeout and retry budget, read
//! from explicit options or from the `STREAM_*` environment variables.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};

pub const DEFAULT_BASE_URL: &str = "https://video.stream-io-api.com";
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// Requests in flight (and so connections open) at once per client; more wait
/// their turn. Far below the usual 1,024 file descriptors a process may open.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 128;
const MAX_CONNECTIONS_LIMIT: u64 = 10_000;
/// Upper bounds that catch unit mistakes (a timeout in microseconds, say).
const MAX_TIMEOUT_MS: u64 = 10 * 60 * 1000;
const MAX_RETRIES_LIMIT: u32 = 10;

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
  pub api_key: String,
  pub api_secret: Secret,
  /// Scheme, host and optional path prefix, without a trailing slash.
  pub base_url: String,
  /// Deadline for one operation, all retries included.
  pub timeout: Duration,
  pub max_retries: u32,
  /// Requests in flight at once; the others queue (within their deadline).
  pub max_connections: u32,
}

/// Raw, unvalidated settings as they arrive from JS options or from the
/// `STREAM_*` variables of the calling thread's `process.env` (read in JS:
/// native code never reads the process-wide C environment, which another
/// thread may be changing).
#[derive(Clone, Default, PartialEq, Eq)]
#[cfg_attr(not(fuzzing), napi_derive::napi(object, js_name = "EnvValues"))]
pub struct RawConfig {
  pub api_key: Option<String>,
  pub api_secret: Option<String>,
  pub base_url: Option<String>,
  pub timeout_ms: Option<String>,
  pub max_retries: Option<String>,
  pub max_connections: Option<String>,
}

struct Names {
  api_key: &'static str,
  api_secret: &'static str,
  base_url: &'static str,
  timeout_ms: &'static str,
  max_retries: &'static str,
  max_connections: &'static str,
}

const ENV_NAMES: Names = Names {
  api_key: "STREAM_API_KEY",
  api_secret: "STREAM_API_SECRET",
  base_url: "STREAM_BASE_URL",
  timeout_ms: "STREAM_TIMEOUT_MS",
  max_retries: "STREAM_MAX_RETRIES",
  max_connections: "STREAM_MAX_CONNECTIONS",
};

const OPTION_NAMES: Names = Names {
  api_key: "apiKey",
  api_secret: "apiSecret",
  base_url: "baseUrl",
  timeout_ms: "timeoutMs",
  max_retries: "maxRetries",
  max_connections: "maxConnections",
};

impl Config {
  /// Validates settings that came from the `STREAM_*` environment variables.
  pub fn from_env_values(raw: &RawConfig) -> Result<Config> {
    build(raw, &ENV_NAMES, "is not set")
  }

  /// Validates settings passed as `createStreamClient` options.
  pub fn from_options(raw: &RawConfig) -> Result<Config> {
    build(raw, &OPTION_NAMES, "is required")
  }
}

fn build(raw: &RawConfig, names: &Names, missing: &str) -> Result<Config> {
  let required = |value: &Option<String>, name: &str| match value.as_deref() {
    Some(v) if !v.trim().is_empty() => Ok(v.to_string()),
    _ => Err(Error::config(format!("{name} {missing} (expected a non-empty string)"))),
  };
  let api_key = required(&raw.api_key, names.api_key)?;
  let api_secret = Secret::new(required(&raw.api_secret, names.api_secret)?);
  let base_url = match non_empty(&raw.base_url) {
    Some(url) => normalize_base_url(url, names.base_url, &api_secret)?,
    None => DEFAULT_BASE_URL.to_string(),
  };
  let timeout_ms = match non_empty(&raw.timeout_ms) {
    Some(v) => parse_bounded(v, names.timeout_ms, 1, MAX_TIMEOUT_MS)?,
    None => DEFAULT_TIMEOUT_MS,
  };
  let max_retries = match non_empty(&raw.max_retries) {
    Some(v) => parse_bounded(v, names.max_retries, 0, MAX_RETRIES_LIMIT as u64)? as u32,
    None => DEFAULT_MAX_RETRIES,
  };
  let max_connections = match non_empty(&raw.max_connections) {
    Some(v) => parse_bounded(v, names.max_connections, 1, MAX_CONNECTIONS_LIMIT)? as u32,
    None => DEFAULT_MAX_CONNECTIONS,
  };
  Ok(Config { api_key, api_secret, base_url, timeout: Duration::from_millis(timeout_ms), max_retries, max_connections })
}

fn non_empty(value: &Option<String>) -> Option<&str> {
  value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn parse_bounded(value: &str, name: &str, min: u64, max: u64) -> Result<u64> {
  match value.parse::<u64>() {
    Ok(n) if (min..=max).contains(&n) => Ok(n),
    _ => Err(Error::config(format!("{name} must be a whole number from {min} to {max}, got {value:?}"))),
  }
}

/// Accepts `http(s)://host[:port][/prefix]`, drops a trailing slash, and rejects
/// anything that would make request URLs ambiguous (query, fragment, credentials).
/// The rejected value is quoted only when it does not contain the secret.
pub fn normalize_base_url(url: &str, name: &str, secret: &Secret) -> Result<String> {
  let invalid = |why: &str| match url.contains(secret.expose()) {
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

  fn env(pairs: &[(&str, &str)]) -> RawConfig {
    let get = |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
    RawConfig {
      api_key: get(ENV_NAMES.api_key),
      api_secret: get(ENV_NAMES.api_secret),
      base_url: get(ENV_NAMES.base_url),
      timeout_ms: get(ENV_NAMES.timeout_ms),
      max_retries: get(ENV_NAMES.max_retries),
      max_connections: get(ENV_NAMES.max_connections),
    }
  }

  #[test]
  fn defaults_from_env() {
    let c = Config::from_env_values(&env(&[("STREAM_API_KEY", "key"), ("STREAM_API_SECRET", "s3cret")])).unwrap();
    assert_eq!(c.api_key, "key");
    assert_eq!(c.api_secret.expose(), "s3cret");
    assert_eq!(c.base_url, DEFAULT_BASE_URL);
    assert_eq!(c.timeout, Duration::from_millis(10_000));
    assert_eq!(c.max_retries, 3);
    assert_eq!(c.max_connections, DEFAULT_MAX_CONNECTIONS);
  }

  #[test]
  fn missing_variables_are_named_without_values() {
    let err = Config::from_env_values(&env(&[("STREAM_API_SECRET", "s3cret")])).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Config);
    assert!(err.message.contains("STREAM_API_KEY is not set"), "{}", err.message);
    let err = Config::from_env_values(&env(&[("STREAM_API_KEY", "k"), ("STREAM_API_SECRET", " ")])).unwrap_err();
    assert!(err.message.contains("STREAM_API_SECRET"));
    let err = Config::from_options(&RawConfig { api_key: Some("k".into()), ..Default::default() }).unwrap_err();
    assert!(err.message.contains("apiSecret is required"));
  }

  #[test]
  fn optional_settings_are_validated() {
    let base = [("STREAM_API_KEY", "k"), ("STREAM_API_SECRET", "s")];
    let with = |extra: (&str, &str)| {
      let mut all = base.to_vec();
      all.push(extra);
      Config::from_env_values(&env(&all))
    };
    assert_eq!(with(("STREAM_BASE_URL", "http://127.0.0.1:4100/")).unwrap().base_url, "http://127.0.0.1:4100");
    assert_eq!(with(("STREAM_BASE_URL", "https://x.example/prefix/")).unwrap().base_url, "https://x.example/prefix");
    assert_eq!(with(("STREAM_TIMEOUT_MS", "250")).unwrap().timeout, Duration::from_millis(250));
    assert_eq!(with(("STREAM_MAX_RETRIES", "0")).unwrap().max_retries, 0);
    for bad in ["ftp://x", "not a url", "http://x/?a=1", "http://u:p@x", "http://x/#f"] {
      let err = with(("STREAM_BASE_URL", bad)).unwrap_err();
      assert_eq!(err.kind, ErrorKind::Config, "{bad}");
      assert!(err.message.starts_with("STREAM_BASE_URL"), "{}", err.message);
    }
    for bad in ["0", "-5", "1.5", "abc", "999999999"] {
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
    let c = Config::from_env_values(&env(&[("STREAM_API_KEY", "k"), ("STREAM_API_SECRET", "topsecret")])).unwrap();
    let shown = format!("{c:?} {}", c.api_secret);
    assert!(!shown.contains("topsecret"), "{shown}");
    assert!(shown.contains("[redacted]"));
  }
}
