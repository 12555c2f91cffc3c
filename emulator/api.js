'use strict'
// The Stream Video REST routes the package uses, as Stream answers them: the
// api_key query and the server JWT are checked, calls, members and users are
// kept in memory, and errors have Stream's shape. Like Stream, a call member
// must be an existing user (upserted, or connected with a user token) unless
// the emulator runs `lenient`.

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')
const { FaultServer, keepLast, streamError } = require('./server')
const { SKELETONS } = require('./skeletons')

/**
 * `values` laid over the least body of Stream's schema `name` (generated from
 * its OpenAPI spec, `skeletons.js`): every field Stream always sends is there,
 * with the emulator's own values where it has them. Undefined values are left
 * out. The skeletons are frozen and shared: only the objects on the path of a
 * value are new, so an answer costs little more than its own fields.
 */
function shaped(name, values) {
  return overlay(SKELETONS[name] ?? EMPTY, values)
}

const EMPTY = Object.freeze({})

function overlay(base, values) {
  const out = Object.assign({}, base)
  for (const key of Object.keys(values)) {
    const value = values[key]
    if (value === undefined) continue
    const merged = Object.hasOwn(base, key) && isObject(value) && isObject(base[key]) ? overlay(base[key], value) : value
    // Defined, not assigned: a `__proto__` key in custom data stays data.
    if (key === '__proto__') Object.defineProperty(out, key, { value: merged, writable: true, enumerable: true, configurable: true })
    else out[key] = merged
  }
  return out
}

function deepFreeze(value) {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item)
    Object.freeze(value)
  }
  return value
}
deepFreeze(SKELETONS)

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const CALL_ROUTE = /^\/api\/v2\/video\/call\/([^/]+)\/([^/]+)(\/.*)?$/
const USER_CONNECT_ROUTE = /^\/emulator\/users\/([^/]+)\/connect$/
// The limits the package enforces, each from a public source (docs/api.md, "Ids and limits"):
// the OpenAPI spec's maxLength 64 on a call's type and id (with the sample apps' character set),
// and "batches of up to 100" users (getstream.io/docs/platform/users/).
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const MAX_USERS_PER_UPSERT = 100

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1'])
/** The routes that name no call. */
const PLAIN_ROUTES = new Set([
  'POST /api/v2/video/call/members',
  'POST /api/v2/video/calls',
  'GET /api/v2/users',
  'POST /api/v2/users',
  'PATCH /api/v2/users',
  'POST /api/v2/users/delete',
])

/** The host name of a `Host` header value (`[::1]:4100` → `::1`), lowercased; null when it is not one. */
function hostnameOf(host) {
  if (typeof host !== 'string' || !URL.canParse(`http://${host}`)) return null
  return new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase()
}
// Stream's values, generated from its spec (the lists src/spec.rs checks arguments against).
const { RECORDING_TYPES, SETTING_MODES: MODES, LANGUAGES } = require('../node-sdk/operations.js').LISTS
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
 * recording: a real MP4 (2 s, 192×108 VP9 test pattern and a 440 Hz Opus
 * tone, made with `ffmpeg -f lavfi -i testsrc2… -i sine…`), so a `<video>`
 * element plays it.
 */
let recording = null
const recordingBytes = () => {
  recording ??= fs.readFileSync(path.join(__dirname, 'media', 'recording.mp4'))
  return recording
}
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
  if (name.endsWith('.mp4')) return { status: 200, body: recordingBytes(), headers: { 'content-type': 'video/mp4' } }
  return streamError(404, 16, `no media file at ${path}`)
}

function decodeId(raw) {
  try {
    return decodeURIComponent(raw)
  } catch {
    return null
  }
}

/** A user as Stream returns it: `UserResponse`, or `FullUserResponse` from the user routes. */
function userResponse(user, schema = 'FullUserResponse') {
  return shaped(schema, {
    id: user.id,
    role: user.role,
    name: user.name,
    image: user.image,
    custom: user.custom,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  })
}

/** A user the emulator may not know (a member, a participant): what it knows of them. */
function someone(userId, user) {
  return userResponse(user ?? { id: userId, role: 'user', custom: {}, createdAt: EPOCH, updatedAt: EPOCH }, 'UserResponse')
}
const EPOCH = '1970-01-01T00:00:00Z'

function callResponse(call, users) {
  return shaped('CallResponse', {
    type: call.type,
    id: call.id,
    cid: call.cid,
    created_by: someone(call.createdById, users?.get(call.createdById)),
    created_at: call.createdAt,
    updated_at: call.updatedAt,
    custom: call.custom,
    current_session_id: call.session?.id ?? '',
    recording: call.live.recording.size > 0,
    transcribing: call.live.transcribing,
    captioning: call.live.captioning,
    backstage: false,
    blocked_user_ids: [...call.blocked],
    settings: {
      recording: { mode: call.settings.recording?.mode ?? 'available', quality: call.settings.recording?.quality ?? '720p', audio_only: false },
      transcription: {
        mode: call.settings.transcription?.mode ?? 'available',
        language: call.settings.transcription?.language ?? 'auto',
        closed_caption_mode: call.settings.transcription?.closed_caption_mode ?? 'available',
      },
    },
    session: call.session ? sessionResponse(call) : undefined,
    egress: { broadcasting: false, rtmps: [] },
    ended_at: call.endedAt || undefined,
    starts_at: call.startsAt ?? undefined,
  })
}

function sessionResponse(call) {
  const { session } = call
  return shaped('CallSessionResponse', {
    id: session.id,
    started_at: session.startedAt,
    ended_at: session.endedAt ?? undefined,
    live_started_at: session.liveStartedAt,
    live_ended_at: session.liveEndedAt,
    participants: [...call.participants.values()].map((p) => participantResponse(p)),
    participants_count_by_role: { user: call.participants.size },
  })
}

/** A participant in the session (`CallParticipantResponse`). */
function participantResponse(p) {
  return shaped('CallParticipantResponse', {
    user: someone(p.userId, { id: p.userId, role: 'user', name: p.name, custom: {}, createdAt: p.joinedAt, updatedAt: p.joinedAt }),
    user_session_id: p.userSessionId,
    role: 'user',
    joined_at: p.joinedAt,
  })
}

/** A member as Stream returns it, with its user as the emulator knows it (`user`, if known). */
function memberResponse(member, user) {
  return shaped('MemberResponse', {
    user_id: member.userId,
    user: someone(member.userId, user),
    custom: member.custom ?? {},
    role: member.role,
    created_at: member.createdAt,
    updated_at: member.updatedAt,
  })
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
  /** A call event the REST routes cause (a kick, a block, a caption…), for the webhooks. */
  onCallEvent() {}

  handle(record) {
    if (record.path.startsWith('/emulator/')) return this.#controlRefusal(record) ?? this.control(record)
    if (record.method === 'GET' && record.path.startsWith('/media/')) {
      const [, , type, id, filename] = record.path.split('/')
      return mediaFile(record.path, this.calls.get(`${decodeId(type)}:${decodeId(id)}`)?.transcripts?.get(decodeId(filename)))
    }
    const route = CALL_ROUTE.exec(record.path)
    const plain = PLAIN_ROUTES.has(`${record.method} ${record.path}`) ? `${record.method} ${record.path}` : null
    if (!plain && (!route || !['GET', 'POST', 'PATCH', 'DELETE'].includes(record.method))) {
      return streamError(404, 16, `Route ${record.method} ${record.path} not found`)
    }
    if (record.query.api_key !== this.apiKey) return streamError(401, 2, 'api_key not valid')
    if (record.headers['stream-auth-type'] !== 'jwt') return streamError(401, 5, 'stream-auth-type must be jwt')
    const authError = checkServerToken(record.headers.authorization, this.apiSecret)
    if (authError) return authError
    const { value: body, error } = parseJson(record.body)
    if (error) return error
    const now = new Date().toISOString()
    if (plain) {
      return {
        'POST /api/v2/video/call/members': () => this.#queryMembers(body),
        'POST /api/v2/video/calls': () => this.#queryCalls(body),
        'GET /api/v2/users': () => this.#queryUsers(record.query.payload),
        'POST /api/v2/users': () => this.#upsertUsers(body, now),
        'PATCH /api/v2/users': () => this.#updateUsersPartial(body, now),
        'POST /api/v2/users/delete': () => this.#deleteUsers(body),
      }[plain]()
    }
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
    return handler(call, body, now, record.query)
  }

  /** A call as Stream returns it, its creator as the emulator knows them. */
  callResponse(call) {
    return callResponse(call, this.users)
  }

  /** `{ call, members, own_capabilities }`, as getCall, updateCall and queryCalls answer. */
  #callState(call) {
    return { call: this.callResponse(call), members: this.#members(call.members.values()), own_capabilities: [] }
  }

  /** The handler of a call's sub-route (`METHOD /suffix`), or null. */
  #callRoute(route) {
    const recording = /^POST \/recordings\/([^/]+)\/(start|stop)$/.exec(route)
    if (recording) return (call, body) => this.#recording(call, recording[1], recording[2], body)
    const file = /^DELETE \/([^/]+)\/(recordings|transcriptions)\/([^/]+)$/.exec(route)
    if (file) return (call) => this.#deleteFile(call, file[2], decodeId(file[1]), decodeId(file[3]))
    const sessions = /^GET \/session\/([^/]+)\/participant_sessions$/.exec(route)
    if (sessions) return (call, _body, _now, query) => this.#participantSessions(call, decodeId(sessions[1]), query)
    return (
      {
        'GET ': (call) => ({ status: 200, body: { ...this.#callState(call), duration: '0.3ms' } }),
        'PATCH ': (call, body, now) => this.#updateCall(call, body, now),
        'POST /delete': (call, body) => this.#deleteCall(call, body),
        'POST /members': (call, body, now) => this.#updateMembers(call, body, now),
        'POST /mark_ended': (call, _body, now) => this.#markEnded(call, now),
        'POST /start_transcription': (call, body) => this.#egress(call, 'transcription', 'start', body),
        'POST /stop_transcription': (call, body) => this.#egress(call, 'transcription', 'stop', body),
        'POST /start_closed_captions': (call, body) => this.#egress(call, 'captions', 'start', body),
        'POST /stop_closed_captions': (call, body) => this.#egress(call, 'captions', 'stop', body),
        'GET /recordings': (call) => ({ status: 200, body: { recordings: call.recordings, duration: '0.2ms' } }),
        'GET /transcriptions': (call) => ({ status: 200, body: { transcriptions: call.transcriptions, duration: '0.2ms' } }),
        'POST /event': (call, body, now) => this.#sendEvent(call, body, now),
        'POST /closed_captions': (call, body, now) => this.#closedCaption(call, body, now),
        'POST /kick': (call, body, now) => this.#kick(call, body, now),
        'POST /mute_users': (_call, body) => this.#muteUsers(body),
        'POST /block': (call, body, now) => this.#block(call, body, now, true),
        'POST /unblock': (call, body, now) => this.#block(call, body, now, false),
        'POST /user_permissions': (call, body, now) => this.#permissions(call, body, now),
        'POST /go_live': (call, _body, now) => this.#live(call, now, true),
        'POST /stop_live': (call, _body, now) => this.#live(call, now, false),
        'GET /report': (call, _body, _now, query) => this.#report(call, query.session_id),
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
    if (action === 'start' && body.language !== undefined && !LANGUAGES.includes(body.language)) {
      return streamError(400, 4, `${names.start} failed with error: "language must be one of ${LANGUAGES.join(', ')}"`)
    }
    const running = kind === 'recording' ? call.live.recording.has(recordingType) : kind === 'transcription' ? call.live.transcribing : call.live.captioning
    if (action === 'start' && running) return streamError(400, 4, `${names.start} failed with error: "call ${call.cid} is already ${names.running}"`)
    if (action === 'stop' && !running) return streamError(400, 4, `${names.stop} failed with error: "call ${call.cid} is not ${names.running}"`)
    this.setEgress(call, kind, action === 'start', { recordingType, body })
    return { status: 201, body: { duration: '0.4ms' } }
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
   * `POST /emulator/info`: `{ emulator: 'stream-video-native' }`, so an app can
   * tell the emulator from Stream.
   * `POST /emulator/users/{id}/connect` with `Authorization: <user token>`:
   * stands in for a client connecting with a user token, which makes the user
   * known to Stream.
   */
  control(record) {
    // What an app asks to tell the emulator from Stream (the example shows its simulator only then).
    if (record.method === 'POST' && record.path === '/emulator/info') return { status: 200, body: { emulator: 'stream-video-native' } }
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
    return { status: 201, body: { users: answer, membership_deletion_task_id: '', duration: '0.35ms' } }
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
    return { status: 200, body: { users: answer, membership_deletion_task_id: '', duration: '0.3ms' } }
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
    return this.#page(all, limit, next, prev, 'QueryCallMembers', (page) => ({ members: this.#members(page) }))
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
        /** Users blocked from the call. */
        blocked: new Set(),
        /** Custom events sent to the call (`sendCallEvent`), the last `maxFiles`. */
        events: [],
        recordings: [],
        transcriptions: [],
        /** Each transcript file's JSONL by file name (as `transcriptions`, the last `maxFiles`). */
        transcripts: new Map(),
        /** Who was in the current session and when: { userId, joinedAt, leftAt }. */
        attendance: [],
        /** What people said (`say`), for the transcript: { userId, text, at }. */
        utterances: [],
      }
      this.calls.set(cid, call)
      this.onCallCreated(call)
    }
    return {
      status: 201,
      body: {
        call: this.callResponse(call),
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

  /** `PATCH` a call: its custom data (replaced), settings and start time, as `UpdateCallRequest` says. */
  #updateCall(call, body, now) {
    const problem = settingsProblem(body.settings_override)
    if (problem) return streamError(400, 4, `UpdateCall failed with error: "${problem}"`)
    if (body.custom !== undefined && !isObject(body.custom)) return streamError(400, 4, 'UpdateCall failed with error: "custom must be an object"')
    if (body.starts_at !== undefined && (typeof body.starts_at !== 'string' || Number.isNaN(Date.parse(body.starts_at)))) {
      return streamError(400, 4, 'UpdateCall failed with error: "starts_at must be a time"')
    }
    if (body.custom !== undefined) call.custom = body.custom
    if (body.starts_at !== undefined) call.startsAt = body.starts_at
    if (body.settings_override !== undefined) call.settings = { ...call.settings, ...settingsOf(body.settings_override) }
    call.updatedAt = now
    return { status: 200, body: { ...this.#callState(call), duration: '0.3ms' } }
  }

  /** Deletes a call (soft or `hard`: either way it is gone from the API); answers with it as it was. */
  #deleteCall(call, body) {
    const answer = this.callResponse(call)
    this.calls.delete(call.cid)
    return { status: 201, body: { call: answer, task_id: body.hard === true ? crypto.randomUUID() : undefined, duration: '0.3ms' } }
  }

  /** Deletes a recording or transcription file of a session. */
  #deleteFile(call, kind, session, filename) {
    const list = call[kind]
    const at = list.findIndex((f) => f.session_id === session && f.filename === filename)
    if (at < 0) return streamError(404, 16, `${kind === 'recordings' ? 'recording' : 'transcription'} ${filename} of session ${session} not found`)
    list.splice(at, 1)
    if (kind === 'transcriptions') call.transcripts.delete(filename)
    return { status: 200, body: { duration: '0.2ms' } }
  }

  /** The session's participants' stays: who joined, when, for how long. */
  #participantSessions(call, session, query) {
    if (call.session?.id !== session) return streamError(404, 16, `session ${session} of call ${call.cid} not found`)
    const limit = query.limit === undefined ? 25 : Number(query.limit)
    if (!Number.isInteger(limit) || limit < 0 || limit > 100)
      return streamError(400, 4, 'QueryCallParticipantSessions failed with error: "limit must be 0 to 100"')
    const now = Date.now()
    const stays = call.attendance.map((a) => {
      const seconds = Math.round(((a.leftAt ? Date.parse(a.leftAt) : now) - Date.parse(a.joinedAt)) / 1000)
      return shaped('ParticipantSessionDetails', {
        user_id: a.userId,
        user_session_id: a.userSessionId ?? a.userId,
        roles: ['user'],
        joined_at: a.joinedAt,
        left_at: a.leftAt ?? undefined,
        duration_in_seconds: seconds,
      })
    })
    return {
      status: 200,
      body: {
        call_type: call.type,
        call_id: call.id,
        call_session_id: session,
        total_participant_sessions: stays.length,
        total_participant_duration: stays.reduce((sum, s) => sum + s.duration_in_seconds, 0),
        participants_sessions: stays.slice(0, limit),
        // This answer's duration is a number of milliseconds in the spec, unlike the others' text.
        duration: 1,
      },
    }
  }

  /** A session's report: when it ran and how many took part. */
  #report(call, sessionId = call.session?.id) {
    if (!call.session || call.session.id !== sessionId) return streamError(404, 16, `no report for session ${sessionId ?? '(none)'} of call ${call.cid}`)
    const report = shaped('ReportResponse', {
      call: { started_at: call.session.startedAt, ended_at: call.session.endedAt ?? undefined, score: 1 },
      participants: { unique: new Set(call.attendance.map((a) => a.userId)).size },
    })
    return { status: 200, body: { session_id: sessionId, report, duration: '0.3ms' } }
  }

  /** A custom event sent to the call's members (kept, the last `maxFiles`). */
  #sendEvent(call, body, now) {
    if (body.custom !== undefined && !isObject(body.custom)) return streamError(400, 4, 'SendCallEvent failed with error: "custom must be an object"')
    keepLast(call.events, { userId: body.user_id ?? body.user?.id, custom: body.custom ?? {}, createdAt: now }, 1000)
    return { status: 201, body: { duration: '0.2ms' } }
  }

  /** A caption sent to the call: `call.closed_caption` to the webhooks. */
  #closedCaption(call, body, now) {
    if (typeof body.text !== 'string' || typeof body.speaker_id !== 'string' || !body.speaker_id) {
      return streamError(400, 4, 'SendClosedCaption failed with error: "text and speaker_id are required"')
    }
    const caption = shaped('CallClosedCaption', {
      id: crypto.randomUUID(),
      text: body.text,
      speaker_id: body.speaker_id,
      start_time: body.start_time ?? now,
      end_time: body.end_time ?? now,
      language: body.language,
      user: someone(body.speaker_id, this.users.get(body.speaker_id)),
    })
    this.onCallEvent(call, { type: 'call.closed_caption', created_at: now, call_cid: call.cid, closed_caption: caption })
    return { status: 201, body: { duration: '0.2ms' } }
  }

  /** Kicks a user out of the session (and blocks them with `block`). */
  #kick(call, body, now) {
    if (typeof body.user_id !== 'string' || !body.user_id) return streamError(400, 4, 'KickUser failed with error: "user_id is a required field"')
    this.kicked?.(call, body.user_id)
    if (body.block === true) call.blocked.add(body.user_id)
    const by = body.kicked_by_id ?? body.kicked_by?.id
    this.onCallEvent(call, {
      type: 'call.kicked_user',
      created_at: now,
      call_cid: call.cid,
      user: someone(body.user_id, this.users.get(body.user_id)),
      kicked_by_user: by ? someone(by, this.users.get(by)) : undefined,
    })
    return { status: 201, body: { duration: '0.2ms' } }
  }

  #muteUsers(body) {
    if (body.user_ids !== undefined && (!Array.isArray(body.user_ids) || !body.user_ids.every((id) => typeof id === 'string'))) {
      return streamError(400, 4, 'MuteUsers failed with error: "user_ids must be a list of user ids"')
    }
    if (body.user_ids === undefined && body.mute_all_users !== true)
      return streamError(400, 4, 'MuteUsers failed with error: "user_ids or mute_all_users is required"')
    return { status: 201, body: { duration: '0.2ms' } }
  }

  #block(call, body, now, block) {
    const name = block ? 'BlockUser' : 'UnblockUser'
    if (typeof body.user_id !== 'string' || !body.user_id) return streamError(400, 4, `${name} failed with error: "user_id is a required field"`)
    call.blocked[block ? 'add' : 'delete'](body.user_id)
    const user = someone(body.user_id, this.users.get(body.user_id))
    this.onCallEvent(call, { type: block ? 'call.blocked_user' : 'call.unblocked_user', created_at: now, call_cid: call.cid, user })
    return { status: 201, body: { duration: '0.2ms' } }
  }

  #permissions(call, body, now) {
    if (typeof body.user_id !== 'string' || !body.user_id) return streamError(400, 4, 'UpdateUserPermissions failed with error: "user_id is a required field"')
    const user = someone(body.user_id, this.users.get(body.user_id))
    this.onCallEvent(call, { type: 'call.permissions_updated', created_at: now, call_cid: call.cid, user, own_capabilities: [] })
    return { status: 201, body: { duration: '0.2ms' } }
  }

  /** Goes live (leaves backstage) or stops: `call.live_started` / the session's live times. */
  #live(call, now, on) {
    if (call.session) call.session[on ? 'liveStartedAt' : 'liveEndedAt'] = now
    call.updatedAt = now
    const answer = this.callResponse(call)
    if (on) this.onCallEvent(call, { type: 'call.live_started', created_at: now, call_cid: call.cid, call: answer })
    return { status: 201, body: { call: answer, duration: '0.2ms' } }
  }

  /**
   * `POST /api/v2/video/calls`: calls filtered on `type`, `id`, `cid` or
   * `created_by_user_id` (a value, `$eq` or `$in`) and `ongoing` (a session
   * running), newest first, `limit` (0-100, default 25) per page, `next` / `prev`.
   */
  #queryCalls(body) {
    const { filter_conditions: filter = {}, limit = 25, next, prev } = body
    if (!Number.isInteger(limit) || limit < 0 || limit > 100) return streamError(400, 4, 'QueryCalls failed with error: "limit must be 0 to 100"')
    const tests = []
    for (const [field, condition] of Object.entries(filter ?? {})) {
      if (field === 'ongoing') {
        tests.push((c) => Boolean(c.session && !c.session.endedAt) === (condition === true || condition?.$eq === true))
        continue
      }
      const read = { type: (c) => c.type, id: (c) => c.id, cid: (c) => c.cid, created_by_user_id: (c) => c.createdById }[field]
      const wanted = typeof condition === 'string' ? [condition] : condition?.$eq !== undefined ? [condition.$eq] : condition?.$in
      if (!read || !Array.isArray(wanted)) {
        return streamError(
          400,
          4,
          'QueryCalls failed with error: "the emulator filters on type, id, cid, created_by_user_id (a value, $eq or $in) and ongoing"',
        )
      }
      tests.push((c) => wanted.includes(read(c)))
    }
    const all = [...this.calls.values()].filter((c) => tests.every((test) => test(c))).reverse()
    return this.#page(all, limit, next, prev, 'QueryCalls', (page) => ({ calls: page.map((c) => this.#callState(c)) }))
  }

  /** One page of `all` by offset tokens, answered 201 with `fields(page)`, `next`, `prev`. */
  #page(all, limit, next, prev, name, fields) {
    const token = (offset) => Buffer.from(String(offset)).toString('base64url')
    const offset = next ? Number(Buffer.from(next, 'base64url').toString()) : prev ? Math.max(0, Number(Buffer.from(prev, 'base64url').toString()) - limit) : 0
    if (!Number.isInteger(offset) || offset < 0) return streamError(400, 4, `${name} failed with error: "next / prev is not a token of this query"`)
    const page = all.slice(offset, offset + limit)
    return {
      status: 201,
      body: {
        ...fields(page),
        next: offset + limit < all.length ? token(offset + limit) : undefined,
        prev: offset > 0 ? token(offset) : undefined,
        duration: '0.3ms',
      },
    }
  }

  /** `POST /api/v2/users/delete`: the users are forgotten at once; the answer names the task Stream would run. */
  #deleteUsers(body) {
    const ids = body.user_ids
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_USERS_PER_UPSERT || !ids.every((id) => typeof id === 'string')) {
      return streamError(400, 4, `DeleteUsers failed with error: "user_ids must hold 1 to ${MAX_USERS_PER_UPSERT} ids"`)
    }
    for (const id of ids) this.users.delete(id)
    return { status: 201, body: { task_id: crypto.randomUUID(), duration: '0.3ms' } }
  }

  #markEnded(call, now) {
    call.endedAt = call.endedAt || now
    call.updatedAt = now
    this.onCallEnded(call)
    return { status: 201, body: { duration: '0.27ms' } }
  }
}

module.exports = { StreamApi, checkServerToken, callResponse, sessionResponse, participantResponse, shaped }
