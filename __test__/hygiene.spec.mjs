// Logging and secret hygiene: one log line per failure, and neither the API
// secret nor any JWT ever shows up in a message, a log line or util.inspect.
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { inspect, promisify } from 'node:util'
import test from 'ava'
import * as stream from 'stream-video-native'
import { API_KEY, API_SECRET, answeringServer, captureErrors, closedPort, DATA, useEmulator } from './helpers.mjs'

useEmulator(test)

const JWT_SHAPE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\./

function assertClean(t, text, what) {
  t.false(text.includes(API_SECRET), `${what} contains the API secret`)
  t.notRegex(text, JWT_SHAPE, `${what} contains a JWT`)
}

test.serial('each failure is logged once, naming the operation and the code', async (t) => {
  const client = stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: t.context.stream.url })
  const lines = await captureErrors(async () => {
    await t.throwsAsync(client.endCall('missing-call'))
  })
  t.is(lines.length, 1)
  t.regex(lines[0], /^\[stream-video-native\] endCall failed: STREAM_API: Stream API error \(HTTP 404, code 16\)/)
  const silent = await captureErrors(async () => {
    process.env.STREAM_LOG = 'silent'
    try {
      await t.throwsAsync(client.endCall('missing-call'))
    } finally {
      delete process.env.STREAM_LOG
    }
  })
  t.deepEqual(silent, [], 'STREAM_LOG=silent turns logging off')
})

/** Lines written to stderr while `fn` runs, with STREAM_LOG set to `mode`. */
async function captureStderr(mode, fn) {
  const lines = []
  const write = process.stderr.write
  const previous = process.env.STREAM_LOG
  process.env.STREAM_LOG = mode
  process.stderr.write = (chunk) => {
    lines.push(...String(chunk).split('\n').filter(Boolean))
    return true
  }
  try {
    await fn()
  } finally {
    process.stderr.write = write
    if (previous === undefined) delete process.env.STREAM_LOG
    else process.env.STREAM_LOG = previous
  }
  return lines
}

const RECORD_KEYS = ['time', 'level', 'operation', 'code', 'status', 'streamCode', 'requestId', 'attempts', 'durationMs', 'message']

test.serial('STREAM_LOG=json writes one JSON object per failure, with the fields log pipelines read', async (t) => {
  const emulator = t.context.stream
  const client = stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url, maxRetries: 1 })
  const lines = await captureStderr('json', async () => {
    await t.throwsAsync(client.endCall('missing-call'))
    emulator.injectFault({ status: 503 })
    emulator.injectFault({ status: 503 })
    await t.throwsAsync(client.endCall('missing-call'))
    t.throws(() => client.generateStreamTokenSync(''))
  })
  t.is(lines.length, 3, lines.join('\n'))
  const [missing, unavailable, token] = lines.map((l) => JSON.parse(l))
  for (const record of [missing, unavailable, token]) t.deepEqual(Object.keys(record), RECORD_KEYS)
  t.like(missing, { level: 'error', operation: 'endCall', code: 'STREAM_API', status: 404, streamCode: 16, attempts: 1 })
  t.true(Math.abs(Date.parse(missing.time) - Date.now()) < 60e3)
  t.regex(missing.requestId, /^[0-9a-f-]{36}$/)
  t.true(missing.durationMs >= 0 && missing.durationMs < 10e3)
  t.regex(missing.message, /HTTP 404, code 16/)
  t.like(unavailable, { operation: 'endCall', status: 503, attempts: 2 })
  t.like(token, { operation: 'generateStreamTokenSync', code: 'STREAM_INVALID_ARGUMENT', status: null, attempts: null, durationMs: null })
  t.deepEqual(await captureStderr('silent', () => t.throwsAsync(client.endCall('missing-call'))), [], 'silent stays silent')
})

test.serial('a logger option (a function, or pino/winston-style error method) gets the same records instead of stderr', async (t) => {
  const emulator = t.context.stream
  const seen = []
  const pinoLike = { error: (record) => seen.push(['object', record]) }
  const clients = [
    stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url, logger: (record) => seen.push(['function', record]) }),
    stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url, logger: pinoLike }),
  ]
  const printed = await captureErrors(async () => {
    for (const client of clients) {
      await t.throwsAsync(client.endCall('missing-call'))
      await t.throwsAsync(client.handleStreamWebhook('{}', { signature: 'bad' }))
    }
  })
  t.deepEqual(printed, [], 'a client with a logger writes nothing to stderr')
  t.deepEqual(
    seen.map(([kind, r]) => `${kind} ${r.operation} ${r.code}`),
    [
      'function endCall STREAM_API',
      'function handleStreamWebhook STREAM_WEBHOOK_SIGNATURE',
      'object endCall STREAM_API',
      'object handleStreamWebhook STREAM_WEBHOOK_SIGNATURE',
    ],
  )
  for (const [, record] of seen) t.deepEqual(Object.keys(record), RECORD_KEYS)
  // A logger that throws does not change what the caller gets.
  const throwing = stream.createStreamClient({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    baseUrl: emulator.url,
    logger: () => {
      throw new Error('logger down')
    },
  })
  t.like(await t.throwsAsync(throwing.endCall('missing-call')), { code: 'STREAM_API', status: 404 })
  for (const logger of [42, 'console', { info() {} }]) {
    const e = t.throws(() => stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, logger }))
    t.like(e, { code: 'STREAM_CONFIG' })
    t.regex(e.message, /^logger must be a function or an object with an error method/)
  }
})

test.serial('no error path leaks the secret or a JWT', async (t) => {
  const emulator = t.context.stream
  const client = stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url, maxRetries: 0, timeoutMs: 300 })
  // The emulator's first request shows us the server token, so we can look for it too.
  await client.createStreamCall('hygiene', 'u', DATA)
  const serverToken = emulator.requests[0].headers.authorization
  const userToken = client.generateStreamTokenSync('u')
  // A hostile or broken upstream that echoes the credentials back in its error body.
  const echo = JSON.stringify({ code: 5, message: `bad auth ${serverToken} secret=${API_SECRET} user=${userToken}`, StatusCode: 401 })
  const closed = stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 })

  const errors = []
  const lines = await captureErrors(async () => {
    const attempts = [
      () => {
        emulator.injectFault({ status: 401, body: echo })
        return client.endCall('hygiene')
      },
      () => {
        emulator.injectFault({ status: 502, body: `<html>${serverToken} ${API_SECRET}</html>` })
        return client.endCall('hygiene')
      },
      () => {
        emulator.injectFault({ hang: true })
        return client.endCall('hygiene')
      },
      () => {
        emulator.injectFault({ drop: 'connect' })
        return client.endCall('hygiene')
      },
      () => {
        emulator.injectFault({ drop: 'mid' })
        return client.createStreamCall('hygiene', 'u', DATA)
      },
      () => closed.endCall('hygiene'),
      () => client.endCall('unknown-call'),
      () => client.createStreamCall('bad id!', 'u', DATA),
      () => client.generateStreamToken('u', -5),
      () => client.verifyWebhook(42, 'sig'),
      () => stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: `http://user:${API_SECRET}@127.0.0.1/` }),
      () => stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: `ftp://${API_SECRET}.example` }),
    ]
    for (const attempt of attempts) {
      try {
        await attempt()
        t.fail('expected a failure')
      } catch (e) {
        errors.push(e)
      }
    }
  })
  t.is(errors.length, 12)
  t.is(lines.length, 12)
  t.true(errors.every((e) => e instanceof stream.StreamError))
  t.deepEqual(
    errors.slice(0, 6).map((e) => e.code),
    ['STREAM_API', 'STREAM_API', 'STREAM_TIMEOUT', 'STREAM_NETWORK', 'STREAM_NETWORK', 'STREAM_NETWORK'],
  )
  t.regex(errors[0].message, /bad auth \[redacted\] secret=\[redacted\] user=\[redacted\]/)
  for (const e of errors) {
    assertClean(t, `${e.message}\n${e.stack}\n${inspect(e)}\n${JSON.stringify(e)}`, `error ${e.code}`)
  }
  for (const line of lines) assertClean(t, line, 'log line')
  // The structured records: as STREAM_LOG=json writes them, and as a logger gets them.
  const records = []
  const logged = stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url, maxRetries: 0, logger: (r) => records.push(r) })
  const json = await captureStderr('json', async () => {
    for (const c of [client, logged]) {
      emulator.injectFault({ status: 401, body: echo })
      await t.throwsAsync(c.endCall('hygiene'))
      emulator.injectFault({ status: 502, body: `<html>${serverToken} ${API_SECRET}</html>` })
      await t.throwsAsync(c.endCall('hygiene'))
    }
  })
  t.is(json.length, 2)
  t.is(records.length, 2)
  for (const line of [...json, ...records.map((r) => JSON.stringify(r))]) assertClean(t, line, 'log record')
  assertClean(t, inspect(client, { depth: 5, showHidden: true }), 'util.inspect(client)')
  assertClean(t, JSON.stringify(client), 'JSON of client')
  t.regex(inspect(client), /apiSecret: '\[redacted\]'/)
})

test('one list of error codes: Rust, the generated binding, index.js, the types and docs/errors.md agree', (t) => {
  const require = createRequire(import.meta.url)
  const fromRust = Object.values(require('../binding.js').ErrorCode)
  t.true(fromRust.length >= 8)
  const dts = readFileSync(new URL('../binding.d.ts', import.meta.url), 'utf8')
  const typed = [...dts.match(/export type ErrorCode = (.+)/)[1].matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])
  t.deepEqual(typed, fromRust, 'binding.d.ts')
  const index = readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8')
  t.regex(index, /export type StreamErrorCode = ErrorCode \| ImportErrorCode\n/)
  const onImport = [...index.match(/export type ImportErrorCode = (.+)/)[1].matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])
  const errorsSection = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8').split('\n## ')[0]
  const documented = [...errorsSection.matchAll(/^\| `(STREAM_[A-Z_]+)` +\|/gm)].map((m) => m[1])
  t.deepEqual(documented.sort(), [...fromRust, ...onImport].sort(), 'the error table of docs/errors.md')
  // Every code the JS sources throw is in the list.
  for (const file of [
    '../index.js',
    '../edge.mjs',
    '../node-sdk/index.js',
    '../tracing.js',
    ...readdirSync(new URL('../lib', import.meta.url)).map((f) => `../lib/${f}`),
  ]) {
    const text = readFileSync(new URL(file, import.meta.url), 'utf8')
    for (const [, code] of text.matchAll(/'(STREAM_[A-Z_]+)'/g)) {
      if (!code.endsWith('_MS') && !['STREAM_LOG', 'STREAM_API_KEY', 'STREAM_API_SECRET', 'STREAM_BASE_URL'].includes(code)) {
        t.true([...fromRust, ...onImport].includes(code), `${file} uses ${code}, which is not in the list`)
      }
    }
  }
  // Whatever fails in index.js becomes one of these codes.
  for (const failure of [
    () => stream.generateStreamTokenSync(5),
    () => stream.createStreamClient(null),
    () => stream.createStreamClient({ apiKey: 'k', apiSecret: 's' }).generateCallTokenSync('u', []),
  ]) {
    const error = t.throws(failure)
    t.true(fromRust.includes(error.code), error.code)
  }
})

test.serial('a logger that throws, rejects or never settles changes neither the error the caller gets nor the process', async (t) => {
  // In a child process: an unhandled rejection would end it with code 1 (it did before issue 36).
  const script = `
    const { createStreamClient } = require('stream-video-native')
    const loggers = [
      () => { throw new Error('sync throw') },
      async () => { throw new Error('async reject') },
      { error: () => Promise.reject(new Error('logger.error rejects')) },
      () => new Promise(() => {}),
      { error: () => ({ then() { throw new Error('a thenable whose then throws') } }) },
      () => ({ then: (_resolve, reject) => reject(new Error('a thenable that rejects')) }),
    ]
    ;(async () => {
      for (const logger of loggers) {
        const [baseUrl, apiKey, apiSecret] = process.argv.slice(1)
        const client = createStreamClient({ apiKey, apiSecret, baseUrl, logger })
        const e = await client.endCall('missing-call').catch((e) => e)
        const token = await client.generateStreamToken('').catch((e) => e)
        console.log(e.code, e.status, token.code)
      }
    })()
  `
  const root = fileURLToPath(new URL('..', import.meta.url))
  const started = Date.now()
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['-e', script, t.context.stream.url, API_KEY, API_SECRET], {
    cwd: root,
    timeout: 30_000,
  })
  t.deepEqual(stdout.trim().split('\n'), Array(6).fill('STREAM_API 404 STREAM_INVALID_ARGUMENT'))
  t.is(stderr, '', 'no unhandled rejection, no warning')
  t.true(Date.now() - started < 20_000, 'the process exited by itself, a hanging logger kept nothing alive')
})

test.serial('the text log is one line per failure: line breaks, carriage returns and ANSI escapes in a message are escaped', async (t) => {
  const client = stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: t.context.stream.url })
  const forged = '\n[stream-video-native] createStreamCall failed: STREAM_API: forged'
  const keys = [`a${forged}`, 'b\r\u001b[31mred\u001b[0m', 'c\u2028d', 'e\u0085f']
  const sent = t.context.stream.requestCount
  const lines = await captureErrors(async () => {
    for (const key of keys) await t.throwsAsync(client.createStreamCall('log-1', 'host', { ...DATA, [key]: Number.NaN }))
  })
  t.is(lines.length, keys.length, lines.join('\n'))
  for (const line of lines) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
    t.notRegex(line, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/, 'no control character is printed')
    t.regex(line, /^\[stream-video-native\] createStreamCall failed: STREAM_INVALID_ARGUMENT: data\./)
  }
  t.true(lines[0].includes('data.a\\n[stream-video-native] createStreamCall failed'), lines[0])
  t.true(lines[1].includes('data.b\\r\\u001b[31mred\\u001b[0m must be a finite number, got NaN'), lines[1])
  t.is(t.context.stream.requestCount, sent, 'nothing was sent')
})

// A hostile server or proxy that echoes secrets into every field of every answer.

const MiB = 1024 * 1024
const client = (url) => stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url, maxRetries: 0 })
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
  const srv = await answeringServer((req) => current(req))
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
