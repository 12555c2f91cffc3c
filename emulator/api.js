'use strict'
// The Stream Video REST routes the package uses, as Stream answers them: the
// api_key query and the server JWT are checked, calls, members and users are
// kept in memory, and errors have Stream's shape. Like Stream, a call member
// must be an existing user (upserted, or connected with a user token) unless
// the emulator runs `lenient`.

const crypto = require('node:crypto')
const { FaultServer, streamError } = require('./server')

const CALL_ROUTE = /^\/api\/v2\/video\/call\/([^/]+)\/([^/]+)(\/.*)?$/
const USER_CONNECT_ROUTE = /^\/emulator\/users\/([^/]+)\/connect$/
// The limits the package enforces, each from a public source (docs/api.md, "Ids and limits"):
// the OpenAPI spec's maxLength 64 on a call's type and id (with the sample apps' character set),
// and "batches of up to 100" users (getstream.io/docs/platform/users/).
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const MAX_USERS_PER_UPSERT = 100

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1'])

/** The host name of a `Host` header value (`[::1]:4100` → `::1`), lowercased; null when it is not one. */
function hostnameOf(host) {
  if (typeof host !== 'string' || !URL.canParse(`http://${host}`)) return null
  return new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
}
const RECORDING_TYPES = ['composite', 'individual', 'raw']
const MODES = ['available', 'disabled', 'auto-on']
/**
 * What each egress (recording, transcription, captions) is called in Stream's
 * errors and events. Starting one that runs (or stopping one that does not)
 * is answered 400 with code 4 in Stream's error shape: the public references
 * do not say what Stream answers there, so this is the emulator's choice.
 */
const EGRESS = {
  recording: { start: 'StartRecording', stop: 'StopRecording', running: 'being recorded' },
  transcription: { start: 'StartTranscription', stop: 'StopTranscription', running: 'being transcribed' },
  captions: { start: 'StartClosedCaptions', stop: 'StopClosedCaptions', running: 'being captioned' },
}

function base64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
}

/** Verifies an HS256 JWT's signature and returns its claims, or an error. */
function verifyJwt(token, apiSecret) {
  if (!token) return { error: streamError(401, 5, 'JWTAuth error: missing authentication token') }
  const parts = token.split('.')
  if (parts.length !== 3) return { error: streamError(401, 5, 'JWTAuth error: token is malformed') }
  let header, claims
  try {
    header = base64urlJson(parts[0])
    claims = base64urlJson(parts[1])
  } catch {
    return { error: streamError(401, 5, 'JWTAuth error: token is malformed') }
  }
  if (header?.alg !== 'HS256' || typeof claims !== 'object' || claims === null)
    return { error: streamError(401, 5, 'JWTAuth error: unexpected signing method') }
  const expected = crypto.createHmac('sha256', apiSecret).update(`${parts[0]}.${parts[1]}`).digest()
  const given = Buffer.from(parts[2], 'base64url')
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return { error: streamError(401, 43, 'JWTAuth error: token signature is invalid') }
  }
  const now = Date.now() / 1000
  if (typeof claims.exp === 'number' && claims.exp < now) {
    return { error: streamError(401, 40, 'JWTAuth error: token has expired', { unrecoverable: true }) }
  }
  if (typeof claims.iat === 'number' && claims.iat > now + 5) {
    return { error: streamError(401, 42, 'JWTAuth error: token used before issued at (iat)', { unrecoverable: true }) }
  }
  return { claims }
}

/** Checks a server token like Stream: HS256 signature, `server: true`, expiry. Returns an error or null. */
function checkServerToken(token, apiSecret) {
  const { error, claims } = verifyJwt(token, apiSecret)
  if (error) return error
  if (claims.server !== true) return streamError(401, 5, 'JWTAuth error: server-side calls need a server token')
  return null
}

function parseJson(text) {
  if (!text) return { value: {} }
  try {
    const value = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? { value }
      : { error: streamError(400, 4, 'request body must be a JSON object') }
  } catch {
    return { error: streamError(400, 4, 'invalid JSON request body') }
  }
}

/** What is wrong with a `settings_override` (its modes, as Stream's enums), or null. */
function settingsProblem(override) {
  if (override === undefined || override === null) return null
  if (typeof override !== 'object') return 'settings_override must be an object'
  const { recording, transcription } = override
  if (recording !== undefined && !MODES.includes(recording?.mode)) return `settings_override.recording.mode must be one of ${MODES.join(', ')}`
  for (const key of ['mode', 'closed_caption_mode']) {
    if (transcription?.[key] !== undefined && !MODES.includes(transcription[key]))
      return `settings_override.transcription.${key} must be one of ${MODES.join(', ')}`
  }
  return null
}

/** The recording and transcription settings a call was created with. */
function settingsOf(override) {
  const settings = { recording: override?.recording, transcription: override?.transcription }
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined || value === null) delete settings[key]
  }
  return settings
}

/**
 * The files the emulator's recordings and transcriptions point at: a
 * transcript in Stream's JSONL format (one speech segment per line), or a
 * recording (a few bytes behind an MP4 `ftyp` box; no real video).
 */
/** A media file: a transcript the call's session produced (`transcript`, its JSONL), or a generic one. */
function mediaFile(path, transcript) {
  const name = path.split('/').at(-1)
  if (transcript !== undefined) return { status: 200, body: transcript, headers: { 'content-type': 'application/jsonl' } }
  if (name.endsWith('.jsonl')) {
    const at = (s) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString()
    const lines = [
      { type: 'speech', start_time: at(1), stop_time: at(4), speaker_id: 'host-1', text: 'Hello, and welcome.' },
      { type: 'speech', start_time: at(5), stop_time: at(9), speaker_id: 'agent-456', text: 'Thanks. I will take notes.' },
    ]
    return { status: 200, body: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`, headers: { 'content-type': 'application/jsonl' } }
  }
  if (name.endsWith('.mp4')) {
    const ftyp = Buffer.from('0000001c667479706d703432000000006d7034316d703432697336', 'hex')
    return { status: 200, body: Buffer.concat([ftyp, Buffer.from(`emulated recording ${path}`)]), headers: { 'content-type': 'video/mp4' } }
  }
  return streamError(404, 16, `no media file at ${path}`)
}

function decodeId(raw) {
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}

function userResponse(user) {
  return {
    id: user.id,
    role: user.role,
    name: user.name,
    image: user.image,
    custom: user.custom,
    language: '',
    teams: [],
    banned: false,
    online: false,
    shadow_banned: false,
    invisible: false,
    blocked_user_ids: [],
    devices: [],
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  }
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
    current_session_id: call.session?.id ?? '',
    recording: call.live.recording.size > 0,
    transcribing: call.live.transcribing,
    captioning: call.live.captioning,
    backstage: false,
    blocked_user_ids: [],
    settings: {
      recording: { mode: call.settings.recording?.mode ?? 'available', quality: call.settings.recording?.quality ?? '720p', audio_only: false },
      transcription: {
        mode: call.settings.transcription?.mode ?? 'available',
        language: call.settings.transcription?.language ?? 'auto',
        closed_caption_mode: call.settings.transcription?.closed_caption_mode ?? 'available',
      },
    },
    session: call.session ? sessionResponse(call) : undefined,
    egress: { broadcasting: false, hls: null, rtmps: [] },
    ingress: { rtmp: { address: '' } },
    ended_at: call.endedAt || undefined,
    starts_at: call.startsAt ?? undefined,
  }
}

function sessionResponse(call) {
  const { session } = call
  return {
    id: session.id,
    started_at: session.startedAt,
    ended_at: session.endedAt ?? undefined,
    participants: [...call.participants.values()].map((p) => ({
      user: { id: p.userId, role: 'user', custom: {}, name: p.name },
      user_session_id: p.userSessionId,
      role: 'user',
      joined_at: p.joinedAt,
    })),
    participants_count_by_role: { user: call.participants.size },
    anonymous_participant_count: 0,
    accepted_by: {},
    missed_by: {},
    rejected_by: {},
  }
}

/** A member as Stream returns it, with its user as the emulator knows it (`user`, if known). */
function memberResponse(member, user) {
  return {
    user_id: member.userId,
    user: { id: member.userId, role: user?.role ?? 'user', name: user?.name, image: user?.image, custom: user?.custom ?? {} },
    custom: member.custom ?? {},
    role: member.role,
    created_at: member.createdAt,
    updated_at: member.updatedAt,
  }
}

class StreamApi extends FaultServer {
  constructor(options = {}) {
    super(options)
    this.apiKey = options.apiKey ?? 'emulator-key'
    this.apiSecret = options.apiSecret ?? 'emulator-secret'
    /** Accept members who are not known users (Stream does not). */
    this.lenient = options.lenient ?? false
    /** Calls by cid: { type, id, cid, createdById, custom, createdAt, updatedAt, endedAt, members: Map, session }. */
    this.calls = new Map()
    /** Known users by id: { id, role, name, image, custom, createdAt, updatedAt }. */
    this.users = new Map()
  }

  reset() {
    super.reset()
    this.calls.clear()
    this.users.clear()
  }

  /**
   * Why a request to a control route is refused, or null. Only the developer's
   * own tools may drive the emulator: not a web page in their browser (a
   * cross-site `Origin`, or a DNS-rebound name in `Host`), and only with a
   * JSON content type, which no HTML form and no simple cross-origin request
   * can send without a CORS preflight (which the emulator never answers).
   */
  #controlRefusal(record) {
    const allowed = (name) => LOOPBACK_NAMES.has(name) || name === this.host
    const host = hostnameOf(record.headers.host)
    if (host === null || !allowed(host))
      return streamError(403, 17, `control routes answer only a loopback Host (or ${this.host}), not ${JSON.stringify(record.headers.host ?? '')}`)
    const origin = record.headers.origin
    if (
      origin !== undefined &&
      !(URL.canParse(origin) && ['http:', 'https:'].includes(new URL(origin).protocol) && allowed(hostnameOf(new URL(origin).host)))
    ) {
      return streamError(403, 17, `control routes answer no cross-site request (Origin ${JSON.stringify(origin)})`)
    }
    if (record.method === 'POST' && !/^application\/json\s*(;|$)/i.test(record.headers['content-type'] ?? '')) {
      return streamError(415, 4, 'control routes take only Content-Type: application/json')
    }
    return null
  }

  /** Hooks for the call lifecycle (webhooks.js). */
  onCallCreated() {}
  onCallEnded() {}
  onEgress() {}

  handle(record) {
    if (record.path.startsWith('/emulator/')) return this.#controlRefusal(record) ?? this.control(record)
    if (record.method === 'GET' && record.path.startsWith('/media/')) {
      const [, , type, id, filename] = record.path.split('/')
      return mediaFile(record.path, this.calls.get(`${decodeId(type)}:${decodeId(id)}`)?.transcripts?.get(decodeId(filename)))
    }
    const isMembers = record.path === '/api/v2/video/call/members' && record.method === 'POST'
    const route = isMembers ? null : CALL_ROUTE.exec(record.path)
    const isUsers = record.path === '/api/v2/users'
    const allowed = isUsers ? ['GET', 'POST', 'PATCH'] : ['GET', 'POST']
    if ((!route && !isUsers && !isMembers) || !allowed.includes(record.method)) return streamError(404, 16, `Route ${record.method} ${record.path} not found`)
    if (record.query.api_key !== this.apiKey) return streamError(401, 2, 'api_key not valid')
    if (record.headers['stream-auth-type'] !== 'jwt') return streamError(401, 5, 'stream-auth-type must be jwt')
    const authError = checkServerToken(record.headers.authorization, this.apiSecret)
    if (authError) return authError
    const { value: body, error } = parseJson(record.body)
    if (error) return error
    const now = new Date().toISOString()
    if (isMembers) return this.#queryMembers(body)
    if (isUsers && record.method === 'GET') return this.#queryUsers(record.query.payload)
    if (isUsers && record.method === 'PATCH') return this.#updateUsersPartial(body, now)
    if (isUsers) return this.#upsertUsers(body, now)
    const [, type, rawId, action] = route
    const id = decodeId(rawId)
    if (!ID_PATTERN.test(type) || id === null || !ID_PATTERN.test(id)) return streamError(400, 4, `call type and id must match ${ID_PATTERN}`)
    const cid = `${type}:${id}`
    const route_ = `${record.method} ${action ?? ''}`
    if (route_ === 'POST ') return this.#getOrCreate(type, id, cid, body, now)
    const handler = this.#callRoute(route_)
    if (!handler) return streamError(404, 16, `Route ${record.method} ${record.path} not found`)
    const call = this.calls.get(cid)
    if (!call) return streamError(404, 16, `Can't find call with id ${cid}`)
    return handler(call, body, now)
  }

  /** The handler of a call's sub-route (`METHOD /suffix`), or null. */
  #callRoute(route) {
    const recording = /^POST \/recordings\/([^/]+)\/(start|stop)$/.exec(route)
    if (recording) return (call, body) => this.#recording(call, recording[1], recording[2], body)
    return (
      {
        'GET ': (call) => ({
          status: 200,
          body: { call: callResponse(call), members: this.#members(call.members.values()), own_capabilities: [], duration: '0.3ms' },
        }),
        'POST /members': (call, body, now) => this.#updateMembers(call, body, now),
        'POST /mark_ended': (call, _body, now) => this.#markEnded(call, now),
        'POST /start_transcription': (call, body) => this.#egress(call, 'transcription', 'start', body),
        'POST /stop_transcription': (call, body) => this.#egress(call, 'transcription', 'stop', body),
        'POST /start_closed_captions': (call, body) => this.#egress(call, 'captions', 'start', body),
        'POST /stop_closed_captions': (call, body) => this.#egress(call, 'captions', 'stop', body),
        'GET /recordings': (call) => ({ status: 200, body: { recordings: call.recordings, duration: '0.2ms' } }),
        'GET /transcriptions': (call) => ({ status: 200, body: { transcriptions: call.transcriptions, duration: '0.2ms' } }),
      }[route] ?? null
    )
  }

  #recording(call, type, action, body) {
    if (!RECORDING_TYPES.includes(type))
      return streamError(400, 4, `${EGRESS.recording[action]} failed with error: "recording_type must be one of ${RECORDING_TYPES.join(', ')}"`)
    if (action === 'start' && body.recording_external_storage !== undefined && typeof body.recording_external_storage !== 'string') {
      return streamError(400, 4, 'StartRecording failed with error: "recording_external_storage must be a string"')
    }
    return this.#egress(call, 'recording', action, body, type)
  }

  /** Starts or stops an egress; the lifecycle layer sends its events (`onEgress`). */
  #egress(call, kind, action, body, recordingType) {
    const names = EGRESS[kind]
    const running = kind === 'recording' ? call.live.recording.has(recordingType) : kind === 'transcription' ? call.live.transcribing : call.live.captioning
    if (action === 'start' && running) return streamError(400, 4, `${names.start} failed with error: "call ${call.cid} is already ${names.running}"`)
    if (action === 'stop' && !running) return streamError(400, 4, `${names.stop} failed with error: "call ${call.cid} is not ${names.running}"`)
    this.setEgress(call, kind, action === 'start', { recordingType, body })
    return { status: 200, body: { duration: '0.4ms' } }
  }

  /**
   * Switches an egress on or off in the call's state and tells the lifecycle
   * layer (`onEgress`), which sends the events and makes the files.
   */
  setEgress(call, kind, on, { recordingType = 'composite', body = {} } = {}) {
    if (kind === 'recording') call.live.recording[on ? 'add' : 'delete'](recordingType)
    else if (kind === 'transcription') call.live.transcribing = on
    else call.live.captioning = on
    // Transcription can carry captions along, and the other way round, as Stream's flags say.
    if (on && kind === 'transcription' && body.enable_closed_captions === true && !call.live.captioning) this.setEgress(call, 'captions', true)
    if (on && kind === 'captions' && body.enable_transcription === true && !call.live.transcribing) this.setEgress(call, 'transcription', true)
    if (!on && kind === 'transcription' && body.stop_closed_captions === true && call.live.captioning) this.setEgress(call, 'captions', false)
    if (!on && kind === 'captions' && body.stop_transcription === true && call.live.transcribing) this.setEgress(call, 'transcription', false)
    this.onEgress(call, kind, on, recordingType)
  }

  /**
   * `POST /emulator/users/{id}/connect` with `Authorization: <user token>`:
   * stands in for a client connecting with a user token, which makes the user
   * known to Stream.
   */
  control(record) {
    const match = USER_CONNECT_ROUTE.exec(record.path)
    if (record.method !== 'POST' || !match) return streamError(404, 16, `Route ${record.method} ${record.path} not found`)
    const id = decodeId(match[1])
    const { error, claims } = verifyJwt(record.headers.authorization, this.apiSecret)
    if (error) return error
    if (claims.user_id !== id) return streamError(401, 5, `JWTAuth error: the token is for ${JSON.stringify(claims.user_id)}, not ${JSON.stringify(id)}`)
    const now = new Date().toISOString()
    const user = this.users.get(id) ?? { id, role: 'user', custom: {}, createdAt: now, updatedAt: now }
    this.users.set(id, user)
    return { status: 200, body: { user: userResponse(user), duration: '0.2ms' } }
  }

  #upsertUsers(body, now) {
    const { users } = body
    if (typeof users !== 'object' || users === null || Array.isArray(users))
      return streamError(400, 4, 'UpdateUsers failed with error: "users is a required field"')
    const entries = Object.entries(users)
    if (entries.length === 0 || entries.length > MAX_USERS_PER_UPSERT) {
      return streamError(400, 4, `UpdateUsers failed with error: "users must hold 1 to ${MAX_USERS_PER_UPSERT} users"`)
    }
    for (const [key, user] of entries) {
      if (typeof user !== 'object' || user === null || user.id !== key || typeof user.id !== 'string' || user.id.length === 0) {
        return streamError(400, 4, `UpdateUsers failed with error: "users.${key}.id must be the user's id"`)
      }
    }
    const answer = {}
    for (const [id, user] of entries) {
      const existing = this.users.get(id)
      const stored = {
        id,
        role: user.role ?? existing?.role ?? 'user',
        name: user.name,
        image: user.image,
        custom: user.custom ?? {},
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      }
      this.users.set(id, stored)
      answer[id] = userResponse(stored)
    }
    return { status: 201, body: { users: answer, duration: '0.35ms' } }
  }

  /** `GET /api/v2/users?payload={"filter_conditions":{"id":{"$in":[…]}}}`: the known users among those ids. */
  #queryUsers(payloadText) {
    let payload
    try {
      payload = JSON.parse(payloadText ?? '')
    } catch {
      return streamError(400, 4, 'QueryUsers failed with error: "payload is a required JSON query parameter"')
    }
    const ids = payload?.filter_conditions?.id?.$in
    if (!Array.isArray(ids) || ids.length > MAX_USERS_PER_UPSERT || !ids.every((id) => typeof id === 'string')) {
      return streamError(400, 4, 'QueryUsers failed with error: "the emulator supports filter_conditions {id: {$in: [up to 100 ids]}}"')
    }
    const limit = Number.isInteger(payload.limit) ? payload.limit : 100
    const users = ids
      .filter((id) => this.users.has(id))
      .slice(0, limit)
      .map((id) => userResponse(this.users.get(id)))
    return { status: 200, body: { users, duration: '0.3ms' } }
  }

  /**
   * `PATCH /api/v2/users` `{users: [{id, set, unset}]}`: `name`, `image` and
   * `role` are fields; `custom` in `set` merges into the custom data, and any
   * other key is a custom field. A user that does not exist is an error (the
   * public references do not say what Stream answers; this is Stream's error shape).
   */
  #updateUsersPartial(body, now) {
    const updates = body.users
    if (!Array.isArray(updates) || updates.length === 0 || updates.length > MAX_USERS_PER_UPSERT) {
      return streamError(400, 4, `UpdateUsersPartial failed with error: "users must hold 1 to ${MAX_USERS_PER_UPSERT} updates"`)
    }
    const missing = updates.map((u) => u?.id).filter((id) => typeof id !== 'string' || !this.users.has(id))
    if (missing.length) return streamError(400, 4, `UpdateUsersPartial failed with error: "users don't exist: [${missing.join(', ')}]"`)
    const FIELDS = ['name', 'image', 'role']
    const answer = {}
    for (const { id, set = {}, unset = [] } of updates) {
      const user = this.users.get(id)
      const custom = { ...user.custom }
      for (const [key, value] of Object.entries(set)) {
        if (FIELDS.includes(key)) user[key] = value
        else if (key === 'custom' && typeof value === 'object' && value !== null) Object.assign(custom, value)
        else custom[key] = value
      }
      for (const key of unset) {
        if (FIELDS.includes(key)) delete user[key]
        else delete custom[key]
      }
      user.custom = custom
      user.updatedAt = now
      answer[id] = userResponse(user)
    }
    return { status: 200, body: { users: answer, duration: '0.3ms' } }
  }

  #members(members) {
    return [...members].map((m) => memberResponse(m, this.users.get(m.userId)))
  }

  /**
   * `POST /api/v2/video/call/members` (node-sdk's `queryCallMembers`): a
   * call's members, filtered on `user_id` or `role` (a value, `$eq` or
   * `$in`), `limit` (0-100, default 25) per page, `next` / `prev` tokens.
   */
  #queryMembers(body) {
    const { type, id, filter_conditions: filter = {}, limit = 25, next, prev } = body
    if (typeof type !== 'string' || typeof id !== 'string') return streamError(400, 4, 'QueryCallMembers failed with error: "type and id are required"')
    if (!Number.isInteger(limit) || limit < 0 || limit > 100) return streamError(400, 4, 'QueryCallMembers failed with error: "limit must be 0 to 100"')
    const call = this.calls.get(`${type}:${id}`)
    if (!call) return streamError(404, 16, `Can't find call with id ${type}:${id}`)
    const tests = []
    for (const [field, condition] of Object.entries(filter ?? {})) {
      const key = { user_id: 'userId', role: 'role' }[field]
      const wanted = typeof condition === 'string' ? [condition] : condition?.$eq !== undefined ? [condition.$eq] : condition?.$in
      if (!key || !Array.isArray(wanted)) {
        return streamError(400, 4, 'QueryCallMembers failed with error: "the emulator filters on user_id and role (a value, $eq or $in)"')
      }
      tests.push((m) => wanted.includes(m[key]))
    }
    const all = [...call.members.values()].filter((m) => tests.every((test) => test(m)))
    const token = (offset) => Buffer.from(String(offset)).toString('base64url')
    const offset = next ? Number(Buffer.from(next, 'base64url').toString()) : prev ? Math.max(0, Number(Buffer.from(prev, 'base64url').toString()) - limit) : 0
    if (!Number.isInteger(offset) || offset < 0) return streamError(400, 4, 'QueryCallMembers failed with error: "next / prev is not a token of this query"')
    const page = all.slice(offset, offset + limit)
    return {
      status: 201,
      body: {
        members: this.#members(page),
        next: offset + limit < all.length ? token(offset + limit) : undefined,
        prev: offset > 0 ? token(offset) : undefined,
        duration: '0.3ms',
      },
    }
  }

  /** Stream's rule: call members must be existing users. */
  #unknownUsers(ids) {
    if (this.lenient) return null
    const missing = [...new Set(ids)].filter((id) => !this.users.has(id))
    return missing.length === 0
      ? null
      : streamError(
          400,
          4,
          `UpdateCallMembers failed with error: "The following users are involved in call create operation, but don't exist: [${missing.join(', ')}]. Make sure to create the users first."`,
          { exception_fields: { missing_user_ids: missing.join(',') } },
        )
  }

  #getOrCreate(type, id, cid, body, now) {
    const data = body.data || {}
    let call = this.calls.get(cid)
    const created = !call
    if (created) {
      const problem = settingsProblem(data.settings_override)
      if (problem) return streamError(400, 4, `GetOrCreateCall failed with error: "${problem}"`)
      if (typeof data.created_by_id !== 'string' || !data.created_by_id) {
        return streamError(400, 4, 'GetOrCreateCall failed with error: "data.created_by_id or data.created_by is required for server-side calls"')
      }
      const members = data.members ?? []
      if (!Array.isArray(members) || members.length > 100 || members.some((m) => typeof m?.user_id !== 'string' || !m.user_id)) {
        return streamError(400, 4, 'GetOrCreateCall failed with error: "data.members must be at most 100 members, each with a user_id"')
      }
      if (data.starts_at !== undefined && (typeof data.starts_at !== 'string' || Number.isNaN(Date.parse(data.starts_at)))) {
        return streamError(400, 4, 'GetOrCreateCall failed with error: "data.starts_at must be a time"')
      }
      const unknown = this.#unknownUsers(members.map((m) => m.user_id))
      if (unknown) return unknown
      call = {
        type,
        id,
        cid,
        createdById: data.created_by_id,
        custom: data.custom || {},
        createdAt: now,
        updatedAt: now,
        endedAt: null,
        members: new Map(
          members.map((m) => [m.user_id, { userId: m.user_id, role: m.role || 'user', custom: m.custom ?? {}, createdAt: now, updatedAt: now }]),
        ),
        startsAt: data.starts_at ?? null,
        session: null,
        settings: settingsOf(data.settings_override),
        live: { recording: new Set(), transcribing: false, captioning: false },
        /** The running egress by kind (`recording:<type>`, `transcription`, `captions`): its id and start. */
        egress: {},
        participants: new Map(),
        recordings: [],
        transcriptions: [],
        /** Each transcript file's JSONL by file name (as `transcriptions`, the last `maxFiles`). */
        transcripts: new Map(),
        /** Who was in the current session and when: { userId, joinedAt, leftAt }. */
        attendance: [],
      }
      this.calls.set(cid, call)
      this.onCallCreated(call)
    }
    return {
      status: 201,
      body: {
        call: callResponse(call),
        members: this.#members(call.members.values()),
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
    const unknown = this.#unknownUsers(updates.map((m) => m.user_id))
    if (unknown) return unknown
    for (const m of updates) {
      const existing = call.members.get(m.user_id)
      const custom = m.custom ?? existing?.custom ?? {}
      call.members.set(m.user_id, {
        userId: m.user_id,
        role: m.role || existing?.role || 'user',
        custom,
        createdAt: existing ? existing.createdAt : now,
        updatedAt: now,
      })
    }
    return { status: 201, body: { members: this.#members(updates.map((m) => call.members.get(m.user_id))), duration: '0.31ms' } }
  }

  #markEnded(call, now) {
    call.endedAt = call.endedAt || now
    call.updatedAt = now
    this.onCallEnded(call)
    return { status: 201, body: { duration: '0.27ms' } }
  }
}

module.exports = { StreamApi, checkServerToken, callResponse, sessionResponse }
