'use strict'
// Public API of stream-video-native over the generated napi binding.
// Promise-returning functions never throw synchronously; Sync twins throw.
// Every failure is a StreamError with a stable `code`, logged once.

const { dirname } = require('node:path')
const { inspect } = require('node:util')
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

function report(operation, error) {
  if (process.env.STREAM_LOG !== 'silent') {
    console.error(`[stream-video-native] ${operation} failed: ${error.code}: ${error.message}`)
  }
  return error
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

function customJson(data) {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid(`data must be an object with meetingId, agentId and agentName, got ${describe(data)}`)
  }
  return toJson('data', data)
}

/** JSON text of a value the caller passed as `name`, or an error that says why it cannot be sent. */
function toJson(name, value) {
  checkData(value, name, 1)
  try {
    return JSON.stringify(value)
  } catch (e) {
    throw invalid(`${name} must be JSON-serializable: ${e.message}`)
  }
}

function webhookHeaders(headers) {
  if (typeof headers !== 'object' || headers === null) {
    throw invalid(`headers must be an object with the signature, got ${describe(headers)}`)
  }
  const { signature, webhookId, attempt } = headers
  if (webhookId !== undefined && webhookId !== null && typeof webhookId !== 'string') {
    throw invalid(`headers.webhookId must be a string, got ${describe(webhookId)}`)
  }
  // Header values arrive as strings; accept "2" as well as 2.
  const attemptNumber = attempt === undefined || attempt === null ? null : Number(attempt)
  if (attemptNumber !== null && !(Number.isInteger(attemptNumber) && attemptNumber >= 1 && attemptNumber < 2 ** 32 && String(attempt).trim() !== '')) {
    throw invalid(`headers.attempt must be a positive whole number, got ${JSON.stringify(attempt)}`)
  }
  // A missing X-Signature header (not a string) is, natively, a signature that does not match.
  return { signature, webhookId: webhookId ?? undefined, attempt: attemptNumber ?? undefined }
}

function webhookOptions(options = {}) {
  if (typeof options !== 'object' || options === null) throw invalid(`options must be an object, got ${describe(options)}`)
  let { startedAt, maxBodyBytes } = options
  if (startedAt instanceof Date) startedAt = startedAt.toISOString()
  if (startedAt !== undefined && startedAt !== null && typeof startedAt !== 'string') {
    throw invalid(`options.startedAt must be an RFC 3339 string or a Date, got ${describe(startedAt)}`)
  }
  // The range (1 byte to 1 GiB) is checked natively.
  if (maxBodyBytes !== undefined && typeof maxBodyBytes !== 'number') {
    throw invalid(`options.maxBodyBytes must be a number, got ${describe(maxBodyBytes)}`)
  }
  return { startedAt: startedAt ?? undefined, maxBodyBytes }
}

/** A call or user from Rust, its custom data (JSON text) parsed as `JSON.parse` does, numbers included. */
function withCustom({ customJson, ...fields }) {
  return { ...fields, custom: JSON.parse(customJson) }
}

function fromOutcome(outcome) {
  const e = outcome.error
  if (e) throw new StreamError(e.code, e.message, e)
  return outcome
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
 * are none. (`request` has already checked that `options` is an object.)
 */
function restOptions(options) {
  if (options === undefined || options === null) return undefined
  const { signal: _signal, ...rest } = options
  return Object.keys(rest).length === 0 ? undefined : toJson('options', rest)
}

function optionalNumber(name, value) {
  if (value !== undefined && typeof value !== 'number') throw invalid(`${name} must be a number, got ${describe(value)}`)
}

// The public operations over one source of native clients: `native()` returns
// the NativeClient for the REST calls; `token`, `callToken`, `verify` and
// `webhook` are the CPU-light paths, which run on the calling thread.
function operations({ native, token, callToken, verify, webhook }) {
  /** Runs a sync operation: any failure becomes a logged StreamError. */
  function syncOp(operation, run) {
    try {
      return run()
    } catch (e) {
      throw report(operation, toStreamError(e))
    }
  }

  function tokenFor(operation, userId, validityInSeconds) {
    return syncOp(operation, () => {
      requireString('userId', userId)
      optionalNumber('validityInSeconds', validityInSeconds)
      return token(userId, validityInSeconds)
    })
  }

  function callTokenFor(operation, userId, callIds, options = {}) {
    return syncOp(operation, () => {
      requireString('userId', userId)
      if (!Array.isArray(callIds)) throw invalid(`callIds must be an array of call ids, got ${describe(callIds)}`)
      for (const [i, id] of callIds.entries()) requireString(`callIds[${i}]`, id)
      if (typeof options !== 'object' || options === null) throw invalid(`options must be an object, got ${describe(options)}`)
      const { role, validityInSeconds } = options
      if (role !== undefined) requireString('options.role', role)
      optionalNumber('options.validityInSeconds', validityInSeconds)
      return callToken(userId, callIds, role, validityInSeconds)
    })
  }

  // The native side checks the body's type and treats a non-string
  // signature (a missing header) as one that does not match.
  const verifyFor = (operation, body, signature) => syncOp(operation, () => verify(body, signature))

  async function handleWebhook(body, headers, options) {
    return syncOp('handleStreamWebhook', () => {
      const { signature, webhookId, attempt } = webhookHeaders(headers)
      return webhook(body, signature, { webhookId, attempt, ...webhookOptions(options) })
    })
  }

  /**
   * Runs a REST operation. An `AbortSignal` in `options` cancels it natively
   * (the request in flight or a retry wait); an already-aborted one sends
   * nothing. Aborts are not logged: the caller asked for them.
   */
  async function request(operation, options, send) {
    let signal
    try {
      signal = signalOf(options)
      if (signal?.aborted) throw aborted(signal)
      const canceller = signal ? cancellerFor(signal) : undefined
      try {
        return await send(native(), canceller?.native)
      } finally {
        if (canceller) releaseCanceller(signal, canceller)
      }
    } catch (e) {
      const error = toStreamError(e)
      if (error.code === 'STREAM_ABORTED') throw error.cause === undefined && signal ? aborted(signal) : error
      throw report(operation, error)
    }
  }

  return {
    generateStreamTokenSync: (userId, validityInSeconds) => tokenFor('generateStreamTokenSync', userId, validityInSeconds),
    generateStreamToken: async (userId, validityInSeconds) => tokenFor('generateStreamToken', userId, validityInSeconds),
    generateCallTokenSync: (userId, callIds, options) => callTokenFor('generateCallTokenSync', userId, callIds, options),
    generateCallToken: async (userId, callIds, options) => callTokenFor('generateCallToken', userId, callIds, options),
    verifyWebhookSync: (body, signature) => verifyFor('verifyWebhookSync', body, signature),
    verifyWebhook: async (body, signature) => verifyFor('verifyWebhook', body, signature),
    handleStreamWebhook: handleWebhook,
    createStreamCall: (callId, userId, data, options) =>
      request('createStreamCall', options, async (client, cancel) => {
        requireString('callId', callId)
        requireString('userId', userId)
        const settings = options?.settings === undefined ? undefined : toJson('options.settings', options.settings)
        return withCustom(fromOutcome(await client.createCall(callId, userId, customJson(data), settings, cancel)).call)
      }),
    addCallParticipant: (callId, userId, role = 'participant', options) =>
      request('addCallParticipant', options, async (client, cancel) => {
        requireString('callId', callId)
        requireString('userId', userId)
        requireString('role', role)
        fromOutcome(await client.addMember(callId, userId, role, cancel))
      }),
    ...Object.fromEntries(
      Object.entries(binding.CallAction).map(([Action, action]) => {
        const name = Action[0].toLowerCase() + Action.slice(1) // StartRecording → startRecording
        const run = (callId, options) =>
          request(name, options, async (client, cancel) => {
            requireString('callId', callId)
            fromOutcome(await client.callAction(callId, action, restOptions(options), cancel))
          })
        return [name, run]
      }),
    ),
    getCall: (callId, options) =>
      request('getCall', options, async (client, cancel) => {
        requireString('callId', callId)
        return withCustom(fromOutcome(await client.getCall(callId, cancel)).state)
      }),
    listRecordings: (callId, options) =>
      request('listRecordings', options, async (client, cancel) => {
        requireString('callId', callId)
        return fromOutcome(await client.listRecordings(callId, cancel)).recordings
      }),
    listTranscriptions: (callId, options) =>
      request('listTranscriptions', options, async (client, cancel) => {
        requireString('callId', callId)
        return fromOutcome(await client.listTranscriptions(callId, cancel)).transcriptions
      }),
    endCall: (callId, options) =>
      request('endCall', options, async (client, cancel) => {
        requireString('callId', callId)
        fromOutcome(await client.endCall(callId, cancel))
      }),
    upsertUsers: (users, options) =>
      request('upsertUsers', options, async (client, cancel) => {
        if (!Array.isArray(users)) throw invalid(`users must be an array of users, got ${describe(users)}`)
        return fromOutcome(await client.upsertUsers(toJson('users', users), cancel)).users.map(withCustom)
      }),
    getUsers: (userIds, options) =>
      request('getUsers', options, async (client, cancel) => {
        if (!Array.isArray(userIds)) throw invalid(`userIds must be an array of user ids, got ${describe(userIds)}`)
        return fromOutcome(await client.getUsers(toJson('userIds', userIds), cancel)).users.map(withCustom)
      }),
    updateUsersPartial: (updates, options) =>
      request('updateUsersPartial', options, async (client, cancel) => {
        if (!Array.isArray(updates)) throw invalid(`updates must be an array of { id, set, unset }, got ${describe(updates)}`)
        return fromOutcome(await client.updateUsersPartial(toJson('updates', updates), cancel)).users.map(withCustom)
      }),
  }
}

const OPTION_TYPES = { apiKey: 'string', apiSecret: 'string', baseUrl: 'string', timeoutMs: 'number', maxRetries: 'number', maxConnections: 'number' }

class StreamClient {
  #native
  #ops

  constructor(native) {
    this.#native = native
    this.#ops = operations({
      native: () => native,
      token: (userId, validity) => native.generateToken(userId, validity),
      callToken: (...args) => native.generateCallToken(...args),
      verify: (body, signature) => native.verifyWebhook(body, signature),
      webhook: (...args) => native.handleWebhook(...args),
    })
  }

  // One method per public operation (generateStreamToken, createStreamCall, startRecording, …),
  // each the client's own operation: the list is the operations themselves, never written out twice.
  static {
    for (const name of Object.keys(operations({}))) {
      Object.defineProperty(StreamClient.prototype, name, {
        value: {
          [name](...args) {
            return this.#ops[name](...args)
          },
        }[name],
        writable: true,
        configurable: true,
      })
    }
  }

  /** Settings without the secret, for logs and debugging. */
  toJSON() {
    const { apiKey, baseUrl, timeoutMs, maxRetries, maxConnections } = this.#native.settings()
    return { apiKey, apiSecret: '[redacted]', baseUrl, timeoutMs, maxRetries, maxConnections }
  }

  [inspect.custom](_depth, options) {
    return `StreamClient ${inspect(this.toJSON(), options)}`
  }
}

function createStreamClient(options) {
  try {
    if (typeof options !== 'object' || options === null) {
      throw new StreamError('STREAM_CONFIG', `options must be an object with apiKey and apiSecret, got ${describe(options)}`)
    }
    for (const [name, type] of Object.entries(OPTION_TYPES)) {
      const value = options[name]
      if (value !== undefined && typeof value !== type) {
        throw new StreamError('STREAM_CONFIG', `${name} must be a ${type}, got ${describe(value)}`)
      }
      if (type === 'string' && value !== undefined && !value.isWellFormed()) {
        throw new StreamError('STREAM_CONFIG', `${name} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
      }
    }
    const { apiKey, apiSecret, baseUrl, timeoutMs, maxRetries, maxConnections } = options
    return new StreamClient(new binding.NativeClient({ apiKey, apiSecret, baseUrl, timeoutMs, maxRetries, maxConnections }))
  } catch (e) {
    const error = toStreamError(e)
    throw report('createStreamClient', error.code === 'STREAM_INVALID_ARGUMENT' ? new StreamError('STREAM_CONFIG', error.message) : error)
  }
}

// The module-level functions use the client of the current STREAM_* environment:
// this thread's `process.env` (a worker has its own), read at each call. The
// REST calls read all six variables; tokens and webhook checks need only the
// credentials, so they read two (each read of process.env costs ~0.2 µs). A
// native client is rebuilt only when a value it was built from changed; native
// code never reads the process-wide C environment.
const REST_VARIABLES = [
  ['apiKey', 'STREAM_API_KEY'],
  ['apiSecret', 'STREAM_API_SECRET'],
  ['baseUrl', 'STREAM_BASE_URL'],
  ['timeoutMs', 'STREAM_TIMEOUT_MS'],
  ['maxRetries', 'STREAM_MAX_RETRIES'],
  ['maxConnections', 'STREAM_MAX_CONNECTIONS'],
]
let restClient = null // { values, native } for the six variables
let signingClient = null // { apiKey, apiSecret, native }

function envRestClient() {
  const env = process.env
  let same = restClient !== null
  for (let i = 0; same && i < REST_VARIABLES.length; i++) same = env[REST_VARIABLES[i][1]] === restClient.values[REST_VARIABLES[i][0]]
  if (same) return restClient.native
  const values = {}
  for (const [key, name] of REST_VARIABLES) values[key] = env[name]
  restClient = { values, native: binding.NativeClient.fromEnv(values) }
  return restClient.native
}

/** The hot path of tokens and webhook checks: two reads of process.env. */
function envSigningClient() {
  const env = process.env
  const apiKey = env.STREAM_API_KEY
  const apiSecret = env.STREAM_API_SECRET
  if (signingClient === null || signingClient.apiKey !== apiKey || signingClient.apiSecret !== apiSecret) {
    signingClient = { apiKey, apiSecret, native: binding.NativeClient.fromEnv({ apiKey, apiSecret }) }
  }
  return signingClient.native
}

const defaults = operations({
  native: envRestClient,
  token: (userId, validity) => envSigningClient().generateToken(userId, validity),
  callToken: (...args) => envSigningClient().generateCallToken(...args),
  verify: (body, signature) => envSigningClient().verifyWebhook(body, signature),
  webhook: (...args) => envSigningClient().handleWebhook(...args),
})

/** Every `call.*` event type `handleStreamWebhook` knows (from Rust: node-sdk 0.7.64's list). */
const CALL_EVENT_TYPES = Object.freeze(binding.callEventTypes())

module.exports = {
  ...defaults,
  CALL_EVENT_TYPES,
  createStreamClient,
  StreamClient,
  StreamError,
}
