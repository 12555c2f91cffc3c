// Logging and secret hygiene: one log line per failure, and neither the API
// secret nor any JWT ever shows up in a message, a log line or util.inspect.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { inspect } from 'node:util'
import test from 'ava'
import * as stream from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, captureErrors, closedPort, useEmulator } from './helpers.mjs'

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
  t.regex(readFileSync(new URL('../index.d.ts', import.meta.url), 'utf8'), /export type StreamErrorCode = ErrorCode\n/)
  const errorsSection = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8').split('\n## ')[0]
  const documented = [...errorsSection.matchAll(/^\| `(STREAM_[A-Z_]+)` +\|/gm)].map((m) => m[1])
  t.deepEqual(documented.sort(), [...fromRust].sort(), 'the error table of docs/errors.md')
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
