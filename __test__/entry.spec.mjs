// The package entry points as users load them: require, import, and a
// process that exits on its own once its last call settles.
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import test from 'ava'
import * as esm from 'stream-video-native'

const run = promisify(execFile)
const require = createRequire(import.meta.url)
// The list is index.js's own (facts.spec checks the other copies against it).
const EXPORTS = Object.keys(require('stream-video-native')).sort()

test('require and import expose the same named API', (t) => {
  const cjs = require('stream-video-native')
  t.true(EXPORTS.length >= 29)
  t.deepEqual(
    Object.keys(esm)
      .filter((k) => k !== 'default')
      .sort(),
    EXPORTS,
  )
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: comparing every export by name is the point
  for (const name of EXPORTS) t.is(esm[name], cjs[name], name)
})

test('every operation returns a Promise (or a value for the Sync twins)', (t) => {
  const promises = [
    esm.generateStreamToken(undefined),
    esm.createStreamCall(),
    esm.addCallParticipant(),
    esm.endCall(),
    esm.verifyWebhook(),
    esm.generateCallToken(),
    esm.createToken(),
    esm.upsertUsers(),
    esm.getUsers(),
    esm.updateUsersPartial(),
    esm.startRecording(),
    esm.stopRecording(),
    esm.startTranscription(),
    esm.stopTranscription(),
    esm.startClosedCaptions(),
    esm.stopClosedCaptions(),
    esm.getCall(),
    esm.listRecordings(),
    esm.listTranscriptions(),
    esm.queryCallMembers(),
    esm.startRecording('x', Symbol('not options')),
  ]
  for (const p of promises) t.true(p instanceof Promise)
  return Promise.allSettled(promises).then((results) => t.true(results.every((r) => r.status === 'rejected')))
})

test('the main entry does not load the emulator', async (t) => {
  const { stdout } = await run(process.execPath, [
    '-e',
    "require('stream-video-native'); console.log(Object.keys(require.cache).filter((f) => f.includes('emulator')).length)",
  ])
  t.is(stdout.trim(), '0')
})

test('a process exits promptly after a timed-out call to a server that never answers', async (t) => {
  const script = `
    const http = require('node:http')
    const server = http.createServer(() => {}) // never answers
    server.listen(0, '127.0.0.1', async () => {
      server.unref()
      const { createStreamClient } = require('stream-video-native')
      const client = createStreamClient({ apiKey: 'k', apiSecret: 's', baseUrl: 'http://127.0.0.1:' + server.address().port, timeoutMs: 300 })
      const err = await client.endCall('c').catch((e) => e)
      console.log(err.code)
      globalThis.settledAt = Date.now()
      process.on('exit', () => console.log('exit-after-ms', Date.now() - globalThis.settledAt))
    })
  `
  const started = Date.now()
  const { stdout } = await run(process.execPath, ['-e', script], { env: { ...process.env, STREAM_LOG: 'silent' }, timeout: 10000 })
  const [code, exitLine] = stdout.trim().split('\n')
  t.is(code, 'STREAM_TIMEOUT')
  const lingered = Number(exitLine.split(' ')[1])
  t.true(lingered < 1000, `process lingered ${lingered} ms after the last call settled`)
  t.true(Date.now() - started < 5000)
})

test('an Edge runtime gets a module that says the package needs Node.js, with the same names', async (t) => {
  const pkg = require('../package.json')
  t.is(pkg.exports['.']['edge-light'].default, './edge.mjs')
  t.is(pkg.exports['.'].workerd.default, './edge.mjs')
  const source = readFileSync(new URL('../edge.mjs', import.meta.url), 'utf8')
  const names = /export const \{([^}]*)\}/.exec(source)[1].match(/[A-Za-z_]+/g)
  t.deepEqual(names.sort(), EXPORTS)
  const err = await t.throwsAsync(import(`../edge.mjs?${Date.now()}`))
  t.is(err.code, 'STREAM_EDGE_RUNTIME')
  t.regex(err.message, /needs the Node\.js runtime.*export const runtime = 'nodejs'.*serverExternalPackages/)
})
