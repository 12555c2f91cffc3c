// The emulator's webhooks: a call's lifecycle delivered to a local receiver,
// signed like Stream, retried on failure, duplicated or shuffled on request.
import http from 'node:http'
import v8 from 'node:v8'
import vm from 'node:vm'
import test from 'ava'
import { createStreamClient } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, startEmulator } from './helpers.mjs'

const JSON_TYPE = { 'content-type': 'application/json' }

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
    headers: JSON_TYPE,
    body: JSON.stringify({ duplicate: true, shuffle: true, durationSeconds: 30 }),
  })
  t.is(response.status, 200)
  const { deliveries } = await response.json()
  t.is(deliveries.length, 8)
  t.is(hook.received.length, 8)
  t.is(new Set(hook.received.map((r) => r.headers['x-webhook-id'])).size, 4)
  const unknown = await fetch(`${emulator.url}/emulator/calls/default/nope/session`, { method: 'POST', headers: JSON_TYPE })
  t.is(unknown.status, 404)
})

test('over HTTP, people join, say something and leave; only someone in the call speaks, and only text; /emulator/info names the emulator', async (t) => {
  const { emulator, api } = await setup(t)
  await api.createStreamCall('say-1', 'host', DATA, { settings: { transcription: { mode: 'auto-on', language: 'en' } } })
  const control = (path, body) => fetch(`${emulator.url}/emulator${path}`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(body) })
  const person = (action, body = {}) => control(`/calls/default/say-1/participants/host/${action}`, body)
  const early = await person('say', { text: 'Anyone there?' })
  t.is(early.status, 400)
  t.regex((await early.json()).message, /host is not in the call: join first/)
  t.is((await person('join')).status, 200)
  for (const body of [{}, { text: '   ' }, { text: 42 }, { text: 'x'.repeat(2001) }, { text: 'hi', durationSeconds: 'soon' }]) {
    t.is((await person('say', body)).status, 400, JSON.stringify(body).slice(0, 40))
  }
  const said = await person('say', { text: '  The budget first.  ' })
  t.is(said.status, 200)
  t.true(Date.parse((await said.json()).saidAt) > 0)
  t.is((await person('leave')).status, 200)
  await api.endCall('say-1')
  const [file] = await api.listTranscriptions('say-1')
  const lines = (await (await fetch(file.url)).text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  t.deepEqual(
    lines.map((l) => [l.type, l.speaker_id, l.text]),
    [['speech', 'host', 'The budget first.']],
  )
  t.true(Date.parse(lines[0].stop_time) > Date.parse(lines[0].start_time))
  t.deepEqual(await (await control('/info', {})).json(), { emulator: 'stream-video-native' })
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
  // The command the CLI prints drives the call.
  const [, curl] = /drive a call: curl (.*)$/m.exec(output)
  t.is(curl, `-X POST -H 'content-type: application/json' ${url}/emulator/calls/default/<callId>/session`)
  const driven = await fetch(`${url}/emulator/calls/default/cli-1/session`, { method: 'POST', headers: JSON_TYPE })
  t.is(driven.status, 200)
  cli.kill('SIGINT')
  t.is(await exited, 0)
})

test('a session with participants and auto-on settings: joins, leaves, egress events, files that download', async (t) => {
  const { emulator, hook, api } = await setup(t)
  await api.createStreamCall('ai-1', 'host', DATA, {
    settings: { recording: { mode: 'auto-on' }, transcription: { mode: 'auto-on', closedCaptionMode: 'auto-on' } },
  })
  await emulator.join('ai-1', 'host')
  await emulator.join('ai-1', 'agent-456')
  t.like(await api.getCall('ai-1'), { recording: true, transcribing: true, captioning: true, session: { participantCount: 2 } })
  await emulator.leave('ai-1', 'host')
  await api.endCall('ai-1')
  await emulator.settled()
  const types = hook.received.map((r) => r.event.type)
  t.deepEqual(types.slice(0, 5), [
    'call.session_started',
    'call.recording_started',
    'call.transcription_started',
    'call.closed_captions_started',
    'call.session_participant_joined',
  ])
  t.deepEqual(types.slice(5), [
    'call.session_participant_joined',
    'call.session_participant_left',
    'call.session_participant_left',
    'call.recording_stopped',
    'call.recording_ready',
    'call.transcription_stopped',
    'call.transcription_ready',
    'call.closed_captions_stopped',
    'call.session_ended',
  ])
  const events = hook.received.map((r) => r.event)
  const joined = events.find((e) => e.type === 'call.session_participant_joined')
  t.like(joined, { userId: 'host', callId: 'ai-1', update: null })
  t.truthy(joined.userSessionId)
  t.like(
    events.find((e) => e.type === 'call.session_participant_left' && e.userId === 'host'),
    { durationSeconds: 0 },
  )
  const ready = events.find((e) => e.type === 'call.recording_ready')
  t.like(ready, { recordingType: 'composite', update: { kind: 'recording' } })
  t.is(ready.egressId, events.find((e) => e.type === 'call.recording_started').egressId, 'one egress from start to file')
  const transcript = events.find((e) => e.type === 'call.transcription_ready').update.transcriptionUrl
  const lines = (await (await fetch(transcript)).text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  t.true(lines.length >= 1 && lines.every((l) => l.type === 'speech' && typeof l.text === 'string' && l.speaker_id && l.start_time && l.stop_time))
  const video = await fetch(ready.update.recordingUrl)
  t.is(video.headers.get('content-type'), 'video/mp4')
  t.is(
    Buffer.from(await video.arrayBuffer())
      .subarray(4, 8)
      .toString(),
    'ftyp',
  )
  t.like(await api.getCall('ai-1'), { recording: false, transcribing: false, captioning: false })
  t.is((await api.listRecordings('ai-1'))[0].url, ready.update.recordingUrl)
  t.is((await api.listTranscriptions('ai-1'))[0].url, transcript)
})

test('starting what already runs (or stopping what does not) gets Stream’s error shape', async (t) => {
  const { api } = await setup(t)
  await api.createStreamCall('twice', 'host', DATA)
  await api.startRecording('twice')
  const again = await t.throwsAsync(api.startRecording('twice'))
  t.like(again, { code: 'STREAM_API', status: 400, streamCode: 4, attempts: 1 })
  t.regex(again.message, /StartRecording failed with error: "call default:twice is already being recorded"/)
  await api.startRecording('twice', { recordingType: 'individual' })
  const stop = await t.throwsAsync(api.stopTranscription('twice'))
  t.regex(stop.message, /StopTranscription failed with error: "call default:twice is not being transcribed"/)
  await api.startClosedCaptions('twice')
  t.regex((await t.throwsAsync(api.startClosedCaptions('twice'))).message, /already being captioned/)
  t.regex((await t.throwsAsync(api.getCall('nope'))).message, /Can't find call with id default:nope/)
})

test('Stream’s delivery policy: same id, attempts from 1, retried on 408/429/5xx and timeouts, not on other 4xx', async (t) => {
  let answers = []
  const seen = []
  const server = http.createServer((req, res) => {
    req.resume()
    seen.push({ id: req.headers['x-webhook-id'], attempt: req.headers['x-webhook-attempt'] })
    const next = answers.shift() ?? 200
    if (next === 'hang') return // never answers: the per-attempt timeout ends it
    res.writeHead(next).end()
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise((r) => server.close(r)))
  const emulator = await startEmulator({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    webhookUrl: `http://127.0.0.1:${server.address().port}/hook`,
    webhookRetryDelayMs: 10,
    webhookTimeoutMs: 300,
  })
  t.teardown(() => emulator.close())
  await createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url }).createStreamCall('policy', 'u', DATA)
  const deliver = async (...statuses) => {
    answers = statuses
    seen.length = 0
    const [delivery] = await emulator.startSession('policy')
    return delivery
  }
  for (const retried of [408, 429, 500, 503, 'hang']) {
    const d = await deliver(retried, 200)
    t.true(d.delivered, String(retried))
    t.deepEqual(
      seen.map((s) => s.attempt),
      ['1', '2'],
      String(retried),
    )
    t.is(new Set(seen.map((s) => s.id)).size, 1, 'X-Webhook-Id stays the same')
  }
  t.is((await deliver('hang', 200)).attempts[0].error, 'timeout')
  for (const final of [400, 401, 404, 413]) {
    const d = await deliver(final, 200)
    t.false(d.delivered)
    t.is(seen.length, 1, `${final} is not retried`)
  }
  const lost = await deliver(500, 500, 500, 500)
  t.like(lost, { delivered: false, lost: true })
  t.is(lost.attempts.length, 3, '408, 429 and 5xx: three attempts in all')
  const timedOut = await deliver('hang', 'hang', 200)
  t.like(timedOut, { delivered: false, lost: true })
  t.deepEqual(
    timedOut.attempts.map((a) => a.error),
    ['timeout', 'timeout'],
    'timeouts and network errors: two attempts',
  )
  t.like(await deliver(503, 200), { delivered: true, lost: false })
})

test('a delivery’s attempts end within webhookTotalTimeoutMs; a refused connection is tried twice', async (t) => {
  const server = http.createServer((req) => req.resume()) // never answers
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise((r) => server.close(r).closeAllConnections()))
  const emulator = await startEmulator({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    webhookUrl: `http://127.0.0.1:${server.address().port}/hook`,
    webhookRetryDelayMs: 10,
    webhookTimeoutMs: 400,
    webhookTotalTimeoutMs: 500,
  })
  t.teardown(() => emulator.close())
  await createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url }).createStreamCall('budget', 'u', DATA)
  const started = Date.now()
  const [slow] = await emulator.startSession('budget')
  t.true(Date.now() - started < 1500, `${Date.now() - started} ms`)
  t.like(slow, { delivered: false, lost: true })
  t.deepEqual(
    slow.attempts.map((a) => a.error),
    ['timeout', 'timeout'],
    'the second attempt gets what is left of the budget',
  )
  const closed = http.createServer()
  await new Promise((r) => closed.listen(0, '127.0.0.1', r))
  emulator.webhookUrl = `http://127.0.0.1:${closed.address().port}/hook`
  await new Promise((r) => closed.close(r))
  const [refused] = await emulator.endSession('budget')
  t.like(refused, { delivered: false, lost: true })
  t.deepEqual(
    refused.attempts.map((a) => a.error),
    ['ECONNREFUSED', 'ECONNREFUSED'],
  )
})

test('gzip-compressed deliveries carry Content-Encoding and are signed over the JSON', async (t) => {
  const { emulator, hook, api } = await setup(t, {}, { webhookGzip: true })
  await api.createStreamCall('gz', 'host', DATA)
  const [delivery] = await emulator.startSession('gz')
  t.true(delivery.delivered)
  const [received] = hook.received
  t.is(received.headers['content-encoding'], 'gzip')
  t.is(received.event.type, 'call.session_started')
  t.is(received.event.callId, 'gz')
})

test('dropped deliveries are recorded and never sent (lost webhooks)', async (t) => {
  const { emulator, hook, api } = await setup(t)
  await api.createStreamCall('drop', 'host', DATA)
  emulator.dropWebhook = (event) => event.type === 'call.recording_ready'
  const deliveries = await emulator.runSession('drop')
  t.deepEqual(
    deliveries.map((d) => [d.type, d.dropped, d.delivered]),
    [
      ['call.session_started', false, true],
      ['call.session_ended', false, true],
      ['call.recording_ready', true, false],
      ['call.transcription_ready', false, true],
    ],
  )
  t.is(hook.received.length, 3)
})

test('participants over the control endpoint', async (t) => {
  const { emulator, hook, api } = await setup(t)
  await api.createStreamCall('ctl', 'host', DATA)
  const post = (path) => fetch(`${emulator.url}/emulator/calls/default/ctl/participants/${path}`, { method: 'POST', headers: JSON_TYPE })
  t.is((await post('guest-1/join')).status, 200)
  t.is((await post('guest-1/leave')).status, 200)
  t.is((await post('guest-1/wave')).status, 404)
  await emulator.settled()
  t.deepEqual(
    hook.received.map((r) => r.event.type),
    ['call.session_started', 'call.session_participant_joined', 'call.session_participant_left'],
  )
})

test('a recording stopped and restarted leaves two files', async (t) => {
  const { api } = await setup(t)
  await api.createStreamCall('twice-rec', 'host', DATA)
  for (let i = 0; i < 2; i++) {
    await api.startRecording('twice-rec')
    await api.stopRecording('twice-rec')
  }
  const files = await api.listRecordings('twice-rec')
  t.is(files.length, 2)
  t.not(files[0].url, files[1].url)
})

test('5,000 recording start/stop cycles keep the emulator’s heap flat: deliveries and files are bounded', async (t) => {
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, maxRecorded: 1000, maxFiles: 100 })
  t.teardown(() => emulator.close())
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url })
  await api.createStreamCall('bounded', 'host', DATA)
  const call = emulator.calls.get('default:bounded')
  const cycles = async (n) => {
    for (let i = 0; i < n; i++) {
      emulator.setEgress(call, 'recording', true)
      emulator.setEgress(call, 'recording', false)
      emulator.setEgress(call, 'transcription', true)
      emulator.setEgress(call, 'transcription', false)
    }
    await emulator.settled()
  }
  // A full collection before each reading (ava's workers do not run with --expose-gc).
  v8.setFlagsFromString('--expose-gc')
  const gc = vm.runInNewContext('gc')
  const heap = () => {
    gc()
    return process.memoryUsage().heapUsed
  }
  await cycles(1000) // past every cap
  const before = heap()
  await cycles(4000)
  const grown = heap() - before
  t.is(emulator.deliveries.length, 1000, 'the webhook log keeps its last maxRecorded')
  t.is(call.recordings.length, 100, 'a call lists its last maxFiles recordings')
  t.is(call.transcriptions.length, 100)
  t.is((await api.listRecordings('bounded')).length, 100)
  // Before the caps, 4,000 cycles kept 24,000 deliveries and 8,000 files: over 20 MB.
  t.true(grown < 8 * 1024 * 1024, `heap grew ${grown} bytes over 4,000 cycles`)
  const quiet = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, record: false })
  t.teardown(() => quiet.close())
  await createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: quiet.url }).createStreamCall('q', 'host', DATA)
  quiet.setEgress(quiet.calls.get('default:q'), 'recording', true)
  await quiet.settled()
  t.deepEqual(quiet.deliveries, [], 'record: false keeps no webhook log either')
})

test('the emulator is as real as apps need: transcripts name who spoke when, joining makes a user known, sessions list their participants', async (t) => {
  const { emulator, hook, api } = await setup(t)
  await api.createStreamCall('real-1', 'host', DATA, { settings: { transcription: { mode: 'auto-on' } } })
  await emulator.join('real-1', 'ada')
  await emulator.join('real-1', 'grace')
  t.true(emulator.users.has('grace'), 'joining connects, which makes the user known')
  t.deepEqual(
    (await api.getUsers(['ada', 'grace'])).map((u) => u.id),
    ['ada', 'grace'],
  )
  await api.addCallParticipant('real-1', 'grace', null)
  const live = await api.getCall('real-1')
  t.is(live.session.participantCount, 2)
  await new Promise((r) => setTimeout(r, 50))
  await emulator.leave('real-1', 'ada')
  await emulator.leave('real-1', 'grace')
  await api.stopTranscription('real-1')
  await emulator.settled()
  const [file] = await api.listTranscriptions('real-1')
  const lines = (await (await fetch(file.url)).text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  t.deepEqual([...new Set(lines.map((l) => l.speaker_id))].sort(), ['ada', 'grace'], 'the people in the session, not fixed names')
  for (const line of lines) {
    t.is(line.type, 'speech')
    t.true(line.start_time >= file.startTime && line.stop_time <= file.endTime && line.start_time <= line.stop_time, JSON.stringify(line))
  }
  t.is(hook.received.filter((r) => r.event?.type === 'call.session_participant_joined').length, 2)
  // A session that closes with people in it lists them in call.session_ended.
  await emulator.join('real-1', 'ada')
  await emulator.join('real-1', 'grace')
  await emulator.recordingReady('real-1')
  await emulator.closeSession('real-1')
  await emulator.settled()
  const ended = hook.received.filter((r) => r.event?.type === 'call.session_ended').at(-1)
  t.truthy(ended)
  const snapshot = JSON.parse(ended.body).call.session
  t.deepEqual(snapshot.participants.map((p) => p.user.id).sort(), ['ada', 'grace'], 'who was in the session when it closed')
  t.truthy(snapshot.ended_at)
})
