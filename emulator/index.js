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
  constructor({ apiKey = 'emulator-key', apiSecret = 'emulator-secret', record = true } = {}) {
    this.apiKey = apiKey
    this.apiSecret = apiSecret
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
    this.calls.clear()
    this.faults.length = 0
    this.chaosRate = 0
  }

  async close() {
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.server.close(resolve))
  }

  #takeFault(path) {
    const i = this.faults.findIndex((f) =>
      f.path === undefined ? true : f.path instanceof RegExp ? f.path.test(path) : path.includes(f.path),
    )
    if (i < 0) {
      return this.chaosRate > 0 && Math.random() < this.chaosRate ? CHAOS[Math.floor(Math.random() * CHAOS.length)] : null
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
      const { status, body, headers } = this.#handle(record)
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
      call = { type, id, cid, createdById: data.created_by_id, custom: data.custom || {}, createdAt: now, updatedAt: now, endedAt: null, members: new Map() }
      this.calls.set(cid, call)
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
    return { status: 201, body: { duration: '0.27ms' } }
  }
}

/** Starts an emulator on loopback (a free port unless `port` is given). */
async function startEmulator(options = {}) {
  const emulator = new Emulator(options)
  return emulator.listen(options.port, options.host)
}

module.exports = { startEmulator, Emulator, checkServerToken }
