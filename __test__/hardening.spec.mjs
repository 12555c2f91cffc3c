// The second hardening round: each test here failed before its fix.
// A server that echoes secrets into every field, numbers past 2^53, a lost
// first answer, gzip with trailing data, one AbortSignal for many calls, a
// connection limit and a process out of file descriptors, huge string bodies.
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import { getEventListeners } from 'node:events'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import test from 'ava'
import { createStreamClient, handleStreamWebhook } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, captureErrors, useEmulator } from './helpers.mjs'

useEmulator(test)
test.serial.beforeEach((t) => t.context.stream.reset())

const run = promisify(execFile)
const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const client = (url, options = {}) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url, maxRetries: 0, ...options })

/** A loopback server whose answer is `answer(req)`: `{ status, body, contentType? }`. Tracks open sockets. */
async function server(answer) {
  const state = { open: 0, maxOpen: 0, inFlight: 0, maxInFlight: 0 }
  const srv = http.createServer((req, res) => {
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight)
    req.resume()
    req.on('end', async () => {
      const { status, body, contentType = 'application/json' } = await answer(req)
      state.inFlight--
      res.writeHead(status, { 'content-type': contentType })
      res.end(body)
    })
  })
  srv.on('connection', (socket) => {
    state.maxOpen = Math.max(state.maxOpen, ++state.open)
    socket.on('close', () => state.open--)
  })
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  state.url = `http://127.0.0.1:${srv.address().port}`
  state.close = () =>
    new Promise((r) => {
      srv.closeAllConnections()
      srv.close(r)
    })
  return state
}

// --- 1. One door for every message -----------------------------------------

const MiB = 1024 * 1024
const OTHER_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiYWRtaW4ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ'
/** What a hostile server or proxy echoes back, given the request's Authorization header. */
const echoes = (authorization) => [
  authorization,
  API_SECRET,
  `Bearer ${authorization}`,
  `secret=${API_SECRET}&token=${OTHER_JWT}`,
  'x'.repeat(MiB),
  `${'y'.repeat(MiB - 20)}${API_SECRET}`,
]

/** Every answer type the package reads, as Stream sends it. */
const ANSWERS = {
  createStreamCall: {
    status: 201,
    body: {
      call: { type: 'default', id: 'c', cid: 'default:c', created_by: { id: 'u' }, created_at: '2026-04-08T14:23:35Z', custom: { meetingId: 'm' } },
      members: [],
      created: true,
      duration: '1ms',
    },
  },
  upsertUsers: {
    status: 201,
    body: { users: { u: { id: 'u', role: 'user', name: 'U', image: 'i', custom: {}, created_at: 't', updated_at: 't' } }, duration: '1ms' },
  },
  updateUsersPartial: {
    status: 200,
    body: { users: { u: { id: 'u', role: 'user', name: 'U', image: 'i', custom: {}, created_at: 't', updated_at: 't' } }, duration: '1ms' },
  },
  getUsers: { status: 200, body: { users: [{ id: 'u', role: 'user', name: 'U', custom: { a: 1 }, created_at: 't', updated_at: 't' }], duration: '1ms' } },
  error: { status: 400, body: { code: 4, message: 'bad', StatusCode: 400, duration: '1ms', more_info: 'x', details: [], unrecoverable: true } },
}

/** Every path to a leaf (and to each object) of `value`. */
function paths(value, prefix = []) {
  if (typeof value !== 'object' || value === null) return [prefix]
  return [...(prefix.length ? [prefix] : []), ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))]
}

function withAt(value, path, replacement) {
  const copy = structuredClone(value)
  let target = copy
  for (const key of path.slice(0, -1)) target = target[key]
  target[path.at(-1)] = replacement
  return copy
}

test.serial('no secret, server JWT or megabyte ever reaches a message or a log line, whatever the answer holds', async (t) => {
  let current = null
  const srv = await server((req) => current(req))
  const api = client(srv.url)
  const ops = {
    createStreamCall: () => api.createStreamCall('c', 'u', DATA),
    upsertUsers: () => api.upsertUsers([{ id: 'u' }]),
    updateUsersPartial: () => api.updateUsersPartial([{ id: 'u', set: { name: 'x' } }]),
    getUsers: () => api.getUsers(['u']),
    addCallParticipant: () => api.addCallParticipant('c', 'u'),
    endCall: () => api.endCall('c'),
  }
  let cases = 0
  let failures = 0
  const lines = await captureErrors(async () => {
    for (const [answerName, answer] of Object.entries(ANSWERS)) {
      for (const path of paths(answer.body)) {
        for (const make of [(echo) => echo, (echo) => ({ nested: [echo] }), (echo) => [echo, 1]]) {
          for (let which = 0; which < 6; which++) {
            current = (req) => {
              const echo = echoes(req.headers.authorization)[which]
              return { status: answer.status, body: JSON.stringify(withAt(answer.body, path, make(echo))) }
            }
            const targets = answerName === 'error' ? Object.values(ops) : [ops[answerName]]
            for (const op of targets) {
              cases++
              const err = await op().then(
                () => null,
                (e) => e,
              )
              if (err === null) continue
              failures++
              t.is(err.name, 'StreamError')
              t.false(err.message.includes(API_SECRET), `${answerName} ${path.join('.')}: ${err.message.slice(0, 200)}`)
              t.false(/eyJ[\w-]+\.[\w-]+/.test(err.message), `${answerName} ${path.join('.')}: ${err.message.slice(0, 200)}`)
              t.true(err.message.length <= 501, `${err.message.length} characters`)
            }
          }
        }
      }
    }
    // Bodies that are not JSON at all, on errors and on 2xx.
    for (const status of [200, 201, 401, 500]) {
      for (const contentType of ['text/plain', 'text/html', 'application/json']) {
        for (let which = 0; which < 6; which++) {
          current = (req) => {
            const echo = echoes(req.headers.authorization)[which]
            return { status, contentType, body: contentType === 'text/html' ? `<title>${echo}</title>` : echo }
          }
          cases++
          const err = await ops.createStreamCall().catch((e) => e)
          failures++
          t.false(err.message.includes(API_SECRET) || /eyJ[\w-]+\.[\w-]+/.test(err.message), err.message.slice(0, 200))
          t.true(err.message.length <= 501)
        }
      }
    }
  })
  await srv.close()
  t.true(cases > 300, `${cases} cases`)
  t.true(failures > 200, `${failures} errors checked`)
  t.is(lines.length, failures, 'each failure logged once')
  for (const line of lines) {
    t.false(line.includes(API_SECRET) || /eyJ[\w-]+\.[\w-]+/.test(line), line.slice(0, 200))
    t.true(line.length < 600, `${line.length}`)
  }
})

// --- 3. Numbers stay numbers -------------------------------------------------

const NUMBERS = [2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 63 + 2048, 2 ** 64 - 2048, 2 ** 64, 1e20, 1.5e300, -(2 ** 63), -(2 ** 64), -1.5, 0.1, 5e-324, 123]

test.serial('numbers round-trip through the emulator as JSON.parse gives them, in calls and users', async (t) => {
  const api = client(t.context.stream.url)
  const custom = Object.fromEntries(NUMBERS.map((n, i) => [`n${i}`, n]))
  const call = await api.createStreamCall('numbers', 'u', { ...DATA, ...custom, nested: [{ big: 2 ** 63 }] })
  for (const [key, value] of Object.entries(custom)) t.is(call.custom[key], value, key)
  t.is(typeof call.custom.n2, 'number')
  t.is(call.custom.n2 + 1, 2 ** 63 + 1)
  t.is(call.custom.nested[0].big, 2 ** 63)
  const [user] = await api.upsertUsers([{ id: 'numbers', custom }])
  t.deepEqual(user.custom, custom)
})

test.serial('any number Stream writes reaches JS exactly as JSON.parse reads it', async (t) => {
  const literals = [
    '18446744073709551615',
    '9223372036854775808',
    '-9223372036854775809',
    '100000000000000000000000',
    '1e400',
    '-0',
    '0.30000000000000004',
    '1E-7',
  ]
  const customText = `{${literals.map((l, i) => `"v${i}":${l}`).join(',')},"deep":[[[${literals.join(',')}]]]}`
  const srv = await server(() => ({
    status: 201,
    body: `{"call":{"type":"default","id":"c","cid":"default:c","created_by":{"id":"u"},"created_at":"2026-04-08T14:23:35Z","custom":${customText}},"created":true,"users":{"u":{"id":"u","role":"user","custom":${customText}}}}`,
  }))
  const api = client(srv.url)
  const call = await api.createStreamCall('c', 'u', DATA)
  t.deepEqual(call.custom, JSON.parse(customText))
  t.true(Object.is(call.custom.v5, -0))
  const [user] = await api.upsertUsers([{ id: 'u' }])
  t.deepEqual(user.custom, JSON.parse(customText))
  await srv.close()
})

// --- 6. created after a lost answer -------------------------------------------

test.serial('created is true when the first answer was lost after Stream created the call', async (t) => {
  const emulator = t.context.stream
  emulator.injectFault({ path: '/call/default/lost-answer', drop: 'after' })
  const api = client(emulator.url, { maxRetries: 2 })
  const call = await api.createStreamCall('lost-answer', 'u', DATA)
  t.is(emulator.requests.length, 2, 'the first answer was lost and the request retried')
  t.true(call.created)
  // The same shape for a call that already existed: not created by this operation.
  emulator.calls.get('default:lost-answer').createdAt = '2026-01-01T00:00:00.000Z'
  emulator.injectFault({ path: '/call/default/lost-answer', drop: 'after' })
  t.false((await api.createStreamCall('lost-answer', 'u', DATA)).created)
  // Another creator's call is never ours either.
  await api.createStreamCall('theirs', 'someone-else', DATA)
  emulator.injectFault({ path: '/call/default/theirs', drop: 'after' })
  t.false((await api.createStreamCall('theirs', 'u', DATA)).created)
})

// --- 7. gzip trailing data ---------------------------------------------------

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

// --- 9. One listener per signal -----------------------------------------------

test.serial('one AbortSignal shared by 50 calls adds one listener, warns nothing, and cancels them all', async (t) => {
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  const emulator = t.context.stream
  const api = client(emulator.url)
  const controller = new AbortController()
  const { signal } = controller
  await Promise.all(Array.from({ length: 50 }, (_, i) => api.createStreamCall(`sig-${i}`, 'u', DATA, { signal })))
  t.is(getEventListeners(signal, 'abort').length, 0, 'removed when the last call settled')
  emulator.injectFault({ path: '/mark_ended', hang: true, times: 50 })
  const pending = Array.from({ length: 50 }, (_, i) => api.endCall(`sig-${i}`, { signal }))
  t.is(getEventListeners(signal, 'abort').length, 1)
  await new Promise((r) => setTimeout(r, 100))
  controller.abort()
  const results = await Promise.allSettled(pending)
  t.true(results.every((r) => r.status === 'rejected' && r.reason.code === 'STREAM_ABORTED'))
  t.is(getEventListeners(signal, 'abort').length, 0)
  await new Promise((r) => setImmediate(r))
  process.off('warning', onWarning)
  t.deepEqual(
    warnings.map((w) => w.name),
    [],
  )
})

// --- 10. A connection limit ----------------------------------------------------

test.serial('maxConnections caps open sockets; requests beyond it wait their turn and succeed', async (t) => {
  const srv = await server(async () => {
    await new Promise((r) => setTimeout(r, 50))
    return { status: 201, body: '{"duration":"1ms"}' }
  })
  const api = client(srv.url, { maxConnections: 8 })
  t.is(api.toJSON().maxConnections, 8)
  const started = Date.now()
  await Promise.all(Array.from({ length: 80 }, (_, i) => api.endCall(`c${i}`)))
  t.is(srv.maxInFlight, 8, 'eight requests at a time')
  // A connection goes back to the pool just after its slot is freed, so a next
  // request may open a new one meanwhile; idle ones are capped at the same number.
  t.true(srv.maxOpen <= 16, `${srv.maxOpen} sockets open at once`)
  t.true(Date.now() - started >= 450, 'ten rounds of eight')
  t.is(createStreamClient({ apiKey: 'k', apiSecret: 's' }).toJSON().maxConnections, 128, 'the default')
  for (const bad of [0, 10_001, 1.5, -1]) {
    t.throws(() => createStreamClient({ apiKey: 'k', apiSecret: 's', maxConnections: bad }), { code: 'STREAM_CONFIG', message: /^maxConnections must be/ })
  }
  await srv.close()
})

test.serial('out of file descriptors is reported as this process’s own limit; the default limit keeps clear of it', async (t) => {
  const srv = await server(async () => {
    await new Promise((r) => setTimeout(r, 300))
    return { status: 201, body: '{"duration":"1ms"}' }
  })
  const script = (max) =>
    run('bash', ['-c', `ulimit -n 160 && exec "${process.execPath}" "${fixture('fd-limit.mjs')}"`], {
      env: { ...process.env, BASE_URL: srv.url, CALLS: '400', MAX_CONNECTIONS: max },
    }).then(({ stdout }) => JSON.parse(stdout))
  const unlimited = await script('10000')
  t.true(unlimited.failed > 0, JSON.stringify(unlimited))
  t.is(unlimited.errors[0].code, 'STREAM_NETWORK')
  t.regex(unlimited.errors[0].message, /this process is out of file descriptors \(too many open files\); 127\.0\.0\.1:\d+ was not reached/)
  const bounded = await script('64')
  t.deepEqual(bounded, { ok: 400, errors: [], failed: 0 })
  await srv.close()
})

// --- 11. String bodies ---------------------------------------------------------

test('a 100-million-character string body is refused before it is copied', async (t) => {
  const { stdout } = await run(process.execPath, [fixture('string-body.mjs')], { maxBuffer: MiB })
  const { handle, verify, code, message } = JSON.parse(stdout)
  t.is(code, 'STREAM_INVALID_ARGUMENT')
  t.regex(message, /over the 1048576-byte limit/)
  t.true(handle < 20, `handleStreamWebhook grew the peak RSS by ${handle} MB`)
  t.true(verify < 150, `verifyWebhookSync (no limit) copied ${verify} MB for 100 MB of text, not 300`)
})
