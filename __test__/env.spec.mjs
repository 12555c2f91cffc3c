// Module-level functions: tokens and webhook checks with credentials from the
// environment, read at call time. Serial: the tests change process.env.
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import { promisify } from 'node:util'
import test from 'ava'
import jwt from 'jsonwebtoken'
import * as stream from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, decodeJwtParts, useEmulator } from './helpers.mjs'

useEmulator(test)

test.beforeEach((t) => {
  process.env.STREAM_API_KEY = API_KEY
  process.env.STREAM_API_SECRET = API_SECRET
  process.env.STREAM_BASE_URL = t.context.stream.url
  delete process.env.STREAM_TIMEOUT_MS
  delete process.env.STREAM_MAX_RETRIES
})

const hmac = (body, secret = API_SECRET) => crypto.createHmac('sha256', secret).update(body).digest('hex')

test.serial('generateStreamToken signs {user_id, iat, exp} with iat = now - 1 s and 1 h validity', async (t) => {
  const before = Math.floor(Date.now() / 1000)
  const token = await stream.generateStreamToken('user-1')
  const after = Math.floor(Date.now() / 1000)
  const { header, payload } = decodeJwtParts(token)
  t.is(header, '{"alg":"HS256","typ":"JWT"}', "the header Stream's SDK signs, byte for byte")
  t.regex(payload, /^\{"user_id":"user-1","iat":\d+,"exp":\d+\}$/, 'claims in that order, nothing else')
  const claims = jwt.verify(token, API_SECRET, { algorithms: ['HS256'] })
  t.true(claims.iat >= before - 1 && claims.iat <= after - 1)
  t.is(claims.exp - claims.iat, 3600)
  t.throws(() => jwt.verify(token, 'other-secret'), { any: true, message: 'invalid signature' })
})

test.serial('generateCallToken signs with the environment secret too', async (t) => {
  const claims = jwt.verify(await stream.generateCallToken('guest', ['m-1'], { role: 'guest' }), API_SECRET)
  t.like(claims, { user_id: 'guest', call_cids: ['default:m-1'], role: 'guest' })
  t.is(jwt.verify(stream.generateCallTokenSync('guest', ['m-1']), API_SECRET).call_cids[0], 'default:m-1')
})

test.serial('custom validity, unicode user ids and the Sync twin', (t) => {
  const token = stream.generateStreamTokenSync('üser "quoted" 名前', 7200)
  const claims = jwt.verify(token, API_SECRET)
  t.is(claims.user_id, 'üser "quoted" 名前')
  t.is(claims.exp - claims.iat, 7200)
  t.is(jwt.verify(stream.generateStreamTokenSync('u', 315360000), API_SECRET).exp - jwt.decode(stream.generateStreamTokenSync('u', 315360000)).iat, 315360000)
})

test.serial('bad token arguments are STREAM_INVALID_ARGUMENT naming the parameter', async (t) => {
  for (const validity of [0, -1, 1.5, NaN, Infinity, -Infinity, 315360001, '60', null]) {
    const err = await t.throwsAsync(stream.generateStreamToken('u', validity))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT', String(validity))
    t.regex(err.message, /^validityInSeconds must be/)
    t.throws(() => stream.generateStreamTokenSync('u', validity), { code: 'STREAM_INVALID_ARGUMENT' })
  }
  for (const userId of ['', '  ', '\t\n', 42, undefined, null]) {
    const err = await t.throwsAsync(stream.generateStreamToken(userId))
    t.is(err.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(err.message, /^userId must be/)
  }
})

test.serial('credentials are read when a function is called, not at import', async (t) => {
  delete process.env.STREAM_API_KEY
  delete process.env.STREAM_API_SECRET
  const missingKey = await t.throwsAsync(stream.generateStreamToken('u'), { instanceOf: stream.StreamError })
  t.is(missingKey.code, 'STREAM_CONFIG')
  t.regex(missingKey.message, /STREAM_API_KEY is not set/)
  process.env.STREAM_API_KEY = API_KEY
  process.env.STREAM_API_SECRET = ''
  const missingSecret = await t.throwsAsync(stream.createStreamCall('c1', 'u', DATA))
  t.is(missingSecret.code, 'STREAM_CONFIG')
  t.regex(missingSecret.message, /STREAM_API_SECRET is not set/)
  await t.throwsAsync(stream.verifyWebhook('{}', hmac('{}')), { code: 'STREAM_CONFIG' })
  t.throws(() => stream.verifyWebhookSync('{}', hmac('{}')), { code: 'STREAM_CONFIG' })
  t.is(t.context.stream.requests.length, 0)

  process.env.STREAM_API_SECRET = API_SECRET
  t.truthy(jwt.verify(await stream.generateStreamToken('u'), API_SECRET))
  process.env.STREAM_API_SECRET = 'rotated-secret'
  t.truthy(jwt.verify(await stream.generateStreamToken('u'), 'rotated-secret'), 'a changed variable takes effect')
})

test.serial('the module-level REST functions use STREAM_BASE_URL and the env credentials', async (t) => {
  const call = await stream.createStreamCall('env-call', 'host', DATA)
  t.is(call.cid, 'default:env-call')
  t.like(await stream.upsertUsers([{ id: 'guest' }]), [{ id: 'guest', role: 'user' }])
  await stream.addCallParticipant('env-call', 'guest')
  await stream.endCall('env-call')
  t.deepEqual(
    t.context.stream.requests.slice(-4).map((r) => r.path),
    ['/api/v2/video/call/default/env-call', '/api/v2/users', '/api/v2/video/call/default/env-call/members', '/api/v2/video/call/default/env-call/mark_ended'],
  )
  process.env.STREAM_BASE_URL = 'gopher://nowhere'
  const err = await t.throwsAsync(stream.endCall('env-call'))
  t.is(err.code, 'STREAM_CONFIG')
  t.regex(err.message, /^STREAM_BASE_URL must start with http/)
})

test.serial('STREAM_TIMEOUT_MS bounds every request', async (t) => {
  process.env.STREAM_TIMEOUT_MS = '250'
  t.context.stream.injectFault({ hang: true })
  const started = Date.now()
  const err = await t.throwsAsync(stream.endCall('whatever'))
  t.is(err.code, 'STREAM_TIMEOUT')
  t.true(Date.now() - started < 2000)
})

test.serial('verifyWebhook matches node:crypto HMAC-SHA256 over the exact bytes', async (t) => {
  const bodies = ['', '{}', '{"type":"call.session_started","call_cid":"default:x"}', 'héllo wörld ✓ 名前', 'x'.repeat(70000)]
  for (const body of bodies) {
    const signature = hmac(body)
    t.true(await stream.verifyWebhook(body, signature))
    t.true(stream.verifyWebhookSync(Buffer.from(body), signature), 'Buffer body')
    t.true(stream.verifyWebhookSync(new TextEncoder().encode(body), signature), 'Uint8Array body')
    t.false(stream.verifyWebhookSync(`${body} `, signature), 'one more byte')
    t.false(await stream.verifyWebhook(body, hmac(body, 'wrong-secret')))
  }
  const raw = Buffer.from([0xff, 0x00, 0xfe, 0x80])
  t.true(stream.verifyWebhookSync(raw, crypto.createHmac('sha256', API_SECRET).update(raw).digest('hex')), 'non-UTF-8 bytes')
})

test.serial('malformed signatures are false, never errors', async (t) => {
  const body = '{"a":1}'
  const good = hmac(body)
  for (const signature of ['', good.toUpperCase(), good.slice(1), `${good}00`, `sha256=${good}`, 'z'.repeat(64), '名'.repeat(64), null, undefined, 12]) {
    t.false(await stream.verifyWebhook(body, signature), String(signature))
    t.false(stream.verifyWebhookSync(body, signature))
  }
  const err = await t.throwsAsync(stream.verifyWebhook({ a: 1 }, good))
  t.is(err.code, 'STREAM_INVALID_ARGUMENT')
  t.regex(err.message, /^body must be a string or a Uint8Array/)
})

test.serial('handleStreamWebhook uses STREAM_API_SECRET', async (t) => {
  const body = JSON.stringify({ type: 'call.session_started', created_at: '2026-04-08T14:23:35Z', call_cid: 'default:x' })
  const result = await stream.handleStreamWebhook(body, { signature: hmac(body), webhookId: 'w1' })
  t.like(result, { type: 'call.session_started', callId: 'x', webhookId: 'w1', update: { status: 'active', startedAt: '2026-04-08T14:23:35Z' } })
  process.env.STREAM_API_SECRET = 'rotated-secret'
  await t.throwsAsync(stream.handleStreamWebhook(body, { signature: hmac(body) }), { code: 'STREAM_WEBHOOK_SIGNATURE' })
  delete process.env.STREAM_API_SECRET
  await t.throwsAsync(stream.handleStreamWebhook(body, { signature: hmac(body) }), { code: 'STREAM_CONFIG' })
})

test.serial('worker threads sign with their own process.env while the main thread rewrites the environment', async (t) => {
  // In a child process: before the fix, this crashed the whole process (SIGSEGV).
  const fixture = new URL('./fixtures/env-race.mjs', import.meta.url)
  const { stdout } = await promisify(execFile)(process.execPath, [fixture.pathname], {
    env: { ...process.env, RACE_CALLS: '20000', RACE_ENV_CHANGES: '5000' },
    timeout: 90_000,
  })
  const summary = JSON.parse(stdout.trim().split('\n').at(-1))
  t.is(summary.mainWrong, 0)
  t.deepEqual(
    summary.workers.map((w) => w.wrong),
    [0, 0, 0],
    'each thread signed with its own secret',
  )
  t.is(summary.workers.length, 3)
})
