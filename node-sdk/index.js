'use strict'
// `stream-video-native/node-sdk`: @stream-io/node-sdk 0.7.64's video, user,
// token and webhook surface over this package's Rust core. Each REST method
// is a row of the generated table (`operations.js`, from Stream's OpenAPI
// spec): its arguments are read as node-sdk reads them (path parameters, query
// parameters, body fields), sent by the one native transport (retries by the
// operation's class, deadline, connection cap, tracing, logs), and answered
// as node-sdk answers: `{ ...body, metadata }`, decoded by node-sdk's rules.
// What is written here is what the spec cannot say: node-sdk's method names,
// its defaults, its metadata and its errors. See docs/node-sdk.md.

const native = require('../index.js')
const { report, toStreamError } = require('../lib/errors.js')
const { OPERATIONS, DECODERS } = require('./operations.js')

const API_REQUEST = Symbol.for('stream-video-native.apiRequest')
const API_DETAILS = Symbol.for('stream-video-native.apiDetails')
const OPERATION = new Map(OPERATIONS.map((op, index) => [op.id, { ...op, index }]))

const DEFAULT_TIMEOUT = 3000
const VIDEO_BASE_URL = 'https://video.stream-io-api.com'
const CHAT_BASE_URL = 'https://chat.stream-io-api.com'

// ---------------------------------------------------------------- errors

/**
 * node-sdk's `StreamError` (`code`: Stream's numeric code, `metadata`: the
 * response's), which is also this package's `StreamError`: `errorCode` is its
 * string code (`STREAM_API`, `STREAM_TIMEOUT`, …) and `status`, `streamCode`,
 * `requestId`, `attempts` are set as there. `cause` is the package's error,
 * whose message says more (attempts, the last status).
 */
class StreamError extends native.StreamError {
  constructor(message, metadata, code, error) {
    super(error?.code ?? 'STREAM_INTERNAL', message, error ?? {}, error ? { cause: error } : undefined)
    this.errorCode = this.code
    this.code = code
    this.metadata = metadata
  }
}

function headersOf(flat) {
  const headers = new Headers()
  if (flat) for (let i = 0; i + 1 < flat.length; i += 2) headers.append(flat[i], flat[i + 1])
  return headers
}

/** node-sdk's `getRateLimitFromResponseHeader`, from `[name, value, …]` (names lowercase, as HTTP/1.1 reads them here). */
function rateLimitOf(flat) {
  const values = {}
  for (let i = 0; flat && i + 1 < flat.length; i += 2) {
    const [name, value] = [flat[i], flat[i + 1]]
    // A repeated header reads as `Headers.get` joins it.
    if (name.startsWith('x-ratelimit-')) values[name] = values[name] === undefined ? value : `${values[name]}, ${value}`
  }
  const number = (name) => (values[name] === undefined ? undefined : +values[name])
  const reset = number('x-ratelimit-reset')
  return {
    rateLimit: number('x-ratelimit-limit'),
    rateLimitRemaining: number('x-ratelimit-remaining'),
    rateLimitReset: reset === undefined ? undefined : new Date(reset * 1000),
  }
}

/** node-sdk's `RequestMetadata`; `responseHeaders` (a `Headers`) is made when first read. */
function metadataOf(clientRequestId, responseCode, flat) {
  return {
    clientRequestId,
    get responseHeaders() {
      const headers = headersOf(flat)
      Object.defineProperty(this, 'responseHeaders', { value: headers, writable: true, enumerable: true, configurable: true })
      return headers
    },
    responseCode,
    rateLimit: rateLimitOf(flat),
  }
}

/** The package's error as node-sdk would have thrown it, with the package's fields kept. */
function nodeSdkError(error, timeout) {
  if (!(error instanceof native.StreamError)) return error
  const details = error[API_DETAILS]
  const clientRequestId = error.requestId
  if (error.code === 'STREAM_API' && error.status !== undefined) {
    const metadata = metadataOf(clientRequestId, error.status, details?.responseHeaders)
    if (details?.streamMessage !== undefined) {
      return new StreamError(`Stream error code ${error.streamCode}: ${details.streamMessage}`, metadata, error.streamCode, error)
    }
    // node:http is loaded only here: importing it costs more than the rest of this entry.
    const reason = require('node:http').STATUS_CODES[error.status] ?? ''
    return new StreamError(`Stream error: ${error.status} - ${reason}`, metadata, error.status, error)
  }
  if (error.code === 'STREAM_TIMEOUT') {
    const message = `The request was aborted due to to the ${timeout}ms timeout, you can set the timeout in the StreamClient constructor`
    return new StreamError(message, { clientRequestId, responseCode: undefined }, undefined, error)
  }
  if (error.code === 'STREAM_NETWORK') {
    return new StreamError('The request failed due to an unexpected error', { clientRequestId, responseCode: undefined }, undefined, error)
  }
  // Refused arguments, aborts, settings: this package's message (node-sdk has none of these).
  return new StreamError(error.message, {}, undefined, error)
}

// ---------------------------------------------------------------- requests

function invalid(message) {
  return new native.StreamError('STREAM_INVALID_ARGUMENT', message)
}

/** An argument refused here, before the transport (which logs its own failures): logged once, as node-sdk's error. */
function refused(client, operation, error) {
  return nodeSdkError(report(operation, toStreamError(error), client.config?.logger), client.timeout)
}

/** node-sdk's `queryParamsStringify` over the operation's query parameters. */
function queryOf(names, request) {
  const parts = []
  for (const name of names) {
    const value = request?.[name]
    if (value === null || value === undefined) continue
    let text
    if (Array.isArray(value)) {
      const entries = value.filter((v) => v !== null && v !== undefined)
      text = entries.every(isScalar) ? entries.join(',') : json(name, entries)
    } else if (value instanceof Date) {
      text = value.toISOString()
    } else if (typeof value === 'object') {
      text = json(name, value)
    } else if (isScalar(value)) {
      if (typeof value === 'number' && !Number.isFinite(value)) throw invalid(`${name} must be a finite number, got ${value}`)
      text = value
    } else {
      continue
    }
    parts.push(`${name}=${encodeURIComponent(text)}`)
  }
  return parts.join('&')
}

function isScalar(value) {
  const type = typeof value
  return type === 'string' || type === 'number' || type === 'boolean'
}

/** JSON text of what the caller passed as `name`; values JSON would silently turn into `null` are refused. */
function json(name, value) {
  return JSON.stringify(value, function check(key, item) {
    if (typeof item === 'number' && !Number.isFinite(item)) throw invalid(`${name}${key ? `.${key}` : ''} must be a finite number, got ${item}`)
    if (typeof item === 'function' || typeof item === 'symbol') throw invalid(`${name}${key ? `.${key}` : ''} must be a JSON value, got a ${typeof item}`)
    if (this[key] instanceof Date && Number.isNaN(this[key].getTime()))
      throw invalid(`${name}${key ? `.${key}` : ''} must be a valid Date, got an Invalid Date`)
    return item
  })
}

/** Runs operation `id` with node-sdk's request object; resolves as node-sdk does. */
async function send(client, id, request, options) {
  const op = OPERATION.get(id)
  let answer
  let sent = false
  try {
    if (request !== undefined && request !== null && typeof request !== 'object') {
      throw invalid(`request must be an object, got ${typeof request}`)
    }
    const pathParams = op.pathParams.map((name) => {
      const value = request?.[name]
      if (typeof value === 'number' && Number.isFinite(value)) return String(value)
      if (typeof value !== 'string') throw invalid(`${name} must be a string, got ${value === null ? 'null' : typeof value}`)
      return value
    })
    const query = queryOf(op.queryParams, request)
    let body
    if (op.bodyFields !== null) {
      const fields = {}
      for (const name of op.bodyFields) if (request?.[name] !== undefined) fields[name] = request[name]
      body = json('request', fields)
    }
    sent = true
    answer = await client.native(op.path.startsWith('/api/v2/users'))[API_REQUEST](op.name, op.index, pathParams, query, body, options)
  } catch (e) {
    throw sent ? nodeSdkError(e, client.timeout) : refused(client, op.name, e)
  }
  const body = JSON.parse(answer.body)
  decode(op.response, body)
  body.metadata = metadataOf(answer.requestId, answer.status, answer.headers)
  return body
}

// ---------------------------------------------------------------- decoding

/** node-sdk's decoders: dates become `Date`s (nanosecond numbers or RFC 3339 text). */
function decode(schema, input) {
  const mapping = DECODERS[schema]
  if (!input || mapping === undefined) return input
  for (const key in mapping) {
    if (input[key] == null) continue
    const [type, single] = mapping[key]
    if (single) input[key] = decodeAs(type, input[key])
    else for (const k of Object.keys(input[key])) input[key][k] = decodeAs(type, input[key][k])
  }
  return input
}

function decodeAs(type, value) {
  if (type === 'DatetimeType') return typeof value === 'number' ? new Date(Math.floor(value / 1000000)) : new Date(value)
  return decode(type, value)
}

// ---------------------------------------------------------------- the client

/**
 * node-sdk's `StreamClient(apiKey, secret, { basePath, timeout })`. Beside
 * node-sdk's options: `maxRetries`, `maxConnections` and `logger`, as
 * `createStreamClient` takes them. `agent` is not used (the native pool,
 * capped by `maxConnections`, is).
 */
class StreamClient {
  #video
  #users
  #settings

  constructor(apiKey, secret, config = {}) {
    this.apiKey = apiKey
    this.options = {}
    this.config = config
    const { basePath, timeout = DEFAULT_TIMEOUT, maxRetries, maxConnections, logger } = config ?? {}
    this.timeout = timeout
    this.#settings = { apiKey, apiSecret: secret, timeoutMs: timeout, maxRetries, maxConnections, logger }
    // node-sdk sends video operations to the video host and user operations to the chat host.
    this.#video = native.createStreamClient({ ...this.#settings, baseUrl: basePath ?? VIDEO_BASE_URL })
    this.#users = basePath === undefined ? undefined : this.#video
    this.video = new StreamVideoClient(this)
  }

  /** @private The native client for video operations, or for user operations. */
  native(users) {
    if (!users) return this.#video
    this.#users ??= native.createStreamClient({ ...this.#settings, baseUrl: CHAT_BASE_URL })
    return this.#users
  }

  /**
   * node-sdk's user token: `payload` is signed as given (every claim, even
   * `validity_in_seconds`), with `iat` (now − 1 s) and `exp` (iat +
   * validity_in_seconds, else 1 h) filled in. With `call_cids` it is a call token.
   */
  generateUserToken(payload) {
    const { user_id, call_cids, role, exp, iat, ...claims } = payload ?? {}
    const issued = iat ?? Math.floor((Date.now() - 1000) / 1000)
    const expires = exp ?? issued + (payload?.validity_in_seconds ?? 60 * 60)
    if (call_cids === undefined && role === undefined) {
      return this.#video.generateStreamTokenSync(user_id, undefined, { iat: issued, exp: expires, claims })
    }
    return this.#video.generateCallTokenSync(user_id, call_cids ?? [], { role, iat: issued, exp: expires, claims })
  }

  /** node-sdk's call token: a user token with `call_cids` (and `role`). */
  generateCallToken(payload) {
    return this.generateUserToken(payload)
  }

  /** node-sdk's deprecated `createToken(userId, exp?, iat?)`. */
  createToken(userID, exp, iat) {
    return this.#video.createTokenSync(userID, exp, iat)
  }

  /** node-sdk's deprecated `createCallToken(userIdOrObject, call_cids, exp?, iat?)`. */
  createCallToken(userIdOrObject, call_cids, exp = Math.round(Date.now() / 1000) + 60 * 60, iat = Math.floor((Date.now() - 1000) / 1000)) {
    const object = typeof userIdOrObject === 'object' && userIdOrObject !== null
    const userId = object ? userIdOrObject.user_id : userIdOrObject
    const role = object && userIdOrObject.role ? userIdOrObject.role : undefined
    return this.#video.generateCallTokenSync(userId, call_cids, { role, exp, iat })
  }

  /** `true` when `xSignature` is the body's signature: a boolean, synchronously, as node-sdk's. */
  verifyWebhook(requestBody, xSignature) {
    return this.#video.verifyWebhookSync(requestBody, xSignature)
  }

  /** node-sdk's `upsertUsers(users)`: `UpdateUsers` with the users keyed by id. */
  async upsertUsers(users, options) {
    if (!Array.isArray(users)) throw refused(this, 'upsertUsers', invalid('users must be an array of users'))
    const byId = {}
    for (const user of users) byId[user?.id] = user
    return send(this, 'UpdateUsers', { users: byId }, options)
  }

  queryUsers(request, options) {
    return send(this, 'QueryUsers', request, options)
  }

  updateUsersPartial(request, options) {
    return send(this, 'UpdateUsersPartial', request, options)
  }

  deleteUsers(request, options) {
    return send(this, 'DeleteUsers', request, options)
  }
}

class StreamVideoClient {
  #client

  constructor(client) {
    this.#client = client
  }

  call(type, id) {
    return new StreamCall(this.#client, type, id)
  }

  queryCalls(request, options) {
    return send(this.#client, 'QueryCalls', request, options)
  }

  getCall(request, options) {
    return send(this.#client, 'GetCall', request, options)
  }

  queryCallMembers(request, options) {
    return send(this.#client, 'QueryCallMembers', request, options)
  }
}

/** node-sdk's call methods and the operations they send (`get` and `getOrCreate` also keep `data`). */
const CALL_METHODS = {
  get: 'GetCall',
  getOrCreate: 'GetOrCreateCall',
  create: 'GetOrCreateCall',
  update: 'UpdateCall',
  end: 'EndCall',
  delete: 'DeleteCall',
  updateCallMembers: 'UpdateCallMembers',
  queryMembers: 'QueryCallMembers',
  startRecording: 'StartRecording',
  stopRecording: 'StopRecording',
  listRecordings: 'ListRecordings',
  deleteRecording: 'DeleteRecording',
  startTranscription: 'StartTranscription',
  stopTranscription: 'StopTranscription',
  listTranscriptions: 'ListTranscriptions',
  deleteTranscription: 'DeleteTranscription',
  startClosedCaptions: 'StartClosedCaptions',
  stopClosedCaptions: 'StopClosedCaptions',
  sendCallEvent: 'SendCallEvent',
  sendClosedCaption: 'SendClosedCaption',
  kickUser: 'KickUser',
  muteUsers: 'MuteUsers',
  blockUser: 'BlockUser',
  unblockUser: 'UnblockUser',
  updateUserPermissions: 'UpdateUserPermissions',
  goLive: 'GoLive',
  stopLive: 'StopLive',
  queryCallParticipantSessions: 'QueryCallParticipantSessions',
  getCallReport: 'GetCallReport',
}

class StreamCall {
  #client

  constructor(client, type, id) {
    this.#client = client
    this.type = type
    this.id = id
    this.data = undefined
  }

  get cid() {
    return `${this.type}:${this.id}`
  }

  static {
    // Each method sends node-sdk's call request: the call's type and id, then the caller's fields.
    for (const [method, id] of Object.entries(CALL_METHODS)) {
      const keepsData = id === 'GetCall' || id === 'GetOrCreateCall'
      const value = keepsData
        ? async function (request, options) {
            const response = await send(this.#client, id, { id: this.id, type: this.type, ...request }, options)
            this.data = response.call
            return response
          }
        : function (request, options) {
            return send(this.#client, id, { id: this.id, type: this.type, ...request }, options)
          }
      Object.defineProperty(StreamCall.prototype, method, { value, writable: true, configurable: true })
    }
  }
}

module.exports = { StreamClient, StreamVideoClient, StreamCall, StreamError }
