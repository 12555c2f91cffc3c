// Clean install as users get it: the packed root package and this platform's
// binary package installed into a fresh project on a PATH without cargo or
// rustc, then required, imported and run against the emulator.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import test from 'ava'
import { GLIBC_FLOOR, glibcFloor } from '../../scripts/build-dist.mjs'
import { pack } from '../../scripts/pack.mjs'

const PATH_WITHOUT_RUST = process.env.PATH.split(delimiter)
  .filter((dir) => !existsSync(join(dir, 'cargo')) && !existsSync(join(dir, 'rustc')))
  .join(delimiter)
const env = { ...process.env, PATH: PATH_WITHOUT_RUST, STREAM_LOG: 'silent' }

let packed
test.before(() => {
  packed = pack()
})

function freshProject(t, tarballs) {
  const dir = mkdtempSync(join(tmpdir(), 'svn-install-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', ...tarballs], { cwd: dir, env, stdio: 'pipe' })
  return dir
}

const node = (dir, file, source) => {
  writeFileSync(join(dir, file), source)
  return spawnSync(process.execPath, [file], { cwd: dir, env, encoding: 'utf8', timeout: 30000 })
}

const EXERCISE = (load) => `
${load}
const crypto = require('node:crypto')
;(async () => {
  const emulator = await startEmulator({ apiKey: 'k', apiSecret: 'installed-secret' })
  Object.assign(process.env, { STREAM_API_KEY: 'k', STREAM_API_SECRET: 'installed-secret', STREAM_BASE_URL: emulator.url })
  const token = await stream.generateStreamToken('u1')
  const call = await stream.createStreamCall('installed-call', 'u1', { meetingId: 'm', agentId: 'a', agentName: 'n' })
  await stream.upsertUsers([{ id: 'u2' }])
  await stream.addCallParticipant('installed-call', 'u2')
  await stream.endCall('installed-call')
  const body = JSON.stringify({ type: 'call.session_started', created_at: new Date().toISOString(), call_cid: 'default:installed-call' })
  const signature = crypto.createHmac('sha256', 'installed-secret').update(body).digest('hex')
  const verified = await stream.verifyWebhook(body, signature)
  const event = await stream.handleStreamWebhook(body, { signature })
  await emulator.close()
  console.log(JSON.stringify({ token: token.split('.').length, cid: call.cid, verified, update: event.update.status, requests: emulator.requests.map((r) => r.path.split('/').pop()) }))
})().catch((e) => { console.error(e); process.exit(1) })
`

test.serial('the PATH used for installing has no Rust toolchain', (t) => {
  t.not(spawnSync('cargo', ['--version'], { env }).status, 0)
  t.not(spawnSync('rustc', ['--version'], { env }).status, 0)
})

test.serial(`the linux-x64-gnu binary needs glibc ${GLIBC_FLOOR} at most`, (t) => {
  if (packed.platform !== 'linux-x64-gnu') return t.pass('only the linux-x64-gnu binary has a glibc floor')
  const floor = glibcFloor(packed.file)
  t.log(`highest GLIBC_ symbol version: ${floor}`)
  t.true(floor.localeCompare(GLIBC_FLOOR, 'en', { numeric: true }) <= 0, `needs glibc ${floor}`)
})

test.serial('installed from the tarballs without Rust, require and import run all operations', (t) => {
  for (const [name, tarball] of [['root', packed.root], [`binary (${packed.platform})`, packed.binary]]) {
    t.log(`${name}: ${(tarball.size / 1024).toFixed(1)} KiB packed, ${(tarball.unpackedSize / 1024).toFixed(1)} KiB unpacked`)
  }
  t.false(packed.root.files.some((f) => /^(src|target|__test__|examples|scripts|npm)\//.test(f) || f.endsWith('.node') || f === 'Cargo.toml'), packed.root.files.join(', '))
  const dir = freshProject(t, [packed.root.path, packed.binary.path])
  const cjs = node(dir, 'check.cjs', EXERCISE("const stream = require('stream-video-native'); const { startEmulator } = require('stream-video-native/emulator')"))
  t.is(cjs.status, 0, cjs.stderr)
  const expected = { token: 3, cid: 'default:installed-call', verified: true, update: 'active', requests: ['installed-call', 'users', 'members', 'mark_ended'] }
  t.deepEqual(JSON.parse(cjs.stdout), expected)
  const esm = node(dir, 'check.mjs', EXERCISE("import * as stream from 'stream-video-native'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const { startEmulator } = require('stream-video-native/emulator')"))
  t.is(esm.status, 0, esm.stderr)
  t.deepEqual(JSON.parse(esm.stdout), expected)
})

test.serial('without the platform package, loading fails with a message naming the platform', (t) => {
  const dir = freshProject(t, [packed.root.path])
  const result = node(dir, 'check.cjs', "try { require('stream-video-native') } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }")
  const { code, message } = JSON.parse(result.stdout)
  t.is(code, 'STREAM_NATIVE_BINDING')
  t.true(message.includes(`(${packed.platform})`), message)
  t.true(message.includes(`stream-video-native-${packed.platform}`), message)
})
