// End to end: the example Next.js app, built and started as a customer runs
// it, with the package installed from its packed tarballs, against the Stream
// emulator. Meetings move scheduled → active → processing through signed
// webhooks; bad signatures, malformed bodies and re-deliveries change nothing.
import crypto from 'node:crypto'
import test from 'ava'
import jwt from 'jsonwebtoken'
import { prepareExample } from '../../scripts/example.mjs'
import { startStack } from '../../scripts/stack.mjs'

test.before(async (t) => {
  prepareExample({ build: true })
  t.context.stack = await startStack()
})
test.after.always(async (t) => {
  await t.context.stack?.stop()
})

// The meeting the lifecycle test finished with, for the tests that try to disturb it.
let done

const json = async (response) => ({ status: response.status, body: await response.json() })

async function createMeeting(stack, userId = 'host-1') {
  return json(await fetch(`${stack.appUrl}/api/meetings`, { method: 'POST', body: JSON.stringify({ userId, agentId: 'agent-456', agentName: 'Sales Assistant' }) }))
}

const getMeeting = async (stack, id) => (await json(await fetch(`${stack.appUrl}/api/meetings/${id}`))).body

function post(stack, body, headers) {
  return fetch(`${stack.appUrl}/api/webhook/stream`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
}

const sign = (stack, body) => crypto.createHmac('sha256', stack.apiSecret).update(body).digest('hex')

test.serial('a meeting goes scheduled → active → processing with duration and both URLs', async (t) => {
  const { stack } = t.context
  const created = await createMeeting(stack)
  t.is(created.status, 201)
  const { meeting, token } = created.body
  t.is(meeting.status, 'scheduled')
  t.like(jwt.verify(token, stack.apiSecret), { user_id: 'host-1' })
  const call = stack.emulator.calls.get(`default:${meeting.callId}`)
  t.like(call, { createdById: 'host-1', custom: { meetingId: meeting.id, agentId: 'agent-456', agentName: 'Sales Assistant' } })

  const [started] = await stack.emulator.startSession(meeting.callId, { durationSeconds: 95 })
  t.true(started.delivered)
  const active = await getMeeting(stack, meeting.id)
  t.is(active.status, 'active')
  t.truthy(active.startedAt)

  await stack.emulator.endSession(meeting.callId)
  const processing = await getMeeting(stack, meeting.id)
  t.is(processing.status, 'processing')
  t.true(processing.durationSeconds >= 95 && processing.durationSeconds <= 97, String(processing.durationSeconds))

  await stack.emulator.recordingReady(meeting.callId)
  await stack.emulator.transcriptionReady(meeting.callId)
  done = await getMeeting(stack, meeting.id)
  t.regex(done.recordingUrl, /\/media\/default\/.+\.mp4$/)
  t.regex(done.transcriptionUrl, /\.jsonl$/)
  t.true(stack.emulator.deliveries.every((d) => d.delivered))

  const page = await (await fetch(stack.appUrl)).text()
  t.regex(page, new RegExp(`data-meeting-id="${meeting.id}"`))
  t.regex(page, /data-status="processing"/)
  t.regex(page, /1:3[5-7]/, 'duration shown as m:ss')
})

test.serial('a tampered or missing signature gets 401 and changes nothing', async (t) => {
  const { stack } = t.context
  const body = JSON.stringify({ type: 'call.session_started', created_at: new Date().toISOString(), call_cid: `default:${done.callId}`, call: { custom: { meetingId: done.id } } })
  const tampered = await post(stack, body, { 'x-signature': sign(stack, body.replace('started', 'ended')), 'x-webhook-id': crypto.randomUUID() })
  t.is(tampered.status, 401)
  t.is((await post(stack, body, {})).status, 401)
  t.deepEqual(await getMeeting(stack, done.id), done)
})

test.serial('a re-delivered webhook is applied once; an old event never moves a meeting back', async (t) => {
  const { stack } = t.context
  const first = stack.emulator.deliveries.find((d) => d.type === 'call.session_started' && d.cid === `default:${done.callId}`)
  const headers = { 'x-signature': sign(stack, first.body), 'x-webhook-id': first.webhookId, 'x-webhook-attempt': '2' }
  const again = await json(await post(stack, first.body, headers))
  t.deepEqual(again, { status: 200, body: { ok: true, type: 'call.session_started', outcome: 'duplicate' } })
  // The same event under a new webhook id (out of order): applied, but the meeting stays processing.
  const late = await json(await post(stack, first.body, { ...headers, 'x-webhook-id': crypto.randomUUID() }))
  t.is(late.body.outcome, 'applied')
  t.deepEqual(await getMeeting(stack, done.id), done)
})

test.serial('a malformed body gets 400; unknown events and unknown calls get 200', async (t) => {
  const { stack } = t.context
  const malformed = '{"type": "call.session_started", '
  t.is((await post(stack, malformed, { 'x-signature': sign(stack, malformed) })).status, 400)
  const other = JSON.stringify({ type: 'call.member_added', created_at: new Date().toISOString(), call_cid: 'default:whatever', members: [] })
  t.like(await json(await post(stack, other, { 'x-signature': sign(stack, other) })), { status: 200, body: { outcome: 'ignored' } })
  const stranger = JSON.stringify({ type: 'call.recording_ready', created_at: new Date().toISOString(), call_cid: 'default:not-ours', call_recording: { url: 'https://x/r.mp4' } })
  t.like(await json(await post(stack, stranger, { 'x-signature': sign(stack, stranger) })), { status: 200, body: { outcome: 'unknown-meeting' } })
})

test.serial('bad meeting input is 400 and leaves no row behind', async (t) => {
  const { stack } = t.context
  const before = (await json(await fetch(`${stack.appUrl}/api/meetings`))).body.meetings.length
  t.is((await createMeeting(stack, '')).status, 400)
  t.is((await json(await fetch(`${stack.appUrl}/api/meetings`, { method: 'POST', body: '{}' }))).status, 400)
  t.is((await json(await fetch(`${stack.appUrl}/api/meetings`))).body.meetings.length, before)
})

test.serial('1,000 deliveries, 10% duplicates, shuffled: every meeting ends right, nothing applied twice', async (t) => {
  const { stack } = t.context
  const meetings = []
  for (let i = 0; i < 225; i++) meetings.push((await createMeeting(stack, `load-${i}`)).body.meeting)
  const durations = new Map(meetings.map((m, i) => [m.id, 30 + i]))
  const events = meetings.flatMap((m) => stack.emulator.sessionEvents(m.callId, { durationSeconds: durations.get(m.id) }))
  t.is(events.length, 900)
  const deliveries = await stack.emulator.deliverEvents(events, { duplicates: 100, shuffle: true, concurrency: 8 })
  t.is(deliveries.length, 1000)
  t.true(deliveries.every((d) => d.delivered), 'every delivery answered 2xx')
  const outcomes = deliveries.map((d) => JSON.parse(d.attempts.at(-1).response).outcome)
  t.is(outcomes.filter((o) => o === 'applied').length, 900)
  t.is(outcomes.filter((o) => o === 'duplicate').length, 100)
  for (const m of meetings) {
    const row = await getMeeting(stack, m.id)
    t.is(row.status, 'processing')
    t.truthy(row.startedAt)
    t.true(Math.abs(row.durationSeconds - durations.get(m.id)) <= 1, `${row.durationSeconds} vs ${durations.get(m.id)}`)
    t.truthy(row.recordingUrl)
    t.truthy(row.transcriptionUrl)
  }
})
