// The emulator's webhooks: a call's lifecycle delivered to a local receiver,
// signed like Stream, retried on failure, duplicated or shuffled on request.
import http from 'node:http'
import test from 'ava'
import { createStreamClient } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, startEmulator } from './helpers.mjs'

/** A webhook receiver that verifies and records each delivery; `failFirst` answers 500 that many times. */
async function receiver(client, { failFirst = 0 } = {}) {
  const received = []
  let failures = failFirst
  const server = http.createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    const entry = { headers: req.headers, body: body.toString('utf8') }
    received.push(entry)
    if (failures-- > 0) return res.writeHead(500).end('not now')
    try {
      entry.event = await client.handleStreamWebhook(body, {
        signature: req.headers['x-signature'],
        webhookId: req.headers['x-webhook-id'],
        attempt: req.headers['x-webhook-attempt'],
      })
      res.writeHead(200).end('ok')
    } catch (e) {
      entry.error = e.code
      res.writeHead(401).end(e.code)
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { received, url: `http://127.0.0.1:${server.address().port}/api/webhook/stream`, close: () => new Promise((r) => server.close(r)) }
}

async function setup(t, receiverOptions, emulatorOptions = {}) {
  const client = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET })
  const hook = await receiver(client, receiverOptions)
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, webhookUrl: hook.url, webhookRetryDelayMs: 20, ...emulatorOptions })
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url })
  t.teardown(async () => {
    await emulator.close()
    await hook.close()
  })
  return { emulator, hook, api }
}

test('runSession sends the four call events, in order, signed with the API secret', async (t) => {
  const { emulator, hook, api } = await setup(t)
  await api.createStreamCall('life-1', 'host', DATA)
  const deliveries = await emulator.runSession('life-1', { durationSeconds: 125 })
  t.deepEqual(
    deliveries.map((d) => d.type),
    ['call.session_started', 'call.session_ended', 'call.recording_ready', 'call.transcription_ready'],
  )
  t.true(deliveries.every((d) => d.delivered && d.attempts.length === 1))
  t.deepEqual(
    hook.received.map((r) => r.error),
    [undefined, undefined, undefined, undefined],
  )
  const [started, ended, recording, transcription] = hook.received.map((r) => r.event)
  t.like(started, { callId: 'life-1', meetingId: DATA.meetingId, update: { status: 'active' } })
  t.like(ended, { callId: 'life-1', meetingId: DATA.meetingId, update: { status: 'processing', durationSeconds: 125 } })
  t.regex(recording.update.recordingUrl, /^http:\/\/127\.0\.0\.1:\d+\/media\/default\/life-1\/.+\.mp4$/)
  t.regex(transcription.update.transcriptionUrl, /\.jsonl$/)
  t.is(recording.meetingId, null, 'no call object on asset events, as on Stream')
  for (const r of hook.received) {
    t.is(r.headers['x-webhook-attempt'], '1')
    t.is(r.headers['x-api-key'], API_KEY)
    t.regex(r.headers['x-webhook-id'], /^[0-9a-f-]{36}$/)
  }
  const media = await fetch(recording.update.recordingUrl)
  t.is(media.status, 200)
})

test('non-2xx deliveries are retried with the same webhook id', async (t) => {
  const { emulator, hook, api } = await setup(t, { failFirst: 2 })
  await api.createStreamCall('life-2', 'host', DATA)
  const [delivery] = await emulator.startSession('life-2')
  t.true(delivery.delivered)
  t.deepEqual(
    delivery.attempts.map((a) => a.status),
    [500, 500, 200],
  )
  t.deepEqual(
    hook.received.map((r) => r.headers['x-webhook-attempt']),
    ['1', '2', '3'],
  )
  t.is(new Set(hook.received.map((r) => r.headers['x-webhook-id'])).size, 1)
})

test('a delivery that keeps failing is given up after the retries', async (t) => {
  const { emulator, api } = await setup(t, { failFirst: 10 })
  await api.createStreamCall('life-3', 'host', DATA)
  const [delivery] = await emulator.startSession('life-3')
  t.false(delivery.delivered)
  t.is(delivery.attempts.length, 3)
})

test('duplicate and shuffled deliveries on request, over the HTTP control endpoint', async (t) => {
  const { emulator, hook, api } = await setup(t)
  await api.createStreamCall('life-4', 'host', DATA)
  const response = await fetch(`${emulator.url}/emulator/calls/default/life-4/session`, {
    method: 'POST',
    body: JSON.stringify({ duplicate: true, shuffle: true, durationSeconds: 30 }),
  })
  t.is(response.status, 200)
  const { deliveries } = await response.json()
  t.is(deliveries.length, 8)
  t.is(hook.received.length, 8)
  t.is(new Set(hook.received.map((r) => r.headers['x-webhook-id'])).size, 4)
  const unknown = await fetch(`${emulator.url}/emulator/calls/default/nope/session`, { method: 'POST' })
  t.is(unknown.status, 404)
})

test('autoSession starts a session on create and finishes it on mark_ended', async (t) => {
  const { emulator, hook, api } = await setup(t, {}, { autoSession: true })
  await api.createStreamCall('life-5', 'host', DATA)
  await emulator.settled()
  t.deepEqual(
    hook.received.map((r) => r.event.type),
    ['call.session_started'],
  )
  await api.endCall('life-5')
  await emulator.settled()
  t.deepEqual(
    hook.received.map((r) => r.event.type),
    ['call.session_started', 'call.session_ended', 'call.recording_ready', 'call.transcription_ready'],
  )
})

test('the CLI runs the emulator until SIGINT', async (t) => {
  const { spawn } = await import('node:child_process')
  const cli = spawn(process.execPath, ['bin/cli.js', 'emulator', '--port', '0', '--api-key', API_KEY, '--api-secret', API_SECRET], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise((resolve) => cli.on('exit', (code) => resolve(code)))
  let output = ''
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 5000)
    cli.stdout.on('data', (chunk) => {
      output += chunk
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
  })
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url })
  t.true((await api.createStreamCall('cli-1', 'host', DATA)).created)
  cli.kill('SIGINT')
  t.is(await exited, 0)
})
