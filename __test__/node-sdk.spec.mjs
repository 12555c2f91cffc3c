// `stream-video-native/node-sdk` side by side with @stream-io/node-sdk 0.7.64:
// one parity table, one row per method. Both clients talk to the same
// recording server, which answers every request with a body of the
// operation's response schema (rich: every field; sparse: required only).
// Each row must send the same method, path, query and JSON body and resolve
// to the same result, Dates included; `metadata` is compared field by field.
import { createRequire } from 'node:module'
import test from 'ava'
import { API_KEY, API_SECRET, decodeJwtParts } from './helpers.mjs'
import { sample, startRecorder } from './spec-helpers.mjs'

const require = createRequire(import.meta.url)
const NodeSdk = require('@stream-io/node-sdk')
const Native = require('stream-video-native/node-sdk')
const { OPERATIONS } = require('../node-sdk/operations.js')
const OPERATION = Object.fromEntries(OPERATIONS.map((op) => [op.id, op]))

const at = new Date('2026-12-24T18:00:00.000Z')
const call = (client) => client.video.call('default', 'meeting-1')

/** [method, operation, run]. */
const ROWS = [
  [
    'call.getOrCreate',
    'GetOrCreateCall',
    (c) =>
      call(c).getOrCreate({
        data: {
          created_by_id: 'ada',
          members: [{ user_id: 'ada', role: 'host', custom: { seat: 1 } }, { user_id: 'bob' }],
          custom: { title: 'Plan 👍🏽', tags: ['a', 'b'], nested: { deep: [1, null] } },
          settings_override: { recording: { mode: 'auto-on', quality: '720p' }, transcription: { mode: 'auto-on', language: 'en' } },
          starts_at: at,
        },
        members_limit: 10,
      }),
  ],
  ['call.create', 'GetOrCreateCall', (c) => call(c).create({ data: { created_by_id: 'ada' } })],
  // node-sdk's call.get() takes no arguments (it drops them; see the test below).
  ['call.get', 'GetCall', (c) => call(c).get()],
  ['call.update', 'UpdateCall', (c) => call(c).update({ custom: { stage: 'live' }, starts_at: at, settings_override: { audio: { mic_default_on: true } } })],
  ['call.end', 'EndCall', (c) => call(c).end()],
  ['call.delete', 'DeleteCall', (c) => call(c).delete({ hard: true })],
  [
    'call.updateCallMembers',
    'UpdateCallMembers',
    (c) => call(c).updateCallMembers({ update_members: [{ user_id: 'carol', role: 'guest', custom: { via: 'invite' } }], remove_members: ['dan'] }),
  ],
  [
    'call.queryMembers',
    'QueryCallMembers',
    (c) => call(c).queryMembers({ filter_conditions: { role: { $eq: 'host' } }, limit: 25, sort: [{ field: 'user_id', direction: 1 }] }),
  ],
  ['call.startRecording', 'StartRecording', (c) => call(c).startRecording({ recording_type: 'composite', recording_external_storage: 'my-s3' })],
  ['call.stopRecording', 'StopRecording', (c) => call(c).stopRecording({ recording_type: 'composite' })],
  ['call.listRecordings', 'ListRecordings', (c) => call(c).listRecordings()],
  ['call.deleteRecording', 'DeleteRecording', (c) => call(c).deleteRecording({ session: 'session-1', filename: 'rec-1.mp4' })],
  ['call.startTranscription', 'StartTranscription', (c) => call(c).startTranscription({ language: 'en', enable_closed_captions: true })],
  ['call.stopTranscription', 'StopTranscription', (c) => call(c).stopTranscription({ stop_closed_captions: true })],
  ['call.listTranscriptions', 'ListTranscriptions', (c) => call(c).listTranscriptions()],
  ['call.deleteTranscription', 'DeleteTranscription', (c) => call(c).deleteTranscription({ session: 'session-1', filename: 'transcript-1.jsonl' })],
  ['call.startClosedCaptions', 'StartClosedCaptions', (c) => call(c).startClosedCaptions({ language: 'en' })],
  ['call.stopClosedCaptions', 'StopClosedCaptions', (c) => call(c).stopClosedCaptions({ stop_transcription: false })],
  ['call.sendCallEvent', 'SendCallEvent', (c) => call(c).sendCallEvent({ user_id: 'agent', custom: { kind: 'summary-ready', at: at.toISOString() } })],
  [
    'call.sendClosedCaption',
    'SendClosedCaption',
    (c) => call(c).sendClosedCaption({ speaker_id: 'ada', text: 'hello', start_time: at, end_time: at, user_id: 'agent' }),
  ],
  ['call.kickUser', 'KickUser', (c) => call(c).kickUser({ user_id: 'mallory', block: true, kicked_by_id: 'ada' })],
  ['call.muteUsers', 'MuteUsers', (c) => call(c).muteUsers({ user_ids: ['bob'], audio: true, muted_by_id: 'ada' })],
  ['call.blockUser', 'BlockUser', (c) => call(c).blockUser({ user_id: 'mallory' })],
  ['call.unblockUser', 'UnblockUser', (c) => call(c).unblockUser({ user_id: 'mallory' })],
  [
    'call.updateUserPermissions',
    'UpdateUserPermissions',
    (c) => call(c).updateUserPermissions({ user_id: 'bob', grant_permissions: ['send-audio'], revoke_permissions: ['screenshare'] }),
  ],
  ['call.goLive', 'GoLive', (c) => call(c).goLive({ start_recording: true, start_transcription: true })],
  ['call.stopLive', 'StopLive', (c) => call(c).stopLive({ continue_recording: true })],
  [
    'call.queryCallParticipantSessions',
    'QueryCallParticipantSessions',
    (c) => call(c).queryCallParticipantSessions({ session: 'session-1', limit: 10, filter_conditions: { user_id: { $in: ['ada', 'bob'] } } }),
  ],
  ['call.getCallReport', 'GetCallReport', (c) => call(c).getCallReport({ session_id: 'session-1' })],
  [
    'video.queryCalls',
    'QueryCalls',
    (c) => c.video.queryCalls({ filter_conditions: { ongoing: true }, sort: [{ field: 'starts_at', direction: -1 }], limit: 10, next: 'cursor' }),
  ],
  ['video.getCall', 'GetCall', (c) => c.video.getCall({ type: 'default', id: 'meeting-2', members_limit: 3 })],
  ['video.queryCallMembers', 'QueryCallMembers', (c) => c.video.queryCallMembers({ type: 'livestream', id: 'ls-1', limit: 2 })],
  ['client.upsertUsers', 'UpdateUsers', (c) => c.upsertUsers([{ id: 'ada', name: 'Ada', role: 'admin', custom: { team: 'core' } }, { id: 'bob' }])],
  ['client.queryUsers', 'QueryUsers', (c) => c.queryUsers({ payload: { filter_conditions: { id: { $in: ['ada', 'bob'] } }, limit: 5 } })],
  ['client.updateUsersPartial', 'UpdateUsersPartial', (c) => c.updateUsersPartial({ users: [{ id: 'ada', set: { name: 'Ada L.' }, unset: ['image'] }] })],
  ['client.deleteUsers', 'DeleteUsers', (c) => c.deleteUsers({ user_ids: ['mallory'], user: 'hard', calls: 'hard' })],
]

const RATE = { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '998', 'x-ratelimit-reset': '1765102300', 'x-stream-extra': 'yes' }

/** Runs `run` with a client of `sdk` against a recorder answering `reply`. */
async function side(sdk, run, reply, options = {}) {
  const recorder = await startRecorder(() => reply)
  try {
    const client = new sdk.StreamClient(API_KEY, API_SECRET, { basePath: recorder.url, maxRetries: 0, ...options })
    let result
    let error
    try {
      result = await run(client)
    } catch (e) {
      error = e
    }
    return { result, error, requests: recorder.requests }
  } finally {
    await recorder.close()
  }
}

function sameRequest(t, ours, theirs) {
  t.is(ours.requests.length, theirs.requests.length, 'one request each')
  const [a, b] = [ours.requests[0], theirs.requests[0]]
  t.is(a.method, b.method)
  t.is(a.path, b.path)
  t.deepEqual(a.query, b.query, 'the same query, api_key last')
  t.deepEqual(a.body, b.body)
  t.is(a.headers['stream-auth-type'], 'jwt')
  t.is(a.headers['content-type'], b.headers['content-type'])
  t.deepEqual(JSON.parse(decodeJwtParts(a.headers.authorization).payload).server, true)
}

function sameMetadata(t, ours, theirs, request) {
  t.is(ours.responseCode, theirs.responseCode)
  t.deepEqual(ours.rateLimit, theirs.rateLimit)
  t.is(ours.clientRequestId, request.headers['x-client-request-id'])
  t.true(ours.responseHeaders instanceof Headers)
  for (const name of ['content-type', ...Object.keys(RATE)]) t.is(ours.responseHeaders.get(name), theirs.responseHeaders.get(name), name)
}

for (const [method, id, run] of ROWS) {
  for (const mode of ['rich', 'sparse']) {
    test(`parity: ${method} (${id}), ${mode} answer`, async (t) => {
      const op = OPERATION[id]
      const reply = { status: op.status, headers: RATE, body: sample(op.response, mode) }
      const theirs = await side(NodeSdk, run, reply)
      const ours = await side(Native, run, reply)
      t.is(theirs.error, undefined, 'node-sdk resolves')
      t.is(ours.error, undefined, String(ours.error?.message))
      sameRequest(t, ours, theirs)
      const { metadata: a, ...resultA } = ours.result
      const { metadata: b, ...resultB } = theirs.result
      t.deepEqual(resultA, resultB)
      sameMetadata(t, a, b, ours.requests[0])
    })
  }
}

test("call.get sends the query it is given, where node-sdk's drops it", async (t) => {
  const run = (c) => call(c).get({ members_limit: 5, video: true })
  const reply = { status: 200, headers: {}, body: sample('GetCallResponse', 'sparse') }
  const theirs = await side(NodeSdk, run, reply)
  const ours = await side(Native, run, reply)
  t.deepEqual(theirs.requests[0].query, [['api_key', API_KEY]])
  t.deepEqual(ours.requests[0].query, [
    ['members_limit', '5'],
    ['video', 'true'],
    ['api_key', API_KEY],
  ])
})

test("the generated decoders are node-sdk 0.7.64's (read from its build)", (t) => {
  const { DECODERS } = require('../node-sdk/operations.js')
  const built = require('node:fs').readFileSync(require.resolve('@stream-io/node-sdk'), 'utf8')
  const theirs = {}
  for (const m of built.matchAll(/decoders\.(\w+) = \(input\) => \{\s*const typeMappings = \{([\s\S]*?)\};\s*return decode/g)) {
    theirs[m[1]] = Object.fromEntries(
      [...m[2].matchAll(/(\w+): \{\s*type: '(\w+)',\s*isSingle: (true|false),?\s*\}/g)].map((e) => [e[1], [e[2], e[3] === 'true' ? 1 : 0]]),
    )
  }
  t.true(Object.keys(theirs).length > 500, 'node-sdk build parsed')
  for (const [schema, mapping] of Object.entries(DECODERS)) {
    // A property node-sdk maps to a schema that has nothing to decode here is the same no-op.
    const effective = Object.entries(theirs[schema] ?? {}).filter(([, [type]]) => type === 'DatetimeType' || DECODERS[type])
    t.deepEqual(Object.entries(mapping).sort(), effective.sort(), schema)
  }
})

test("the generated files are what Stream's spec generates, from the spec in ../shared/reference", async (t) => {
  const { existsSync, readFileSync } = require('node:fs')
  const { generate, specPath } = await import('../scripts/generate-node-sdk.mjs')
  const { SPEC } = require('../node-sdk/operations.js')
  const files = ['node-sdk/operations.js', 'node-sdk/models.d.ts', 'src/spec.rs', 'emulator/skeletons.js', '__test__/fixtures/openapi-schemas.json']
  const committed = Object.fromEntries(files.map((file) => [file, readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')]))
  // Every generated file says it comes from the same spec.
  for (const [file, text] of Object.entries(committed)) t.true(text.includes(SPEC.sha256), `${file} names the spec's sha256`)
  const path = specPath()
  if (!existsSync(path)) {
    // Stream's spec is not part of the repository (its license); without it only the files' agreement is checked.
    t.log(`Stream's OpenAPI spec is not at ${path} (set STREAM_OPENAPI_SPEC): the files were not regenerated`)
    return
  }
  const text = readFileSync(path, 'utf8')
  t.is(require('node:crypto').createHash('sha256').update(text).digest('hex'), SPEC.sha256, 'the committed files come from this spec')
  const generated = generate(text)
  t.deepEqual(Object.keys(generated).sort(), [...files].sort())
  for (const [file, output] of Object.entries(generated)) t.true(committed[file] === output, `${file} is stale: run npm run generate`)
})

test('every operation of the generated table has a parity row', (t) => {
  const covered = new Set(ROWS.map(([, id]) => id))
  t.deepEqual(
    OPERATIONS.map((op) => op.id).filter((id) => !covered.has(id)),
    [],
  )
})

const FAILURES = [
  [
    'a Stream JSON error',
    {
      status: 400,
      headers: RATE,
      body: { code: 4, message: 'GetOrCreateCall failed with error: "members_limit must be ≤ 100"', StatusCode: 400, duration: '0.1ms' },
    },
  ],
  ['a 404', { status: 404, headers: {}, body: { code: 16, message: "Can't find call with id meeting-1", StatusCode: 404 } }],
  [
    'a rate limit',
    { status: 429, headers: RATE, body: { code: 9, message: 'Too many requests, check response headers for more information.', StatusCode: 429 } },
  ],
  ['a proxy page', { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><title>Bad Gateway</title></html>' }],
]

for (const [what, reply] of FAILURES) {
  test(`parity: ${what} rejects as node-sdk's StreamError, with this package's fields`, async (t) => {
    const run = (c) => call(c).getOrCreate({ data: { created_by_id: 'ada' } })
    const theirs = await side(NodeSdk, run, reply)
    const ours = await side(Native, run, reply)
    t.is(theirs.error.constructor.name, 'StreamError', 'node-sdk does not export its class')
    t.true(ours.error instanceof Native.StreamError)
    t.true(ours.error instanceof require('stream-video-native').StreamError)
    t.is(ours.error.message, theirs.error.message)
    t.is(ours.error.code, theirs.error.code)
    sameMetadata(t, ours.error.metadata, theirs.error.metadata, ours.requests[0])
    t.is(ours.error.errorCode, 'STREAM_API')
    t.is(ours.error.status, reply.status)
    t.is(ours.error.requestId, ours.requests[0].headers['x-client-request-id'])
    t.is(ours.error.attempts, 1)
    t.regex(ours.error.cause.message, /Stream API error \(HTTP \d+/)
    t.false(JSON.stringify(ours.error).includes(API_SECRET))
  })
}

test('parity: a deadline passed rejects with node-sdk message and metadata', async (t) => {
  const run = (c) => call(c).get()
  const theirs = await side(NodeSdk, run, null, { timeout: 300 })
  const ours = await side(Native, run, null, { timeout: 300 })
  t.is(ours.error.message, theirs.error.message)
  t.is(ours.error.code, theirs.error.code)
  t.is(ours.error.metadata.responseCode, undefined)
  t.is(ours.error.metadata.clientRequestId, ours.requests[0].headers['x-client-request-id'])
  t.is(ours.error.errorCode, 'STREAM_TIMEOUT')
})

test('verifyWebhook is a boolean, synchronously, the same as node-sdk for good, forged and malformed signatures', (t) => {
  const theirs = new NodeSdk.StreamClient(API_KEY, API_SECRET)
  const ours = new Native.StreamClient(API_KEY, API_SECRET)
  const body = JSON.stringify({ type: 'call.session_started', call_cid: 'default:meeting-1' })
  const good = require('node:crypto').createHmac('sha256', API_SECRET).update(body).digest('hex')
  for (const [b, signature] of [
    [body, good],
    [Buffer.from(body), good],
    [body, good.toUpperCase()],
    [`${body} `, good],
    [body, 'x'],
    [body, ''],
  ]) {
    t.is(ours.verifyWebhook(b, signature), theirs.verifyWebhook(b, signature), signature)
    t.is(typeof ours.verifyWebhook(b, signature), 'boolean')
  }
})

test('tokens carry the claims node-sdk signs, verified with the secret', (t) => {
  const jwt = require('jsonwebtoken')
  const theirs = new NodeSdk.StreamClient(API_KEY, API_SECRET)
  const ours = new Native.StreamClient(API_KEY, API_SECRET)
  const cases = [
    (c) => c.generateUserToken({ user_id: 'ada', iat: 1765000000 }),
    (c) => c.generateUserToken({ user_id: 'ada', validity_in_seconds: 600, iat: 1765000000, team: 'core' }),
    (c) => c.generateUserToken({ user_id: 'ada', exp: 1765009999, iat: 1765000000 }),
    (c) => c.generateCallToken({ user_id: 'ada', call_cids: ['default:meeting-1'], role: 'host', iat: 1765000000 }),
    (c) => c.createToken('ada', 1765009999, 1765000000),
    (c) => c.createCallToken({ user_id: 'ada', role: 'guest' }, ['default:meeting-1'], 1765009999, 1765000000),
    (c) => c.createCallToken('ada', ['default:meeting-1'], 1765009999, 1765000000),
  ]
  for (const make of cases) {
    const claims = jwt.verify(make(ours), API_SECRET, { algorithms: ['HS256'], ignoreExpiration: true })
    t.deepEqual(claims, jwt.verify(make(theirs), API_SECRET, { algorithms: ['HS256'], ignoreExpiration: true }))
  }
})

test('methods node-sdk has beyond this surface are absent, not stubs', (t) => {
  const ours = new Native.StreamClient(API_KEY, API_SECRET)
  t.is(ours.chat, undefined)
  t.is(ours.video.listCallTypes, undefined)
  t.is(call(ours).ring, undefined)
  t.is(ours.verifyAndParseWebhook, undefined)
})

test('a bad argument is refused naming it, and nothing is sent', async (t) => {
  const ours = await side(Native, (c) => c.video.call('default', undefined).get(), { status: 200, headers: {}, body: {} })
  t.regex(ours.error.message, /^id must be a string/)
  t.is(ours.error.errorCode, 'STREAM_INVALID_ARGUMENT')
  t.is(ours.requests.length, 0)
  const nan = await side(Native, (c) => call(c).queryMembers({ limit: Number.NaN }), { status: 201, headers: {}, body: {} })
  t.regex(nan.error.message, /request\.limit must be a finite number, got NaN/)
  t.is(nan.requests.length, 0)
})

test('a refused argument is logged once, as its operation, through the logger the client was given', async (t) => {
  const records = []
  const client = new Native.StreamClient(API_KEY, API_SECRET, { basePath: 'http://127.0.0.1:9', logger: (record) => records.push(record) })
  await t.throwsAsync(client.video.call('default', undefined).get())
  await t.throwsAsync(client.upsertUsers('ada'))
  t.deepEqual(
    records.map((r) => [r.operation, r.code, r.message]),
    [
      ['getCall', 'STREAM_INVALID_ARGUMENT', 'id must be a string, got undefined'],
      ['upsertUsers', 'STREAM_INVALID_ARGUMENT', 'users must be an array of users'],
    ],
  )
})

test.serial('each method is watched as its operation: diagnostics_channel names it, and retries follow its class', async (t) => {
  const diagnostics = require('node:diagnostics_channel')
  const started = []
  const onStart = (message) => started.push(message)
  diagnostics.subscribe('stream-video-native:request:start', onStart)
  t.teardown(() => diagnostics.unsubscribe('stream-video-native:request:start', onStart))
  const busy = { status: 503, headers: {}, body: { code: -1, message: 'unavailable', StatusCode: 503 } }
  // An idempotent read is retried after a 503; a custom event (not idempotent) is not: it may have been shown.
  const read = await side(Native, (c) => call(c).get(), busy, { maxRetries: 2 })
  const event = await side(Native, (c) => call(c).sendCallEvent({ custom: { n: 1 } }), busy, { maxRetries: 2 })
  t.is(read.requests.length, 3)
  t.is(event.requests.length, 1)
  t.is(event.error.errorCode, 'STREAM_API')
  t.deepEqual([...new Set(started.map((m) => m.operation))], ['getCall', 'sendCallEvent'])
  // A rate limit shows Stream did not act: the event is sent again.
  let first = true
  const recorder = await startRecorder(() => {
    if (!first) return { status: 201, headers: {}, body: { duration: '1ms' } }
    first = false
    return { status: 429, headers: { 'retry-after': '0' }, body: { code: 9, message: 'Too many requests', StatusCode: 429 } }
  })
  t.teardown(() => recorder.close())
  const client = new Native.StreamClient(API_KEY, API_SECRET, { basePath: recorder.url, maxRetries: 2 })
  const answer = await call(client).sendCallEvent({ custom: { n: 2 } })
  t.is(answer.metadata.responseCode, 201)
  t.is(recorder.requests.length, 2)
})

test('a signal cancels a request natively', async (t) => {
  const controller = new AbortController()
  const pending = side(Native, (c) => call(c).get(undefined, { signal: controller.signal }), null, { timeout: 10_000 })
  setTimeout(() => controller.abort(), 100)
  const ours = await pending
  t.is(ours.error.errorCode, 'STREAM_ABORTED')
})
