'use strict'
// Public API of stream-video-native over the generated napi binding: the
// facade. Promise-returning functions never throw synchronously; Sync twins
// throw. Every failure is a StreamError with a stable `code`, logged once.
// The concerns live in lib/: load.js (the binary), errors.js, arguments.js,
// webhook-input.js, events.js (the event protocol), cancel.js, settings.js,
// client.js (`StreamClient`) and transcript.js (`readTranscript`).

const binding = require('./lib/load.js')
const { StreamError } = require('./lib/errors.js')
const { StreamClient, createStreamClient } = require('./lib/client.js')
const { envSource } = require('./lib/settings.js')

// The module functions: the methods of one client over the STREAM_* environment.
const envClient = new StreamClient(envSource())
const operations = Object.getOwnPropertyNames(StreamClient.prototype).filter((name) => name !== 'constructor' && name !== 'toJSON')

/** Every `call.*` event type `handleStreamWebhook` knows (from Rust: Stream's spec, the same as node-sdk 0.7.64's). */
const CALL_EVENT_TYPES = Object.freeze(binding.callEventTypes())

/** A transcript's speech segments (lib/transcript.js, loaded on first use). */
function readTranscript(urlOrBody, options) {
  return require('./lib/transcript.js').readTranscript(urlOrBody, options)
}

module.exports = {
  ...Object.fromEntries(operations.map((name) => [name, envClient[name].bind(envClient)])),
  CALL_EVENT_TYPES,
  readTranscript,
  createStreamClient,
  StreamClient,
  StreamError,
}
