// handleStreamWebhook: signature first, size and gzip limits, and the typed
// meeting update for each of Stream's call events.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import zlib from 'node:zlib'
import test from 'ava'
import { createStreamClient, handleStreamWebhook, StreamError } from 'stream-video-native'
import { API_KEY, API_SECRET } from './helpers.mjs'

const client = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET })
const sign = (body) => crypto.createHmac('sha256', API_SECRET).update(body).digest('hex')
const handle = (body, headers = {}, options) => client.handleStreamWebhook(body, { signature: sign(body), ...headers }, options)

const call = (session) => ({ type: 'default', id: 'meeting-123', cid: 'default:meeting-123', custom: { meetingId: '123', agentId: 'a' }, session })
const events = {
  started: {
    type: 'call.session_started',
    created_at: '2026-04-08T14:23:36Z',
    call_cid: 'default:meeting-123',
    session_id: 's1',
    call: call({ id: 's1', started_at: '2026-04-08T14:23:35.2Z' }),
  },
  ended: {
    type: 'call.session_ended',
    created_at: '2026-04-08T15:00:01Z',
    call_cid: 'default:meeting-123',
    session_id: 's1',
    call: call({ id: 's1', started_at: '2026-04-08T14:23:35.2Z', ended_at: '2026-04-08T14:59:59.9Z' }),
  },
  transcription: {
    type: 'call.transcription_ready',
    created_at: '2026-04-08T15:01:00Z',
    call_cid: 'default:meeting-123',
    egress_id: 'e',
    call_transcription: {
      filename: 't.jsonl',
      url: 'https://cdn.example/t.jsonl',
      start_time: '2026-04-08T14:23:35Z',
      end_time: '2026-04-08T15:00:00Z',
      session_id: 's1',
    },
  },
  recording: {
    type: 'call.recording_ready',
    created_at: '2026-04-08T15:02:00Z',
    call_cid: 'default:meeting-123',
    egress_id: 'e',
    recording_type: 'composite',
    call_recording: {
      filename: 'r.mp4',
      url: 'https://cdn.example/r.mp4',
      start_time: '2026-04-08T14:23:35Z',
      end_time: '2026-04-08T15:00:00Z',
      session_id: 's1',
      recording_type: 'composite',
    },
  },
}

test('call.session_started → active with the session start', async (t) => {
  const result = await handle(JSON.stringify(events.started), { webhookId: 'wh-1', attempt: 2 })
  t.deepEqual(result, {
    type: 'call.session_started',
    createdAt: '2026-04-08T14:23:36Z',
    callType: 'default',
    callId: 'meeting-123',
    sessionId: 's1',
    webhookId: 'wh-1',
    attempt: 2,
    meetingId: '123',
    userId: null,
    userSessionId: null,
    durationSeconds: null,
    egressId: null,
    recordingType: null,
    error: null,
    startTime: null,
    endTime: null,
    memberIds: null,
    update: { kind: 'active', status: 'active', startedAt: '2026-04-08T14:23:35.2Z' },
  })
})

test('call.session_ended → processing with the duration from the event', async (t) => {
  const result = await handle(Buffer.from(JSON.stringify(events.ended)))
  t.deepEqual(result.update, {
    kind: 'processing',
    status: 'processing',
    startedAt: '2026-04-08T14:23:35.2Z',
    endedAt: '2026-04-08T14:59:59.9Z',
    durationSeconds: 2185,
  })
  t.is(result.webhookId, null)
  t.is(result.attempt, null)
})

test('call.session_ended without a start uses the stored one; the duration is never negative or absurd', async (t) => {
  const body = JSON.stringify({ ...events.ended, call: call({ id: 's1' }) })
  t.is((await handle(body, {}, { startedAt: '2026-04-08T14:00:01Z' })).update.durationSeconds, 3600)
  t.is((await handle(body, {}, { startedAt: new Date('2026-04-08T14:30:01Z') })).update.durationSeconds, 1800)
  t.is((await handle(body, {}, { startedAt: '2026-04-08T15:00:31Z' })).update.durationSeconds, 0, 'clock skew')
  t.is((await handle(body, {}, { startedAt: '2026-04-09T00:00:00Z' })).update.durationSeconds, null, 'a start after the end')
  for (const unusable of ['', 'garbage', '0001-01-01T00:00:00Z', '2026-02-01T00:00:00Z']) {
    t.is((await handle(body, {}, { startedAt: unusable })).update.durationSeconds, null, unusable)
  }
  const result = await handle(body)
  t.deepEqual(result.update, { kind: 'processing', status: 'processing', startedAt: null, endedAt: '2026-04-08T15:00:01Z', durationSeconds: null })
})

test('transcription and recording events carry their URLs and the call id, not the meeting id', async (t) => {
  const transcription = await handle(JSON.stringify(events.transcription))
  t.like(transcription, { type: 'call.transcription_ready', callId: 'meeting-123', meetingId: null, sessionId: 's1' })
  t.deepEqual(transcription.update, { kind: 'transcription', transcriptionUrl: 'https://cdn.example/t.jsonl' })
  const recording = await handle(JSON.stringify(events.recording), { attempt: '3' })
  t.deepEqual(recording.update, { kind: 'recording', recordingUrl: 'https://cdn.example/r.mp4' })
  t.is(recording.attempt, 3)
})

test('unknown event types are kept with update null', async (t) => {
  const result = await handle(JSON.stringify({ type: 'call.member_added', created_at: '2026-04-08T15:00:00Z', call_cid: 'default:a:b', members: [] }))
  t.like(result, { type: 'call.member_added', callType: 'default', callId: 'a:b', update: null })
})

test('a bad or missing signature rejects with STREAM_WEBHOOK_SIGNATURE before parsing', async (t) => {
  const body = JSON.stringify(events.started)
  for (const signature of [sign(`${body} `), sign(body).toUpperCase(), '', undefined, null]) {
    const err = await t.throwsAsync(client.handleStreamWebhook(body, { signature }), { instanceOf: StreamError })
    t.is(err.code, 'STREAM_WEBHOOK_SIGNATURE')
  }
  // Not JSON at all, but the signature is checked first.
  t.is((await t.throwsAsync(client.handleStreamWebhook('not json', { signature: 'x' }))).code, 'STREAM_WEBHOOK_SIGNATURE')
})

test('malformed bodies with a good signature are STREAM_INVALID_ARGUMENT', async (t) => {
  for (const body of ['not json', '{}', '[1]', 'null', '"call.session_started"', '{"type":null}']) {
    const err = await t.throwsAsync(handle(body))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT', body)
    t.regex(err.message, /^webhook body is not a valid Stream event/)
  }
})

test('a genuine event that lacks an optional field is not an error', async (t) => {
  const noUrl = await handle(JSON.stringify({ ...events.recording, call_recording: { ...events.recording.call_recording, url: undefined } }))
  t.like(noUrl, { type: 'call.recording_ready', callId: 'meeting-123', update: null })
  const noAsset = await handle(JSON.stringify({ type: 'call.transcription_ready', call_cid: 'default:m' }))
  t.like(noAsset, { createdAt: null, callId: 'm', update: null })
  const { session, ...bare } = events.started.call
  const noSession = await handle(JSON.stringify({ ...events.started, created_at: undefined, call: bare }))
  t.deepEqual(noSession.update, { kind: 'active', status: 'active', startedAt: null })
  const endedBare = await handle(JSON.stringify({ type: 'call.session_ended', call_cid: 'default:m' }), {}, { startedAt: '2026-04-08T14:00:00Z' })
  t.deepEqual(endedBare.update, { kind: 'processing', status: 'processing', startedAt: null, endedAt: null, durationSeconds: null })
})

test('bodies over the limit are rejected; the limit is configurable', async (t) => {
  const big = JSON.stringify({ ...events.started, padding: 'x'.repeat(1024 * 1024) })
  const err = await t.throwsAsync(handle(big))
  t.is(err.code, 'STREAM_INVALID_ARGUMENT')
  t.regex(err.message, /over the 1048576-byte limit/)
  t.is((await handle(big, {}, { maxBodyBytes: 2 * 1024 * 1024 })).type, 'call.session_started')
  await t.throwsAsync(handle(JSON.stringify(events.started), {}, { maxBodyBytes: 100 }), { code: 'STREAM_INVALID_ARGUMENT' })
  await t.throwsAsync(handle('{}', {}, { maxBodyBytes: -1 }), { code: 'STREAM_INVALID_ARGUMENT', message: /maxBodyBytes/ })
})

test('gzip bodies are inflated and the signature covers the inflated bytes', async (t) => {
  const plain = JSON.stringify(events.recording)
  const gz = zlib.gzipSync(plain)
  const result = await client.handleStreamWebhook(gz, { signature: sign(plain) })
  t.is(result.update.recordingUrl, 'https://cdn.example/r.mp4')
  t.is((await t.throwsAsync(client.handleStreamWebhook(gz, { signature: sign(gz) }))).code, 'STREAM_WEBHOOK_SIGNATURE')
  const bomb = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024, 32))
  const err = await t.throwsAsync(client.handleStreamWebhook(bomb, { signature: sign('') }))
  t.is(err.code, 'STREAM_INVALID_ARGUMENT')
  t.regex(err.message, /decompressed webhook body is over/)
})

test('bad arguments reject with STREAM_INVALID_ARGUMENT naming them', async (t) => {
  const body = JSON.stringify(events.started)
  const cases = [
    [() => client.handleStreamWebhook(42, { signature: 'x' }), /^body must be/],
    [() => client.handleStreamWebhook(body), /^headers must be an object/],
    [() => client.handleStreamWebhook(body, { signature: sign(body), webhookId: 5 }), /^headers\.webhookId/],
    [() => client.handleStreamWebhook(body, { signature: sign(body), attempt: 0 }), /^headers\.attempt/],
    [() => client.handleStreamWebhook(body, { signature: sign(body), attempt: 'x' }), /^headers\.attempt/],
    [() => client.handleStreamWebhook(body, { signature: sign(body) }, { startedAt: 5 }), /^options\.startedAt/],
  ]
  for (const [run, message] of cases) {
    const err = await t.throwsAsync(run())
    t.is(err.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(err.message, message)
  }
})

test('a genuine event is never refused for a field the package does not need', async (t) => {
  let deep = {}
  for (let i = 0; i < 125; i++) deep = { a: deep }
  const odd = [
    { ...events.started, call: { ...events.started.call, custom: { meetingId: '123', deep } } },
    { ...events.started, created_at: 1775658215000000000 },
    { ...events.started, call: { ...events.started.call, custom: [1, 2] } },
    { ...events.started, call: { ...events.started.call, session: { id: 7, started_at: true } } },
    { ...events.ended, call: 'not an object', session_id: { nested: [] } },
    { ...events.recording, call_recording: [], egress_id: 5 },
  ]
  for (const body of odd) {
    const result = await handle(JSON.stringify(body))
    t.is(result.type, body.type)
    t.is(result.callId, 'meeting-123')
  }
  t.is((await handle(JSON.stringify(odd[0]))).meetingId, '123', 'read past custom data nested 125 levels deep')
  t.is((await handle(JSON.stringify(odd[1]))).createdAt, '2026-04-08T14:23:35Z', 'a numeric time is nanoseconds, as Stream’s SDK reads it')
  t.is((await handle(JSON.stringify(odd[2]))).meetingId, null)
})

test('every field crosses from Rust: the event has exactly the fields Rust lists, with empty strings, lists and odd text intact', async (t) => {
  const binding = createRequire(import.meta.url)('../binding.js')
  const names = binding.eventFields().filter((name) => !name.startsWith('update.'))
  const odd = 'tab\there, "quoted", \u0000nul, \u{1F600}, \uFFFD, and lone-looking text \\uDFFF'
  const body = JSON.stringify({
    type: 'call.member_added',
    created_at: '2026-04-08T15:00:00Z',
    call_cid: 'default:meeting-123',
    error: '',
    egress_id: odd,
    members: [{ user_id: 'a' }, { user_id: odd }, 'c'],
  })
  const event = await handle(body, { webhookId: 'w-9', attempt: '3' })
  t.deepEqual(Object.keys(event), [...names, 'update'])
  t.is(event.error, '', 'an empty string is not null')
  t.is(event.egressId, odd)
  t.deepEqual(event.memberIds, ['a', odd, 'c'])
  t.is(event.webhookId, 'w-9')
  t.is(event.attempt, 3)
  t.is(event.update, null)
  t.is(event.userId, null)
  const none = await handle(JSON.stringify({ type: 'call.member_removed', members: [] }))
  t.deepEqual(none.memberIds, [], 'an empty list stays a list')
  t.is(none.callId, null)
})

test('the native functions refuse anything but their own handle', (t) => {
  const binding = createRequire(import.meta.url)('../binding.js')
  const clientHandle = binding.newClient([API_KEY, API_SECRET], false)
  const signer = binding.clientSigner(clientHandle)
  t.is(typeof binding.userToken(signer, 'u'), 'string')
  for (const wrong of [clientHandle, {}, 1, null, undefined]) {
    for (const call of [() => binding.userToken(wrong, 'u'), () => binding.verifyWebhook(wrong, '{}', 'x'), () => binding.handleWebhook(wrong, '{}', 'x')]) {
      const error = t.throws(call)
      t.is(error.code, 'STREAM_INVALID_ARGUMENT')
    }
  }
  t.throws(() => binding.clientSettings(signer), { code: 'STREAM_INVALID_ARGUMENT' })
})

test('member ids round-trip exactly: emoji, lone surrogates, U+DFFD, U+FFFD, empty ids, as objects or plain ids (property)', async (t) => {
  // Code units a separator could collide with, and the rest of UTF-16 (issue 36: U+DFFD as a separator split 👍🏽).
  const units = ['\uDFFD', '\uFFFD', '\uD83C', '\uDC4D', '\uD800', '\uDFFF', '"', '\\', '\n', '\u0000', ',', '[', ']', 'a', 'é', '👍', '🏽', '𝄞']
  let seed = 0x5eed
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) >>> 0
    return seed % n
  }
  const id = () => Array.from({ length: random(6) }, () => units[random(units.length)]).join('')
  const cases = [[['ada👍🏽', 'bob']], [['']], [[]], [['\uDFFD', '\uD83C\uDFFD', '']]]
  for (let i = 0; i < 1500; i++) cases.push([Array.from({ length: random(5) }, id)])
  for (const [ids] of cases) {
    for (const type of ['call.member_added', 'call.member_removed']) {
      const members = type === 'call.member_removed' ? ids : ids.map((user_id) => ({ user_id, user: { id: user_id }, role: 'x' }))
      const body = JSON.stringify({ type, call_cid: 'default:m', members })
      const event = await handle(body)
      t.deepEqual(event.memberIds, ids, JSON.stringify(ids))
    }
  }
  t.deepEqual((await handle(JSON.stringify({ type: 'call.member_added', members: [{ id: 'x' }, 7, null, ['y'], { user_id: 5, id: 'z' }] }))).memberIds, [
    'x',
    'z',
  ])
  t.is((await handle(JSON.stringify({ type: 'call.member_added', members: { a: 1 } }))).memberIds, null)
})

test('a line-by-line port of node-sdk’s boolean verifyWebhook is a forgery hole; each documented replacement refuses the forged body', async (t) => {
  const forged = JSON.stringify({ type: 'call.session_participant_joined', call_cid: 'default:m', participant: { user: { id: 'mallory' } } })
  const signature = 'f'.repeat(64)
  // The literal port: `const ok = client.verifyWebhook(body, sig); if (!ok) return 401`. The Promise is truthy.
  const route = (check) => {
    const ok = check(forged, signature)
    if (!ok) return 401
    return 200
  }
  t.is(
    route((b, s) => client.verifyWebhook(b, s)),
    200,
    'the Promise is always truthy: this is the hole the docs warn about',
  )
  // What docs/migrating.md says to write instead:
  t.is(
    route((b, s) => client.verifyWebhookSync(b, s)),
    401,
    'verifyWebhookSync is node-sdk’s boolean',
  )
  t.false(await client.verifyWebhook(forged, signature), 'await the Promise')
  const e = await t.throwsAsync(client.handleStreamWebhook(forged, { signature }))
  t.is(e.code, 'STREAM_WEBHOOK_SIGNATURE', 'handleStreamWebhook rejects before parsing')
  // The same body with its real signature passes each of them.
  t.true(client.verifyWebhookSync(forged, sign(forged)))
  t.true(await client.verifyWebhook(forged, sign(forged)))
})

test('recording and transcription events carry the file’s start and end; every event has its raw payload, parsed once and only when read', async (t) => {
  const recording = {
    type: 'call.recording_ready',
    created_at: '2026-04-08T15:01:00Z',
    call_cid: 'default:meeting-123',
    call_recording: {
      url: 'https://cdn/r.mp4',
      start_time: '2026-04-08T14:23:35Z',
      end_time: '2026-04-08T15:00:00Z',
      session_id: 's1',
      recording_type: 'composite',
    },
    custom_field: { nested: [1, 'two'] },
  }
  const event = await handle(JSON.stringify(recording))
  t.like(event, { startTime: '2026-04-08T14:23:35Z', endTime: '2026-04-08T15:00:00Z' })
  t.false(Object.keys(event).includes('raw'), 'raw is not an own key: JSON and spreads see the typed fields')
  t.deepEqual(event.raw, recording)
  t.is(event.raw, event.raw, 'parsed once')
  const transcript = { ...events.transcription, call_transcription: { ...events.transcription.call_transcription, start_time: 'garbage' } }
  t.like(await handle(JSON.stringify(transcript)), { startTime: null, endTime: '2026-04-08T15:00:00Z' })
  // From bytes, and from a gzip body, as it was signed.
  const bytes = Buffer.from(JSON.stringify(recording))
  t.deepEqual((await handle(new Uint8Array(bytes))).raw, recording)
  const zipped = zlib.gzipSync(bytes)
  t.deepEqual((await client.handleStreamWebhook(zipped, { signature: sign(bytes) })).raw, recording)
  // A lone surrogate in a field the typed event does not read is still there.
  t.is((await handle(JSON.stringify({ ...recording, note: 'a\ud83c' }))).raw.note, 'a\ud83c')
})

test('a gzip body with data after its member is refused, as Node would read it differently', async (t) => {
  process.env.STREAM_API_KEY = API_KEY
  process.env.STREAM_API_SECRET = API_SECRET
  const json = JSON.stringify({ type: 'call.session_started', call_cid: 'default:g' })
  const signature = crypto.createHmac('sha256', API_SECRET).update(json).digest('hex')
  const member = zlib.gzipSync(json)
  t.is((await handleStreamWebhook(member, { signature })).callId, 'g')
  const second = Buffer.concat([member, zlib.gzipSync(',{"type":"x"}')])
  t.not(zlib.gunzipSync(second).toString(), json, 'Node decodes more than the signed bytes')
  for (const body of [second, Buffer.concat([member, Buffer.from('junk')]), Buffer.concat([member, Buffer.alloc(1)])]) {
    const err = await t.throwsAsync(handleStreamWebhook(body, { signature }))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(err.message, /after its gzip data/)
  }
})
