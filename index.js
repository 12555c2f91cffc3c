'use strict'
// Public API of stream-video-native over the generated napi binding.
// Promise-returning functions never throw synchronously; Sync twins throw.
// Every failure is a StreamError with a stable `code`, logged once.

const { inspect } = require('node:util')
const binding = loadBinding()

function loadBinding() {
  try {
    return require('./binding.js')
  } catch (cause) {
    const platform = platformName()
    const error = new Error(
      `stream-video-native has no native binary for this platform (${platform}): neither ` +
        `./stream-video-native.${platform}.node nor the package stream-video-native-${platform} could be loaded. ` +
        `Prebuilt binaries exist for linux x64/arm64 (glibc and musl), macOS x64/arm64 and Windows x64; ` +
        `reinstall with optional dependencies enabled (no --no-optional / --omit=optional), ` +
        `or build from source with \`npm run build\` in a checkout.`,
    )
    error.code = 'STREAM_NATIVE_BINDING'
    error.cause = cause
    throw error
  }
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

const CODES = new Set([
  'STREAM_CONFIG',
  'STREAM_INVALID_ARGUMENT',
  'STREAM_API',
  'STREAM_NETWORK',
  'STREAM_TIMEOUT',
  'STREAM_WEBHOOK_SIGNATURE',
  'STREAM_INTERNAL',
])

class StreamError extends Error {
  constructor(code, message, details = {}) {
    super(message)
    this.name = 'StreamError'
    this.code = code
    for (const key of ['status', 'streamCode', 'requestId', 'attempts']) {
      if (details[key] !== undefined && details[key] !== null) this[key] = details[key]
    }
  }
}

// napi's argument conversion failures: a value of the wrong type reached the native side.
const NAPI_ARGUMENT_CODES = new Set(['InvalidArg', 'ObjectExpected', 'StringExpected', 'NameExpected', 'FunctionExpected', 'NumberExpected', 'BooleanExpected', 'ArrayExpected', 'BigintExpected', 'DateExpected', 'ArrayBufferExpected'])

function toStreamError(e) {
  if (e instanceof StreamError) return e
  // Native errors carry our code; napi's conversion errors are bad arguments; anything else is a bug.
  const code = CODES.has(e && e.code) ? e.code : NAPI_ARGUMENT_CODES.has(e && e.code) ? 'STREAM_INVALID_ARGUMENT' : 'STREAM_INTERNAL'
  return new StreamError(code, String((e && e.message) || e))
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

/** Finds what Stream could not store in custom data, naming where it is. */
function checkData(value, path, depth) {
  if (depth > MAX_DATA_DEPTH) throw invalid(`data is nested more than ${MAX_DATA_DEPTH} levels deep (at ${path})`)
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw invalid(`${path} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkData(item, `${path}[${i}]`, depth + 1))
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
  checkData(data, 'data', 1)
  try {
    return JSON.stringify(data)
  } catch (e) {
    throw invalid(`data must be JSON-serializable: ${e.message}`)
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
  if (attemptNumber !== null && !(Number.isInteger(attemptNumber) && attemptNumber >= 1 && String(attempt).trim() !== '')) {
    throw invalid(`headers.attempt must be a positive whole number, got ${JSON.stringify(attempt)}`)
  }
  // A missing X-Signature header (not a string) is, natively, a signature that does not match.
  return { signature, webhookId: webhookId ?? null, attempt: attemptNumber }
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

const UPDATES = {
  active: (e) => ({ status: 'active', startedAt: e.startedAt ?? null }),
  processing: (e) => ({ status: 'processing', startedAt: e.startedAt ?? null, endedAt: e.endedAt ?? null, durationSeconds: e.durationSeconds ?? null }),
  transcription: (e) => ({ transcriptionUrl: e.url }),
  recording: (e) => ({ recordingUrl: e.url }),
}

function webhookResult(event, { webhookId, attempt }) {
  return {
    type: event.type,
    createdAt: event.createdAt ?? null,
    callType: event.callType ?? null,
    callId: event.callId ?? null,
    sessionId: event.sessionId ?? null,
    webhookId,
    attempt,
    meetingId: event.meetingId ?? null,
    update: event.updateKind ? UPDATES[event.updateKind](event) : null,
  }
}

function fromOutcome(outcome) {
  const e = outcome.error
  if (e) throw new StreamError(e.code, e.message, e)
  return outcome.call
}

// The public operations over one source of native clients: `native()` returns
// the NativeClient for the REST calls; `token`, `verify` and `webhook` are the
// CPU-light paths, which run on the calling thread without creating a JS
// object per call.
function operations({ native, token, verify, webhook }) {
  function tokenFor(operation, userId, validityInSeconds) {
    try {
      requireString('userId', userId)
      if (validityInSeconds !== undefined && typeof validityInSeconds !== 'number') {
        throw invalid(`validityInSeconds must be a number, got ${describe(validityInSeconds)}`)
      }
      return token(userId, validityInSeconds)
    } catch (e) {
      throw report(operation, toStreamError(e))
    }
  }

  function verifyFor(operation, body, signature) {
    try {
      // The native side checks the body's type and treats a non-string
      // signature (a missing header) as one that does not match.
      return verify(body, signature)
    } catch (e) {
      throw report(operation, toStreamError(e))
    }
  }

  async function handleWebhook(body, headers, options) {
    try {
      // The native side checks the body's type.
      const meta = webhookHeaders(headers)
      const { startedAt, maxBodyBytes } = webhookOptions(options)
      return webhookResult(webhook(body, meta.signature, startedAt, maxBodyBytes), meta)
    } catch (e) {
      throw report('handleStreamWebhook', toStreamError(e))
    }
  }

  async function request(operation, send) {
    try {
      return await send(native())
    } catch (e) {
      throw report(operation, toStreamError(e))
    }
  }

  return {
    generateStreamTokenSync: (userId, validityInSeconds) =>
      tokenFor('generateStreamTokenSync', userId, validityInSeconds),
    generateStreamToken: async (userId, validityInSeconds) =>
      tokenFor('generateStreamToken', userId, validityInSeconds),
    verifyWebhookSync: (body, signature) => verifyFor('verifyWebhookSync', body, signature),
    verifyWebhook: async (body, signature) => verifyFor('verifyWebhook', body, signature),
    handleStreamWebhook: handleWebhook,
    createStreamCall: (callId, userId, data) =>
      request('createStreamCall', async (client) => {
        requireString('callId', callId)
        requireString('userId', userId)
        const outcome = await client.createCall(callId, userId, customJson(data))
        const { customJson: custom, ...call } = fromOutcome(outcome)
        return { ...call, custom: JSON.parse(custom) }
      }),
    addCallParticipant: (callId, userId, role = 'participant') =>
      request('addCallParticipant', async (client) => {
        requireString('callId', callId)
        requireString('userId', userId)
        requireString('role', role)
        fromOutcome(await client.addMember(callId, userId, role))
      }),
    endCall: (callId) =>
      request('endCall', async (client) => {
        requireString('callId', callId)
        fromOutcome(await client.endCall(callId))
      }),
  }
}

const OPTION_TYPES = { apiKey: 'string', apiSecret: 'string', baseUrl: 'string', timeoutMs: 'number', maxRetries: 'number' }

class StreamClient {
  #native
  #ops

  constructor(native) {
    this.#native = native
    this.#ops = operations({
      native: () => native,
      token: (userId, validity) => native.generateToken(userId, validity),
      verify: (body, signature) => native.verifyWebhook(body, signature),
      webhook: (...args) => native.handleWebhook(...args),
    })
  }

  generateStreamToken(userId, validityInSeconds) {
    return this.#ops.generateStreamToken(userId, validityInSeconds)
  }
  generateStreamTokenSync(userId, validityInSeconds) {
    return this.#ops.generateStreamTokenSync(userId, validityInSeconds)
  }
  createStreamCall(callId, userId, data) {
    return this.#ops.createStreamCall(callId, userId, data)
  }
  addCallParticipant(callId, userId, role) {
    return this.#ops.addCallParticipant(callId, userId, role)
  }
  endCall(callId) {
    return this.#ops.endCall(callId)
  }
  verifyWebhook(body, signature) {
    return this.#ops.verifyWebhook(body, signature)
  }
  verifyWebhookSync(body, signature) {
    return this.#ops.verifyWebhookSync(body, signature)
  }
  handleStreamWebhook(body, headers, options) {
    return this.#ops.handleStreamWebhook(body, headers, options)
  }

  /** Settings without the secret, for logs and debugging. */
  toJSON() {
    const { apiKey, baseUrl, timeoutMs, maxRetries } = this.#native.settings()
    return { apiKey, apiSecret: '[redacted]', baseUrl, timeoutMs, maxRetries }
  }

  [inspect.custom](depth, options) {
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
    const { apiKey, apiSecret, baseUrl, timeoutMs, maxRetries } = options
    return new StreamClient(new binding.NativeClient({ apiKey, apiSecret, baseUrl, timeoutMs, maxRetries }))
  } catch (e) {
    const error = toStreamError(e)
    throw report('createStreamClient', error.code === 'STREAM_INVALID_ARGUMENT' ? new StreamError('STREAM_CONFIG', error.message) : error)
  }
}

// The module-level functions use the client of the current STREAM_* environment:
// this thread's `process.env` (a worker has its own), read at each call. The
// native client is rebuilt only when a value changed; native code never reads
// the process-wide C environment.
const ENV_NAMES = { apiKey: 'STREAM_API_KEY', apiSecret: 'STREAM_API_SECRET', baseUrl: 'STREAM_BASE_URL', timeoutMs: 'STREAM_TIMEOUT_MS', maxRetries: 'STREAM_MAX_RETRIES' }
const ENV_ENTRIES = Object.entries(ENV_NAMES)
let envCache = null

function envClient() {
  const env = process.env
  if (envCache !== null && ENV_ENTRIES.every(([key, name]) => env[name] === envCache.values[key])) return envCache.native
  const values = {}
  for (const [key, name] of ENV_ENTRIES) values[key] = env[name]
  const native = binding.NativeClient.fromEnv(values)
  envCache = { values, native }
  return native
}

const defaults = operations({
  native: envClient,
  token: (userId, validity) => envClient().generateToken(userId, validity),
  verify: (body, signature) => envClient().verifyWebhook(body, signature),
  webhook: (...args) => envClient().handleWebhook(...args),
})

module.exports = {
  ...defaults,
  createStreamClient,
  StreamClient,
  StreamError,
}
