#![deny(clippy::all)]
//! stream-video-native: the server side of Stream Video (user tokens, call
//! management, webhook signatures) as a Node.js addon. Pure Rust modules do the
//! work; `binding` is the thin napi edge.

pub mod api;
pub mod call_options;
pub mod calls;
pub mod cancel;
pub mod client;
pub mod config;
pub mod error;
pub mod event;
pub mod event_fields;
pub mod key;
pub mod lenient;
pub mod observe;
pub mod operation;
pub mod panic;
pub mod redact;
pub mod request;
pub mod retry;
pub mod signer;
#[rustfmt::skip]
pub mod spec;
pub mod token;
pub mod transcript;
pub mod users;
pub mod validate;
pub mod webhook;

// The napi edge needs Node's symbols at load time; fuzz binaries (`--cfg fuzzing`) link without them.
#[cfg(not(fuzzing))]
mod binding;
#[cfg(not(fuzzing))]
mod handle;
#[cfg(not(fuzzing))]
mod hot;
#[cfg(not(fuzzing))]
mod js_bytes;
