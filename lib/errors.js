'use strict'
// `StreamError`, how any failure becomes one, and how failures are told
// (stderr, `STREAM_LOG=json`, a logger) without a secret or a forged line.

const binding = require('./load.js')

// The codes come from Rust (`ErrorKind`, exported as the `ErrorCode` string enum): one list.
const CODES = new Set(Object.values(binding.ErrorCode))

class StreamError extends Error {
  constructor(code, message, details = {}, options) {
    super(message, options)
    this.name = 'StreamError'
    this.code = code
    for (const key of ['status', 'streamCode', 'requestId', 'attempts']) {
      if (details[key] !== undefined && details[key] !== null) this[key] = details[key]
    }
  }
}

// napi's argument conversion failures: a value of the wrong type reached the native side.
const NAPI_ARGUMENT_CODES = new Set([
  'InvalidArg',
  'ObjectExpected',
  'StringExpected',
  'NameExpected',
  'FunctionExpected',
  'NumberExpected',
  'BooleanExpected',
  'ArrayExpected',
  'BigintExpected',
  'DateExpected',
  'ArrayBufferExpected',
])

const MAX_MESSAGE_CHARS = 500
const JWT_SHAPED = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g

function toStreamError(e) {
  if (e instanceof StreamError) return e
  // Native errors carry our code, and their messages were sealed natively (secrets,
  // tokens, length). napi's conversion errors are bad arguments; anything else is a
  // bug, whose text gets the same treatment here: no JWT-shaped text, bounded length.
  if (CODES.has(e?.code)) return new StreamError(e.code, String(e.message))
  const code = NAPI_ARGUMENT_CODES.has(e?.code) ? 'STREAM_INVALID_ARGUMENT' : 'STREAM_INTERNAL'
  const text = String(e?.message || e).replace(JWT_SHAPED, '[redacted]')
  return new StreamError(code, text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text)
}

/**
 * Tells of a failure, then returns it: to the client's `logger` when it has
 * one, else as STREAM_LOG says (unset: one line on stderr; `json`: one JSON
 * object per line; `silent`: nothing). `started` (performance.now()) is
 * given by the operations that call Stream. Messages were sealed already: no
 * secret or token is in a record.
 */
function report(operation, error, logger, started) {
  const mode = process.env.STREAM_LOG
  if (logger === undefined && mode !== 'json') {
    if (mode !== 'silent') console.error(`[stream-video-native] ${operation} failed: ${error.code}: ${oneLine(error.message)}`)
    return error
  }
  const record = {
    time: new Date().toISOString(),
    level: 'error',
    operation,
    code: error.code,
    status: error.status ?? null,
    streamCode: error.streamCode ?? null,
    requestId: error.requestId ?? null,
    attempts: error.attempts ?? null,
    durationMs: started === undefined ? null : Math.round((performance.now() - started) * 10) / 10,
    message: error.message,
  }
  try {
    let result
    if (logger === undefined) process.stderr.write(`${JSON.stringify(record)}\n`)
    else if (typeof logger === 'function') result = logger(record)
    else result = logger.error(record)
    // An async logger's rejection must not become the process's unhandled rejection.
    if (typeof result?.then === 'function') Promise.resolve(result).catch(ignore)
  } catch {
    // A logger that throws must not replace the error the caller gets.
  }
  return error
}

function ignore() {}

// Control characters (line breaks, ANSI escapes) and the Unicode line separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g
const ESCAPES = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** `text` on one line, its control characters escaped (`\n`, `\u001b`), so a log line cannot be forged. */
function oneLine(text) {
  return text.replace(CONTROL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

module.exports = { StreamError, toStreamError, report, oneLine }
