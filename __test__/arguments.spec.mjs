// Hostile or careless input from the caller: keys named `__proto__`, throwing
// getters and Proxies, an Invalid Date, NaN and Infinity in options, blank
// user ids. Each is refused as STREAM_INVALID_ARGUMENT naming the parameter,
// or kept exactly, and nothing is sent; no limit without a public source.
import crypto from 'node:crypto'
import test from 'ava'
import zlib from 'node:zlib'
import { createStreamClient, generateStreamTokenSync, handleStreamWebhook } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, useEmulator } from './helpers.mjs'

useEmulator(test)
test.serial.beforeEach((t) => t.context.stream.reset())

const client = (t) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: t.context.stream.url, maxRetries: 0 })
const sign = (body) => crypto.createHmac('sha256', API_SECRET).update(body).digest('hex')

test.serial('custom data with a `__proto__` key comes back as an own key, not as the prototype', async (t) => {
  const data = JSON.parse('{"meetingId":"m-1","agentId":"a","agentName":"A","__proto__":{"polluted":true}}')
  const call = await client(t).createStreamCall('proto-call', 'host', data)
  t.true(Object.hasOwn(call.custom, '__proto__'))
  t.deepEqual(Object.getOwnPropertyDescriptor(call.custom, '__proto__').value, { polluted: true })
  t.is(Object.getPrototypeOf(call.custom), Object.prototype)
  t.is({}.polluted, undefined)
  const [user] = await client(t).upsertUsers([{ id: 'proto-user', custom: JSON.parse('{"__proto__":{"x":1}}') }])
  t.true(Object.hasOwn(user.custom, '__proto__'))
  t.is(Object.getPrototypeOf(user.custom), Object.prototype)
})

test.serial('a throwing getter or Proxy in custom data, options or webhook headers is STREAM_INVALID_ARGUMENT naming it', async (t) => {
  const boom = () => {
    throw new Error('getter exploded')
  }
  const getter = { ...DATA }
  Object.defineProperty(getter, 'notes', { enumerable: true, get: boom })
  const trap = new Proxy({ ...DATA }, { ownKeys: boom })
  for (const data of [getter, trap, { ...DATA, nested: new Proxy({}, { get: boom, ownKeys: boom }) }]) {
    const e = await t.throwsAsync(client(t).createStreamCall('c', 'host', data))
    t.is(e.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(e.message, /^data(\.nested)? could not be read: getter exploded/)
  }
  const usersTrap = await t.throwsAsync(client(t).upsertUsers([{ id: 'u', custom: new Proxy({}, { ownKeys: boom }) }]))
  t.is(usersTrap.code, 'STREAM_INVALID_ARGUMENT')
  const body = JSON.stringify({ type: 'call.session_started' })
  for (const headers of [
    new Proxy({}, { get: boom, ownKeys: boom, getOwnPropertyDescriptor: boom }),
    Object.defineProperty({}, 'signature', { enumerable: true, get: boom }),
  ]) {
    const e = await t.throwsAsync(handleStreamWebhook(body, headers))
    t.is(e.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(e.message, /^headers could not be read/)
  }
  const options = Object.defineProperty({}, 'startedAt', { enumerable: true, get: boom })
  const e = await t.throwsAsync(handleStreamWebhook(body, { signature: sign(body) }, options))
  t.is(e.code, 'STREAM_INVALID_ARGUMENT')
  t.regex(e.message, /^options could not be read/)
  const recording = await t.throwsAsync(client(t).startRecording('c', new Proxy({}, { ownKeys: boom })))
  t.is(recording.code, 'STREAM_INVALID_ARGUMENT')
  t.is(t.context.stream.requests.length, 0, 'nothing was sent')
})

test.serial('an Invalid Date as startedAt is STREAM_INVALID_ARGUMENT', async (t) => {
  const body = JSON.stringify({ type: 'call.session_ended', call_cid: 'default:m' })
  const e = await t.throwsAsync(handleStreamWebhook(body, { signature: sign(body) }, { startedAt: new Date(Number.NaN) }))
  t.is(e.code, 'STREAM_INVALID_ARGUMENT')
  t.is(e.message, 'options.startedAt must be a valid Date, got an Invalid Date')
})

test.serial('custom data has no size limit of its own: it is sent, and what Stream refuses comes back typed', async (t) => {
  // No public Stream source states a limit on a call's or user's custom data
  // (issue 36), so none is enforced here: 6 KB goes through.
  const six = { ...DATA, notes: 'x'.repeat(6000) }
  t.is((await client(t).createStreamCall('six-kb', 'host', six)).custom.notes.length, 6000)
  t.is((await client(t).upsertUsers([{ id: 'u', custom: { notes: 'x'.repeat(6000) } }]))[0].custom.notes.length, 6000)
  t.is((await client(t).updateUsersPartial([{ id: 'u', set: { custom: { notes: 'x'.repeat(7000) } } }]))[0].custom.notes.length, 7000)
  // A body over what the server takes (the emulator's 1 MiB) is Stream's 413, typed.
  const e = await t.throwsAsync(client(t).createStreamCall('big-call', 'host', { ...DATA, notes: 'x'.repeat(2 * 1024 * 1024) }))
  t.is(e.code, 'STREAM_API')
  t.is(e.status, 413)
  t.is(e.streamCode, 22)
})

// Every option of every function, with each value that is not one: NaN, ±Infinity and a wrong type
// are STREAM_INVALID_ARGUMENT naming the option, and nothing is sent (NaN was sent as "not given" before issue 36).
const OPTIONS = [
  ['stopRecording', (c, v) => c.stopRecording('c1', { recordingType: v }), 'options.recordingType'],
  ['startRecording', (c, v) => c.startRecording('c1', { recordingType: v }), 'options.recordingType'],
  ['startRecording', (c, v) => c.startRecording('c1', { externalStorage: v }), 'options.externalStorage'],
  ['startTranscription', (c, v) => c.startTranscription('c1', { language: v }), 'options.language'],
  ['startTranscription', (c, v) => c.startTranscription('c1', { enableClosedCaptions: v }), 'options.enableClosedCaptions'],
  ['startTranscription', (c, v) => c.startTranscription('c1', { externalStorage: v }), 'options.externalStorage'],
  ['stopTranscription', (c, v) => c.stopTranscription('c1', { stopClosedCaptions: v }), 'options.stopClosedCaptions'],
  ['startClosedCaptions', (c, v) => c.startClosedCaptions('c1', { enableTranscription: v }), 'options.enableTranscription'],
  ['startClosedCaptions', (c, v) => c.startClosedCaptions('c1', { language: v }), 'options.language'],
  ['stopClosedCaptions', (c, v) => c.stopClosedCaptions('c1', { stopTranscription: v }), 'options.stopTranscription'],
  [
    'createStreamCall',
    (c, v) => c.createStreamCall('c1', 'host', DATA, { settings: { recording: { mode: 'available', audioOnly: v } } }),
    'options.settings.recording.audioOnly',
  ],
  [
    'createStreamCall',
    (c, v) => c.createStreamCall('c1', 'host', DATA, { settings: { transcription: { language: v } } }),
    'options.settings.transcription.language',
  ],
  ['createStreamCall', (c, v) => c.createStreamCall('c1', 'host', { ...DATA, score: v }), 'data.score', 'any JSON'],
  ['upsertUsers', (c, v) => c.upsertUsers([{ id: 'u', custom: { n: v } }]), 'users[0].custom.n', 'any JSON'],
  ['updateUsersPartial', (c, v) => c.updateUsersPartial([{ id: 'u', set: { n: v } }]), 'updates[0].set.n', 'any JSON'],
  ['generateStreamToken', (c, v) => c.generateStreamToken('u', v), 'validityInSeconds'],
  ['generateCallToken', (c, v) => c.generateCallToken('u', ['c1'], { validityInSeconds: v }), 'validityInSeconds'],
  ['generateCallToken', (c, v) => c.generateCallToken('u', ['c1'], { role: v }), 'role'],
  ['handleStreamWebhook', (c, v) => c.handleStreamWebhook('{}', { signature: 'x' }, { maxBodyBytes: v }), 'maxBodyBytes'],
  ['handleStreamWebhook', (c, v) => c.handleStreamWebhook('{}', { signature: 'x', attempt: v }), 'headers.attempt'],
]
// Values no option takes; objects and arrays are wrong for every typed option, and right in custom data.
const NOT_VALUES = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, () => 1, Symbol('s')]
const WRONG_TYPES = [{}, []]

test.serial('options are checked as values: NaN, ±Infinity and wrong types in any option of any function are refused, naming it', async (t) => {
  const api = client(t)
  for (const [name, call, option, anyJson] of OPTIONS) {
    for (const value of anyJson ? NOT_VALUES : [...NOT_VALUES, ...WRONG_TYPES]) {
      const shown = typeof value === 'symbol' ? 'a symbol' : typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value))
      const e = await call(api, value).then(
        () => null,
        (e) => e,
      )
      t.truthy(e, `${name} ${option} = ${shown} was accepted`)
      t.is(e?.code, 'STREAM_INVALID_ARGUMENT', `${name} ${option} = ${shown}: ${e?.message}`)
      t.true(e?.message.includes(option), `${name} ${option} = ${shown}: ${e?.message}`)
    }
  }
  t.is(t.context.stream.requests.length, 0, 'nothing was sent')
})

// One rule for a user id, wherever one is taken (issue 36: upsertUsers took "   ", addCallParticipant did not).
const BAD_USER_IDS = ['', ' ', '   ', '\t', '\n', ' \r\n ', '\u00a0', '\u3000', '\u2028']
const USER_ID_TAKERS = [
  ['generateStreamToken', (c, id) => c.generateStreamToken(id), 'userId'],
  ['generateStreamTokenSync', async (c, id) => c.generateStreamTokenSync(id), 'userId'],
  ['generateCallToken', (c, id) => c.generateCallToken(id, ['c1']), 'userId'],
  ['createStreamCall', (c, id) => c.createStreamCall('c1', id, DATA), 'userId'],
  ['addCallParticipant', (c, id) => c.addCallParticipant('c1', id), 'userId'],
  ['upsertUsers', (c, id) => c.upsertUsers([{ id }]), 'users[0].id'],
  ['getUsers', (c, id) => c.getUsers(['ok', id]), 'userIds[1]'],
  ['updateUsersPartial', (c, id) => c.updateUsersPartial([{ id, set: { name: 'x' } }]), 'updates[0].id'],
]

test.serial('one rule for user ids: the same bad ids are refused the same way by every function that takes one', async (t) => {
  const api = client(t)
  for (const id of BAD_USER_IDS) {
    const messages = []
    for (const [name, call, parameter] of USER_ID_TAKERS) {
      const e = await call(api, id).then(
        () => null,
        (e) => e,
      )
      t.is(e?.code, 'STREAM_INVALID_ARGUMENT', `${name}(${JSON.stringify(id)}) was accepted`)
      t.true(e?.message.startsWith(`${parameter} must be a non-empty string`), `${name}: ${e?.message}`)
      messages.push(e?.message.slice(parameter.length))
    }
    t.is(new Set(messages).size, 1, `one wording for ${JSON.stringify(id)}: ${messages.join(' | ')}`)
  }
  t.is(t.context.stream.requests.length, 0, 'nothing was sent, no orphan user made')
  // What is not blank is an id, whatever it holds.
  t.truthy(await api.generateStreamToken(' padded '))
  t.is((await api.upsertUsers([{ id: 'x'.repeat(1000) }]))[0].id.length, 1000, 'no length limit without a source')
})

const offline = (url) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url, timeoutMs: 5000 })

test('lone UTF-16 surrogates are rejected, naming the parameter, never replaced', async (t) => {
  const c = offline('http://127.0.0.1:9')
  for (const [name, call] of [
    ['userId', () => c.generateStreamTokenSync('user-\ud800')],
    ['userId', () => c.generateStreamTokenSync('\udc00user')],
    ['userId', () => c.createStreamCall('c1', 'u\ud83d', DATA)],
    ['role', () => c.addCallParticipant('c1', 'u', 'admin\udfff')],
    ['callId', () => c.endCall('c\ud800')],
  ]) {
    const err = await t.throwsAsync(async () => call())
    t.like(err, { code: 'STREAM_INVALID_ARGUMENT' })
    t.true(err.message.startsWith(`${name} must be well-formed Unicode`), err.message)
  }
  // Two ids that napi would have turned into the same string now never share a token.
  t.throws(() => generateStreamTokenSync('\ud800'), { code: 'STREAM_INVALID_ARGUMENT' })
  // A proper pair is fine.
  t.truthy(c.generateStreamTokenSync('user-😀'))
  const bad = t.throws(() => createStreamClient({ apiKey: 'k', apiSecret: 'secret\ud800' }))
  t.like(bad, { code: 'STREAM_CONFIG', message: 'apiSecret must be well-formed Unicode, but it holds a lone UTF-16 surrogate' })
})

test('custom data that Stream cannot store gets a message that says why and where', async (t) => {
  const c = offline('http://127.0.0.1:9')
  let deep = { leaf: true }
  for (let i = 0; i < 200; i++) deep = { deep }
  const cases = [
    [{ ...DATA, notes: ['ok', 'bad \ud800'] }, /^data\.notes\[1\] must be well-formed Unicode/],
    [{ ...DATA, 'key\udc00': 1 }, /^a key in data must be well-formed Unicode/],
    [{ ...DATA, deep }, /^data is nested more than 64 levels deep/],
    [{ ...DATA, n: 10n }, /^data must be JSON-serializable/],
  ]
  for (const [data, message] of cases) {
    const err = await t.throwsAsync(c.createStreamCall('c1', 'u', data))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(err.message, message)
  }
})

test('numeric options are range-checked with a clear error', async (t) => {
  const c = offline('http://127.0.0.1:9')
  const body = JSON.stringify({ type: 'call.session_started', created_at: '2026-04-08T14:23:36Z', call_cid: 'default:x' })
  const signature = crypto.createHmac('sha256', API_SECRET).update(body).digest('hex')
  const gz = zlib.gzipSync(body)
  for (const maxBodyBytes of [Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 2 ** 30 + 1, Infinity, NaN, 0, -1, 1.5]) {
    const err = await t.throwsAsync(c.handleStreamWebhook(gz, { signature }, { maxBodyBytes }))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT', String(maxBodyBytes))
    t.regex(err.message, /^maxBodyBytes must be a whole number of bytes from 1 to 1073741824/)
  }
  // The largest allowed limit still verifies a genuine gzip event.
  t.like(await c.handleStreamWebhook(gz, { signature }, { maxBodyBytes: 2 ** 30 }), { type: 'call.session_started', callId: 'x' })
  for (const [option, value] of [
    ['timeoutMs', Number.MAX_VALUE],
    ['timeoutMs', 0],
    ['maxRetries', 1e300],
    ['maxRetries', -1],
    ['timeoutMs', NaN],
  ]) {
    const err = t.throws(() => createStreamClient({ apiKey: 'k', apiSecret: 's', [option]: value }))
    t.is(err.code, 'STREAM_CONFIG')
    t.regex(err.message, new RegExp(`^${option} must be a whole number from`))
  }
})
