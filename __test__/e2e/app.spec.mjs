// End to end: the example Next.js app, built and started as a customer runs
// it, with the package installed from its packed tarballs, against the Stream
// emulator (which, like Stream, wants call members to be existing users).
// Meetings move scheduled → active → processing through signed webhooks;
// users see only their own meetings and get only their own tokens; bad
// signatures, malformed or oversized bodies and re-deliveries change nothing;
// the final state does not depend on delivery order.
import crypto from 'node:crypto'
import test from 'ava'
import jwt from 'jsonwebtoken'
import { prepareExample } from '../../scripts/example.mjs'
import { startStack } from '../../scripts/stack.mjs'

test.before(async (t) => {
  prepareExample({ build: true })
  t.context.stack = await startStack()
  t.context.host = await t.context.stack.signIn('host-1')
})
test.after.always(async (t) => {
  await t.context.stack?.stop()
})

// The meeting the lifecycle test finished with, for the tests that try to disturb it.
let done

const json = async (response) => ({ status: response.status, body: await response.json() })
const MEETING = {}

async function createMeeting(as, input = MEETING) {
  return json(await as('/api/meetings', { method: 'POST', body: JSON.stringify(input) }))
}

const getMeeting = async (as, id) => (await json(await as(`/api/meetings/${id}`))).body

function post(stack, body, headers) {
  return fetch(`${stack.appUrl}/api/webhook/stream`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
}

const sign = (stack, body) => crypto.createHmac('sha256', stack.apiSecret).update(body).digest('hex')

test.serial('a meeting goes scheduled → active → processing with duration and both URLs', async (t) => {
  const { stack, host } = t.context
  const created = await createMeeting(host)
  t.is(created.status, 201)
  const { meeting, token } = created.body
  t.is(meeting.status, 'scheduled')
  t.like(jwt.verify(token, stack.apiSecret), { user_id: 'host-1' })
  const call = stack.emulator.calls.get(`default:${meeting.callId}`)
  t.like(call, { createdById: 'host-1', custom: { meetingId: meeting.id, agentId: 'agent-456', agentName: 'Sales Assistant' } })
  t.deepEqual([...call.members.keys()], ['agent-456'], 'the agent is a member, upserted first')
  t.like(stack.emulator.users.get('agent-456'), { name: 'Sales Assistant' })
  t.true(stack.emulator.users.has('host-1'))

  const [started] = await stack.emulator.startSession(meeting.callId, { durationSeconds: 95 })
  t.true(started.delivered)
  const active = await getMeeting(host, meeting.id)
  t.is(active.status, 'active')
  t.truthy(active.startedAt)

  await stack.emulator.endSession(meeting.callId)
  const processing = await getMeeting(host, meeting.id)
  t.is(processing.status, 'processing')
  t.true(processing.durationSeconds >= 95 && processing.durationSeconds <= 97, String(processing.durationSeconds))

  await stack.emulator.recordingReady(meeting.callId)
  await stack.emulator.transcriptionReady(meeting.callId)
  done = await getMeeting(host, meeting.id)
  t.regex(done.recordingUrl, /\/media\/default\/.+\.mp4$/)
  t.regex(done.transcriptionUrl, /\.jsonl$/)
  t.true(stack.emulator.deliveries.every((d) => d.delivered))

  const page = await (await host('/')).text()
  t.regex(page, new RegExp(`data-meeting-id="${meeting.id}"`))
  t.regex(page, /data-status="ready"/)
  t.regex(page, /1:3[5-7]/, 'duration shown as m:ss')
})

test.serial('without a session nothing is served; the host comes from the session, never the body', async (t) => {
  const { stack } = t.context
  const anonymous = (path, init) => fetch(`${stack.appUrl}${path}`, init)
  t.is((await anonymous('/api/meetings', { method: 'POST', body: JSON.stringify({ userId: 'host-1', ...MEETING }) })).status, 401)
  t.is((await anonymous('/api/meetings')).status, 401)
  t.is((await anonymous(`/api/meetings/${done.id}`)).status, 401)
  t.is((await anonymous(`/api/meetings/${done.id}/token`, { method: 'POST' })).status, 401)
  t.notRegex(await (await anonymous('/')).text(), new RegExp(done.id))
  // A forged or tampered cookie is no session.
  const forged = (path) => fetch(`${stack.appUrl}${path}`, { headers: { cookie: `session=${Buffer.from('host-1').toString('base64url')}.9999999999.AAAA` } })
  t.is((await forged('/api/meetings')).status, 401)
  // Asking for someone else in the body changes nothing: the token is the signed-in user's.
  const mallory = await stack.signIn('mallory')
  const created = await createMeeting(mallory, { userId: 'host-1', ...MEETING })
  t.is(created.status, 201)
  t.is(created.body.meeting.hostUserId, 'mallory')
  t.is(jwt.verify(created.body.token, stack.apiSecret).user_id, 'mallory')
})

test.serial('users see only their meetings; guests get a token limited to their meeting’s call', async (t) => {
  const { stack, host } = t.context
  const mallory = await stack.signIn('mallory')
  t.false((await json(await mallory('/api/meetings'))).body.meetings.some((m) => m.id === done.id))
  t.is((await mallory(`/api/meetings/${done.id}`)).status, 404, 'no recording links for strangers')
  t.is((await mallory(`/api/meetings/${done.id}/token`, { method: 'POST' })).status, 404)
  t.is((await mallory(`/api/meetings/${done.id}/guests`, { method: 'POST', body: JSON.stringify({ userId: 'mallory' }) })).status, 404)

  const invited = await json(await host(`/api/meetings/${done.id}/guests`, { method: 'POST', body: JSON.stringify({ userId: 'guest-1', name: 'Guest One' }) }))
  t.is(invited.status, 201)
  t.like(stack.emulator.users.get('guest-1'), { name: 'Guest One' })
  t.true(stack.emulator.calls.get(`default:${done.callId}`).members.has('guest-1'))
  const guest = await stack.signIn('guest-1')
  t.is((await guest(`/api/meetings/${done.id}/guests`, { method: 'POST', body: JSON.stringify({ userId: 'x' }) })).status, 403, 'only the host invites')
  t.deepEqual(
    (await json(await guest('/api/meetings'))).body.meetings.map((m) => m.id),
    [done.id],
  )
  const { status, body } = await json(await guest(`/api/meetings/${done.id}/token`, { method: 'POST' }))
  t.is(status, 200)
  const claims = jwt.verify(body.token, stack.apiSecret)
  t.like(claims, { user_id: 'guest-1', call_cids: [`default:${done.callId}`] })
  t.is(claims.exp - claims.iat, 7200)
})

test.serial('a tampered or missing signature gets 401 and changes nothing', async (t) => {
  const { stack, host } = t.context
  const body = JSON.stringify({
    type: 'call.session_started',
    created_at: new Date().toISOString(),
    call_cid: `default:${done.callId}`,
    call: { custom: { meetingId: done.id } },
  })
  const tampered = await post(stack, body, { 'x-signature': sign(stack, body.replace('started', 'ended')), 'x-webhook-id': crypto.randomUUID() })
  t.is(tampered.status, 401)
  t.is((await post(stack, body, {})).status, 401)
  t.deepEqual(await getMeeting(host, done.id), done)
})

test.serial('oversized webhook bodies get 413 before they are read whole; JSON null gets 400', async (t) => {
  const { stack, host } = t.context
  const big = 'x'.repeat(1024 * 1024 + 1)
  t.is((await post(stack, big, { 'x-signature': sign(stack, big) })).status, 413)
  // No Content-Length: a stream that goes on and on is cut at the cap.
  let sent = 0
  const endless = new ReadableStream({
    pull(controller) {
      if (sent > 64 * 1024 * 1024) return controller.close()
      sent += 64 * 1024
      controller.enqueue(new Uint8Array(64 * 1024).fill(32))
    },
  })
  const streamed = await fetch(`${stack.appUrl}/api/webhook/stream`, {
    method: 'POST',
    body: endless,
    duplex: 'half',
    headers: { 'x-signature': 'a'.repeat(64) },
  })
  t.is(streamed.status, 413)
  t.true(sent < 64 * 1024 * 1024, `${sent} bytes pulled before the answer`)
  t.is((await post(stack, 'null', { 'x-signature': sign(stack, 'null') })).status, 400)
  t.is((await host('/api/meetings', { method: 'POST', body: 'null' })).status, 400)
  t.deepEqual(await getMeeting(host, done.id), done)
})

test.serial('a re-delivered webhook is applied once; an old event never moves a meeting back', async (t) => {
  const { stack, host } = t.context
  const first = stack.emulator.deliveries.find((d) => d.type === 'call.session_started' && d.cid === `default:${done.callId}`)
  const headers = { 'x-signature': sign(stack, first.body), 'x-webhook-id': first.webhookId, 'x-webhook-attempt': '2' }
  const again = await json(await post(stack, first.body, headers))
  t.deepEqual(again, { status: 200, body: { ok: true, type: 'call.session_started', outcome: 'duplicate' } })
  // The same event under a new webhook id (out of order): applied, but the meeting stays processing.
  const late = await json(await post(stack, first.body, { ...headers, 'x-webhook-id': crypto.randomUUID() }))
  t.is(late.body.outcome, 'applied')
  t.deepEqual(await getMeeting(host, done.id), done)
})

test.serial('a malformed body gets 400; unknown events and unknown calls get 200', async (t) => {
  const { stack } = t.context
  const malformed = '{"type": "call.session_started", '
  t.is((await post(stack, malformed, { 'x-signature': sign(stack, malformed) })).status, 400)
  const other = JSON.stringify({ type: 'call.member_added', created_at: new Date().toISOString(), call_cid: 'default:whatever', members: [] })
  t.like(await json(await post(stack, other, { 'x-signature': sign(stack, other) })), { status: 200, body: { outcome: 'ignored' } })
  const stranger = JSON.stringify({
    type: 'call.recording_ready',
    created_at: new Date().toISOString(),
    call_cid: 'default:not-ours',
    call_recording: { url: 'https://x/r.mp4' },
  })
  t.like(await json(await post(stack, stranger, { 'x-signature': sign(stack, stranger) })), { status: 200, body: { outcome: 'unknown-meeting' } })
})

test.serial('bad meeting input is 400 and leaves no row behind', async (t) => {
  const { host } = t.context
  const before = (await json(await host('/api/meetings'))).body.meetings.length
  t.is((await createMeeting(host, { agentId: 'a' })).status, 400, 'the agent is not the request’s to choose')
  t.is((await createMeeting(host, { agentName: 'x' })).status, 400)
  t.is((await json(await host('/api/meetings', { method: 'POST', body: '[]' }))).status, 400)
  t.is((await json(await host('/api/meetings', { method: 'POST', body: 'not json' }))).status, 400)
  t.is((await json(await host('/api/meetings'))).body.meetings.length, before)
})

test.serial('the app touches only what it owns: no profile replaced, nobody renamed or re-flagged', async (t) => {
  const { stack, host } = t.context
  const { emulator } = stack
  // Profiles the users set themselves (through a client SDK, say).
  const profile = (id) => ({ id, role: 'user', name: `${id}'s own name`, image: `https://img.example/${id}.png`, custom: { bio: 'mine' } })
  const seed = (id) => {
    const now = new Date().toISOString()
    emulator.users.set(id, { ...profile(id), createdAt: now, updatedAt: now })
  }
  const mine = (id) => {
    const { role, name, image, custom } = emulator.users.get(id)
    return { id, role, name, image, custom }
  }
  seed('host-1')
  seed('victim')
  const seen = emulator.requests.length
  const created = await createMeeting(host)
  t.is(created.status, 201)
  t.deepEqual(mine('host-1'), profile('host-1'), 'creating a meeting leaves the host’s profile alone')
  t.like(emulator.users.get('agent-456'), { name: 'Sales Assistant', custom: { agent: true } })

  t.is((await createMeeting(host, { agentId: 'victim', agentName: 'Pwned' })).status, 400, 'the body cannot pick the agent')
  t.deepEqual(mine('victim'), profile('victim'))

  const { id } = created.body.meeting
  const invite = (body) => host(`/api/meetings/${id}/guests`, { method: 'POST', body: JSON.stringify(body) })
  t.is((await invite({ userId: 'victim', name: 'Renamed' })).status, 201)
  t.deepEqual(mine('victim'), profile('victim'), 'inviting an existing user renames nobody')
  t.true(emulator.calls.get(`default:${created.body.meeting.callId}`).members.has('victim'), 'but adds them to the call')
  t.is((await invite({ userId: 'agent-456', name: 'Not an agent' })).status, 400)
  t.like(emulator.users.get('agent-456'), { name: 'Sales Assistant', custom: { agent: true } })
  t.is((await invite({ userId: 'brand-new', name: 'New Guest' })).status, 201)
  t.like(emulator.users.get('brand-new'), { name: 'New Guest', custom: {} }, 'a missing user is created')
  t.false(
    emulator.requests.slice(seen).some((r) => r.path === '/api/v2/users' && r.method === 'POST' && /victim|host-1/.test(r.body)),
    'no upsert ever named them',
  )
})

test.serial('an upstream failure reaches the browser as a code and a request id, never upstream text', async (t) => {
  const { stack, host } = t.context
  const { meeting } = (await createMeeting(host)).body
  const upstream = `internal detail ${stack.apiSecret} eyJhbGciOiJIUzI1NiJ9.eyJzZXJ2ZXIiOnRydWV9.c2ln`
  stack.emulator.injectFault({ path: '/members', status: 500, body: { code: -1, message: upstream, StatusCode: 500 }, times: 10 })
  const response = await host(`/api/meetings/${meeting.id}/guests`, { method: 'POST', body: JSON.stringify({ userId: 'g-fail' }) })
  stack.emulator.faults.length = 0
  const text = await response.text()
  t.is(response.status, 502)
  t.false(text.includes('internal detail') || text.includes(stack.apiSecret) || text.includes('eyJ'), text)
  t.like(JSON.parse(text), { error: 'STREAM_API', status: 500 })
  t.regex(JSON.parse(text).requestId, /^[0-9a-f-]{36}$/)
})

/** Polls `check` (an async predicate) every 50 ms for up to 10 s. */
async function eventually(check) {
  const until = Date.now() + 10_000
  for (;;) {
    const value = await check()
    if (value || Date.now() > until) return value
    await new Promise((r) => setTimeout(r, 50))
  }
}

test.serial('the AI-meeting flow: auto-on recording and transcript, people in and out, the host’s switch, the call ends with the last human', async (t) => {
  const { stack, host } = t.context
  const { emulator } = stack
  const { meeting } = (await createMeeting(host)).body
  const call = emulator.calls.get(`default:${meeting.callId}`)
  t.like(call.settings, { recording: { mode: 'auto-on' }, transcription: { mode: 'auto-on' } }, 'created with recording and transcription on')
  t.is((await json(await host(`/api/meetings/${meeting.id}/guests`, { method: 'POST', body: JSON.stringify({ userId: 'guest-ai' }) }))).status, 201)

  await emulator.join(meeting.callId, 'host-1')
  await emulator.join(meeting.callId, 'agent-456')
  await emulator.join(meeting.callId, 'guest-ai')
  t.like(call.live, { transcribing: true })
  t.true(call.live.recording.has('composite'), 'auto-on started the recording with the session')
  let row = await getMeeting(host, meeting.id)
  t.is(row.status, 'active')
  t.deepEqual(row.participants.map((p) => p.userId).sort(), ['agent-456', 'guest-ai', 'host-1'])

  // The host stops and restarts the recording, as the page's button does (a form post).
  const toggle = (action) =>
    host(`/api/meetings/${meeting.id}/recording`, {
      method: 'POST',
      body: `action=${action}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      redirect: 'manual',
    })
  t.is((await toggle('stop')).status, 303)
  t.false(call.live.recording.has('composite'))
  t.is((await toggle('start')).status, 303)
  t.true(call.live.recording.has('composite'))
  t.like(await json(await host(`/api/meetings/${meeting.id}/recording`, { method: 'POST', body: JSON.stringify({ action: 'start' }) })), {
    status: 502,
    body: { error: 'STREAM_API', status: 400 },
  })
  t.is((await json(await host(`/api/meetings/${meeting.id}/recording`, { method: 'POST', body: '{"action":"pause"}' }))).status, 400)
  const page = await (await host(`/meetings/${meeting.id}`)).text()
  t.regex(page, /Stop recording/)
  t.regex(page, /data-user="guest-ai"/)

  await emulator.leave(meeting.callId, 'guest-ai')
  t.is(call.endedAt, null, 'a human is still there')
  await emulator.leave(meeting.callId, 'host-1')
  t.truthy(await eventually(() => call.endedAt), 'the app ended the call when the last human left')
  await emulator.settled()
  row = await eventually(async () => {
    const r = await getMeeting(host, meeting.id)
    return r.processingDone ? r : null
  })
  t.truthy(row, 'recording and transcript both ready')
  t.is(row.status, 'ready')
  t.regex(row.recordingUrl, /\.mp4$/)
  t.regex(row.transcriptionUrl, /\.jsonl$/)
  t.true(
    row.participants.every((p) => p.leftAt !== null),
    'everyone left, the agent when the session closed',
  )
  t.is((await fetch(row.transcriptionUrl)).status, 200)
  const done = await (await host(`/meetings/${meeting.id}`)).text()
  t.regex(done, /data-status="ready"/)
  t.regex(done, /<video [^>]*data-recording/)
  t.regex(done, /<ol class="turns" data-transcript="true"><li data-speaker="(host-1|agent-456|guest-ai)"/, 'the transcript, read by readTranscript, as turns')
})

test.serial('a recording switch whose answer was lost after Stream acted still answers 2xx', async (t) => {
  const { stack, host } = t.context
  const { emulator } = stack
  const { meeting } = (await createMeeting(host)).body
  const call = emulator.calls.get(`default:${meeting.callId}`)
  await emulator.join(meeting.callId, 'host-1')
  t.true(call.live.recording.has('composite'))
  const toggle = (action) => host(`/api/meetings/${meeting.id}/recording`, { method: 'POST', body: JSON.stringify({ action }) })
  for (const [action, running] of [
    ['stop', false],
    ['start', true],
  ]) {
    emulator.injectFault({ path: `/${meeting.callId}/recordings/composite/${action}`, drop: 'after' })
    const answer = await toggle(action)
    t.true(answer.status < 300, `${action}: HTTP ${answer.status} ${await answer.clone().text()}`)
    t.is(call.live.recording.has('composite'), running)
  }
  await emulator.leave(meeting.callId, 'host-1')
})

test.serial('an event whose call custom data names another meeting changes nothing; the call id finds the meeting', async (t) => {
  const { stack, host } = t.context
  const mine = (await createMeeting(host)).body.meeting
  const victim = (await createMeeting(host)).body.meeting
  const event = (callId, meetingId) =>
    JSON.stringify({
      type: 'call.session_started',
      created_at: new Date().toISOString(),
      call_cid: `default:${callId}`,
      call: { id: callId, type: 'default', custom: { meetingId }, session: { id: 's-x', started_at: new Date().toISOString() } },
    })
  // A member with update-call permission pointed their call at another meeting.
  const pointed = event(mine.callId, victim.id)
  t.like(await json(await post(stack, pointed, { 'x-signature': sign(stack, pointed) })), { status: 200, body: { outcome: 'mismatched' } })
  t.like(await getMeeting(host, victim.id), { status: 'scheduled', startedAt: null })
  t.like(await getMeeting(host, mine.id), { status: 'scheduled', startedAt: null })
  // The same call on another call type is another call.
  const other = JSON.stringify({ ...JSON.parse(event(mine.callId, mine.id)), call_cid: `livestream:${mine.callId}` })
  t.like(await json(await post(stack, other, { 'x-signature': sign(stack, other) })), { status: 200, body: { outcome: 'unknown-meeting' } })
  const honest = event(mine.callId, mine.id)
  t.like(await json(await post(stack, honest, { 'x-signature': sign(stack, honest) })), { status: 200, body: { outcome: 'applied' } })
  t.is((await getMeeting(host, mine.id)).status, 'active')
  t.is((await getMeeting(host, victim.id)).status, 'scheduled')
})

test.serial('a meeting whose webhooks were all lost is repaired by the backfill route', async (t) => {
  const { stack, host } = t.context
  const { emulator } = stack
  const { meeting } = (await createMeeting(host)).body
  emulator.dropWebhook = (event) => event.call_cid === `default:${meeting.callId}`
  try {
    await emulator.join(meeting.callId, 'host-1')
    await new Promise((r) => setTimeout(r, 1100))
    await emulator.leave(meeting.callId, 'host-1')
    await emulator.closeSession(meeting.callId)
    await emulator.settled()
  } finally {
    emulator.dropWebhook = null
  }
  const lost = emulator.deliveries.filter((d) => d.cid === `default:${meeting.callId}`)
  t.true(lost.length >= 6 && lost.every((d) => d.dropped), `${lost.length} deliveries dropped`)
  t.like(await getMeeting(host, meeting.id), { status: 'scheduled', recordingUrl: null, transcriptionUrl: null }, 'nothing arrived')

  const repaired = await json(await host(`/api/meetings/${meeting.id}/backfill`, { method: 'POST' }))
  t.is(repaired.status, 200)
  const call = emulator.calls.get(`default:${meeting.callId}`)
  t.like(repaired.body, { status: 'ready', startedAt: call.session.startedAt, endedAt: call.session.endedAt })
  t.true(repaired.body.durationSeconds >= 1)
  t.is(repaired.body.recordingUrl, call.recordings.at(-1).url)
  t.is(repaired.body.transcriptionUrl, call.transcriptions.at(-1).url)
  t.like(await getMeeting(host, meeting.id), { processingDone: true })
  // Running it again, or a late webhook, changes nothing.
  t.deepEqual((await json(await host(`/api/meetings/${meeting.id}/backfill`, { method: 'POST' }))).body, repaired.body)
  const stranger = await t.context.stack.signIn('mallory')
  t.is((await stranger(`/api/meetings/${meeting.id}/backfill`, { method: 'POST' })).status, 404)
})

function permutations(items) {
  if (items.length <= 1) return [items]
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]))
}

test.serial('every order of the four events, with duplicates, ends in the same meeting', async (t) => {
  const { stack, host } = t.context
  const orders = permutations([0, 1, 2, 3])
  t.is(orders.length, 24)
  const finals = []
  for (const withoutOwnStart of [false, true]) {
    for (const order of orders) {
      const { meeting } = (await createMeeting(host)).body
      const events = stack.emulator.sessionEvents(meeting.callId, { durationSeconds: 120 })
      // Some session_ended events carry no session start: the duration then comes from the stored start.
      if (withoutOwnStart) delete events[1].call.session.started_at
      const queue = order.map((i) => ({ event: events[i], webhookId: crypto.randomUUID() }))
      // Duplicates: a re-delivery with the same id, and the same event again under a new id.
      queue.push({ ...queue[0] }, { event: queue[1].event, webhookId: crypto.randomUUID() })
      for (const { event, webhookId } of queue) {
        const body = JSON.stringify(event)
        const response = await post(stack, body, { 'x-signature': sign(stack, body), 'x-webhook-id': webhookId })
        t.is(response.status, 200)
      }
      const row = await getMeeting(host, meeting.id)
      t.is(row.status, 'ready', `order ${order}`)
      t.is(row.startedAt, events[0].call.session.started_at, `order ${order}`)
      t.is(row.endedAt, events[1].call.session.ended_at, `order ${order}`)
      t.is(row.durationSeconds, 120, `order ${order}${withoutOwnStart ? ' (ended without its start)' : ''}`)
      t.is(row.recordingUrl, events[2].call_recording.url)
      t.is(row.transcriptionUrl, events[3].call_transcription.url)
      const { id: _id, callId: _callId, createdAt: _createdAt, ...state } = row
      finals.push(JSON.stringify({ ...state, startedAt: null, endedAt: null, recordingUrl: null, transcriptionUrl: null }))
    }
  }
  t.is(new Set(finals).size, 1, 'one final state whatever the order')
})

test.serial('1,000 deliveries, 10% duplicates, shuffled: every meeting ends right, nothing applied twice', async (t) => {
  const { stack } = t.context
  const loader = await stack.signIn('load')
  const meetings = []
  for (let i = 0; i < 225; i++) meetings.push((await createMeeting(loader)).body.meeting)
  const durations = new Map(meetings.map((m, i) => [m.id, 30 + i]))
  const events = meetings.flatMap((m) => stack.emulator.sessionEvents(m.callId, { durationSeconds: durations.get(m.id) }))
  t.is(events.length, 900)
  const deliveries = await stack.emulator.deliverEvents(events, { duplicates: 100, shuffle: true, concurrency: 8 })
  t.is(deliveries.length, 1000)
  t.true(
    deliveries.every((d) => d.delivered),
    'every delivery answered 2xx',
  )
  const outcomes = deliveries.map((d) => JSON.parse(d.attempts.at(-1).response).outcome)
  t.is(outcomes.filter((o) => o === 'applied').length, 900)
  t.is(outcomes.filter((o) => o === 'duplicate').length, 100)
  for (const m of meetings) {
    const row = await getMeeting(loader, m.id)
    t.is(row.status, 'ready')
    t.truthy(row.startedAt)
    t.true(Math.abs(row.durationSeconds - durations.get(m.id)) <= 1, `${row.durationSeconds} vs ${durations.get(m.id)}`)
    t.truthy(row.recordingUrl)
    t.truthy(row.transcriptionUrl)
  }
})
