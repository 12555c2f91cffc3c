// REST calls against the local emulator: exact wire format, results and errors.
import test from 'ava'
import jwt from 'jsonwebtoken'
import { createStreamClient, StreamError } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, closedPort, decodeJwtParts, pkg, useEmulator } from './helpers.mjs'

useEmulator(test)

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

function clientFor(t, options = {}) {
  return createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: t.context.stream.url, ...options })
}

function assertStreamHeaders(t, request) {
  const h = request.headers
  t.is(request.method, 'POST')
  t.is(request.rawQuery, `?api_key=${API_KEY}`)
  t.deepEqual(request.query, { api_key: API_KEY })
  t.is(h['stream-auth-type'], 'jwt')
  t.is(h['content-type'], 'application/json')
  t.is(h['x-stream-client'], `stream-video-native-${pkg.version}`)
  t.regex(h['x-client-request-id'], UUID_V4)
  t.false(h.authorization.startsWith('Bearer'), 'the raw JWT, no Bearer prefix')
  const { header, payload } = decodeJwtParts(h.authorization)
  t.is(header, '{"alg":"HS256","typ":"JWT"}', "the header Stream's SDK signs, byte for byte")
  t.regex(payload, /^\{"server":true,"iat":\d+,"exp":\d+\}$/)
  const claims = jwt.verify(h.authorization, API_SECRET, { algorithms: ['HS256'] })
  t.true(claims.server)
  t.is(claims.exp - claims.iat, 3600)
  const now = Math.floor(Date.now() / 1000)
  t.true(claims.iat <= now && claims.iat >= now - 10)
}

test.serial.beforeEach((t) => t.context.stream.reset())

test.serial('createStreamCall sends get-or-create with custom data and returns the call', async (t) => {
  const client = clientFor(t)
  const call = await client.createStreamCall('meeting-123', 'user-1', { ...DATA, extra: { nested: [1, null, 'x'] } })
  t.deepEqual(Object.keys(call).sort(), ['cid', 'created', 'createdAt', 'createdById', 'custom', 'id', 'type'])
  t.is(call.type, 'default')
  t.is(call.id, 'meeting-123')
  t.is(call.cid, 'default:meeting-123')
  t.is(call.createdById, 'user-1')
  t.true(call.created)
  t.false(Number.isNaN(Date.parse(call.createdAt)))
  t.deepEqual(call.custom, { ...DATA, extra: { nested: [1, null, 'x'] } })

  const [request] = t.context.stream.requests
  t.is(request.path, '/api/v2/video/call/default/meeting-123')
  assertStreamHeaders(t, request)
  t.is(
    request.body,
    '{"data":{"created_by_id":"user-1","custom":{"meetingId":"m-1","agentId":"agent-456","agentName":"Sales Assistant","extra":{"nested":[1,null,"x"]}}}}',
  )

  const again = await client.createStreamCall('meeting-123', 'user-1', DATA)
  t.false(again.created, 'get-or-create: the second call finds the first')
  const ids = t.context.stream.requests.map((r) => r.headers['x-client-request-id'])
  t.not(ids[0], ids[1], 'a fresh request id per request')
  const tokens = t.context.stream.requests.map((r) => r.headers.authorization)
  t.is(tokens[0], tokens[1], 'the server token is reused, not signed per request')
})

test.serial('addCallParticipant upserts a member with the default or given role', async (t) => {
  const client = clientFor(t)
  await client.createStreamCall('c1', 'host', DATA)
  await client.upsertUsers([{ id: 'guest-1' }, { id: 'guest-2' }])
  t.is(await client.addCallParticipant('c1', 'guest-1'), undefined)
  await client.addCallParticipant('c1', 'guest-2', 'moderator')
  const [, , first, second] = t.context.stream.requests
  t.is(first.path, '/api/v2/video/call/default/c1/members')
  assertStreamHeaders(t, first)
  t.is(first.body, '{"update_members":[{"user_id":"guest-1","role":"participant"}]}')
  t.is(second.body, '{"update_members":[{"user_id":"guest-2","role":"moderator"}]}')
  const members = t.context.stream.calls.get('default:c1').members
  t.deepEqual([...members.keys()], ['guest-1', 'guest-2'])
})

test.serial('endCall posts mark_ended with no body', async (t) => {
  const client = clientFor(t)
  await client.createStreamCall('c2', 'host', DATA)
  t.is(await client.endCall('c2'), undefined)
  const request = t.context.stream.requests[1]
  t.is(request.path, '/api/v2/video/call/default/c2/mark_ended')
  assertStreamHeaders(t, request)
  t.is(request.body, '')
  t.truthy(t.context.stream.calls.get('default:c2').endedAt)
})

test.serial('a Stream error body becomes STREAM_API with status, streamCode and requestId', async (t) => {
  const client = clientFor(t)
  const err = await t.throwsAsync(client.endCall('never-created'), { instanceOf: StreamError })
  t.is(err.code, 'STREAM_API')
  t.is(err.status, 404)
  t.is(err.streamCode, 16)
  t.is(err.attempts, 1)
  t.is(err.requestId, t.context.stream.requests[0].headers['x-client-request-id'])
  t.regex(err.message, /Can't find call with id default:never-created/)
  t.regex(err.message, /HTTP 404/)

  const members = await t.throwsAsync(client.addCallParticipant('nope', 'u'))
  t.is(members.streamCode, 16)
})

test.serial('authentication failures are STREAM_API 401 with Stream codes', async (t) => {
  const wrongSecret = clientFor(t, { apiSecret: 'another-secret' })
  const bad = await t.throwsAsync(wrongSecret.createStreamCall('c3', 'u', DATA))
  t.like(bad, { code: 'STREAM_API', status: 401, streamCode: 43 })
  const wrongKey = clientFor(t, { apiKey: 'other-key' })
  t.like(await t.throwsAsync(wrongKey.endCall('c3')), { code: 'STREAM_API', status: 401, streamCode: 2 })
})

test.serial('a non-JSON error page still gives a clear STREAM_API error', async (t) => {
  t.context.stream.injectFault({ status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' })
  const err = await t.throwsAsync(clientFor(t, { maxRetries: 0 }).endCall('c4'))
  t.is(err.code, 'STREAM_API')
  t.is(err.status, 502)
  t.is(err.streamCode, undefined)
  t.regex(err.message, /HTTP 502.*502 Bad Gateway/)
})

test.serial('malformed JSON in a 2xx response is STREAM_API, not a crash', async (t) => {
  t.context.stream.injectFault({ status: 201, body: '{"call": oops' })
  const err = await t.throwsAsync(clientFor(t).createStreamCall('c5', 'u', DATA))
  t.is(err.code, 'STREAM_API')
  t.is(err.status, 201)
  t.regex(err.message, /not the expected JSON/)
})

test.serial('a closed port is STREAM_NETWORK', async (t) => {
  const client = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 })
  const err = await t.throwsAsync(client.endCall('c6'))
  t.is(err.code, 'STREAM_NETWORK')
  t.regex(err.message, /could not connect to 127\.0\.0\.1:\d+/)
})

test.serial('a server that never answers is STREAM_TIMEOUT at the deadline', async (t) => {
  t.context.stream.injectFault({ hang: true })
  const started = Date.now()
  const err = await t.throwsAsync(clientFor(t, { timeoutMs: 300 }).endCall('c7'))
  const elapsed = Date.now() - started
  t.is(err.code, 'STREAM_TIMEOUT')
  t.regex(err.message, /timed out after 300 ms/)
  t.true(elapsed >= 290 && elapsed < 2000, `settled after ${elapsed} ms`)
})

test.serial('invalid arguments reject before any request is sent', async (t) => {
  const client = clientFor(t)
  const cases = [
    [() => client.createStreamCall('bad id', 'u', DATA), /^callId must be a call id or type:id, each part 1-64 characters/],
    [() => client.createStreamCall('x'.repeat(65), 'u', DATA), /^callId/],
    [() => client.createStreamCall('', 'u', DATA), /^callId/],
    [() => client.createStreamCall('a/b', 'u', DATA), /^callId/],
    [() => client.createStreamCall('ok', '', DATA), /^userId must be a non-empty string/],
    [() => client.createStreamCall('ok', ' \t ', DATA), /^userId must be a non-empty string, not only whitespace$/],
    [() => client.createStreamCall('ok', 'u', 'meeting'), /^data must be an object of custom data \(or null\), got string$/],
    [() => client.createStreamCall('ok', 'u', [DATA]), /^data must be an object of custom data \(or null\), got an array$/],
    [() => client.createStreamCall('ok', 'u', DATA, { foo: 1 }), /^options\.foo is not an option here \(known: members, startsAt, settings\)$/],
    [() => client.createStreamCall('ok', 'u', DATA, { startsAt: new Date(Number.NaN) }), /^options\.startsAt must be a valid Date, got an Invalid Date$/],
    [() => client.createStreamCall('a:b:c', 'u', DATA), /^callId must be a call id or type:id/],
    [() => client.createStreamCall('ok', 'u', { ...DATA, big: 1n }), /^data must be JSON-serializable/],
    [() => client.createStreamCall(42, 'u', DATA), /^callId must be a string, got number/],
    [() => client.createStreamCall(), /^callId must be a string, got undefined/],
    [() => client.addCallParticipant('ok', 'u', ''), /^role must be a non-empty string/],
    [() => client.addCallParticipant('ok', 'u', 7), /^role must be a string/],
    [() => client.addCallParticipant('ok', null), /^userId must be a string, got null/],
    [() => client.endCall('semi;colon'), /^callId/],
    [() => client.endCall({}), /^callId must be a string, got object/],
  ]
  for (const [run, message] of cases) {
    let promise
    t.notThrows(() => {
      promise = run()
    }, 'Promise-returning functions never throw synchronously')
    const err = await t.throwsAsync(promise, { instanceOf: StreamError })
    t.is(err.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(err.message, message)
  }
  t.is(t.context.stream.requests.length, 0)
})

test.serial('createStreamClient rejects bad options with STREAM_CONFIG', (t) => {
  const bad = [
    [undefined, /^options must be an object/],
    [{ apiSecret: 's' }, /^apiKey is required/],
    [{ apiKey: 'k', apiSecret: '' }, /^apiSecret is required/],
    [{ apiKey: 'k', apiSecret: 5 }, /^apiSecret must be a string/],
    [{ apiKey: 'k', apiSecret: 's', baseUrl: 'ftp://x' }, /^baseUrl must start with http/],
    [{ apiKey: 'k', apiSecret: 's', baseUrl: 'not a url' }, /^baseUrl is not a valid URL/],
    [{ apiKey: 'k', apiSecret: 's', timeoutMs: 0 }, /^timeoutMs must be a whole number/],
    [{ apiKey: 'k', apiSecret: 's', timeoutMs: '5' }, /^timeoutMs must be a number/],
    [{ apiKey: 'k', apiSecret: 's', maxRetries: -1 }, /^maxRetries must be a whole number/],
  ]
  for (const [options, message] of bad) {
    const err = t.throws(() => createStreamClient(options), { instanceOf: StreamError })
    t.is(err.code, 'STREAM_CONFIG')
    t.regex(err.message, message)
  }
})

test.serial('clients with different options stay independent', async (t) => {
  const a = clientFor(t)
  const b = createStreamClient({ apiKey: API_KEY, apiSecret: 'wrong', baseUrl: t.context.stream.url })
  await a.createStreamCall('c8', 'u', DATA)
  await t.throwsAsync(b.createStreamCall('c8', 'u', DATA), { code: 'STREAM_API' })
  t.true((await a.createStreamCall('c8', 'u', DATA)).created === false)
})

test.serial('concurrent calls all settle on one pooled client', async (t) => {
  const client = clientFor(t)
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => client.createStreamCall(`load-${i % 50}`, 'u', DATA)))
  t.is(results.length, 200)
  t.is(results.filter((r) => r.created).length, 50)
  t.is(t.context.stream.calls.size, 50)
})
