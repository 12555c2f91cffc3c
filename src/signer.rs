//! What the API secret alone can do, with no HTTP client: user and call
//! tokens, webhook checks and webhook events. The REST `Client` holds one;
//! the module-level token and webhook functions build only this.

use crate::config::Secret;
use crate::error::{Error, Result};
use crate::event::{self, CallEvent};
use crate::key::Key;
use crate::token::{self, unix_now, TokenOptions};
use crate::webhook;

pub struct Signer {
  secret: Secret,
  key: Key,
}

/// `handleStreamWebhook`'s inputs besides the body and the signature.
#[derive(Default)]
pub struct WebhookContext<'a> {
  /// `X-Webhook-Id` and `X-Webhook-Attempt`, echoed in the event.
  pub webhook_id: Option<String>,
  pub attempt: Option<u32>,
  /// The meeting's stored start, for the duration when the event has none.
  pub started_at: Option<&'a str>,
  pub max_body_bytes: usize,
}

impl Signer {
  pub fn new(secret: Secret) -> Self {
    Signer { key: Key::new(&secret), secret }
  }

  pub fn key(&self) -> &Key {
    &self.key
  }

  /// Seals an error of this signer (see [`Error::sealed`]): the secret and
  /// `also` (tokens it signed) never leave in a message.
  pub fn seal(&self, error: Error, also: &[&str]) -> Error {
    let mut secrets = vec![self.secret.expose()];
    secrets.extend_from_slice(also);
    error.sealed(&secrets)
  }

  pub fn user_token(&self, user_id: &str, validity: Option<f64>) -> Result<String> {
    token::user_token(&self.key, user_id, validity, unix_now())
  }

  pub fn user_token_with(&self, user_id: &str, validity: Option<f64>, options: &TokenOptions) -> Result<String> {
    token::user_token_with(&self.key, user_id, validity, options, unix_now())
  }

  pub fn call_token(&self, user_id: &str, call_ids: &[String], role: Option<&str>, validity: Option<f64>, options: &TokenOptions) -> Result<String> {
    token::call_token(&self.key, user_id, call_ids, role, validity, options, unix_now())
  }

  pub fn verify_webhook(&self, body: &[u8], signature: &str) -> bool {
    webhook::verify_signature(&self.key, body, signature)
  }

  /// Verifies a webhook (size limit, gzip, signature) and parses its event.
  pub fn handle_webhook(&self, body: &[u8], signature: &str, context: WebhookContext) -> Result<CallEvent> {
    let plain = webhook::open(&self.key, body, signature, context.max_body_bytes)?;
    let event = event::parse(&plain, context.started_at)?;
    Ok(CallEvent { webhook_id: context.webhook_id, attempt: context.attempt, ..event })
  }
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::error::ErrorKind;

  #[test]
  fn handles_a_signed_event_and_echoes_the_delivery() {
    let signer = Signer::new(Secret::new("a-signing-secret"));
    let body = br#"{"type":"call.session_started","call_cid":"default:m1","created_at":"2026-04-08T14:00:00Z"}"#;
    let signature = webhook::sign(signer.key(), body);
    let context = || WebhookContext { webhook_id: Some("w1".into()), attempt: Some(2), max_body_bytes: 1024, ..Default::default() };
    let event = signer.handle_webhook(body, &signature, context()).unwrap();
    assert_eq!((event.call_id.as_deref(), event.webhook_id.as_deref(), event.attempt), (Some("m1"), Some("w1"), Some(2)));
    assert!(signer.verify_webhook(body, &signature));
    let err = signer.handle_webhook(body, &"0".repeat(64), context()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::WebhookSignature);
  }

  #[test]
  fn seal_removes_the_secret_and_what_it_is_told() {
    let signer = Signer::new(Secret::new("a-signing-secret"));
    let sealed = signer.seal(Error::invalid("a-signing-secret and server-token-text"), &["server-token-text"]);
    assert!(!sealed.message.contains("a-signing-secret") && !sealed.message.contains("server-token-text"), "{}", sealed.message);
  }
}
