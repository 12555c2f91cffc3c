'use strict'
// `StreamClient`: every operation, written once, over the native handles a
// settings source gives (see `settings.js`). Tokens and webhook checks call
// the hot Node-API callbacks (`userToken`, `verifyWebhook`, `handleWebhook`),
// whose signatures `src/hot.rs` lists; REST operations prepare a request
// natively (`src/binding.rs`'s `rest!` table) and send it.

const { inspect } = require('node:util')
const binding = require('./load.js')
const { StreamError, toStreamError, report } = require('./errors.js')
const {
  requireString,
  customJson,
  restOptions,
  TOKEN_OPTIONS,
  CALL_TOKEN_OPTIONS,
  tokenOptions,
  optionalNumber,
  requireArray,
  id,
  arrayJson,
} = require('./arguments.js')

// Loaded when first used, so that a cold start (a serverless function's first
// request) pays only for what it uses: webhook reading, cancellation, tracing.
let webhooks
const webhook = () => (webhooks ??= { ...require('./webhook-input.js'), ...require('./events.js') })
let cancelling
const cancel = () => (cancelling ??= require('./cancel.js'))
let tracingModule
const tracing = () => (tracingModule ??= require('../tracing.js'))
const { SETTINGS, loggerOption, optionValues, fixedSource } = require('./settings.js')

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
      const w = webhooks ?? webhook()
      const { signature, webhookId, attempt } = w.webhookHeaders(headers)
      const { startedAt, maxBodyBytes } = w.webhookOptions(options)
      const event = w.decodeEvent(binding.handleWebhook(this.#source.signer(), body, signature, webhookId, attempt, startedAt, maxBodyBytes, w.SLOTS))
      w.raws.set(event, body)
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
      signal = options === undefined ? undefined : cancel().signalOf(options)
      if (signal?.aborted) throw cancel().aborted(signal)
      watched = tracing().watch(operation)
      const request = prepare(this.#source.rest())
      const canceller = signal ? cancel().cancellerFor(signal) : undefined
      try {
        const outcome = await binding.send(request, canceller?.native, watched?.observer, watched?.id, watched?.first())
        watched?.end(outcome.attempts, outcome.error ?? undefined)
        return decode(outcome)
      } finally {
        if (canceller) cancel().releaseCanceller(signal, canceller)
      }
    } catch (e) {
      const error = toStreamError(e)
      watched?.end(undefined, error)
      if (error.code === 'STREAM_ABORTED') throw error.cause === undefined && signal ? cancel().aborted(signal) : error
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

module.exports = { StreamClient, createStreamClient }
