// Works against real Stream on the first try: members must be existing users
// (upsertUsers), call-scoped tokens, and cancellation with AbortSignal. Wire
// and claims are compared with what @stream-io/node-sdk sends and signs.
import { execFile } from 'node:child_process'
import { getEventListeners } from 'node:events'
import { promisify } from 'node:util'
import { StreamClient as SdkClient } from '@stream-io/node-sdk'
import test from 'ava'
import jwt from 'jsonwebtoken'
import { createStreamClient, StreamError } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, startEmulator, useEmulator } from './helpers.mjs'

useEmulator(test)
test.serial.beforeEach((t) => t.context.stream.reset())

const client = (t, options = {}) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: t.context.stream.url, ...options })
const USERS = [
  { id: 'host-1', name: 'Host', role: 'admin', custom: { plan: 'pro', seats: [1, 2] } },
  { id: 'guest-1', image: 'https://cdn.example/g.png' },
  { id: 'agent-456', name: 'Sales Assistant', custom: {} },
]

test.serial('upsertUsers sends what node-sdk sends: same path, query and JSON body', async (t) => {
  const emulator = t.context.stream
  const sdk = new SdkClient(API_KEY, API_SECRET, { basePath: emulator.url })
  await sdk.upsertUsers(structuredClone(USERS))
  await client(t).upsertUsers(USERS)
  const [theirs, ours] = emulator.requests
  t.is(ours.method, theirs.method)
  t.is(ours.path, '/api/v2/users')
  t.is(ours.path, theirs.path)
  t.deepEqual(ours.query, theirs.query)
  t.deepEqual(ours.query, { api_key: API_KEY })
  t.deepEqual(JSON.parse(ours.body), JSON.parse(theirs.body))
  t.deepEqual(JSON.parse(ours.body), { users: Object.fromEntries(USERS.map((u) => [u.id, u])) })
  for (const header of ['content-type', 'stream-auth-type']) t.is(ours.headers[header], theirs.headers[header], header)
})

test.serial('upsertUsers resolves to the users as Stream returns them, typed', async (t) => {
  const users = await client(t).upsertUsers(USERS)
  t.is(users.length, 3)
  t.deepEqual(Object.keys(users[0]).sort(), ['createdAt', 'custom', 'id', 'name', 'role', 'updatedAt'])
  t.like(users[0], { id: 'host-1', name: 'Host', role: 'admin', custom: { plan: 'pro', seats: [1, 2] } })
  t.like(users[1], { id: 'guest-1', role: 'user', image: 'https://cdn.example/g.png', custom: {} })
  t.false('name' in users[1])
  t.regex(users[2].createdAt, /^\d{4}-\d\d-\d\dT/)
  t.is(t.context.stream.users.size, 3)
})

test.serial('bad users reject with STREAM_INVALID_ARGUMENT and send nothing', async (t) => {
  const many = Array.from({ length: 101 }, (_, i) => ({ id: `u${i}` }))
  const cases = [
    [{ id: 'x' }, /^users must be an array of users, got object/],
    [null, /^users must be an array/],
    [[], /^users must hold 1 to 100 users, got 0$/],
    [many, /^users must hold 1 to 100 users, got 101$/],
    [[{ id: '' }], /^users\[0\]\.id must be a non-empty string$/],
    [[{ id: 'ok' }, { id: '   ' }], /^users\[1\]\.id must be a non-empty string, not only whitespace$/],
    [[{ id: 7 }], /^users\[0\]\.id must be a string/],
    [[{ name: 'no id' }], /^users\[0\]\.id must be a string/],
    [['just-an-id'], /^users\[0\] must be an object with an id$/],
    [[{ id: 'u\ud800' }], /^users\[0\]\.id must be well-formed Unicode/],
  ]
  for (const [users, message] of cases) {
    const err = await t.throwsAsync(client(t).upsertUsers(users), { instanceOf: StreamError })
    t.is(err.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(err.message, message)
  }
  t.truthy(await client(t).upsertUsers(many.slice(0, 100)))
  t.is(t.context.stream.requests.length, 1, 'only the valid upsert was sent')
})

test.serial('the emulator keeps Stream’s rule: members must be existing users', async (t) => {
  const api = client(t)
  await api.createStreamCall('rule', 'host-1', DATA)
  const err = await t.throwsAsync(api.addCallParticipant('rule', 'ghost-1'))
  t.like(err, { code: 'STREAM_API', status: 400, streamCode: 4, attempts: 1 })
  t.regex(err.message, /don't exist: \[ghost-1\]/)
  await api.upsertUsers([{ id: 'ghost-1' }])
  await api.addCallParticipant('rule', 'ghost-1', 'guest')
  t.deepEqual([...t.context.stream.calls.get('default:rule').members.keys()], ['ghost-1'])
})

test.serial('a client connecting with a user token makes the user known (emulator control endpoint)', async (t) => {
  const api = client(t)
  await api.createStreamCall('connect', 'host-1', DATA)
  const connect = (id, token) =>
    fetch(`${t.context.stream.url}/emulator/users/${id}/connect`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' } })
  t.is((await connect('walk-in', api.generateStreamTokenSync('someone-else'))).status, 401)
  t.is((await connect('walk-in', jwt.sign({ user_id: 'walk-in' }, 'wrong-secret'))).status, 401)
  t.is((await connect('walk-in', api.generateStreamTokenSync('walk-in'))).status, 200)
  await api.addCallParticipant('connect', 'walk-in')
  t.pass()
})

test('--lenient (lenient: true) restores the old behaviour', async (t) => {
  const lenient = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, lenient: true })
  t.teardown(() => lenient.close())
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: lenient.url })
  await api.createStreamCall('lenient', 'host', DATA)
  await api.addCallParticipant('lenient', 'never-upserted')
  t.is(lenient.calls.get('default:lenient').members.size, 1)
})

test('generateCallToken claims equal node-sdk generateCallToken for the same input', (t) => {
  const sdk = new SdkClient(API_KEY, API_SECRET)
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET })
  const cases = [
    ['guest-1', ['meeting-1'], undefined, ['default:meeting-1']],
    ['guest-1', ['meeting-1', 'livestream:stage'], 'guest', ['default:meeting-1', 'livestream:stage']],
    ['ünïcode "user"', ['default:a'], 'admin', ['default:a']],
  ]
  for (const [userId, callIds, role, cids] of cases) {
    const ours = jwt.verify(api.generateCallTokenSync(userId, callIds, role ? { role } : undefined), API_SECRET, { algorithms: ['HS256'] })
    const theirs = jwt.verify(sdk.generateCallToken({ user_id: userId, call_cids: cids, role }), API_SECRET)
    t.deepEqual(Object.keys(ours), Object.keys(theirs), 'same claims in the same order')
    t.deepEqual({ ...ours, iat: 0, exp: 0 }, { ...theirs, iat: 0, exp: 0 })
    t.true(Math.abs(ours.iat - theirs.iat) <= 1)
    t.is(ours.exp - ours.iat, 3600)
    t.true(ours.iat <= Math.floor(Date.now() / 1000) - 1)
  }
  const short = jwt.decode(api.generateCallTokenSync('u', ['m'], { validityInSeconds: 120 }))
  t.is(short.exp - short.iat, 120)
  t.false('role' in short)
})

test('generateCallToken rejects invalid ids and empty lists with STREAM_INVALID_ARGUMENT', async (t) => {
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET })
  const cases = [
    [['u', []], /^callIds must hold at least one call id$/],
    [['u', 'meeting-1'], /^callIds must be an array/],
    [['u', ['ok', 'bad id']], /^callIds\[1\] must be a call id or type:id/],
    [['u', ['a:b:c']], /^callIds\[0\] must be a call id/],
    [['u', [5]], /^callIds\[0\] must be a string/],
    [['', ['m']], /^userId must be a non-empty string/],
    [['u', ['m'], { role: '' }], /^role must be a non-empty string/],
    [['u', ['m'], { validityInSeconds: 0 }], /^validityInSeconds must be/],
    [['u', ['m'], { validityInSeconds: '60' }], /^options\.validityInSeconds must be a number/],
  ]
  for (const [args, message] of cases) {
    const err = await t.throwsAsync(api.generateCallToken(...args))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT', String(args))
    t.regex(err.message, message)
    t.throws(() => api.generateCallTokenSync(...args), { code: 'STREAM_INVALID_ARGUMENT', message })
  }
})

const elapsed = (since) => Number(process.hrtime.bigint() - since) / 1e6

test.serial('aborting cancels the request in flight promptly, with the reason as cause', async (t) => {
  const api = client(t)
  await api.createStreamCall('abort-1', 'host-1', DATA)
  await api.upsertUsers([{ id: 'g' }])
  const openBefore = t.context.stream.sockets.size
  const operations = [
    (signal) => api.createStreamCall('abort-1', 'host-1', DATA, { signal }),
    (signal) => api.addCallParticipant('abort-1', 'g', 'guest', { signal }),
    (signal) => api.endCall('abort-1', { signal }),
    (signal) => api.upsertUsers([{ id: 'g' }], { signal }),
  ]
  for (const operation of operations) {
    t.context.stream.injectFault({ hang: true })
    const controller = new AbortController()
    const pending = operation(controller.signal)
    await new Promise((r) => setTimeout(r, 100))
    const reason = new Error('user navigated away')
    const since = process.hrtime.bigint()
    controller.abort(reason)
    const err = await t.throwsAsync(pending, { instanceOf: StreamError })
    const ms = elapsed(since)
    t.is(err.code, 'STREAM_ABORTED')
    t.is(err.cause, reason)
    // Without the abort, the hung request would wait for the 30 s timeout: the bound leaves room for a loaded machine.
    t.true(ms < 1000, `${ms.toFixed(1)} ms from abort to rejection`)
    t.is(getEventListeners(controller.signal, 'abort').length, 0, 'listener removed')
  }
  // The cancelled requests' connections were closed, not left hanging.
  await new Promise((r) => setTimeout(r, 50))
  t.true(t.context.stream.sockets.size <= openBefore, `${t.context.stream.sockets.size} sockets open, ${openBefore} before`)
})

test.serial('aborting cancels a pending retry wait', async (t) => {
  const api = client(t, { timeoutMs: 20_000 })
  await api.createStreamCall('abort-2', 'host-1', DATA)
  t.context.stream.injectFault({ status: 503, body: { code: -1, message: 'later', StatusCode: 503 }, headers: { 'retry-after': '10' } })
  const signal = AbortSignal.timeout(300)
  const since = process.hrtime.bigint()
  const err = await t.throwsAsync(api.endCall('abort-2', { signal }))
  t.is(err.code, 'STREAM_ABORTED')
  t.is(err.cause, signal.reason)
  t.is(err.cause.name, 'TimeoutError')
  const ms = elapsed(since)
  t.true(ms >= 290 && ms < 3000, `${ms.toFixed(0)} ms: at the abort, not after the 10 s retry wait`)
  t.is(t.context.stream.requests.filter((r) => r.path.endsWith('/mark_ended')).length, 1)
})

test.serial('an already-aborted signal sends nothing; a bad signal is STREAM_INVALID_ARGUMENT', async (t) => {
  const api = client(t)
  const signal = AbortSignal.abort('too late')
  for (const pending of [
    api.createStreamCall('c', 'u', DATA, { signal }),
    api.addCallParticipant('c', 'u', 'guest', { signal }),
    api.endCall('c', { signal }),
    api.upsertUsers([{ id: 'u' }], { signal }),
  ]) {
    const err = await t.throwsAsync(pending)
    t.like(err, { code: 'STREAM_ABORTED', cause: 'too late' })
  }
  t.is(t.context.stream.requests.length, 0)
  for (const options of [{ signal: 'yes' }, { signal: {} }, 5]) {
    const err = await t.throwsAsync(api.endCall('c', options))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(err.message, /^options/)
  }
})

test.serial('a signal that never aborts changes nothing and keeps no process alive', async (t) => {
  const api = client(t)
  const controller = new AbortController()
  const call = await api.createStreamCall('never', 'host-1', DATA, { signal: controller.signal })
  t.is(call.cid, 'default:never')
  t.is(getEventListeners(controller.signal, 'abort').length, 0)
  const script = `
    const { createStreamClient } = require('stream-video-native')
    const api = createStreamClient({ apiKey: ${JSON.stringify(API_KEY)}, apiSecret: ${JSON.stringify(API_SECRET)}, baseUrl: ${JSON.stringify(t.context.stream.url)} })
    const controller = new AbortController()
    api.createStreamCall('never-2', 'host-1', ${JSON.stringify(DATA)}, { signal: controller.signal }).then(() => console.log('done'))`
  const since = Date.now()
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 10_000 })
  t.is(stdout.trim(), 'done')
  t.true(Date.now() - since < 5000, 'the process exited on its own')
})

test.serial('getUsers sends what node-sdk queryUsers sends for an id filter, and resolves to the users that exist', async (t) => {
  const emulator = t.context.stream
  await client(t).upsertUsers(USERS)
  emulator.requests.length = 0
  const ids = ['guest-1', 'nobody', 'host-1']
  const sdk = new SdkClient(API_KEY, API_SECRET, { basePath: emulator.url })
  const sdkAnswer = await sdk.queryUsers({ payload: { filter_conditions: { id: { $in: ids } }, limit: ids.length } })
  const users = await client(t).getUsers(ids)
  const [theirs, ours] = emulator.requests
  t.is(ours.method, 'GET')
  t.is(ours.method, theirs.method)
  t.is(ours.path, theirs.path)
  t.deepEqual(ours.query, theirs.query)
  t.deepEqual(JSON.parse(ours.query.payload), { filter_conditions: { id: { $in: ids } }, limit: 3 })
  t.is(ours.body, theirs.body)
  for (const header of ['content-type', 'stream-auth-type']) t.is(ours.headers[header], theirs.headers[header], header)
  t.deepEqual(
    users.map((u) => u.id),
    ['guest-1', 'host-1'],
  )
  t.deepEqual(users[1].custom, { plan: 'pro', seats: [1, 2] })
  t.is(sdkAnswer.users.length, 2)
  const err = await t.throwsAsync(client(t).getUsers([]))
  t.like(err, { code: 'STREAM_INVALID_ARGUMENT', message: 'userIds must hold 1 to 100 ids, got 0' })
})

test.serial('updateUsersPartial sends what node-sdk sends and changes only the fields it names', async (t) => {
  const emulator = t.context.stream
  await client(t).upsertUsers(USERS)
  emulator.requests.length = 0
  const updates = [
    { id: 'host-1', set: { name: 'Renamed' } },
    { id: 'guest-1', unset: ['image'] },
  ]
  const sdk = new SdkClient(API_KEY, API_SECRET, { basePath: emulator.url })
  await sdk.updateUsersPartial({ users: structuredClone(updates) })
  const users = await client(t).updateUsersPartial(updates)
  const [theirs, ours] = emulator.requests
  t.is(ours.method, 'PATCH')
  t.is(ours.method, theirs.method)
  t.is(ours.path, '/api/v2/users')
  t.deepEqual(ours.query, theirs.query)
  t.deepEqual(JSON.parse(ours.body), JSON.parse(theirs.body))
  t.deepEqual(JSON.parse(ours.body), { users: updates })
  for (const header of ['content-type', 'stream-auth-type']) t.is(ours.headers[header], theirs.headers[header], header)
  t.like(users[0], { id: 'host-1', name: 'Renamed', role: 'admin', custom: { plan: 'pro', seats: [1, 2] } })
  t.false('image' in users[1])
  const cases = [
    [[{ id: 'a' }], /^updates\[0\] must have set or unset$/],
    [[{ id: 'a', name: 'x' }], /only id, set and unset are sent/],
    [[{ id: 'a', set: { id: 'b' } }], /cannot change the id/],
    [{ id: 'a' }, /^updates must be an array/],
  ]
  emulator.requests.length = 0
  for (const [input, message] of cases) {
    const err = await t.throwsAsync(client(t).updateUsersPartial(input))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(err.message, message)
  }
  t.is(emulator.requests.length, 0, 'nothing was sent')
  const missing = await t.throwsAsync(client(t).updateUsersPartial([{ id: 'ghost', set: { name: 'x' } }]))
  t.like(missing, { code: 'STREAM_API', status: 400, streamCode: 4 })
})

// Tokens as apps make them (issue 37): absolute exp/iat, extra claims, node-sdk's createToken; claims equal node-sdk's.
test.serial('token options and createToken give the claims node-sdk gives for the same input', async (t) => {
  const sdkClient = new SdkClient(API_KEY, API_SECRET)
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET })
  const claims = (token) => {
    const { validity_in_seconds: _, ...rest } = jwt.verify(token, API_SECRET, { algorithms: ['HS256'], ignoreExpiration: true })
    return rest
  }
  const now = Math.floor(Date.now() / 1000)
  const table = [
    [{ exp: now + 600 }, { user_id: 'u', exp: now + 600 }],
    [
      { exp: now + 600, iat: now - 60 },
      { user_id: 'u', exp: now + 600, iat: now - 60 },
    ],
    [{ iat: now - 60 }, { user_id: 'u', iat: now - 60 }],
    [{ claims: { iss: 'my-app', sub: 'u', tenant: { id: 7 } } }, { user_id: 'u', iss: 'my-app', sub: 'u', tenant: { id: 7 } }],
  ]
  for (const [options, payload] of table) {
    for (const validity of [undefined, 120]) {
      const theirs = claims(sdkClient.generateUserToken({ ...payload, ...(validity ? { validity_in_seconds: validity } : {}) }))
      const ours = claims(await api.generateStreamToken('u', validity, options))
      // iat defaults to "now - 1 s" on both sides; allow the clock to tick between the two calls.
      t.true(Math.abs(ours.iat - theirs.iat) <= 1, JSON.stringify({ options, ours, theirs }))
      // A given exp is absolute; a derived one is iat + validity (compared relative to each side's iat).
      const normal = (claims) => ({ ...claims, iat: 0, exp: options.exp ? claims.exp : claims.exp - claims.iat })
      t.deepEqual(normal(ours), normal(theirs), JSON.stringify(options))
      if (options.exp) t.is(ours.exp, options.exp)
    }
  }
  const call = claims(await api.generateCallToken('g', ['livestream:ls_1'], { role: 'guest', exp: now + 60, claims: { iss: 'app' } }))
  const theirCall = claims(sdkClient.generateCallToken({ user_id: 'g', call_cids: ['livestream:ls_1'], role: 'guest', exp: now + 60, iss: 'app' }))
  t.deepEqual({ ...call, iat: 0 }, { ...theirCall, iat: 0 })
  // The deprecated createToken(userId, exp, iat), as ~1,700 public repositories call it.
  t.deepEqual(claims(api.createTokenSync('u', now + 3600, now - 5)), claims(sdkClient.createToken('u', now + 3600, now - 5)))
  const defaults = [claims(await api.createToken('u')), claims(sdkClient.createToken('u'))]
  t.true(Math.abs(defaults[0].exp - defaults[1].exp) <= 1 && Math.abs(defaults[0].iat - defaults[1].iat) <= 1, JSON.stringify(defaults))
  // A literal port that passes an absolute expiry as the validity fails loudly; exp says what was meant.
  const literal = await t.throwsAsync(api.generateStreamToken('u', now + 3600))
  t.regex(literal.message, /^validityInSeconds must be a whole number of seconds from 1 to 315360000/)
  t.is(claims(await api.generateStreamToken('u', undefined, { exp: now + 3600 })).exp, now + 3600)
  for (const [run, message] of [
    [() => api.generateStreamToken('u', undefined, { claims: { user_id: 'admin' } }), /^options\.claims\.user_id is set by the token itself/],
    [() => api.generateCallToken('u', ['c'], { claims: { call_cids: ['*'] } }), /^options\.claims\.call_cids is set by the token itself/],
    [() => api.generateStreamToken('u', undefined, { exp: Date.now() + 3_600_000 }), /^options\.exp must be a time in whole Unix seconds/],
    [() => api.generateStreamToken('u', undefined, { exp: now - 10, iat: now }), /^options\.exp \(\d+\) must be after iat/],
    [() => api.generateStreamToken('u', undefined, { expires: now }), /^options\.expires is not an option here \(known: exp, iat, claims\)$/],
    [() => api.generateStreamToken('u', undefined, { claims: [1] }), /^options\.claims must be an object of claims, got an array$/],
    [() => api.createToken('u', 'tomorrow'), /^exp must be a number, got string$/],
    [() => api.createToken('u', Date.now()), /^exp must be a time in whole Unix seconds/],
    [() => api.generateCallToken('u', ['c'], { rol: 'x' }), /^options\.rol is not an option here/],
  ]) {
    const e = await t.throwsAsync(run())
    t.is(e.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(e.message, message)
  }
})
