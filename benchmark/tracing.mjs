// `npm run bench:tracing`: what tracing costs (P11), against the build from
// before tracing existed, in one run. The baseline (commit BASELINE, or
// `BENCH_BASELINE=<rev>`) is built once into .tmp/bench-baseline/<rev>.
// createStreamCall throughput at concurrency 64 and 1 against the local fake,
// in alternating rounds, first with no tracer provider, then with an
// OpenTelemetry provider exporting to memory; and tokens and 1 KB webhook
// checks, which tracing does not touch. `--write` puts the figures in
// benchmark/RESULTS.md ("## Tracing overhead"). Loopback only.
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { join } from 'node:path'
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base'
import { ensureAll, root, run } from '../scripts/ensure.mjs'
import { load, startFake } from './http.mjs'
import { alternate, fmt, log, median, ratio, ratios, report, table } from './report.mjs'

/** The last commit before tracing: structured logs, and no observer in the REST path. */
const BASELINE = process.env.BENCH_BASELINE ?? 'f518bbf'
const quick = process.argv.includes('--quick')
const write = process.argv.includes('--write')
const require = createRequire(import.meta.url)

process.env.NODE_ENV = 'production'
process.env.STREAM_LOG = 'silent'
const API_KEY = 'bench-key'
const API_SECRET = crypto.randomBytes(32).toString('hex')
Object.assign(process.env, { STREAM_API_KEY: API_KEY, STREAM_API_SECRET: API_SECRET })

/** The package as it was at `rev`, release-built in its own directory (cargo's cache under target/). */
function baseline(rev) {
  const commit = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: root, encoding: 'utf8' }).trim()
  const dir = join(root, '.tmp', 'bench-baseline', commit)
  if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('.node'))) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: root, stdio: 'inherit' })
    const env = { ...process.env, CARGO_TARGET_DIR: join(root, 'target', 'bench-baseline') }
    run(join(root, 'node_modules', '.bin', 'napi'), ['build', '--platform', '--release', '--js', 'binding.js', '--dts', 'binding.d.ts'], dir, env)
  }
  return { commit, module: require(join(dir, 'index.js')) }
}

ensureAll()
const now = require('stream-video-native')
const before = baseline(BASELINE)
const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
const BEFORE = `before tracing (${before.commit})`
const NOW = `now (${head})`

log(`Node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores; ${BEFORE} against ${NOW}.`)

// ---------------------------------------------------------------- createStreamCall

const fake = await startFake(API_KEY, API_SECRET)
const exporter = new InMemorySpanExporter()
const traced = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000 })] })
try {
  const options = { apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: fake.url, timeoutMs: 30000, maxRetries: 0 }
  const data = { meetingId: 'm', agentId: 'a', agentName: 'Bench' }
  const clients = { [BEFORE]: before.module.createStreamClient(options), [NOW]: now.createStreamClient(options) }
  // Many short paired rounds: on a shared 2-core machine one round's
  // throughput swings by ±30%, but both builds of a round see the same
  // machine, and the median of many rounds' ratios is steadier than any one.
  const ROUNDS = quick ? 5 : 81
  const rows = []
  const quartiles = []
  const measure = async (state, concurrency) => {
    const calls = concurrency > 1 ? 1000 : 250
    const runs = { [BEFORE]: [], [NOW]: [] }
    const paired = []
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating order, so that drift (JIT, CPU clock, the fake's heap) falls on both alike.
      const order = round % 2 ? [NOW, BEFORE] : [BEFORE, NOW]
      for (const name of order) {
        const fn = (id) => clients[name].createStreamCall(id, 'u', data)
        if (round === 0) await load(fake, fn, 5 * calls, concurrency) // warm-up
        runs[name].push(await load(fake, fn, calls, concurrency))
        exporter.reset()
      }
      paired.push(runs[NOW][round].rps / runs[BEFORE][round].rps)
    }
    const sorted = [...paired].sort((a, b) => a - b)
    quartiles.push(`${state}, concurrency ${concurrency}: ${sorted[Math.floor(ROUNDS / 4)].toFixed(2)}–${sorted[Math.floor((3 * ROUNDS) / 4)].toFixed(2)}`)
    const summary = {}
    for (const [name, rs] of Object.entries(runs)) {
      summary[name] = { rps: median(rs.map((r) => r.rps)), p99: median(rs.map((r) => r.p99)), cpu: median(rs.map((r) => r.cpuUsPerCall)) }
      const spread = `${fmt(Math.min(...rs.map((r) => r.rps)))}–${fmt(Math.max(...rs.map((r) => r.rps)))}`
      rows.push([name, state, concurrency, fmt(summary[name].rps), spread, summary[name].p99.toFixed(3), summary[name].cpu.toFixed(1)])
    }
    return median(paired)
  }

  const off = { 64: await measure('no provider', 64), 1: await measure('no provider', 1) }

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(traced)
  // The traced run must really trace: one call, its two spans exported.
  await clients[NOW].createStreamCall('bench-check', 'u', data)
  await traced.forceFlush()
  const names = exporter.getFinishedSpans().map((s) => s.name)
  if (!names.includes('POST') || !names.includes('stream createStreamCall')) throw new Error(`tracing is not on: spans ${names}`)
  const on = { 64: await measure('provider, in-memory exporter', 64), 1: await measure('provider, in-memory exporter', 1) }
  trace.disable()
  context.disable()
  propagation.disable()

  table(
    `createStreamCall against the local fake, median of ${ROUNDS} alternating rounds (P11)`,
    ['build', 'tracing', 'concurrency', 'calls/s', 'range', 'p99 ms', 'client CPU µs/call'],
    rows,
  )
  log(`\nThe ratios are the median of the rounds' own now / before ratios; their interquartile ranges: ${quartiles.join('; ')}.\n`)
  ratio('P11', 'createStreamCall throughput at concurrency 64, no provider, now / before', off[64], 0.97)
  ratio('P11', 'createStreamCall throughput at concurrency 1, no provider, now / before', off[1], 0.97)
  ratio('P11', 'createStreamCall throughput at concurrency 64, in-memory exporter, now / before', on[64], 0.85)
  ratio('P11', 'createStreamCall throughput at concurrency 1, in-memory exporter, now / before', on[1], 0.85)
} finally {
  fake.stop()
  await traced.shutdown()
}

// ---------------------------------------------------------------- tokens and webhook checks

{
  const B = 200
  const body = JSON.stringify({ type: 'call.session_started', padding: 'x'.repeat(1024 - 50) }).slice(0, 1024)
  const signature = crypto.createHmac('sha256', API_SECRET).update(body).digest('hex')
  const PASSES = quick ? 2 : 15
  const tasks = {}
  for (const [name, m] of [
    [BEFORE, before.module],
    [NOW, now],
  ]) {
    if (!m.verifyWebhookSync(body, signature)) throw new Error(`${name} rejects the signature`)
    tasks[`${name} generateStreamTokenSync`] = () => {
      for (let i = 0; i < B; i++) m.generateStreamTokenSync('user-123')
    }
    tasks[`${name} verifyWebhookSync 1 KB`] = () => {
      for (let i = 0; i < B; i++) m.verifyWebhookSync(body, signature)
    }
  }
  const passes = await alternate(tasks, { batch: B, passes: PASSES, time: quick ? 100 : 150 })
  const paired = (task) => passes.paired(`${NOW} ${task}`, `${BEFORE} ${task}`)
  table(
    `Tokens and webhook checks (unchanged by tracing; median of ${PASSES} alternating passes, ${B} per sample)`,
    ['task', 'ops/s'],
    Object.entries(passes.median).map(([name, ops]) => [name, fmt(ops)]),
  )
  log('\nTracing does not touch these paths: how far their ratios stray from 1 is the noise of the machine (single passes differ by up to ±30%).\n')
  ratio('P11', 'generateStreamTokenSync, now / before', paired('generateStreamTokenSync'), 0.97)
  ratio('P11', 'verifyWebhookSync 1 KB, now / before', paired('verifyWebhookSync 1 KB'), 0.97)
}

const missed = ratios.filter((r) => !r.pass).length
console.log(`\n${ratios.length - missed} of ${ratios.length} targets met`)
if (write) {
  const results = join(root, 'benchmark', 'RESULTS.md')
  const text = readFileSync(results, 'utf8')
  const history = text.search(/^## History$/m)
  const mine = text.search(/^## Tracing overhead$/m)
  const section = `## Tracing overhead\n\n\`npm run bench:tracing\`, one run.\n${report.join('\n')}\n\n`
  writeFileSync(results, `${text.slice(0, mine >= 0 ? mine : history)}${section}${text.slice(history)}`)
  console.log('wrote benchmark/RESULTS.md')
}
