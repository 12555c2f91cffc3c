'use strict'
// Public API of stream-video-native over the generated napi binding.
// Promise-returning functions never throw synchronously; Sync twins throw.
// Every failure is a StreamError with a stable `code`, logged once.

const { dirname } = require('node:path')
const { inspect } = require('node:util')
const tracing = require('./tracing.js')
const binding = loadBinding()

function loadBinding() {
  try {
    return require('./binding.js')
  } catch (cause) {
    const platform = platformName()
    const pkg = `stream-video-native-${platform}`
    const installed = installedAt(pkg)
    // The loader tried several files and flavours; the error that matters is the platform package's own.
    const all = causes(cause)
    const real =
      installed &&
      (all.find((e) => e.code === 'ERR_DLOPEN_FAILED') ?? all.find((e) => e !== cause && String(e.message).includes(pkg) && e.code !== 'MODULE_NOT_FOUND'))
    const error = new Error(
      installed && real
        ? `stream-video-native could not load its native binary for ${platform} (${pkg} is installed at ${installed}): ${real.message}`
        : `stream-video-native has no native binary for this platform (${platform}): neither ` +
            `./stream-video-native.${platform}.node nor the package ${pkg} could be loaded. ` +
            `Prebuilt binaries exist for linux x64/arm64 (glibc and musl), macOS x64/arm64 and Windows x64/arm64; ` +
            `reinstall with optional dependencies enabled (no --no-optional / --omit=optional), ` +
            `or build from source with \`npm run build\` in a checkout.`,
      { cause: real ?? cause },
    )
    error.code = 'STREAM_NATIVE_BINDING'
    throw error
  }
}

/** Where a package resolves from, or null when it is not installed. */
function installedAt(pkg) {
  try {
    return dirname(require.resolve(`${pkg}/package.json`))
  } catch {
    return null
  }
}

/** An error and its `cause` chain (arrays of causes included), flattened. */
function causes(error, seen = new Set()) {
  if (!error || seen.has(error)) return []
  seen.add(error)
  if (Array.isArray(error)) return error.flatMap((e) => causes(e, seen))
  return [error, ...causes(error.cause, seen)]
}

/** The platform suffix of the binary napi's loader looks for, e.g. `linux-x64-gnu`. */
function platformName() {
  const { platform, arch } = process
  if (platform === 'linux') {
    const glibc = process.report?.getReport().header.glibcVersionRuntime
    return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`
  }
  return platform === 'win32' ? `win32-${arch}-msvc` : `${platform}-${arch}`
}

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

/** A `logger` option: a function, or an object with an `error` method (pino, winston, console). */
function loggerOption(options) {
  const logger = readArgument('options', () => options.logger)
  if (logger === undefined || typeof logger === 'function' || typeof logger?.error === 'function') return logger
  throw new StreamError('STREAM_CONFIG', `logger must be a function or an object with an error method, got ${describe(logger)}`)
}

function invalid(message) {
  return new StreamError('STREAM_INVALID_ARGUMENT', message)
}

/**
 * A string that reaches native code exactly: napi would replace a lone UTF-16
 * surrogate with U+FFFD, so two different ids would sign the same token.
 */
function requireString(name, value) {
  if (typeof value !== 'string') throw invalid(`${name} must be a string, got ${describe(value)}`)
  if (!value.isWellFormed()) throw invalid(`${name} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
}

const MAX_DATA_DEPTH = 64

/** Finds what Stream could not store in JSON the caller passed, naming where it is. */
function checkData(value, path, depth) {
  if (depth > MAX_DATA_DEPTH) throw invalid(`${path.split(/[.[]/)[0]} is nested more than ${MAX_DATA_DEPTH} levels deep (at ${path})`)
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw invalid(`${path} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
  } else if (typeof value === 'number') {
    // JSON.stringify would send NaN and ±Infinity as null, which reads as "not given".
    if (!Number.isFinite(value)) throw invalid(`${path} must be a finite number, got ${value}`)
  } else if (typeof value === 'function' || typeof value === 'symbol') {
    // JSON.stringify would drop it silently.
    throw invalid(`${path} must be a JSON value, got a ${typeof value}`)
  } else if (value instanceof Date) {
    // JSON.stringify would send an Invalid Date as null, which reads as "not given".
    if (Number.isNaN(value.getTime())) throw invalid(`${path} must be a valid Date, got an Invalid Date`)
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkData(item, `${path}[${i}]`, depth + 1)
  } else if (typeof value === 'object' && value !== null && typeof value.toJSON !== 'function') {
    for (const [key, item] of Object.entries(value)) {
      const at = `${path}.${key}`
      if (!key.isWellFormed()) throw invalid(`a key in ${path} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
      checkData(item, at, depth + 1)
    }
  }
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/** Custom data: any JSON object, or nothing (`null` / `undefined`). */
function customJson(data) {
  if (data === undefined || data === null) return undefined
  if (typeof data !== 'object' || Array.isArray(data)) throw invalid(`data must be an object of custom data (or null), got ${describe(data)}`)
  return toJson('data', data)
}

/** JSON text of a value the caller passed as `name`, or an error that says why it cannot be sent. */
function toJson(name, value) {
  readArgument(name, () => checkData(value, name, 1))
  try {
    return JSON.stringify(value)
  } catch (e) {
    throw invalid(`${name} must be JSON-serializable: ${e.message}`)
  }
}

/** Reads a caller's object as `read` does, turning a throwing getter or Proxy trap into an error naming `name`. */
function readArgument(name, read) {
  try {
    return read()
  } catch (e) {
    throw unreadable(name, e)
  }
}

/** What a throwing getter or Proxy trap in the caller's `name` becomes. */
function unreadable(name, e) {
  return e instanceof StreamError ? e : invalid(`${name} could not be read: ${e?.message ?? e}`)
}

// The webhook path runs once per delivery or more: its readers avoid closures
// and arrays (each would be an allocation per call).

function webhookHeaders(headers) {
  if (typeof headers !== 'object' || headers === null) {
    throw invalid(`headers must be an object with the signature, got ${describe(headers)}`)
  }
  let signature, webhookId, attempt
  try {
    ;({ signature, webhookId, attempt } = headers)
  } catch (e) {
    throw unreadable('headers', e)
  }
  if (webhookId !== undefined && webhookId !== null && typeof webhookId !== 'string') {
    throw invalid(`headers.webhookId must be a string, got ${describe(webhookId)}`)
  }
  // Header values arrive as strings; accept "2" as well as 2.
  const readable = typeof attempt === 'number' || typeof attempt === 'string'
  const attemptNumber = attempt === undefined || attempt === null ? undefined : readable ? Number(attempt) : Number.NaN
  if (attemptNumber !== undefined && !(Number.isInteger(attemptNumber) && attemptNumber >= 1 && attemptNumber < 2 ** 32 && String(attempt).trim() !== '')) {
    throw invalid(`headers.attempt must be a positive whole number, got ${readable ? JSON.stringify(attempt) : describe(attempt)}`)
  }
  // A missing X-Signature header (not a string) is, natively, a signature that does not match.
  return { signature, webhookId: webhookId ?? undefined, attempt: attemptNumber }
}

const NO_WEBHOOK_OPTIONS = Object.freeze({ startedAt: undefined, maxBodyBytes: undefined })

function webhookOptions(options) {
  if (options === undefined) return NO_WEBHOOK_OPTIONS
  if (typeof options !== 'object' || options === null) throw invalid(`options must be an object, got ${describe(options)}`)
  let startedAt, maxBodyBytes
  try {
    ;({ startedAt, maxBodyBytes } = options)
  } catch (e) {
    throw unreadable('options', e)
  }
  if (startedAt instanceof Date) {
    if (Number.isNaN(startedAt.getTime())) throw invalid('options.startedAt must be a valid Date, got an Invalid Date')
    startedAt = startedAt.toISOString()
  }
  if (startedAt !== undefined && startedAt !== null && typeof startedAt !== 'string') {
    throw invalid(`options.startedAt must be an RFC 3339 string or a Date, got ${describe(startedAt)}`)
  }
  // The range (1 byte to 1 GiB) is checked natively.
  if (maxBodyBytes !== undefined && typeof maxBodyBytes !== 'number') {
    throw invalid(`options.maxBodyBytes must be a number, got ${describe(maxBodyBytes)}`)
  }
  return { startedAt: startedAt ?? undefined, maxBodyBytes }
}

// An event crosses from Rust as the text of its fields in one string, and
// `SLOTS` (`src/event_fields.rs`): slot 0 is a bit mask of the fields that
// are not null (`BIT` is each field's bit); then, for each of them in Rust's
// order, a number field's value or a text field's length. `memberIds`
// crosses as the JSON text of the event's `members` (see `memberIds`).
const FIELDS = binding.eventFields()
const BIT = Object.fromEntries(FIELDS.map((name, i) => [name, 2 ** i]))
const SLOTS = new Float64Array(1 + FIELDS.length)

// Where `decodeEvent` is in the event it cuts (it runs to the end without
// yielding, so one cursor serves every call): the text, the mask, the next
// text's start and the next slot. `at` and `slot` only move forward.
const cut = { text: '', mask: 0, at: 0, slot: 1 }

function text(bit) {
  if (!(cut.mask & bit)) return null
  const start = cut.at
  cut.at += SLOTS[cut.slot++]
  return cut.text.slice(start, cut.at)
}

function whole(bit) {
  return cut.mask & bit ? SLOTS[cut.slot++] : null
}

/**
 * The user ids of a `members` array (its JSON text, as the event holds it):
 * a member object's `user_id` (else its `id`), or a plain id as
 * `call.member_removed` lists them; anything else is skipped. `JSON.parse`
 * gives each id exactly as the JSON wrote it.
 */
function memberIds(json) {
  if (json === null) return null
  const ids = []
  for (const member of JSON.parse(json)) {
    const id = typeof member === 'string' ? member : typeof member?.user_id === 'string' ? member.user_id : member?.id
    if (typeof id === 'string') ids.push(id)
  }
  return ids
}

// An event's whole payload, `raw`, is parsed at most once and only when read:
// until then `raws` holds the body as it was given (its bytes are not copied),
// then the parsed value. `raw` is a getter on the events' prototype, so it is
// not an own key (`Object.keys`, JSON and spreads see the typed fields only).
const raws = new WeakMap()
const EVENT = Object.create(Object.prototype, {
  raw: {
    get() {
      let value = raws.get(this)
      if (typeof value === 'string' || ArrayBuffer.isView(value)) {
        value = JSON.parse(bodyText(value))
        raws.set(this, value)
      }
      return value
    },
  },
})

/** A verified body's JSON text: gzip (`1f 8b`) inflated, as it was signed. */
function bodyText(body) {
  if (typeof body === 'string') return body
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? require('node:zlib').gunzipSync(bytes) : bytes).toString('utf8')
}

/**
 * The `CallEvent` whose text `handleWebhook` returned, cut as SLOTS says.
 * Fields are read in Rust's order, so the literal lists them in that order.
 */
function decodeEvent(encoded) {
  cut.text = encoded
  cut.mask = SLOTS[0]
  cut.at = 0
  cut.slot = 1
  const event = {
    __proto__: EVENT,
    type: text(BIT.type),
    createdAt: text(BIT.createdAt),
    callType: text(BIT.callType),
    callId: text(BIT.callId),
    sessionId: text(BIT.sessionId),
    webhookId: text(BIT.webhookId),
    attempt: whole(BIT.attempt),
    meetingId: text(BIT.meetingId),
    userId: text(BIT.userId),
    userSessionId: text(BIT.userSessionId),
    durationSeconds: whole(BIT.durationSeconds),
    egressId: text(BIT.egressId),
    recordingType: text(BIT.recordingType),
    error: text(BIT.error),
    startTime: text(BIT.startTime),
    endTime: text(BIT.endTime),
    memberIds: memberIds(text(BIT.memberIds)),
    update: null,
  }
  const kind = text(BIT['update.kind'])
  const startedAt = text(BIT['update.startedAt'])
  const endedAt = text(BIT['update.endedAt'])
  const durationSeconds = whole(BIT['update.durationSeconds'])
  const transcriptionUrl = text(BIT['update.transcriptionUrl'])
  const recordingUrl = text(BIT['update.recordingUrl'])
  cut.text = '' // the body's text is not kept alive
  // A session update's status is named as its kind ('active', 'processing').
  if (kind === 'active') event.update = { kind, status: kind, startedAt }
  else if (kind === 'processing') event.update = { kind, status: kind, startedAt, endedAt, durationSeconds }
  else if (kind === 'transcription') event.update = { kind, transcriptionUrl }
  else if (kind === 'recording') event.update = { kind, recordingUrl }
  return event
}

/** A call or user from Rust, its custom data (JSON text) parsed as `JSON.parse` does, numbers included. */
function withCustom({ customJson, ...fields }) {
  return { ...fields, custom: JSON.parse(customJson) }
}

/** The result field of a native outcome, or its error thrown as a StreamError. */
function fromOutcome(outcome, field) {
  const e = outcome.error
  if (e) throw new StreamError(e.code, e.message, e)
  return field === undefined ? undefined : outcome[field]
}

/** The `{ signal }` options of a REST function; `undefined` when there is no signal. */
function signalOf(options) {
  if (options === undefined || options === null) return undefined
  if (typeof options !== 'object') throw invalid(`options must be an object like { signal }, got ${describe(options)}`)
  const { signal } = options
  if (signal === undefined || signal === null) return undefined
  if (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    throw invalid(`options.signal must be an AbortSignal, got ${describe(signal)}`)
  }
  return signal
}

// One native canceller and one 'abort' listener per signal, however many
// operations share it (a listener per operation would pass Node's limit of 10
// and print MaxListenersExceededWarning). Removed when the last one settles.
const cancellers = new WeakMap()

function cancellerFor(signal) {
  let entry = cancellers.get(signal)
  if (entry === undefined) {
    const native = new binding.NativeCancel()
    entry = { native, users: 0, onAbort: () => native.cancel() }
    signal.addEventListener('abort', entry.onAbort, { once: true })
    cancellers.set(signal, entry)
  }
  entry.users++
  return entry
}

function releaseCanceller(signal, entry) {
  if (--entry.users === 0) {
    signal.removeEventListener('abort', entry.onAbort)
    cancellers.delete(signal)
  }
}

function aborted(signal) {
  return new StreamError('STREAM_ABORTED', 'the operation was aborted', {}, { cause: signal.reason })
}

/**
 * The options of a REST function besides `signal`, as JSON for the native
 * side, which checks them and names any that is wrong; `undefined` when there
 * are none. (`signalOf` has already checked that `options` is an object.)
 */
function restOptions(options) {
  if (options === undefined || options === null) return undefined
  const { signal: _signal, ...rest } = readArgument('options', () => ({ ...options }))
  return Object.keys(rest).length === 0 ? undefined : toJson('options', rest)
}

const TOKEN_OPTIONS = ['exp', 'iat', 'claims']
const CALL_TOKEN_OPTIONS = ['role', 'validityInSeconds', ...TOKEN_OPTIONS]

/**
 * A token's options object: only `known` keys; `exp` and `iat` numbers
 * (checked as Unix seconds natively), `claims` an object, as JSON.
 */
function tokenOptions(options, known) {
  if (typeof options !== 'object' || options === null) throw invalid(`options must be an object, got ${describe(options)}`)
  const given = readArgument('options', () => ({ ...options }))
  const unknown = Object.keys(given).find((key) => !known.includes(key))
  if (unknown !== undefined) throw invalid(`options.${unknown} is not an option here (known: ${known.join(', ')})`)
  optionalNumber('options.exp', given.exp)
  optionalNumber('options.iat', given.iat)
  const { claims } = given
  if (claims !== undefined && (typeof claims !== 'object' || claims === null || Array.isArray(claims))) {
    throw invalid(`options.claims must be an object of claims, got ${describe(claims)}`)
  }
  return { ...given, claims: claims === undefined ? undefined : toJson('options.claims', claims) }
}

function optionalNumber(name, value) {
  if (value !== undefined && typeof value !== 'number') throw invalid(`${name} must be a number, got ${describe(value)}`)
}

function requireArray(name, value, what) {
  if (!Array.isArray(value)) throw invalid(`${name} must be an array of ${what}, got ${describe(value)}`)
}

// ---------------------------------------------------------------- settings

// Every setting (option, STREAM_* variable, JS type) is declared once, in
// Rust (`src/config.rs`); this file only reads that declaration.
const SETTINGS = binding.settings()
const CREDENTIALS = SETTINGS.filter((s) => s.credential).map((s) => s.env)

/** The option values in declaration order, each of the declared type, or a STREAM_CONFIG error. */
function optionValues(options) {
  if (typeof options !== 'object' || options === null) {
    throw new StreamError('STREAM_CONFIG', `options must be an object with apiKey and apiSecret, got ${describe(options)}`)
  }
  return SETTINGS.map(({ option, type }) => {
    const value = options[option]
    if (value !== undefined && typeof value !== type) throw new StreamError('STREAM_CONFIG', `${option} must be a ${type}, got ${describe(value)}`)
    if (type === 'string' && value !== undefined && !value.isWellFormed()) {
      throw new StreamError('STREAM_CONFIG', `${option} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
    }
    return value
  })
}

// Where a client's native handles come from: fixed ones for createStreamClient,
// or the current STREAM_* environment for the module functions: this thread's
// `process.env` (a worker has its own), read at each call. REST calls read
// every variable; tokens and webhook checks only the credentials (each read of
// process.env costs ~0.2 µs). A handle is rebuilt only when a value it was
// built from changed; native code never reads the process-wide C environment.
function fixedSource(client, logger) {
  const signer = binding.clientSigner(client)
  return { rest: () => client, signer: () => signer, logger }
}

function envSource() {
  let rest = null // { values, client }
  let signing = null // { key, secret, signer }
  const [KEY, SECRET] = CREDENTIALS
  return {
    logger: undefined,
    rest() {
      const env = process.env
      let same = rest !== null
      for (let i = 0; same && i < SETTINGS.length; i++) same = env[SETTINGS[i].env] === rest.values[i]
      if (!same) {
        const values = SETTINGS.map((s) => env[s.env])
        rest = { values, client: binding.newClient(values, true) }
      }
      return rest.client
    },
    signer() {
      const env = process.env
      const key = env[KEY]
      const secret = env[SECRET]
      if (signing === null || signing.key !== key || signing.secret !== secret) {
        signing = { key, secret, signer: binding.newSigner([key, secret], true) }
      }
      return signing.signer
    },
  }
}

// ---------------------------------------------------------------- the client

/**
 * Every public operation, written once. `createStreamClient` makes one over
 * fixed credentials; the module functions are the methods of one instance
 * over the STREAM_* environment. Sync operations throw; the others return
 * Promises and never throw synchronously. Failures are logged StreamErrors.
 */
// The node-sdk surface's door and its errors' details (see `[API_REQUEST]`); not public API.
const API_REQUEST = Symbol.for('stream-video-native.apiRequest')
const API_DETAILS = Symbol.for('stream-video-native.apiDetails')

class StreamClient {
  #source

  /** @private Made by `createStreamClient`. */
  constructor(source) {
    this.#source = source
  }

  generateStreamTokenSync(userId, validityInSeconds, options) {
    return this.#token('generateStreamTokenSync', userId, validityInSeconds, options)
  }

  async generateStreamToken(userId, validityInSeconds, options) {
    return this.#token('generateStreamToken', userId, validityInSeconds, options)
  }

  /** node-sdk's deprecated `createToken(userId, exp?, iat?)`: absolute Unix seconds, node-sdk's defaults. */
  createTokenSync(userId, exp, iat) {
    return this.#createToken('createTokenSync', userId, exp, iat)
  }

  async createToken(userId, exp, iat) {
    return this.#createToken('createToken', userId, exp, iat)
  }

  generateCallTokenSync(userId, callIds, options) {
    return this.#callToken('generateCallTokenSync', userId, callIds, options)
  }

  async generateCallToken(userId, callIds, options) {
    return this.#callToken('generateCallToken', userId, callIds, options)
  }

  // The native side checks the body's type and treats a non-string
  // signature (a missing header) as one that does not match.
  verifyWebhookSync(body, signature) {
    return this.#verify('verifyWebhookSync', body, signature)
  }

  async verifyWebhook(body, signature) {
    return this.#verify('verifyWebhook', body, signature)
  }

  async handleStreamWebhook(body, headers, options) {
    try {
      const { signature, webhookId, attempt } = webhookHeaders(headers)
      const { startedAt, maxBodyBytes } = webhookOptions(options)
      const event = decodeEvent(binding.handleWebhook(this.#source.signer(), body, signature, webhookId, attempt, startedAt, maxBodyBytes, SLOTS))
      raws.set(event, body)
      return event
    } catch (e) {
      throw report('handleStreamWebhook', toStreamError(e), this.#source.logger)
    }
  }

  createStreamCall(callId, userId, data, options) {
    return this.#rest(
      'createStreamCall',
      options,
      (c) => binding.createCall(c, id('callId', callId), id('userId', userId), customJson(data), restOptions(options)),
      (o) => withCustom(fromOutcome(o, 'call')),
    )
  }

  addCallParticipant(callId, userId, role = 'participant', options) {
    return this.#rest(
      'addCallParticipant',
      options,
      (c) => binding.addMember(c, id('callId', callId), id('userId', userId), role === null ? null : id('role', role)),
      fromOutcome,
    )
  }

  startRecording(callId, options) {
    return this.#action('startRecording', callId, options)
  }

  stopRecording(callId, options) {
    return this.#action('stopRecording', callId, options)
  }

  startTranscription(callId, options) {
    return this.#action('startTranscription', callId, options)
  }

  stopTranscription(callId, options) {
    return this.#action('stopTranscription', callId, options)
  }

  startClosedCaptions(callId, options) {
    return this.#action('startClosedCaptions', callId, options)
  }

  stopClosedCaptions(callId, options) {
    return this.#action('stopClosedCaptions', callId, options)
  }

  getCall(callId, options) {
    return this.#rest(
      'getCall',
      options,
      (c) => binding.getCall(c, id('callId', callId)),
      (o) => {
        const { members, ...state } = fromOutcome(o, 'state')
        return { ...withCustom(state), members: members.map(memberOf) }
      },
    )
  }

  listRecordings(callId, options) {
    return this.#rest(
      'listRecordings',
      options,
      (c) => binding.listRecordings(c, id('callId', callId)),
      (o) => fromOutcome(o, 'recordings'),
    )
  }

  listTranscriptions(callId, options) {
    return this.#rest(
      'listTranscriptions',
      options,
      (c) => binding.listTranscriptions(c, id('callId', callId)),
      (o) => fromOutcome(o, 'transcriptions'),
    )
  }

  queryCallMembers(callId, options) {
    return this.#rest(
      'queryCallMembers',
      options,
      (c) => binding.queryCallMembers(c, id('callId', callId), restOptions(options)),
      (o) => {
        const { members, next, prev } = fromOutcome(o, 'page')
        return { members: members.map(memberOf), next, prev }
      },
    )
  }

  endCall(callId, options) {
    return this.#rest('endCall', options, (c) => binding.endCall(c, id('callId', callId)), fromOutcome)
  }

  upsertUsers(users, options) {
    return this.#rest('upsertUsers', options, (c) => binding.upsertUsers(c, arrayJson('users', users, 'users')), usersOf)
  }

  getUsers(userIds, options) {
    return this.#rest('getUsers', options, (c) => binding.getUsers(c, arrayJson('userIds', userIds, 'user ids')), usersOf)
  }

  updateUsersPartial(updates, options) {
    return this.#rest('updateUsersPartial', options, (c) => binding.updateUsersPartial(c, arrayJson('updates', updates, '{ id, set, unset }')), usersOf)
  }

  /** Settings without the secret, for logs and debugging. */
  toJSON() {
    const values = binding.clientSettings(this.#source.rest())
    return Object.fromEntries(SETTINGS.map((s, i) => [s.option, values[i]]))
  }

  [inspect.custom](_depth, options) {
    return `StreamClient ${inspect(this.toJSON(), options)}`
  }

  #token(operation, userId, validityInSeconds, options) {
    try {
      requireString('userId', userId)
      optionalNumber('validityInSeconds', validityInSeconds)
      // The plain token is a hot path: no options object is read.
      if (options === undefined) return binding.userToken(this.#source.signer(), userId, validityInSeconds)
      const { exp, iat, claims } = tokenOptions(options, TOKEN_OPTIONS)
      return binding.userTokenWith(this.#source.signer(), userId, validityInSeconds, exp, iat, claims)
    } catch (e) {
      throw report(operation, toStreamError(e), this.#source.logger)
    }
  }

  #createToken(operation, userId, exp = Math.round(Date.now() / 1000) + 60 * 60, iat = Math.floor((Date.now() - 1000) / 1000)) {
    try {
      requireString('userId', userId)
      optionalNumber('exp', exp)
      optionalNumber('iat', iat)
      return binding.userTokenWith(this.#source.signer(), userId, undefined, exp, iat, undefined, true)
    } catch (e) {
      throw report(operation, toStreamError(e), this.#source.logger)
    }
  }

  #callToken(operation, userId, callIds, options = {}) {
    try {
      requireString('userId', userId)
      requireArray('callIds', callIds, 'call ids')
      for (const [i, callId] of callIds.entries()) requireString(`callIds[${i}]`, callId)
      const { role, validityInSeconds, exp, iat, claims } = tokenOptions(options, CALL_TOKEN_OPTIONS)
      if (role !== undefined) requireString('options.role', role)
      optionalNumber('options.validityInSeconds', validityInSeconds)
      return binding.callToken(this.#source.signer(), userId, callIds, role, validityInSeconds, exp, iat, claims)
    } catch (e) {
      throw report(operation, toStreamError(e), this.#source.logger)
    }
  }

  #verify(operation, body, signature) {
    try {
      return binding.verifyWebhook(this.#source.signer(), body, signature)
    } catch (e) {
      throw report(operation, toStreamError(e), this.#source.logger)
    }
  }

  /** `startRecording` and its kin: the operation's name is its `CallAction` (`StartRecording`). */
  #action(operation, callId, options) {
    const action = operation[0].toUpperCase() + operation.slice(1)
    return this.#rest(operation, options, (c) => binding.callAction(c, id('callId', callId), action, restOptions(options)), fromOutcome)
  }

  /**
   * @private The node-sdk surface's one door (`node-sdk/index.js`): operation
   * `index` of its generated table, its arguments built as node-sdk builds
   * them, sent like every other REST operation. Resolves to the native answer
   * (status, headers, body text); a failure's `[API_DETAILS]` holds what
   * node-sdk's errors show (Stream's message, the response's headers).
   */
  [API_REQUEST](operation, index, pathParams, query, body, options) {
    return this.#rest(operation, options, (c) => binding.apiRequest(c, index, pathParams, query, body), apiAnswer)
  }

  /**
   * Runs a REST operation: `prepare(client)` checks its arguments (in JS,
   * then natively) and returns the native request, which is then sent;
   * `decode(outcome)` gives its result. Refused arguments throw before any
   * attempt is watched (tracing: no CLIENT span) or sent. An `AbortSignal` in
   * `options` cancels it natively (the request in flight or a retry wait);
   * an already-aborted one sends nothing. Aborts are not logged: the caller
   * asked for them.
   */
  async #rest(operation, options, prepare, decode) {
    const started = performance.now()
    let signal
    let watched
    try {
      signal = signalOf(options)
      if (signal?.aborted) throw aborted(signal)
      watched = tracing.watch(operation)
      const request = prepare(this.#source.rest())
      const canceller = signal ? cancellerFor(signal) : undefined
      try {
        const outcome = await binding.send(request, canceller?.native, watched?.observer, watched?.id, watched?.first())
        watched?.end(outcome.attempts, outcome.error ?? undefined)
        return decode(outcome)
      } finally {
        if (canceller) releaseCanceller(signal, canceller)
      }
    } catch (e) {
      const error = toStreamError(e)
      watched?.end(undefined, error)
      if (error.code === 'STREAM_ABORTED') throw error.cause === undefined && signal ? aborted(signal) : error
      throw report(operation, error, this.#source.logger, started)
    }
  }
}

function apiAnswer(outcome) {
  const e = outcome.error
  if (!e) return outcome.api
  const error = new StreamError(e.code, e.message, e)
  error[API_DETAILS] = { streamMessage: e.streamMessage ?? undefined, responseHeaders: e.responseHeaders ?? undefined }
  throw error
}

/** A string argument, checked (see `requireString`). */
function id(name, value) {
  requireString(name, value)
  return value
}

function arrayJson(name, value, what) {
  requireArray(name, value, what)
  return toJson(name, value)
}

/** A member from Rust (`NativeMember`), shaped as Stream's `MemberResponse`, camelCased, custom data parsed. */
function memberOf({ userId, role, customJson, userName, userImage, userCustomJson, createdAt, updatedAt }) {
  const user = { id: userId, name: userName, image: userImage, custom: JSON.parse(userCustomJson) }
  return { userId, role, custom: JSON.parse(customJson), user, createdAt, updatedAt }
}

function usersOf(outcome) {
  return fromOutcome(outcome, 'users').map((user) => ({ ...withCustom(user), createdAt: user.createdAt ?? null, updatedAt: user.updatedAt ?? null }))
}

function createStreamClient(options) {
  try {
    const values = optionValues(options)
    return new StreamClient(fixedSource(binding.newClient(values, false), loggerOption(options)))
  } catch (e) {
    const error = toStreamError(e)
    throw report('createStreamClient', error.code === 'STREAM_INVALID_ARGUMENT' ? new StreamError('STREAM_CONFIG', error.message) : error)
  }
}

// The module functions: the methods of one client over the STREAM_* environment.
const envClient = new StreamClient(envSource())
const operations = Object.getOwnPropertyNames(StreamClient.prototype).filter((name) => name !== 'constructor' && name !== 'toJSON')

/** Every `call.*` event type `handleStreamWebhook` knows (from Rust: node-sdk 0.7.64's list). */
const CALL_EVENT_TYPES = Object.freeze(binding.callEventTypes())

module.exports = {
  ...Object.fromEntries(operations.map((name) => [name, envClient[name].bind(envClient)])),
  CALL_EVENT_TYPES,
  createStreamClient,
  StreamClient,
  StreamError,
}
