'use strict'
// The emulator's call lifecycle: sessions, recordings and transcriptions as
// Stream's call events, POSTed to a webhook URL signed like Stream's (stable
// X-Webhook-Id across retries), retried on failure, duplicated or shuffled on
// request, and driven from code or from control endpoints over HTTP.

const crypto = require('node:crypto')
const zlib = require('node:zlib')
const { StreamApi, participantResponse, sessionResponse, shaped } = require('./api')
const { keepLast, streamError } = require('./server')
const { EVENT_SCHEMAS } = require('./skeletons')

/**
 * The options a control request (and the code API) accepts, each with its
 * check: anything else, or a value out of range, is a 400, so no request can
 * make the emulator allocate or loop without bound.
 */
const DELIVERY_OPTIONS = {
  durationSeconds: { ok: (v) => Number.isFinite(v) && v >= 0 && v <= 7 * 24 * 3600, expected: 'a number of seconds from 0 to 604800' },
  duplicate: { ok: (v) => typeof v === 'boolean', expected: 'a boolean' },
  duplicates: { ok: (v) => Number.isInteger(v) && v >= 0 && v <= 1000, expected: 'a whole number from 0 to 1000' },
  shuffle: { ok: (v) => typeof v === 'boolean', expected: 'a boolean' },
  concurrency: { ok: (v) => Number.isInteger(v) && v >= 1 && v <= 64, expected: 'a whole number from 1 to 64' },
}
/** The most bytes of a webhook receiver's reply that are read (and kept, 500 of them). */
const MAX_REPLY_BYTES = 64 * 1024

/** The first problem with delivery options, or null. */
function optionsProblem(options) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return 'options must be a JSON object'
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(DELIVERY_OPTIONS, key)) return `unknown option ${JSON.stringify(key.slice(0, 50))} (known: ${Object.keys(DELIVERY_OPTIONS).join(', ')})`
    if (!DELIVERY_OPTIONS[key].ok(value)) return `${key} must be ${DELIVERY_OPTIONS[key].expected}`
  }
  return null
}

function checkOptions(options) {
  const problem = optionsProblem(options)
  if (problem) throw new RangeError(problem)
}

/** Reads at most `max` bytes of a reply as text, then lets the rest go. */
async function cappedText(response, max) {
  const reader = response.body?.getReader()
  if (!reader) return ''
  const chunks = []
  let size = 0
  try {
    while (size < max) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8')
}

const LIFECYCLE_ROUTE =
  /^\/emulator\/calls\/([^/]+)\/([^/]+)\/(session|session\/start|session\/end|recording|transcription|participants\/[^/]+\/(?:join|leave|say))$/
/** The longest line a participant may `say` (characters). */
const MAX_SAY_CHARS = 2000
/** Stream's webhook retry policy: these answers (and network errors, timeouts) are tried again. */
const retried = (status) => status === 408 || status === 429 || status >= 500

class Emulator extends StreamApi {
  constructor({
    webhookUrl = null,
    autoSession = false,
    webhookRetries = 2,
    webhookNetworkRetries = 1,
    webhookRetryDelayMs = 200,
    webhookTimeoutMs = 6000,
    webhookTotalTimeoutMs = 15000,
    webhookGzip = false,
    maxFiles = 1000,
    ...options
  } = {}) {
    super(options)
    /** Each call lists its last `maxFiles` recordings and its last `maxFiles` transcripts. */
    this.maxFiles = maxFiles
    /** Per-attempt timeout of a delivery, as Stream's (6 s), and the most all attempts of one may take (15 s). */
    this.webhookTimeoutMs = webhookTimeoutMs
    this.webhookTotalTimeoutMs = webhookTotalTimeoutMs
    /** Send bodies gzip-compressed (`Content-Encoding: gzip`), as Stream does when compression is on; the signature covers the plain JSON. */
    this.webhookGzip = webhookGzip
    /** `(event) => boolean`: deliveries it says `true` for are recorded as `dropped` and never sent (lost webhooks). */
    this.dropWebhook = null
    /** Events of an operation under way, sent together, in order, when it ends. */
    this.batch = null
    /** Where call events are POSTed, signed like Stream's (null: nowhere). */
    this.webhookUrl = webhookUrl
    /** Start a session when a call is created and end it (plus recording and transcription) on mark_ended. */
    this.autoSession = autoSession
    /** Retries after 408, 429 or 5xx (2: three attempts), and after a timeout or a network error (1: two attempts), as Stream's. */
    this.webhookRetries = webhookRetries
    this.webhookNetworkRetries = webhookNetworkRetries
    this.webhookRetryDelayMs = webhookRetryDelayMs
    /**
     * Webhooks sent, the last `maxRecorded` of them (none with `record: false`):
     * { webhookId, type, cid, body, attempts: [{ status, response } | { error }], delivered, lost, dropped }.
     */
    this.deliveries = []
    this.pending = new Set()
  }

  reset() {
    super.reset()
    this.deliveries.length = 0
  }

  async close() {
    await this.settled()
    await super.close()
  }

  onCallCreated(call) {
    if (this.autoSession) this.#track(this.startSession(call.id, { type: call.type }))
  }

  onCallEnded(call) {
    if (!call.session || call.session.endedAt) return
    // A session with people or egress in it closes them; autoSession's plain session ends as it always did.
    if (call.participants.size > 0 || call.live.recording.size > 0 || call.live.transcribing || call.live.captioning) {
      this.#track(this.closeSession(call.id, { type: call.type }))
    } else if (this.autoSession) {
      this.#track(this.finishSession(call.id, { type: call.type }))
    }
  }

  /**
   * Egress switched on or off (the REST routes, auto-on settings, a session
   * that closes): `_started`, or `_stopped` then `_ready` with the file that
   * `listRecordings` / `listTranscriptions` then list. Inside a batch the
   * events join it; otherwise they are sent at once.
   */
  onEgress(call, kind, on, recordingType) {
    const key = kind === 'recording' ? `recording:${recordingType}` : kind
    const now = new Date().toISOString()
    if (on) call.egress[key] = { id: crypto.randomUUID(), startedAt: now }
    const egress = call.egress[key] ?? { id: crypto.randomUUID(), startedAt: now }
    const base = { created_at: now, call_cid: call.cid, egress_id: egress.id }
    const prefix = { recording: 'call.recording', transcription: 'call.transcription', captions: 'call.closed_captions' }[kind]
    const events = [{ type: `${prefix}_${on ? 'started' : 'stopped'}`, ...base, ...(kind === 'recording' ? { recording_type: recordingType } : {}) }]
    if (!on && kind !== 'captions') {
      const file = this.#file(call, egress.id, kind === 'recording' ? `${recordingType}.mp4` : 'transcript.jsonl', egress.startedAt, now)
      if (kind === 'recording') {
        keepLast(call.recordings, { ...file, recording_type: recordingType }, this.maxFiles)
        events.push({ type: 'call.recording_ready', ...base, recording_type: recordingType, call_recording: { ...file, recording_type: recordingType } })
      } else {
        keepLast(call.transcriptions, file, this.maxFiles)
        call.transcripts.set(file.filename, this.#transcript(call, egress.startedAt, now))
        if (call.transcripts.size > this.maxFiles) call.transcripts.delete(call.transcripts.keys().next().value)
        events.push({ type: 'call.transcription_ready', ...base, call_transcription: file })
      }
    }
    if (!on) delete call.egress[key]
    if (this.batch) this.batch.push(...events)
    else this.#track(this.deliverEvents(events))
  }

  /** A call event a REST route caused: sent with the operation's batch, or at once. */
  onCallEvent(_call, event) {
    if (this.batch) this.batch.push(event)
    else this.#track(this.deliverEvents([event]))
  }

  /** A kicked participant leaves the session. */
  kicked(call, userId) {
    const participant = call.participants.get(userId)
    if (!participant) return
    this.#left(call, participant)
    this.onCallEvent(call, this.#participantEvent('call.session_participant_left', call, participant))
  }

  #left(call, participant) {
    call.participants.delete(participant.userId)
    const stay = call.attendance.findLast((a) => a.userId === participant.userId && a.leftAt === null)
    if (stay) stay.leftAt = new Date().toISOString()
  }

  /**
   * A transcript in Stream's JSONL (`{type: 'speech', start_time, stop_time,
   * speaker_id, text}` per line) of what was said from `from` to `to`: each
   * person who was in the session then speaks, their lines spread over their
   * time in the call (up to four, a few seconds each, in time order).
   */
  #transcript(call, from, to) {
    const said = this.#said(call, from, to)
    if (said.length) return said.map((line) => `${JSON.stringify(line)}\n`).join('')
    const sentences = ['Hello, everyone.', 'Let us go through the agenda.', 'I have a question about that.', 'Thanks, that is all from me.']
    const [start, end] = [Date.parse(from), Date.parse(to)]
    const lines = []
    for (const stay of call.attendance) {
      const a = Math.max(start, Date.parse(stay.joinedAt))
      const b = Math.min(end, stay.leftAt ? Date.parse(stay.leftAt) : end)
      if (!(b > a)) continue
      const count = Math.max(1, Math.min(4, Math.floor((b - a) / 5000)))
      for (let i = 0; i < count; i++) {
        const at = a + ((b - a) * i) / count
        const stop = Math.min(b, at + Math.max(1, (b - a) / count - 1))
        lines.push({
          type: 'speech',
          start_time: new Date(at).toISOString(),
          stop_time: new Date(stop).toISOString(),
          speaker_id: stay.userId,
          text: sentences[i],
        })
      }
    }
    // Nobody joined through the emulator (a session driven by the control routes): the call's creator speaks.
    if (lines.length === 0 && end > start) {
      lines.push({
        type: 'speech',
        start_time: from,
        stop_time: new Date(Math.min(end, start + 3000)).toISOString(),
        speaker_id: call.createdById,
        text: sentences[0],
      })
    }
    lines.sort((x, y) => x.start_time.localeCompare(y.start_time))
    return lines.map((line) => `${JSON.stringify(line)}\n`).join('')
  }

  /**
   * What people `say` from `from` to `to`, as speech lines: each lasts about
   * as long as it takes to say (a third of a second a word, at least one
   * second), and never past the next line or `to`.
   */
  #said(call, from, to) {
    const [start, end] = [Date.parse(from), Date.parse(to)]
    const lines = call.utterances.filter((u) => u.at >= start && u.at <= end)
    return lines.map((u, i) => {
      const words = u.text.split(/\s+/).filter(Boolean).length
      const stop = Math.min(end, lines[i + 1]?.at ?? end, u.at + Math.max(1000, words * 330))
      return {
        type: 'speech',
        start_time: new Date(u.at).toISOString(),
        stop_time: new Date(stop).toISOString(),
        speaker_id: u.userId,
        text: u.text,
      }
    })
  }

  /** A file of one egress: its name carries the egress, so a recording stopped and restarted makes two files. */
  #file(call, egressId, suffix, startedAt, endedAt) {
    const filename = `${call.id}_${egressId.slice(0, 8)}_${suffix}`
    return {
      filename,
      url: `${this.url}/media/${call.type}/${call.id}/${filename}`,
      start_time: startedAt,
      end_time: endedAt,
      session_id: call.session?.id ?? '',
    }
  }

  /** Collects the events `run` causes (egress included) and sends them in order, in one go. */
  #batched(run, delivery = {}) {
    if (this.batch) {
      run(this.batch) // inside another operation's batch: it sends them
      return Promise.resolve([])
    }
    const events = []
    this.batch = events
    try {
      run(events)
    } finally {
      this.batch = null
    }
    return this.deliverEvents(events, delivery)
  }

  /** A session starts: `call.session_started`, then whatever its settings put on `auto-on`. */
  #openSession(call, events, startedAt = new Date().toISOString()) {
    call.session = { id: crypto.randomUUID(), startedAt, endedAt: null }
    call.participants.clear()
    call.attendance = []
    call.utterances = []
    events.push(this.#sessionEvent('call.session_started', call, startedAt))
    const { recording, transcription } = call.settings
    if (recording?.mode === 'auto-on' && !call.live.recording.has('composite')) this.setEgress(call, 'recording', true)
    if (transcription?.mode === 'auto-on' && !call.live.transcribing) this.setEgress(call, 'transcription', true)
    if (transcription?.closed_caption_mode === 'auto-on' && !call.live.captioning) this.setEgress(call, 'captions', true)
  }

  /**
   * `userId` joins the call: a session starts first if none is running (with
   * its `auto-on` egress), then `call.session_participant_joined`.
   */
  join(id, userId, { type, ...delivery } = {}) {
    const call = this.#call(id, type)
    return this.#batched((events) => {
      if (!call.session || call.session.endedAt) this.#openSession(call, events)
      if (call.participants.has(userId)) return
      const now = new Date().toISOString()
      // On Stream, joining means connecting with a user token, which makes the user known.
      if (!this.users.has(userId)) this.users.set(userId, { id: userId, role: 'user', custom: {}, createdAt: now, updatedAt: now })
      const participant = { userId, name: this.users.get(userId).name, userSessionId: crypto.randomUUID(), joinedAt: now }
      call.participants.set(userId, participant)
      keepLast(call.attendance, { userId, userSessionId: participant.userSessionId, joinedAt: now, leftAt: null }, this.maxFiles)
      events.push(this.#participantEvent('call.session_participant_joined', call, participant))
    }, delivery)
  }

  /** `userId` leaves: `call.session_participant_left` with how long they stayed. The session goes on (the app ends the call). */
  leave(id, userId, { type, ...delivery } = {}) {
    const call = this.#call(id, type)
    const participant = call.participants.get(userId)
    if (!participant) return Promise.resolve([])
    return this.#batched((events) => {
      this.#left(call, participant)
      events.push(this.#participantEvent('call.session_participant_left', call, participant))
    }, delivery)
  }

  /**
   * `userId`, in the call, says `text`: it is in the transcript of whatever
   * transcription runs meanwhile, instead of the made-up lines. Null when
   * `userId` is not in the call.
   */
  say(id, userId, text, { type } = {}) {
    const call = this.#call(id, type)
    if (!call.participants.has(userId)) return null
    const at = Math.max(Date.now(), (call.utterances.at(-1)?.at ?? 0) + 1)
    keepLast(call.utterances, { userId, text, at }, this.maxFiles)
    return at
  }

  /** Closes a running session: everyone leaves, running egress stops (with its files), `call.session_ended`. */
  closeSession(id, { type, ...delivery } = {}) {
    const call = this.#call(id, type)
    return this.#batched((events) => {
      // Made first, so that it lists who was in the session when it closed; sent last.
      call.session.endedAt = new Date().toISOString()
      const ended = this.#sessionEvent('call.session_ended', call)
      for (const participant of [...call.participants.values()]) {
        this.#left(call, participant)
        events.push(this.#participantEvent('call.session_participant_left', call, participant))
      }
      for (const recordingType of [...call.live.recording]) this.setEgress(call, 'recording', false, { recordingType })
      if (call.live.transcribing) this.setEgress(call, 'transcription', false)
      if (call.live.captioning) this.setEgress(call, 'captions', false)
      events.push(ended)
    }, delivery)
  }

  #participantEvent(eventType, call, participant) {
    const now = new Date()
    const event = {
      type: eventType,
      created_at: now.toISOString(),
      call_cid: call.cid,
      session_id: call.session.id,
      participant: participantResponse(participant),
    }
    if (eventType === 'call.session_participant_left') event.duration_seconds = Math.round((now - new Date(participant.joinedAt)) / 1000)
    return event
  }

  /**
   * Control endpoints for driving a call's lifecycle over HTTP (no auth: a
   * development tool on loopback):
   *   POST /emulator/calls/{type}/{id}/session        start, end, recording, transcription
   *   POST /emulator/calls/{type}/{id}/session/start  call.session_started
   *   POST /emulator/calls/{type}/{id}/session/end    call.session_ended
   *   POST /emulator/calls/{type}/{id}/recording      call.recording_ready
   *   POST /emulator/calls/{type}/{id}/transcription  call.transcription_ready
   *   POST /emulator/calls/{type}/{id}/participants/{user}/join|leave|say  ({ text } to say)
   * Body (optional JSON): { durationSeconds, duplicate, shuffle }. Answers once
   * every webhook is delivered (or given up), with the deliveries. Other
   * control routes (users) are the API's.
   */
  async control(record) {
    const match = LIFECYCLE_ROUTE.exec(record.path)
    if (record.method !== 'POST' || !match) return super.control(record)
    const [, type, id, action] = match
    const participant = /^participants\/([^/]+)\/(join|leave|say)$/.exec(action)
    let options = {}
    try {
      options = record.body ? JSON.parse(record.body) : {}
    } catch {
      return streamError(400, 4, 'invalid JSON request body')
    }
    let text
    if (participant?.[2] === 'say') {
      ;({ text, ...options } = options ?? {})
      if (typeof text !== 'string' || !text.trim() || text.length > MAX_SAY_CHARS)
        return streamError(400, 4, `text must be a non-empty string of at most ${MAX_SAY_CHARS} characters`)
    }
    const problem = optionsProblem(options)
    if (problem) return streamError(400, 4, problem)
    if (!this.calls.has(`${type}:${id}`)) return streamError(404, 16, `Can't find call with id ${type}:${id}`)
    if (participant) {
      const userId = decodeURIComponent(participant[1])
      if (participant[2] === 'say') {
        const at = this.say(id, userId, text.trim(), { type })
        if (at === null) return streamError(400, 4, `${userId} is not in the call: join first`)
        return { status: 200, body: { saidAt: new Date(at).toISOString(), deliveries: [] } }
      }
      return { status: 200, body: { deliveries: await this[participant[2]](id, userId, { ...options, type }) } }
    }
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

  /** Starts a session `durationSeconds` in the past (default: now) and sends call.session_started (and any `auto-on` egress). */
  startSession(id, { type, durationSeconds = 0, ...delivery } = {}) {
    const call = this.#call(id, type)
    const startedAt = new Date(Date.now() - durationSeconds * 1000).toISOString()
    return this.#batched((events) => this.#openSession(call, events, startedAt), delivery)
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
    // The session as getCall shows it now: who is in it.
    const session = { ...sessionResponse(call), ended_at: eventType === 'call.session_ended' ? call.session.endedAt : undefined }
    return {
      type: eventType,
      created_at: createdAt,
      call_cid: call.cid,
      session_id: call.session.id,
      call: { ...this.callResponse(call), current_session_id: call.session.id, session },
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
    // Listed by listRecordings / listTranscriptions too, once per file.
    const list = recording ? call.recordings : call.transcriptions
    const listed = recording ? { ...asset, recording_type: 'composite' } : asset
    if (!list.some((f) => f.filename === file && f.session_id === asset.session_id)) keepLast(list, listed, this.maxFiles)
    if (!recording) call.transcripts.set(file, this.#transcript(call, asset.start_time, asset.end_time))
    return recording ? { ...event, recording_type: 'composite', call_recording: listed } : { ...event, call_transcription: asset }
  }

  /**
   * Sends events to the webhook URL and resolves with the deliveries. Options:
   * `duplicate` (send every event twice), `duplicates` (send that many
   * randomly chosen events twice), `shuffle` (random order), `concurrency`
   * (deliveries in flight at once, default 1: in order).
   */
  deliverEvents(events, options = {}) {
    checkOptions(options)
    const { duplicate = false, duplicates = 0, shuffle = false, concurrency = 1 } = options
    // Every field Stream's event schema requires is there (see `shaped`).
    let queue = events.map((event) => ({ event: EVENT_SCHEMAS[event.type] ? shaped(EVENT_SCHEMAS[event.type], event) : event, webhookId: crypto.randomUUID() }))
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

  /**
   * POSTs one event as Stream's webhooks do: signed over the JSON, gzip-compressed
   * when `webhookGzip` is on, `X-Webhook-Id` the same on every attempt and
   * `X-Webhook-Attempt` counting from 1, each attempt bounded by
   * `webhookTimeoutMs` and all of them by `webhookTotalTimeoutMs`. 408, 429
   * and 5xx are tried again `webhookRetries` times, timeouts and network
   * errors `webhookNetworkRetries` times (counted together: the attempts end
   * when the kind of the last failure has used up its retries); any other
   * answer is final. A delivery that ends without a 2xx is `lost`.
   */
  async #deliver(event, webhookId) {
    const body = JSON.stringify(event)
    const delivery = { webhookId, type: event.type, cid: event.call_cid, body, attempts: [], delivered: false, lost: false, dropped: false }
    if (this.record) keepLast(this.deliveries, delivery, this.maxRecorded)
    if (!this.webhookUrl) return delivery
    if (this.dropWebhook?.(event)) {
      delivery.dropped = true
      return delivery
    }
    const signature = crypto.createHmac('sha256', this.apiSecret).update(body).digest('hex')
    const payload = this.webhookGzip ? zlib.gzipSync(body) : body
    const deadline = Date.now() + this.webhookTotalTimeoutMs
    for (let attempt = 1; ; attempt++) {
      let retries = this.webhookNetworkRetries
      try {
        const response = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.webhookGzip ? { 'content-encoding': 'gzip' } : {}),
            'x-signature': signature,
            'x-webhook-id': webhookId,
            'x-webhook-attempt': String(attempt),
            'x-api-key': this.apiKey,
          },
          body: payload,
          signal: AbortSignal.timeout(Math.max(1, Math.min(this.webhookTimeoutMs, deadline - Date.now()))),
        })
        delivery.attempts.push({ status: response.status, response: (await cappedText(response, MAX_REPLY_BYTES)).slice(0, 500) })
        if (response.ok) {
          delivery.delivered = true
          break
        }
        retries = retried(response.status) ? this.webhookRetries : 0
      } catch (e) {
        delivery.attempts.push({ error: e.name === 'TimeoutError' ? 'timeout' : e.cause?.code || e.name })
      }
      const pause = this.webhookRetryDelayMs * attempt
      if (attempt > retries || Date.now() + pause >= deadline) break
      await new Promise((r) => setTimeout(r, pause))
    }
    delivery.lost = !delivery.delivered
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

module.exports = { Emulator }
