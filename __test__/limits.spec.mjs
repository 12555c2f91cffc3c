// Limits: the connection cap, this process's file descriptors, and string
// bodies too large to copy.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import test from 'ava'
import { createStreamClient } from 'stream-video-native'
import { API_KEY, API_SECRET, answeringServer } from './helpers.mjs'

const run = promisify(execFile)
const fixture = (name) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const client = (url, options = {}) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url, maxRetries: 0, ...options })
const MiB = 1024 * 1024

test.serial('maxConnections caps open sockets; requests beyond it wait their turn and succeed', async (t) => {
  const srv = await answeringServer(async () => {
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

// POSIX only (`ulimit` in `sh`, busybox's on Alpine): Windows has no per-process descriptor limit to lower.
;(process.platform === 'win32' ? test.skip : test.serial)(
  'out of file descriptors is reported as this process’s own limit; the default limit keeps clear of it',
  async (t) => {
    const srv = await answeringServer(async () => {
      await new Promise((r) => setTimeout(r, 300))
      return { status: 201, body: '{"duration":"1ms"}' }
    })
    const script = (max) =>
      run('sh', ['-c', `ulimit -n 160 && exec "${process.execPath}" "${fixture('fd-limit.mjs')}"`], {
        env: { ...process.env, BASE_URL: srv.url, CALLS: '400', MAX_CONNECTIONS: max },
      }).then(({ stdout }) => JSON.parse(stdout))
    const unlimited = await script('10000')
    t.true(unlimited.failed > 0, JSON.stringify(unlimited))
    t.is(unlimited.errors[0].code, 'STREAM_NETWORK')
    t.regex(unlimited.errors[0].message, /this process is out of file descriptors \(too many open files\); 127\.0\.0\.1:\d+ was not reached/)
    const bounded = await script('64')
    t.deepEqual(bounded, { ok: 400, errors: [], failed: 0 })
    await srv.close()
  },
)

test('a 100-million-character string body is refused before it is copied', async (t) => {
  const { stdout } = await run(process.execPath, [fixture('string-body.mjs')], { maxBuffer: MiB })
  const { handle, verify, code, message } = JSON.parse(stdout)
  t.is(code, 'STREAM_INVALID_ARGUMENT')
  t.regex(message, /over the 1048576-byte limit/)
  t.true(handle < 20, `handleStreamWebhook grew the peak RSS by ${handle} MB`)
  t.true(verify < 150, `verifyWebhookSync (no limit) copied ${verify} MB for 100 MB of text, not 300`)
})
