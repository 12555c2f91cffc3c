// `npm run bench`: side-by-side benchmarks of stream-video-native against what
// users would pick instead (@stream-io/node-sdk, jsonwebtoken, @node-rs/jsonwebtoken, node:crypto),
// measured in one run on this machine. Prints a table per group and one
// `ratio` line per target. `npm run bench -- --write` also rewrites
// benchmark/RESULTS.md. Everything talks to loopback only.
import { execFileSync, fork } from 'node:child_process'
import crypto from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { load, startFake } from './http.mjs'
import { alternate, fmt, log, ratio, ratios, report, table } from './report.mjs'
import { pack } from '../scripts/pack.mjs'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('..', import.meta.url))
const write = process.argv.includes('--write')
const quick = process.argv.includes('--quick') // shorter runs, for smoke-testing the harness

process.env.NODE_ENV = 'production'
process.env.STREAM_LOG = 'silent'
const API_KEY = 'bench-key'
const API_SECRET = crypto.randomBytes(32).toString('hex')
Object.assign(process.env, { STREAM_API_KEY: API_KEY, STREAM_API_SECRET: API_SECRET })

const packed = pack() // release build, and the tarballs whose sizes P7 compares
const native = require('stream-video-native')
const jwt = require('jsonwebtoken')
const nodeRsJwt = competitor('@node-rs/jsonwebtoken', '0.5.11')
const { StreamClient } = require('@stream-io/node-sdk')
const nativeSdk = require('stream-video-native/node-sdk')
const sdk = new StreamClient(API_KEY, API_SECRET)

/**
 * A competitor kept out of the project's lockfile: its per-platform packages
 * for other systems are not all on every registry mirror, which `npm ci`
 * would refuse. Installed into .tmp/bench-competitors on first use.
 */
function competitor(name, version) {
  const dir = join(root, '.tmp', 'bench-competitors')
  if (!existsSync(join(dir, 'node_modules', name, 'package.json'))) {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{"name":"bench-competitors","private":true}')
    execFileSync('npm', ['install', '--no-audit', '--no-fund', `${name}@${version}`], { cwd: dir, stdio: 'inherit' })
  }
  return createRequire(join(dir, 'package.json'))(name)
}

// ---------------------------------------------------------------- helpers

const PASSES = quick ? 3 : 21
const PASS_TIME = quick ? 50 : 100

/**
 * Runs CPU benchmarks side by side (`alternate`: PASSES short passes, the
 * order reversed each pass); each fn does `batch` operations per call.
 * Prints the median ops/s and the passes' range; returns `ratio(a, b)`, the
 * median of the passes' own a / b ratios.
 */
async function cpuGroup(title, batch, tasks) {
  const { ops, median, paired } = await alternate(tasks, { batch, passes: PASSES, time: PASS_TIME })
  table(
    title,
    ['task', 'ops/s', 'ns/op', "passes' range"],
    Object.keys(tasks).map((name) => [name, fmt(median[name]), fmt(1e9 / median[name]), `${fmt(Math.min(...ops[name]))}–${fmt(Math.max(...ops[name]))}`]),
  )
  return { ratio: paired }
}

// ---------------------------------------------------------------- P1, P1c, P2: user tokens

const claims = () => {
  const iat = Math.floor(Date.now() / 1000) - 1
  return { user_id: 'user-123', iat, exp: iat + 3600 }
}
const HEADER = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')
const key = crypto.createSecretKey(Buffer.from(API_SECRET))
/** The floor for pure JS: a minimal HS256 signer on node:crypto. */
function handSigned(userId) {
  const iat = Math.floor(Date.now() / 1000) - 1
  const payload = Buffer.from(`{"user_id":${JSON.stringify(userId)},"iat":${iat},"exp":${iat + 3600}}`).toString('base64url')
  const signature = crypto.createHmac('sha256', key).update(`${HEADER}.${payload}`).digest('base64url')
  return `${HEADER}.${payload}.${signature}`
}

// Same claims from every signer (sanity check before timing anything).
for (const token of [
  native.generateStreamTokenSync('user-123'),
  jwt.sign(claims(), API_SECRET, { algorithm: 'HS256' }),
  handSigned('user-123'),
  nodeRsJwt.signSync(claims(), API_SECRET),
]) {
  jwt.verify(token, API_SECRET, { algorithms: ['HS256'] })
}

log(`# stream-video-native benchmarks\n`)
log(
  `Node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}; NODE_ENV=production; CPU groups: ${PASSES} alternating passes of ${PASS_TIME} ms per task after a warm-up pass, ratios the median of the passes' own ratios.`,
)

{
  const B = 200
  const SYNC = 'stream-video-native generateStreamTokenSync'
  const slow = await cpuGroup('User tokens vs jsonwebtoken and @stream-io/node-sdk (P1)', 1, {
    [SYNC]: () => native.generateStreamTokenSync('user-123'),
    'jsonwebtoken.sign (same claims)': () => jwt.sign(claims(), API_SECRET, { algorithm: 'HS256' }),
    '@stream-io/node-sdk generateUserToken': () => sdk.generateUserToken({ user_id: 'user-123' }),
  })
  const fast = await cpuGroup(`User tokens vs a hand-written node:crypto signer, and Promise vs Sync (P1c, P2; ${B} per sample)`, B, {
    [SYNC]: () => {
      for (let i = 0; i < B; i++) native.generateStreamTokenSync('user-123')
    },
    'stream-video-native generateStreamToken (await)': async () => {
      for (let i = 0; i < B; i++) await native.generateStreamToken('user-123')
    },
    'node:crypto HS256 by hand': () => {
      for (let i = 0; i < B; i++) handSigned('user-123')
    },
    '@node-rs/jsonwebtoken signSync (same claims)': () => {
      for (let i = 0; i < B; i++) nodeRsJwt.signSync(claims(), API_SECRET)
    },
  })
  ratio('P1', 'generateStreamTokenSync / jsonwebtoken.sign', slow.ratio(SYNC, 'jsonwebtoken.sign (same claims)'), 100)
  ratio('P1', 'generateStreamTokenSync / node-sdk generateUserToken', slow.ratio(SYNC, '@stream-io/node-sdk generateUserToken'), 100)
  ratio('P1c', 'generateStreamTokenSync / node:crypto by hand', fast.ratio(SYNC, 'node:crypto HS256 by hand'), 2.2)
  ratio('P1n', 'generateStreamTokenSync / @node-rs/jsonwebtoken signSync', fast.ratio(SYNC, '@node-rs/jsonwebtoken signSync (same claims)'), 3)
  ratio('P2', 'cost of generateStreamToken / cost of generateStreamTokenSync', fast.ratio(SYNC, 'stream-video-native generateStreamToken (await)'), 1.5, '<=')
}

// ---------------------------------------------------------------- P3: webhook signatures

/** What a JS app would write: node:crypto HMAC, hex, constant-time compare. */
function plain(body, signature) {
  const expected = Buffer.from(crypto.createHmac('sha256', key).update(body).digest('hex'))
  const given = Buffer.from(signature)
  return expected.length === given.length && crypto.timingSafeEqual(expected, given)
}

for (const size of [1024, 64 * 1024]) {
  const body = JSON.stringify({ type: 'call.session_started', padding: 'x'.repeat(size - 50) }).slice(0, size)
  const signature = crypto.createHmac('sha256', API_SECRET).update(body).digest('hex')
  const B = size > 4096 ? 5 : 100
  if (!native.verifyWebhookSync(body, signature) || !sdk.verifyWebhook(body, signature) || !plain(body, signature)) throw new Error('verifiers disagree')
  const r = await cpuGroup(`Webhook signature, ${size / 1024} KB body (P3; ${B} per sample)`, B, {
    'stream-video-native verifyWebhookSync': () => {
      for (let i = 0; i < B; i++) native.verifyWebhookSync(body, signature)
    },
    'stream-video-native verifyWebhook (await)': async () => {
      for (let i = 0; i < B; i++) await native.verifyWebhook(body, signature)
    },
    '@stream-io/node-sdk verifyWebhook': () => {
      for (let i = 0; i < B; i++) sdk.verifyWebhook(body, signature)
    },
    'node:crypto HMAC + timingSafeEqual': () => {
      for (let i = 0; i < B; i++) plain(body, signature)
    },
  })
  const target = size === 1024 ? 2 : 1
  for (const ours of ['stream-video-native verifyWebhookSync', 'stream-video-native verifyWebhook (await)']) {
    for (const theirs of ['@stream-io/node-sdk verifyWebhook', 'node:crypto HMAC + timingSafeEqual']) {
      ratio('P3', `${size / 1024} KB ${ours.replace('stream-video-native ', '')} / ${theirs}`, r.ratio(ours, theirs), target)
    }
  }
}

// ---------------------------------------------------------------- P8: webhook handling

{
  const call = {
    type: 'default',
    id: 'meeting-123',
    cid: 'default:meeting-123',
    custom: { meetingId: '123', agentId: 'agent-456', agentName: 'Sales Assistant' },
    created_by: { id: 'u1', role: 'user', custom: {} },
    created_at: '2026-04-08T14:00:00Z',
    updated_at: '2026-04-08T14:00:00Z',
    settings: {
      audio: { mic_default_on: true },
      video: { camera_default_on: true },
      recording: { mode: 'available', quality: '1080p' },
      transcription: { mode: 'auto-on' },
    },
    session: { id: 's1', started_at: '2026-04-08T14:23:35.2Z', ended_at: '2026-04-08T14:59:59.9Z', participants: [] },
  }
  let event = {
    type: 'call.session_ended',
    created_at: '2026-04-08T15:00:00Z',
    call_cid: 'default:meeting-123',
    session_id: 's1',
    call,
    request_info: { sdk: 'stream-node-0.7.64' },
  }
  while (JSON.stringify(event).length < 2048)
    event = { ...event, call: { ...event.call, custom: { ...event.call.custom, notes: `${event.call.custom.notes ?? ''}lorem ipsum ` } } }
  const body = JSON.stringify(event)
  const signature = crypto.createHmac('sha256', API_SECRET).update(body).digest('hex')
  const B = 100
  const js = (b, s) => {
    if (!plain(b, s)) throw new Error('bad signature')
    return JSON.parse(b)
  }
  const r = await cpuGroup(`Webhook handling, ${(body.length / 1024).toFixed(1)} KB call.session_ended event (P8; ${B} per sample)`, B, {
    'stream-video-native handleStreamWebhook (await)': async () => {
      for (let i = 0; i < B; i++) await native.handleStreamWebhook(body, { signature })
    },
    'JSON.parse + node:crypto verify': () => {
      for (let i = 0; i < B; i++) js(body, signature)
    },
  })
  ratio(
    'P8',
    'handleStreamWebhook / JSON.parse + node:crypto',
    r.ratio('stream-video-native handleStreamWebhook (await)', 'JSON.parse + node:crypto verify'),
    1.5,
  )

  // P9: the events of an AI meeting cost no more than the session events: a participant
  // joining (as Stream sends it) against call.session_started (with its call object).
  const started = JSON.stringify({ ...event, type: 'call.session_started', call: { ...call, session: { ...call.session, ended_at: undefined } } })
  const joined = JSON.stringify({
    type: 'call.session_participant_joined',
    created_at: '2026-04-08T14:30:00Z',
    call_cid: 'default:meeting-123',
    session_id: 's1',
    participant: {
      user: { id: 'guest-1', name: 'Guest One', role: 'user', custom: {}, teams: [], created_at: '2026-04-08T14:00:00Z', updated_at: '2026-04-08T14:00:00Z' },
      user_session_id: '6c0f9a7e-2f4b-4d7a-9a53-0a4c6f1b2d11',
      role: 'user',
      joined_at: '2026-04-08T14:30:00Z',
    },
    request_info: { sdk: 'stream-node-0.7.64' },
  })
  const sign = (b) => crypto.createHmac('sha256', API_SECRET).update(b).digest('hex')
  const [startedSig, joinedSig] = [sign(started), sign(joined)]
  const STARTED = `call.session_started (${(started.length / 1024).toFixed(1)} KB)`
  const JOINED = `call.session_participant_joined (${(joined.length / 1024).toFixed(1)} KB)`
  const p9 = await cpuGroup(`handleStreamWebhook by event type (P9; ${B} per sample)`, B, {
    [STARTED]: async () => {
      for (let i = 0; i < B; i++) await native.handleStreamWebhook(started, { signature: startedSig })
    },
    [JOINED]: async () => {
      for (let i = 0; i < B; i++) await native.handleStreamWebhook(joined, { signature: joinedSig })
    },
  })
  ratio('P9', 'handleStreamWebhook on call.session_participant_joined / on call.session_started (throughput)', p9.ratio(JOINED, STARTED), 1)
}

// ---------------------------------------------------------------- P4, P6: HTTP against the fake

const fake = await startFake(API_KEY, API_SECRET)
const { url } = fake
try {
  const CALLS = quick ? 2000 : 10000
  const data = { meetingId: 'm', agentId: 'a', agentName: 'Bench' }
  const settings = { recording: { mode: 'auto-on', quality: '720p' }, transcription: { mode: 'auto-on', language: 'en' } }
  const client = native.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url, timeoutMs: 30000, maxRetries: 0 })
  // The same client without the connection limit (as before maxConnections existed), to price the limit.
  const unlimited = native.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url, timeoutMs: 30000, maxRetries: 0, maxConnections: 10000 })
  const sdkHttp = new StreamClient(API_KEY, API_SECRET, { basePath: url, timeout: 30000 })
  const contenders = {
    'stream-video-native createStreamCall': (id) => client.createStreamCall(id, 'u', data),
    'stream-video-native, no connection limit': (id) => unlimited.createStreamCall(id, 'u', data),
    'stream-video-native createStreamCall with settings': (id) => client.createStreamCall(id, 'u', data, { settings }),
    '@stream-io/node-sdk call.getOrCreate': (id) => sdkHttp.video.call('default', id).getOrCreate({ data: { created_by_id: 'u', custom: data } }),
  }
  // The fake's own ceiling, measured with autocannon (keep-alive HTTP/1.1, 10 requests pipelined per connection).
  const autocannon = require('autocannon')
  const token = jwt.sign({ server: true }, API_SECRET, { algorithm: 'HS256', noTimestamp: true }) // Stream's own SDK's server token
  const ceiling = await autocannon({
    url: `${url}/api/v2/video/call/default/bench-ceiling?api_key=${API_KEY}`,
    method: 'POST',
    headers: { authorization: token, 'stream-auth-type': 'jwt', 'content-type': 'application/json' },
    body: JSON.stringify({ data: { created_by_id: 'u', custom: data } }),
    connections: 64,
    pipelining: 10,
    amount: CALLS * 2,
  })

  const rows = []
  const results = {}
  for (const concurrency of [1, 64]) {
    for (const [name, fn] of Object.entries(contenders)) {
      await load(fake, fn, Math.min(1000, CALLS), concurrency) // warm-up: connections, JIT
      const r = await load(fake, fn, CALLS, concurrency)
      results[`${name}@${concurrency}`] = r
      rows.push([name, concurrency, fmt(r.rps), r.p50.toFixed(3), r.p99.toFixed(3), `${Math.round(r.serverBusy * 100)}%`])
    }
  }
  rows.push([
    `fake server alone (autocannon, ${ceiling.non2xx ? 'with errors!' : 'all 2xx'})`,
    '64 × 10 pipelined',
    fmt(ceiling.requests.total / ceiling.duration),
    '',
    '',
    '',
  ])
  table(
    `createStreamCall vs node-sdk call.getOrCreate, ${CALLS} calls against the local fake (P4); "fake CPU" is the fake's busy share of one core during the run`,
    ['client', 'concurrency', 'calls/s', 'p50 ms', 'p99 ms', 'fake CPU'],
    rows,
  )
  const ours = 'stream-video-native createStreamCall'
  const theirs = '@stream-io/node-sdk call.getOrCreate'
  ratio('P4', 'throughput at concurrency 64, createStreamCall / getOrCreate', results[`${ours}@64`].rps / results[`${theirs}@64`].rps, 1.5)
  ratio(
    'P10',
    'throughput at concurrency 64, createStreamCall with settings / without',
    results['stream-video-native createStreamCall with settings@64'].rps / results[`${ours}@64`].rps,
    0.9,
  )
  ratio(
    'P4',
    'throughput at concurrency 64, default maxConnections (128) / no limit (10000)',
    results[`${ours}@64`].rps / results['stream-video-native, no connection limit@64'].rps,
    0.95,
  )
  for (const c of [1, 64]) {
    ratio('P4', `p99 latency at concurrency ${c}, getOrCreate / createStreamCall`, results[`${theirs}@${c}`].p99 / results[`${ours}@${c}`].p99, 1)
  }

  // P13: the node-sdk surface against node-sdk itself, the same calls, method for method.
  const oursSdk = new nativeSdk.StreamClient(API_KEY, API_SECRET, { basePath: url, timeout: 30000, maxRetries: 0 })
  const members = Array.from({ length: 10 }, (_, i) => ({ id: `bench-member-${i}` }))
  await sdkHttp.upsertUsers(members)
  await sdkHttp.video.call('default', 'bench-members').getOrCreate({ data: { created_by_id: 'u', members: members.map((m) => ({ user_id: m.id })) } })
  const surface = {
    getOrCreate: {
      'stream-video-native/node-sdk': (id) => oursSdk.video.call('default', id).getOrCreate({ data: { created_by_id: 'u', custom: data } }),
      '@stream-io/node-sdk': (id) => sdkHttp.video.call('default', id).getOrCreate({ data: { created_by_id: 'u', custom: data } }),
    },
    queryMembers: {
      'stream-video-native/node-sdk': () => oursSdk.video.call('default', 'bench-members').queryMembers({ limit: 10 }),
      '@stream-io/node-sdk': () => sdkHttp.video.call('default', 'bench-members').queryMembers({ limit: 10 }),
    },
  }
  const surfaceRows = []
  for (const [method, sides] of Object.entries(surface)) {
    const measured = {}
    for (const [name, fn] of Object.entries(sides)) {
      await load(fake, fn, Math.min(1000, CALLS), 64)
      measured[name] = await load(fake, fn, CALLS, 64)
      const r = measured[name]
      surfaceRows.push([`${name} ${method}`, fmt(r.rps), r.p50.toFixed(3), r.p99.toFixed(3), `${Math.round(r.serverBusy * 100)}%`])
    }
    const [ours, theirs] = [measured['stream-video-native/node-sdk'], measured['@stream-io/node-sdk']]
    results[`surface ${method}`] = { ours, theirs }
  }
  table(
    `The node-sdk surface vs node-sdk, ${CALLS} calls at concurrency 64 against the local fake (P13)`,
    ['client and method', 'calls/s', 'p50 ms', 'p99 ms', 'fake CPU'],
    surfaceRows,
  )
  for (const method of Object.keys(surface)) {
    const { ours, theirs } = results[`surface ${method}`]
    ratio('P13', `throughput at concurrency 64, ${method}: stream-video-native/node-sdk / node-sdk`, ours.rps / theirs.rps, 5)
    ratio('P13', `p99 latency at concurrency 64, ${method}: node-sdk / stream-video-native/node-sdk`, theirs.p99 / ours.p99, 3)
  }

  // P15: a serverless cold start, in a fresh process each time: load the package, make a client, make the first call.
  const COLD_RUNS = quick ? 5 : 15
  const cold = { ours: [], 'node-sdk': [] }
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const which of Object.keys(cold)) {
      const out = execFileSync(process.execPath, [join(root, 'benchmark', 'cold-start.mjs'), url, which, API_KEY, API_SECRET], { cwd: root, encoding: 'utf8' })
      cold[which].push(JSON.parse(out))
    }
  }
  const median = (runs, phase) => runs.map((r) => r[phase] ?? 0).sort((a, b) => a - b)[Math.floor(runs.length / 2)]
  const phases = ['binary', 'modules', 'client', 'first call']
  const total = (runs, upTo) =>
    median(
      runs.map((r) => ({ sum: phases.slice(0, upTo).reduce((s, p) => s + (r[p] ?? 0), 0) })),
      'sum',
    )
  table(
    `Cold start in a fresh process, median of ${COLD_RUNS} (P15): where the time goes, in ms`,
    ['client', 'binary (dlopen, init)', 'JS modules', 'make a client', 'first call', 'require', 'require + first call'],
    Object.entries(cold).map(([name, runs]) => [
      name === 'ours' ? 'stream-video-native createStreamCall' : '@stream-io/node-sdk call.getOrCreate',
      ...phases.map((p) => median(runs, p).toFixed(2)),
      total(runs, 2).toFixed(2),
      total(runs, 4).toFixed(2),
    ]),
  )
  // Targets: ours at most 0.12 of node-sdk's require, and at most 0.5 of its first call.
  ratio('P15', 'require time in a cold process, node-sdk / stream-video-native', total(cold['node-sdk'], 2) / total(cold.ours, 2), 1 / 0.12)
  ratio('P15', 'first call after require, node-sdk getOrCreate / createStreamCall', median(cold['node-sdk'], 'first call') / median(cold.ours, 'first call'), 2)

  const rss = fork(join(root, 'benchmark', 'rss.mjs'), [url, API_KEY, API_SECRET], { execArgv: ['--expose-gc'] })
  const { before, after } = await new Promise((resolve) => rss.once('message', resolve))
  rss.kill()
  const grewMb = (after - before) / 2 ** 20
  table(
    'RSS around 10k createStreamCall at concurrency 64, after a 5k warm-up, in a fresh process (P6)',
    ['before MB', 'after MB', 'growth MB'],
    [[(before / 2 ** 20).toFixed(1), (after / 2 ** 20).toFixed(1), grewMb.toFixed(1)]],
  )
  const line = `ratio P6 RSS growth = ${grewMb.toFixed(1)} MB (target <= 10 MB) ${grewMb <= 10 ? 'PASS' : 'MISS'}`
  ratios.push({ id: 'P6', line, pass: grewMb <= 10 })
  log(line)
} finally {
  fake.stop()
}

// ---------------------------------------------------------------- P5: cold require

{
  const RUNS = quick ? 5 : 20
  const coldRequire = (name) => {
    const times = []
    for (let i = 0; i < RUNS; i++) {
      const out = execFileSync(
        process.execPath,
        ['-e', `const t = process.hrtime.bigint(); require(${JSON.stringify(name)}); console.log(Number(process.hrtime.bigint() - t) / 1e6)`],
        { cwd: root, encoding: 'utf8' },
      )
      times.push(Number(out))
    }
    return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]
  }
  const ours = coldRequire('stream-video-native')
  const theirs = coldRequire('@stream-io/node-sdk')
  table(
    `Cold require in a fresh process, median of ${RUNS} (P5)`,
    ['module', 'ms'],
    [
      ['stream-video-native', ours.toFixed(2)],
      ['@stream-io/node-sdk', theirs.toFixed(2)],
    ],
  )
  ratio('P5', 'require time node-sdk / stream-video-native', theirs / ours, 5)
  const surfaceImport = coldRequire('stream-video-native/node-sdk')
  table(`Cold require of the node-sdk surface, median of ${RUNS} (P14)`, ['module', 'ms'], [['stream-video-native/node-sdk', surfaceImport.toFixed(2)]])
  ratio('P14', 'require time node-sdk / stream-video-native/node-sdk', theirs / surfaceImport, 4)
}

// ---------------------------------------------------------------- P7: installed size

{
  const dir = mkdtempSync(join(os.tmpdir(), 'svn-size-'))
  try {
    writeFileSync(join(dir, 'package.json'), '{"name":"size","version":"1.0.0","private":true}')
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=dev', '@stream-io/node-sdk@0.7.64'], { cwd: dir, stdio: 'ignore' })
    const sdkBytes = du(join(dir, 'node_modules'))
    const packages = readdirSync(join(dir, 'node_modules')).filter((n) => !n.startsWith('.')).length
    const ourBytes = packed.root.unpackedSize + packed.binary.unpackedSize
    table(
      'Installed size (P7)',
      ['install', 'MB'],
      [
        [`stream-video-native + stream-video-native-${packed.platform}`, (ourBytes / 2 ** 20).toFixed(2)],
        [`@stream-io/node-sdk with its dependency tree (${packages} top-level entries)`, (sdkBytes / 2 ** 20).toFixed(2)],
      ],
    )
    ratio('P7', 'installed size node-sdk / stream-video-native', sdkBytes / ourBytes, 3)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function du(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.size
  return readdirSync(path).reduce((sum, name) => sum + du(join(path, name)), 0)
}

// ---------------------------------------------------------------- summary

log('\n### Ratios\n')
log('```')
for (const r of ratios) log(r.line)
log('```')
const missed = ratios.filter((r) => !r.pass)
console.log(
  `\n${ratios.length - missed.length} of ${ratios.length} targets met${missed.length ? `; missed: ${[...new Set(missed.map((r) => r.id))].join(', ')}` : ''}`,
)
if (write) {
  // The figures are rewritten; the hand-kept history below them stays.
  const results = join(root, 'benchmark', 'RESULTS.md')
  const history = existsSync(results)
    ? readFileSync(results, 'utf8')
        .split(/^(?=## (?:Tracing overhead|History)$)/m)
        .slice(1)
        .join('')
    : undefined
  writeFileSync(results, `${report.join('\n')}\n${history ? `\n${history}` : ''}`)
  console.log('wrote benchmark/RESULTS.md')
}
