//! The node-sdk surface's requests: any operation of `spec` (generated
//! from Stream's spec), with the path parameters, query and JSON body that the
//! JS facade (`node-sdk/index.js`) built as node-sdk builds them. The answer
//! is kept whole (status, headers, body) for node-sdk's `{ ...body, metadata }`.

use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{percent_encode, Answer, Request};

/// A 2xx answer, whole.
pub struct ApiAnswer {
  pub status: u16,
  pub headers: Vec<(String, String)>,
  /// JSON text (checked).
  pub body: String,
  pub request_id: String,
}

/// The request for operation `index` of `API_OPERATIONS`. `path_params` are
/// the path's parameters in order; `query` is `name=value&…` with each part
/// already percent-encoded (empty for none); `body` is JSON text of an object.
pub fn request(index: u32, path_params: &[String], query: &str, body: Option<String>) -> Result<Request<ApiAnswer>> {
  let (operation, spec) = Operation::api(index).ok_or_else(|| Error::invalid(format!("there is no API operation {index}")))?;
  let mut path = String::with_capacity(spec.path.len() + 32);
  let mut rest = spec.path;
  let mut values = path_params.iter();
  while let Some(open) = rest.find('{') {
    let close = open + rest[open..].find('}').expect("the spec's paths close their braces");
    let name = &rest[open + 1..close];
    let value = values.next().ok_or_else(|| Error::invalid(format!("{} needs {name}", spec.name)))?;
    if value.trim().is_empty() {
      return Err(Error::invalid(format!("{name} must be a non-empty string, not only whitespace")));
    }
    path.push_str(&rest[..open]);
    path.push_str(&percent_encode(value));
    rest = &rest[close + 1..];
  }
  path.push_str(rest);
  if values.next().is_some() {
    return Err(Error::invalid(format!("{} takes {} path parameters", spec.name, spec.path.matches('{').count())));
  }
  if !query.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()%=&".contains(&b)) {
    return Err(Error::invalid(format!("the query of {} is not percent-encoded", spec.name)));
  }
  if let Some(body) = &body {
    let object = serde_json::from_str::<&serde_json::value::RawValue>(body).map(|raw| raw.get().starts_with('{'));
    if !object.unwrap_or(false) {
      return Err(Error::invalid(format!("the body of {} must be a JSON object", spec.name)));
    }
  }
  let method = reqwest::Method::from_bytes(spec.method.as_bytes()).expect("the spec's methods are HTTP methods");
  let mut request = Request::new(operation, method, path, body, Box::new(read_answer));
  if !query.is_empty() {
    request.query = format!("{query}&");
  }
  Ok(request)
}

fn read_answer(answer: &Answer<'_>) -> serde_json::Result<ApiAnswer> {
  let body = serde_json::from_slice::<&serde_json::value::RawValue>(answer.body)?.get().to_string();
  Ok(ApiAnswer { status: answer.status, headers: crate::client::header_pairs(answer.headers), body, request_id: answer.request_id.to_string() })
}

#[cfg(test)]
mod tests {
  use super::*;
  use crate::spec::API_OPERATIONS;

  fn index(id: &str) -> u32 {
    API_OPERATIONS.iter().position(|o| o.id == id).unwrap() as u32
  }

  #[test]
  fn path_parameters_fill_the_path_in_order_encoded() {
    let params = ["default", "c 1", "sess", "a/b.mp4"].map(String::from);
    let r = request(index("DeleteRecording"), &params, "", None).unwrap();
    assert_eq!(r.path, "/api/v2/video/call/default/c%201/sess/recordings/a%2Fb.mp4");
    assert_eq!(r.method, reqwest::Method::DELETE);
    assert_eq!(r.operation.name(), "deleteRecording");
    let r = request(index("GetCall"), &["default".into(), "c".into()], "members_limit=5&ring=true", None).unwrap();
    assert_eq!(r.query, "members_limit=5&ring=true&");
  }

  #[test]
  fn wrong_arguments_are_refused() {
    let message = |r: Result<Request<ApiAnswer>>| r.err().unwrap().message;
    assert_eq!(message(request(999, &[], "", None)), "there is no API operation 999");
    assert_eq!(message(request(index("GetCall"), &["default".into()], "", None)), "getCall needs id");
    assert_eq!(message(request(index("GetCall"), &["default".into(), " ".into()], "", None)), "id must be a non-empty string, not only whitespace");
    assert_eq!(message(request(index("QueryCalls"), &["x".into()], "", None)), "queryCalls takes 0 path parameters");
    assert_eq!(message(request(index("QueryUsers"), &[], "payload={\"a\":1}", None)), "the query of queryUsers is not percent-encoded");
    assert_eq!(message(request(index("QueryCalls"), &[], "", Some("[1]".into()))), "the body of queryCalls must be a JSON object");
    assert!(request(index("QueryCalls"), &[], "", Some("{\"limit\":1}".into())).is_ok());
  }
}
