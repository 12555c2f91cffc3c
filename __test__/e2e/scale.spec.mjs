// The example on more than one machine: two instances of the built app share
// one PostgreSQL, and Stream's webhooks (with retries, so duplicates, some
// reaching both instances at the same instant) land on either. Every meeting
// must end in the right state with each event applied exactly once; the
// counts are read back from the database, not from what the test expected.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import test from 'ava'
import { appDir, prepareExample } from '../../scripts/example.mjs'
import { startPostgres } from '../../scripts/postgres.mjs'
import { startStack } from '../../scripts/stack.mjs'
import { readLedger } from './ledger.mjs'

const MEETINGS = 400
const DUPLICATES = 300
const SIMULTANEOUS = 120 // duplicates sent to both instances at the same instant
const CONCURRENCY = 16

test.before(async (t) => {
  prepareExample({ build: true })
  t.context.pg = await startPostgres()
  t.context.stack = await startStack({ databaseUrl: t.context.pg.url, instances: 2 })
})
test.after.always(async (t) => {
  await t.context.stack?.stop()
  await t.context.pg?.stop()
})

function shuffle(items) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = crypto.randomInt(i + 1)
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
}

async function pool(jobs, concurrency, run) {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) await run(jobs[next++])
    }),
  )
}

test('two instances, one PostgreSQL: ≥ 2,000 shuffled deliveries with duplicates, every event applied once', async (t) => {
  const { stack, pg } = t.context
  const as = await stack.signIn('scale-host')
  const meetings = new Array(MEETINGS)
  await pool([...meetings.keys()], 8, async (i) => {
    const response = await as('/api/meetings', { method: 'POST', body: '{}' }, i % 2)
    t.is(response.status, 201)
    meetings[i] = { ...(await response.json()).meeting, seconds: 30 + (i % 600) }
  })
  const items = meetings.flatMap((m) =>
    stack.emulator.sessionEvents(m.callId, { durationSeconds: m.seconds }).map((event) => ({ event, webhookId: crypto.randomUUID() })),
  )
  const picked = shuffle([...items]).slice(0, DUPLICATES + SIMULTANEOUS)
  const instance = () => crypto.randomInt(2)
  const deliveries = shuffle([
    ...items.map((item) => ({ item, to: [instance()] })),
    ...picked.slice(0, DUPLICATES).map((item) => ({ item, to: [instance()] })),
    ...picked.slice(DUPLICATES).map((item) => ({ item, to: [0, 1] })),
  ])
  const sent = deliveries.reduce((n, d) => n + d.to.length, 0)
  t.true(sent >= 2000, `${sent} deliveries`)
  t.true(sent - items.length >= 0.2 * items.length, 'at least 20% duplicates')
  const statuses = new Map()
  const started = Date.now()
  await pool(deliveries, CONCURRENCY, async ({ item, to }) => {
    const body = JSON.stringify(item.event)
    const signature = crypto.createHmac('sha256', stack.apiSecret).update(body).digest('hex')
    const headers = { 'content-type': 'application/json', 'x-signature': signature, 'x-webhook-id': item.webhookId }
    // Several targets: the same delivery reaches both instances at the same instant.
    const responses = await Promise.all(to.map((i) => fetch(`${stack.appUrls[i]}/api/webhook/stream`, { method: 'POST', body, headers })))
    for (const r of responses) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1)
  })
  const seconds = (Date.now() - started) / 1000
  t.deepEqual([...statuses.keys()], [200], JSON.stringify([...statuses]))

  // Everything below comes from the database.
  const { Client } = createRequire(join(appDir, 'package.json'))('pg')
  const client = new Client({ connectionString: pg.url })
  await client.connect()
  t.teardown(() => client.end())
  const { stored, applied, double, wrong } = await readLedger(client, meetings)
  const lost = items.filter((i) => !stored.has(i.webhookId)).length
  t.is(wrong, 0, 'every meeting ends processing with its duration, times and both URLs')
  t.is(lost, 0)
  t.is(double, 0)
  t.is(applied, items.length)
  console.log(
    `scale: PostgreSQL started in ${(pg.startMs / 1000).toFixed(1)} s; 2 instances took ${sent} deliveries in ${seconds.toFixed(1)} s (${Math.round(sent / seconds)}/s together)`,
  )
  console.log(`scale: ${sent} deliveries, ${applied} applied, ${sent - applied} duplicate, ${lost} lost, ${double} double`)
})
