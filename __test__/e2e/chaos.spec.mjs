// Nothing lost when things die. Two instances of the built app share one
// PostgreSQL behind a load balancer; the emulator delivers a whole set of
// meetings' events, shuffled and with duplicates, under Stream's webhook
// retry policy (three attempts on 5xx, two on timeouts and network errors,
// 6 s per attempt, 15 s in all). Meanwhile one instance is SIGKILLed at
// random moments and restarted, PostgreSQL is restarted once with
// `-m immediate` (a crash), and some handlers hold their transaction past
// Stream's per-attempt timeout, so the same webhook id comes back while the
// first attempt still runs. What must hold is read back from the database
// and from the emulator's delivery log.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import test from 'ava'
import { appDir, prepareExample } from '../../scripts/example.mjs'
import { startPostgres } from '../../scripts/postgres.mjs'
import { startStack } from '../../scripts/stack.mjs'
import { readLedger } from './ledger.mjs'

const MEETINGS = 520 // four events each: 2,080 events
const DUPLICATES = 400
const CONCURRENCY = 16
/** 3% of first attempts hold their transaction 7 s, past Stream's 6 s per-attempt timeout. */
const SLOW = '3:7000'
/** An instance is back serving within this (it printed how long each restart took). */
const RESTART_BOUND_MS = 30_000
/** PostgreSQL stays down this long after its crash, as in a failover: longer than Stream's retries of one delivery take. */
const DB_DOWN_MS = 1500

test.before(async (t) => {
  prepareExample({ build: true })
  t.context.pg = await startPostgres()
  // A delivery's three attempts span 3 s (1 s, then 2 s apart), as Stream's spread over seconds: longer than the
  // PostgreSQL crash (about 1.7 s down), so an event is lost only if the app fails it for longer than that.
  // With 100 ms between attempts, a delivery that started in the outage could use up its retries inside it.
  t.context.stack = await startStack({
    databaseUrl: t.context.pg.url,
    instances: 2,
    balancer: true,
    webhookRetryDelayMs: 1000,
    env: { EXAMPLE_TEST_SLOW_WEBHOOKS: SLOW },
  })
})
test.after.always(async (t) => {
  await t.context.stack?.stop()
  await t.context.pg?.stop()
})

/**
 * Kills instance 1 at random moments and restarts it, and crashes
 * PostgreSQL once, until `done()`. While the database is down, an
 * instance's health check says so.
 */
async function chaos(stack, pg, done) {
  const restarts = []
  let kills = 0
  let dbRestartMs = null
  let healthWhileDown = null
  const crashDatabase = async () => {
    const restarting = pg.restart({ downMs: DB_DOWN_MS })
    await sleep(DB_DOWN_MS / 2)
    healthWhileDown = (await fetch(`${stack.appUrls[0]}/api/health`)).status
    dbRestartMs = await restarting
  }
  await sleep(1000)
  while (!done()) {
    if (kills === 1 && dbRestartMs === null) await crashDatabase()
    await stack.kill(1)
    kills++
    await sleep(crypto.randomInt(100, 600))
    restarts.push(await stack.restart(1))
    await sleep(crypto.randomInt(300, 1500))
  }
  if (dbRestartMs === null) await crashDatabase() // a run shorter than the schedule still gets its crash
  return { kills, restarts, dbRestartMs, healthWhileDown }
}

test('killed instances, a PostgreSQL crash and slow handlers under Stream’s retries: every event applied once, none lost', async (t) => {
  t.timeout(10 * 60e3)
  const { stack, pg } = t.context
  const as = await stack.signIn('chaos-host')
  const meetings = []
  for (let i = 0; i < MEETINGS; i += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, MEETINGS - i) }, async (_, k) => {
        const response = await as('/api/meetings', { method: 'POST', body: '{}' })
        t.is(response.status, 201)
        return { ...(await response.json()).meeting, seconds: 30 + ((i + k) % 600) }
      }),
    )
    meetings.push(...batch)
  }
  const events = meetings.flatMap((m) => stack.emulator.sessionEvents(m.callId, { durationSeconds: m.seconds }))
  t.true(events.length >= 2000, `${events.length} events`)

  const started = Date.now()
  let finished = false
  const sending = stack.emulator.deliverEvents(events, { duplicates: DUPLICATES, shuffle: true, concurrency: CONCURRENCY }).finally(() => {
    finished = true
  })
  const [deliveries, { kills, restarts, dbRestartMs, healthWhileDown }] = await Promise.all([sending, chaos(stack, pg, () => finished)])
  const seconds = (Date.now() - started) / 1000

  t.deepEqual(stack.exits, [], 'no instance died but those the test killed')
  t.deepEqual(stack.uncaught, [], 'no instance met an error nobody handled (the pool’s, when the database went away)')
  t.is(healthWhileDown, 503, 'the health check says when the database is down')
  for (const url of stack.appUrls) t.is((await fetch(`${url}/api/health`)).status, 200, `${url} is healthy again`)
  t.true(kills >= 2, `${kills} kills`)
  const slowestRestart = Math.max(...restarts)
  t.true(slowestRestart < RESTART_BOUND_MS, `a restart took ${slowestRestart} ms`)

  // Everything below comes from the database and the emulator's delivery log.
  const { Client } = createRequire(join(appDir, 'package.json'))('pg')
  const client = new Client({ connectionString: pg.url })
  await client.connect()
  t.teardown(() => client.end())
  const { stored, applied, double, wrong } = await readLedger(client, meetings)
  const byId = new Map()
  for (const d of deliveries) byId.set(d.webhookId, [...(byId.get(d.webhookId) ?? []), d])
  const acknowledged = [...byId].filter(([, sends]) => sends.some((d) => d.delivered)).map(([id]) => id)
  const lost = byId.size - acknowledged.length
  const acknowledgedNotStored = acknowledged.filter((id) => !stored.has(id)).length
  const attempts = deliveries.map((d) => d.attempts.length)
  const duplicateDeliveries = attempts.reduce((a, b) => a + b, 0) - byId.size
  const retriedThenOk = deliveries.filter((d) => d.delivered && d.attempts.length > 1).length

  console.log(
    `chaos: ${deliveries.length} deliveries in ${seconds.toFixed(1)} s; at most ${Math.max(...attempts)} attempts for one, ${retriedThenOk} delivered after a retry; ` +
      `PostgreSQL crashed and was back in ${dbRestartMs} ms; instance restarts served again within ${slowestRestart} ms (bound ${RESTART_BOUND_MS} ms)`,
  )
  t.is(acknowledgedNotStored, 0, 'no 2xx for a delivery that was not stored')
  t.is(wrong, 0, 'every meeting ends as a clean delivery of its events would leave it')
  const lostAttempts = [...byId]
    .filter(([, sends]) => !sends.some((d) => d.delivered))
    .map(([id, sends]) => ({ id, type: sends[0].type, attempts: sends.map((d) => d.attempts) }))
  t.is(lost, 0, `no event exhausted Stream’s retries${lost ? `; lost: ${JSON.stringify(lostAttempts)}` : ''}`)
  t.is(double, 0)
  t.is(applied, events.length)
  console.log(
    `chaos: ${events.length} events, ${applied} applied, ${duplicateDeliveries} duplicate deliveries, ${kills} kills, 1 db restart, ${lost} lost, ${double} double`,
  )
})
