'use strict'
// A local stand-in for the Stream Video REST API, for development and tests.
// It speaks Stream's wire format for the three call endpoints this package
// uses, checks the api_key query and the server JWT like Stream does, keeps
// calls and members in memory, records every request, and can inject faults.
// Loaded only through `stream-video-native/emulator`, never by the main entry.

const http = require('node:http')
const crypto = require('node:crypto')

const CALL_ROUTE = /^\/api\/v2\/video\/call\/([^/]+)\/([^/]+)(\/members|\/mark_ended)?$/
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const CHAOS = [
  { status: 503, body: { code: -1, message: 'injected: unavailable', StatusCode: 503 } },
  { status: 500, body: { code: -1, message: 'injected: internal error', StatusCode: 500 } },
  { status: 429, body: { code: 9, message: 'injected: too many requests', StatusCode: 429 } },
  { drop: 'connect' },
  { drop: 'mid' },
  { delayMs: 50 },
]

function streamError(status, code, message, extra = {}) {
  return {
    status,
    body: {
      code,
      message,
      StatusCode: status,
      duration: '0.01ms',
      more_info: 'https://getstream.io/chat/docs/api_errors_response',
      details: [],
      unrecoverable: false,
      ...extra,
    },
  }
}

function base64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
}

/** Checks a server token like Stream: HS256 signature, `server: true`, expiry. Returns an error or null. */
function checkServerToken(token, apiSecret, now = Date.now() / 1000) {
  if (!token) return streamError(401, 5, 'JWTAuth error: missing authentication token')
  const parts = token.split('.')
  if (parts.length !== 3) return streamError(401, 5, 'JWTAuth error: token is malformed')
  let header, claims
  try {
    header = base64urlJson(parts[0])
    claims = base64urlJson(parts[1])
  } catch {
    return streamError(401, 5, 'JWTAuth error: token is malformed')
  }
  if (header.alg !== 'HS256') return streamError(401, 5, 'JWTAuth error: unexpected signing method')
  const expected = crypto.createHmac('sha256', apiSecret).update(`${parts[0]}.${parts[1]}`).digest()
  const given = Buffer.from(parts[2], 'base64url')
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return streamError(401, 43, 'JWTAuth error: token signature is invalid')
  }
  if (typeof claims.exp === 'number' && claims.exp < now) {
    return streamError(401, 40, 'JWTAuth error: token has expired', { unrecoverable: true })
  }
  if (typeof claims.iat === 'number' && claims.iat > now + 5) {
    return streamError(401, 42, 'JWTAuth error: token used before issued at (iat)', { unrecoverable: true })
  }
  if (claims.server !== true) return streamError(401, 5, 'JWTAuth error: server-side calls need a server token')
  return null
}

function callResponse(call) {
  return {
    type: call.type,
    id: call.id,
    cid: call.cid,
    created_by: { id: call.createdById, role: 'user', custom: {}, teams: [], created_at: call.createdAt, updated_at: call.createdAt },
    created_at: call.createdAt,
    updated_at: call.updatedAt,
    custom: call.custom,
    current_session_id: '',
    recording: false,
    transcribing: false,
    backstage: false,
    blocked_user_ids: [],
    settings: {},
    egress: { broadcasting: false, hls: null, rtmps: [] },
    ingress: { rtmp: { address: '' } },
    ended_at: call.endedAt || undefined,
  }
}

function memberResponse(member) {
  return {
    user_id: member.userId,
    user: { id: member.userId, role: 'user', custom: {} },
    custom: {},
    role: member.role,
    created_at: member.createdAt,
    updated_at: member.updatedAt,
  }
}

class Emulator {
  constructor({
    apiKey = 'emulator-key',
    apiSecret = 'emulator-secret',
    record = true,
    webhookUrl = null,
    autoSession = false,
    webhookRetries = 2,
    webhookRetryDelayMs = 200,
  } = {}) {
    this.apiKey = apiKey
    this.apiSecret = apiSecret
    /** Where call events are POSTed, signed like Stream's (null: nowhere). */
    this.webhookUrl = webhookUrl
    /** Start a session when a call is created and end it (plus recording and transcription) on mark_ended. */
    this.autoSession = autoSession
    this.webhookRetries = webhookRetries
    this.webhookRetryDelayMs = webhookRetryDelayMs
    /** Every webhook sent: { webhookId, type, cid, body, attempts: [{ status, response } | { error }], delivered }. */
    this.deliveries = []
    this.pending = new Set()
    /** Every request received (unless `record: false`): { method, path, query, headers, body, receivedAt }. */
    this.requests = []
    this.record = record
    this.requestCount = 0
    /** Calls by cid: { type, id, cid, createdById, custom, createdAt, updatedAt, endedAt, members: Map }. */
    this.calls = new Map()
    this.faults = []
    this.chaosRate = 0
    this.sockets = new Set()
    this.server = http.createServer((req, res) => this.#receive(req, res))
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(port = 0, host = '127.0.0.1') {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, resolve)
    })
    const address = this.server.address()
    this.port = address.port
    this.url = `http://${host}:${address.port}`
    return this
  }

  /**
   * Queues a fault for the next matching requests. Fields: `path` (substring
   * or RegExp the path must match), `times` (default 1), `status` + `body`
   * (+ `headers`) for a canned response, `delayMs` before answering (then the
   * real handler runs unless a response is given), `drop: 'connect'` to
   * destroy the socket at once, `drop: 'mid'` to cut a response halfway,
   * `hang: true` to never answer.
   */
  injectFault(fault) {
    this.faults.push({ times: 1, ...fault })
    return this
  }

  /**
   * Random faults: each request that no queued fault matched fails with
   * probability `rate`, picked from 503, 500, 429, a dropped connection, a
   * response cut halfway, or a 50 ms delay. `0` turns it off.
   */
  chaos(rate) {
    this.chaosRate = rate
    return this
  }

  reset() {
    this.requests.length = 0
    this.requestCount = 0
    this.deliveries.length = 0
    this.calls.clear()
    this.faults.length = 0
    this.chaosRate = 0
  }

  async close() {
    await this.settled()
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.server.close(resolve))
  }

  #takeFault(path) {
    const i = this.faults.findIndex((f) =>
      f.path === undefined ? true : f.path instanceof RegExp ? f.path.test(path) : path.includes(f.path),
    )
    if (i < 0) {
      // Random faults hit the Stream API only, never the emulator's own control routes.
      const chaos = this.chaosRate > 0 && path.startsWith('/api/') && Math.random() < this.chaosRate
      return chaos ? CHAOS[Math.floor(Math.random() * CHAOS.length)] : null
    }
    const fault = this.faults[i]
    if (--fault.times <= 0) this.faults.splice(i, 1)
    return fault
  }

  #receive(req, res) {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', async () => {
      const url = new URL(req.url, 'http://emulator')
      const record = {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        rawQuery: url.search,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      }
      this.requestCount++
      if (this.record) this.requests.push(record)
      const fault = this.#takeFault(url.pathname)
      if (fault) {
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs))
        if (fault.hang) return
        if (fault.drop === 'connect') return req.socket.destroy()
        if (fault.drop === 'mid') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' })
          res.write('{"call":{"type":"def')
          return setTimeout(() => req.socket.destroy(), 5)
        }
        // A canned answer carries exactly the headers the fault names.
        if (fault.status) return this.#send(res, fault.status, fault.body ?? '', fault.headers, false)
      }
      const { status, body, headers } = await this.#handle(record)
      this.#send(res, status, body, headers)
    })
  }

  #send(res, status, body, headers = {}, rateLimitHeaders = true) {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    const isJson = typeof body !== 'string'
    const rateLimit = rateLimitHeaders
      ? { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '999', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60) }
      : {}
    res.writeHead(status, {
      'content-type': isJson ? 'application/json; charset=utf-8' : 'text/html',
      'content-length': Buffer.byteLength(text),
      ...rateLimit,
      ...headers,
    })
    res.end(text)
  }

  #handle(record) {
    if (record.path.startsWith('/emulator/')) return this.#control(record)
    if (record.method === 'GET' && record.path.startsWith('/media/')) {
      return { status: 200, body: `emulated media file ${record.path}\n` }
    }
    const route = CALL_ROUTE.exec(record.path)
    if (record.method !== 'POST' || !route) return streamError(404, 16, `Route ${record.method} ${record.path} not found`)
    if (record.query.api_key !== this.apiKey) return streamError(401, 2, 'api_key not valid')
    if (record.headers['stream-auth-type'] !== 'jwt') return streamError(401, 5, 'stream-auth-type must be jwt')
    const authError = checkServerToken(record.headers.authorization, this.apiSecret)
    if (authError) return authError
    const [, type, rawId, action] = route
    const id = decodeURIComponent(rawId)
    if (!ID_PATTERN.test(type) || !ID_PATTERN.test(id)) return streamError(400, 4, `call type and id must match ${ID_PATTERN}`)
    let body = {}
    if (record.body) {
      try {
        body = JSON.parse(record.body)
      } catch {
        return streamError(400, 4, 'invalid JSON request body')
      }
    }
    const cid = `${type}:${id}`
    const now = new Date().toISOString()
    if (!action) return this.#getOrCreate(type, id, cid, body, now)
    const call = this.calls.get(cid)
    if (!call) return streamError(404, 16, `Can't find call with id ${cid}`)
    return action === '/members' ? this.#updateMembers(call, body, now) : this.#markEnded(call, now)
  }

  #getOrCreate(type, id, cid, body, now) {
    const data = body.data || {}
    let call = this.calls.get(cid)
    const created = !call
    if (created) {
      if (typeof data.created_by_id !== 'string' || !data.created_by_id) {
        return streamError(400, 4, 'GetOrCreateCall failed with error: "data.created_by_id or data.created_by is required for server-side calls"')
      }
      call = { type, id, cid, createdById: data.created_by_id, custom: data.custom || {}, createdAt: now, updatedAt: now, endedAt: null, members: new Map(), session: null }
      this.calls.set(cid, call)
      if (this.autoSession) this.#track(this.startSession(id, { type }))
    }
    return {
      status: 201,
      body: {
        call: callResponse(call),
        members: [...call.members.values()].map(memberResponse),
        own_capabilities: [],
        created,
        duration: '0.42ms',
      },
    }
  }

  #updateMembers(call, body, now) {
    const updates = body.update_members || []
    if (!Array.isArray(updates) || updates.length > 100) return streamError(400, 4, 'update_members must be an array of at most 100 members')
    for (const m of updates) {
      if (!m || typeof m.user_id !== 'string' || !m.user_id) return streamError(400, 4, 'UpdateCallMembers failed with error: "user_id is a required field"')
    }
    for (const m of updates) {
      const existing = call.members.get(m.user_id)
      call.members.set(m.user_id, { userId: m.user_id, role: m.role || 'user', createdAt: existing ? existing.createdAt : now, updatedAt: now })
    }
    return { status: 201, body: { members: updates.map((m) => memberResponse(call.members.get(m.user_id))), duration: '0.31ms' } }
  }

  #markEnded(call, now) {
    call.endedAt = call.endedAt || now
    call.updatedAt = now
    if (this.autoSession && call.session && !call.session.endedAt) this.#track(this.finishSession(call.id, { type: call.type }))
    return { status: 201, body: { duration: '0.27ms' } }
  }

  // ---- Call lifecycle and webhooks -------------------------------------

  /**
   * Control endpoints for driving a call's lifecycle over HTTP (no auth: a
   * development tool on loopback):
   *   POST /emulator/calls/{type}/{id}/session        start, end, recording, transcription
   *   POST /emulator/calls/{type}/{id}/session/start  call.session_started
   *   POST /emulator/calls/{type}/{id}/session/end    call.session_ended
   *   POST /emulator/calls/{type}/{id}/recording      call.recording_ready
   *   POST /emulator/calls/{type}/{id}/transcription  call.transcription_ready
   * Body (optional JSON): { durationSeconds, duplicate, shuffle }. Answers once
   * every webhook is delivered (or given up), with the deliveries.
   */
  async #control(record) {
    const match = /^\/emulator\/calls\/([^/]+)\/([^/]+)\/(session|session\/start|session\/end|recording|transcription)$/.exec(record.path)
    if (record.method !== 'POST' || !match) return streamError(404, 16, `Route ${record.method} ${record.path} not found`)
    const [, type, id, action] = match
    let options = {}
    try {
      options = record.body ? JSON.parse(record.body) : {}
    } catch {
      return streamError(400, 4, 'invalid JSON request body')
    }
    if (!this.calls.has(`${type}:${id}`)) return streamError(404, 16, `Can't find call with id ${type}:${id}`)
    const run = {
      session: () => this.runSession(id, { ...options, type }),
      'session/start': () => this.startSession(id, { ...options, type }),
      'session/end': () => this.endSession(id, { ...options, type }),
      recording: () => this.recordingReady(id, { ...options, type }),
      transcription: () => this.transcriptionReady(id, { ...options, type }),
    }[action]
    return { status: 200, body: { deliveries: await run() } }
  }

  #call(id, type = 'default') {
    const call = this.calls.get(`${type}:${id}`)
    if (!call) throw new Error(`no call ${type}:${id} in the emulator`)
    return call
  }

  /** Starts a session `durationSeconds` in the past (default: now) and sends call.session_started. */
  startSession(id, { type, durationSeconds = 0, ...delivery } = {}) {
    const call = this.#call(id, type)
    const startedAt = new Date(Date.now() - durationSeconds * 1000).toISOString()
    call.session = { id: crypto.randomUUID(), startedAt, endedAt: null }
    return this.deliverEvents([this.#sessionEvent('call.session_started', call)], delivery)
  }

  /** Ends the session (starting one first if needed) and sends call.session_ended. */
  async endSession(id, { type, ...delivery } = {}) {
    const call = this.#call(id, type)
    if (!call.session) call.session = { id: crypto.randomUUID(), startedAt: new Date().toISOString(), endedAt: null }
    call.session.endedAt = new Date().toISOString()
    return this.deliverEvents([this.#sessionEvent('call.session_ended', call)], delivery)
  }

  recordingReady(id, { type, ...delivery } = {}) {
    return this.deliverEvents([this.#assetEvent('call.recording_ready', this.#call(id, type))], delivery)
  }

  transcriptionReady(id, { type, ...delivery } = {}) {
    return this.deliverEvents([this.#assetEvent('call.transcription_ready', this.#call(id, type))], delivery)
  }

  /** A whole session: started `durationSeconds` ago (default 90), ended now, then recording and transcription. */
  runSession(id, { type, durationSeconds = 90, ...delivery } = {}) {
    return this.deliverEvents(this.sessionEvents(id, { type, durationSeconds }), delivery)
  }

  /** The four events of a whole session (started `durationSeconds` ago, ended now), without sending them. */
  sessionEvents(id, { type, durationSeconds = 90 } = {}) {
    const call = this.#call(id, type)
    const now = Date.now()
    call.session = { id: crypto.randomUUID(), startedAt: new Date(now - durationSeconds * 1000).toISOString(), endedAt: new Date(now).toISOString() }
    return [
      this.#sessionEvent('call.session_started', call, call.session.startedAt),
      this.#sessionEvent('call.session_ended', call, call.session.endedAt),
      this.#assetEvent('call.recording_ready', call),
      this.#assetEvent('call.transcription_ready', call),
    ]
  }

  /** The end of a session started by `autoSession`: session_ended, recording, transcription. */
  finishSession(id, { type, ...delivery } = {}) {
    const call = this.#call(id, type)
    call.session.endedAt = new Date().toISOString()
    const events = ['call.session_ended', 'call.recording_ready', 'call.transcription_ready'].map((t) =>
      t === 'call.session_ended' ? this.#sessionEvent(t, call) : this.#assetEvent(t, call),
    )
    return this.deliverEvents(events, delivery)
  }

  /** Waits for every delivery in flight (including retries). */
  async settled() {
    while (this.pending.size) await Promise.allSettled([...this.pending])
  }

  #track(promise) {
    const tracked = promise.catch(() => {}).finally(() => this.pending.delete(tracked))
    this.pending.add(tracked)
    return promise
  }

  #sessionEvent(eventType, call, createdAt = new Date().toISOString()) {
    const session = {
      id: call.session.id,
      started_at: call.session.startedAt,
      ended_at: eventType === 'call.session_ended' ? call.session.endedAt : undefined,
      participants: [],
      participants_count_by_role: {},
      anonymous_participant_count: 0,
      accepted_by: {},
      missed_by: {},
      rejected_by: {},
    }
    return {
      type: eventType,
      created_at: createdAt,
      call_cid: call.cid,
      session_id: call.session.id,
      call: { ...callResponse(call), current_session_id: call.session.id, session },
    }
  }

  #assetEvent(eventType, call) {
    const recording = eventType === 'call.recording_ready'
    const file = recording ? `${call.id}_composite.mp4` : `${call.id}_transcript.jsonl`
    const asset = {
      filename: file,
      url: `${this.url}/media/${call.type}/${call.id}/${file}`,
      start_time: call.session?.startedAt ?? call.createdAt,
      end_time: call.session?.endedAt ?? new Date().toISOString(),
      session_id: call.session?.id ?? '',
    }
    const event = { type: eventType, created_at: new Date().toISOString(), call_cid: call.cid, egress_id: crypto.randomUUID() }
    return recording
      ? { ...event, recording_type: 'composite', call_recording: { ...asset, recording_type: 'composite' } }
      : { ...event, call_transcription: asset }
  }

  /**
   * Sends events to the webhook URL and resolves with the deliveries. Options:
   * `duplicate` (send every event twice), `duplicates` (send that many
   * randomly chosen events twice), `shuffle` (random order), `concurrency`
   * (deliveries in flight at once, default 1: in order).
   */
  deliverEvents(events, { duplicate = false, duplicates = 0, shuffle = false, concurrency = 1 } = {}) {
    let queue = events.map((event) => ({ event, webhookId: crypto.randomUUID() }))
    if (duplicate) queue = queue.flatMap((item) => [item, item])
    if (duplicates > 0) queue = queue.concat(shuffled(queue).slice(0, duplicates))
    if (shuffle) queue = shuffled(queue)
    return this.#track(
      (async () => {
        const results = new Array(queue.length)
        let next = 0
        const worker = async () => {
          while (next < queue.length) {
            const i = next++
            results[i] = await this.#deliver(queue[i].event, queue[i].webhookId)
          }
        }
        await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
        return results
      })(),
    )
  }

  /** POSTs one event like Stream: signed, X-Webhook-Id stable across retries, retried on non-2xx. */
  async #deliver(event, webhookId) {
    const body = JSON.stringify(event)
    const delivery = { webhookId, type: event.type, cid: event.call_cid, body, attempts: [], delivered: false }
    this.deliveries.push(delivery)
    if (!this.webhookUrl) return delivery
    const signature = crypto.createHmac('sha256', this.apiSecret).update(body).digest('hex')
    for (let attempt = 1; attempt <= this.webhookRetries + 1; attempt++) {
      try {
        const response = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-signature': signature,
            'x-webhook-id': webhookId,
            'x-webhook-attempt': String(attempt),
            'x-api-key': this.apiKey,
          },
          body,
          signal: AbortSignal.timeout(6000),
        })
        delivery.attempts.push({ status: response.status, response: (await response.text()).slice(0, 500) })
        if (response.ok) {
          delivery.delivered = true
          break
        }
      } catch (e) {
        delivery.attempts.push({ error: e.cause?.code || e.name })
      }
      if (attempt <= this.webhookRetries) await new Promise((r) => setTimeout(r, this.webhookRetryDelayMs * attempt))
    }
    return delivery
  }
}

function shuffled(items) {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j], copy[i]]
  }
  return copy
}

/** Starts an emulator on loopback (a free port unless `port` is given). */
async function startEmulator(options = {}) {
  const emulator = new Emulator(options)
  return emulator.listen(options.port, options.host)
}

module.exports = { startEmulator, Emulator, checkServerToken }
