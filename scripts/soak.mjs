// `npm run soak`: 10k mixed operations at concurrency 64 against the local
// emulator with 5% injected faults. Passes when every call settled with a
// success or a typed StreamError, nothing was rejected unhandled, nothing
// crashed, and RSS stayed flat after warm-up. Loopback only, bounded in time.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { ensureAll } from './ensure.mjs'

ensureAll()
const require = createRequire(import.meta.url)
const { createStreamClient, StreamError } = require('stream-video-native')
const { startEmulator } = require('stream-video-native/emulator')

const TOTAL = Number(process.env.SOAK_OPS || 10000)
const CONCURRENCY = 64
const FAULT_RATE = 0.05
const WARMUP = 30000
const TIME_LIMIT_MS = 4 * 60 * 1000
const RSS_GROWTH_LIMIT_MB = 20

process.env.STREAM_LOG = 'silent'
let unhandled = 0
process.on('unhandledRejection', () => unhandled++)

const apiSecret = crypto.randomBytes(32).toString('hex')
const emulator = await startEmulator({ apiKey: 'soak', apiSecret, record: false })
const client = createStreamClient({ apiKey: 'soak', apiSecret, baseUrl: emulator.url, timeoutMs: 5000 })
const data = { meetingId: 'm', agentId: 'a', agentName: 'Soak Agent' }
const body = JSON.stringify({ type: 'call.session_started', call_cid: 'default:x', padding: 'x'.repeat(1024) })
const signature = crypto.createHmac('sha256', apiSecret).update(body).digest('hex')

const operations = [
  [40, (i) => client.createStreamCall(`soak-${i % 500}`, `u-${i % 97}`, data)],
  [25, (i) => client.addCallParticipant(`soak-${i % 500}`, `guest-${i % 31}`)],
  [15, (i) => client.endCall(`soak-${i % 500}`)],
  [10, (i) => client.generateStreamToken(`u-${i}`, 600)],
  [10, () => client.verifyWebhook(body, signature)],
]
function pick(i) {
  let roll = (i * 7919) % 100
  for (const [weight, op] of operations) {
    if (roll < weight) return op
    roll -= weight
  }
  return operations[0][1]
}

/** Runs `total` operations at CONCURRENCY; samples RSS (after a GC) every 1000. */
async function run(total) {
  const result = { outcomes: { ok: 0 }, untyped: [], rss: [] }
  let next = 0
  const started = Date.now()
  async function worker() {
    while (next < total && Date.now() - started < TIME_LIMIT_MS) {
      const i = next++
      try {
        await pick(i)(i)
        result.outcomes.ok++
      } catch (e) {
        if (e instanceof StreamError) result.outcomes[e.code] = (result.outcomes[e.code] || 0) + 1
        else result.untyped.push(e)
      }
      if (i % 1000 === 999) {
        globalThis.gc?.()
        result.rss.push(process.memoryUsage().rss / 2 ** 20)
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  result.elapsed = Date.now() - started
  return result
}

// Every call id the operations use exists, so a failure means an injected fault got through.
for (let i = 0; i < 500; i++) await client.createStreamCall(`soak-${i}`, 'u', data)
emulator.chaos(FAULT_RATE)
// Warm-up: RSS climbs while V8 and the allocator size their heaps, then stays flat.
const warmup = await run(WARMUP)
console.log(`warm-up: ${WARMUP} operations in ${warmup.elapsed} ms, RSS ${warmup.rss.at(-1).toFixed(1)} MB`)
emulator.requestCount = 0
const { outcomes, untyped, rss, elapsed } = await run(TOTAL)
await emulator.close()

const settled = Object.values(outcomes).reduce((a, b) => a + b, 0) + untyped.length
const growth = rss.length > 1 ? rss.at(-1) - rss[0] : 0
console.log(`operations: ${settled}/${TOTAL} settled in ${elapsed} ms at concurrency ${CONCURRENCY}, ${FAULT_RATE * 100}% injected faults`)
console.log(`outcomes: ${JSON.stringify(outcomes)}`)
console.log(`http requests: ${emulator.requestCount} (retries absorbed most injected faults)`)
console.log(`rss MB per 1000 ops: ${rss.map((r) => r.toFixed(1)).join(' ')} (growth ${growth.toFixed(1)} MB)`)
console.log(`unhandled rejections: ${unhandled}, untyped errors: ${untyped.length}`)
const failures = [
  settled !== TOTAL && `only ${settled} of ${TOTAL} operations settled`,
  unhandled && `${unhandled} unhandled rejections`,
  warmup.untyped.length && `untyped errors during warm-up`,
  untyped.length && `untyped errors: ${untyped.slice(0, 3).map(String).join('; ')}`,
  growth > RSS_GROWTH_LIMIT_MB && `RSS grew ${growth.toFixed(1)} MB`,
].filter(Boolean)
console.log(failures.length ? `soak FAILED: ${failures.join(', ')}` : 'soak passed')
process.exit(failures.length ? 1 : 0)
