// `npm run demo`: builds what is missing, then runs the whole flow on
// loopback: the Stream emulator, the example Next.js app (SQLite) and this
// package between them. Prints each step and the meeting's transitions.
// `npm run demo -- --serve` keeps both running (app on :3000, emulator on
// :4100) so a person can open the page, until Ctrl-C. `--postgres` runs the
// app on a PostgreSQL that the demo starts (and stops) instead of SQLite.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { prepareExample } from './example.mjs'
import { startPostgres } from './postgres.mjs'
import { startStack } from './stack.mjs'

const serve = process.argv.includes('--serve')
prepareExample({ build: true })
const pg = process.argv.includes('--postgres') ? await startPostgres() : null
const require = createRequire(import.meta.url)
const stream = require('stream-video-native')

const stack = await startStack({ ...(serve ? { appPort: 3000, emulatorPort: 4100 } : {}), databaseUrl: pg?.url })
// The package's own calls below go to the same emulator, with the same credentials as the app.
Object.assign(process.env, { STREAM_API_KEY: stack.apiKey, STREAM_API_SECRET: stack.apiSecret, STREAM_BASE_URL: stack.emulator.url })

const step = (n, text) => console.log(`\n[${n}/8] ${text}`)
const show = (label, value) => console.log(`      ${label.padEnd(16)} ${value}`)
const claims = (token) => JSON.stringify(JSON.parse(Buffer.from(token.split('.')[1], 'base64url')))
// Signed in through the example's demo sign-in (your auth library in a real app).
const host = await stack.signIn('host-1')
const meetingRow = async (id) => (await host(`/api/meetings/${id}`)).json()
const transitions = []
const pick = async (promise, keys) => {
  const value = await promise
  return Object.fromEntries(keys.map((k) => [k, value[k]]))
}
async function waitFor(check) {
  for (const until = Date.now() + 15_000; !(await check()); ) {
    if (Date.now() > until) throw new Error('timed out waiting for the meeting to finish')
    await new Promise((r) => setTimeout(r, 100))
  }
}
async function status(id) {
  const row = await meetingRow(id)
  if (transitions.at(-1) !== row.status) transitions.push(row.status)
  show('meeting', `${row.status}${row.durationSeconds !== null ? `, ${row.durationSeconds} s` : ''}`)
  return row
}

try {
  const store = pg ? `PostgreSQL ${pg.url} (started in ${(pg.startMs / 1000).toFixed(1)} s)` : `SQLite ${stack.databasePath}`
  console.log(`Stream emulator ${stack.emulator.url}  ·  app ${stack.appUrl}  ·  ${store}`)

  step(
    1,
    'host-1 signs in; POST /api/meetings → getUsers + upsertUsers of the missing ones (host, agent from AGENT_ID) + createStreamCall + addCallParticipant (agent) + generateStreamToken',
  )
  const created = await (await host('/api/meetings', { method: 'POST', body: '{}' })).json()
  const { meeting, token } = created
  show('call', `default:${meeting.callId}`)
  show('custom data', JSON.stringify(stack.emulator.calls.get(`default:${meeting.callId}`).custom))
  show('user token', claims(token))
  await status(meeting.id)

  step(2, 'the host invites guest-1 (created only if missing, never renamed; addCallParticipant); guest-1 signs in and gets a call token')
  await host(`/api/meetings/${meeting.id}/guests`, { method: 'POST', body: JSON.stringify({ userId: 'guest-1', name: 'Guest One' }) })
  show('Stream users', [...stack.emulator.users.keys()].join(', '))
  show('members', [...stack.emulator.calls.get(`default:${meeting.callId}`).members.keys()].join(', '))
  const guest = await stack.signIn('guest-1')
  show('guest token', claims((await (await guest(`/api/meetings/${meeting.id}/token`, { method: 'POST' })).json()).token))

  step(3, 'host-1, the agent and guest-1 join: the session starts, recording and transcription start by themselves (auto-on)')
  const emulator = stack.emulator
  for (const who of ['host-1', 'agent-456', 'guest-1']) await emulator.join(meeting.callId, who)
  await emulator.settled()
  // What they say goes into the transcript.
  emulator.say(meeting.callId, 'host-1', 'Welcome, everyone. Let us review the launch plan.')
  emulator.say(meeting.callId, 'guest-1', 'The beta opens on Monday.')
  emulator.say(meeting.callId, 'agent-456', 'Noted: beta on Monday. I will send the summary.')
  const row = await status(meeting.id)
  show('people', row.participants.map((p) => p.userId).join(', '))
  show('getCall', JSON.stringify(await pick(stream.getCall(meeting.callId), ['recording', 'transcribing'])))

  step(4, 'the host stops the recording, then restarts it (stopRecording / startRecording from the meeting page)')
  for (const action of ['stop', 'start']) {
    const answer = await (await host(`/api/meetings/${meeting.id}/recording`, { method: 'POST', body: JSON.stringify({ action }) })).json()
    show(action, `recording: ${answer.recording}`)
  }

  step(5, 'guest-1 and host-1 leave; the app ends the call with the last human; Stream stops both and sends the files')
  await emulator.leave(meeting.callId, 'guest-1')
  await emulator.leave(meeting.callId, 'host-1')
  await waitFor(async () => (await meetingRow(meeting.id)).processingDone)
  const done = await status(meeting.id)
  show('recording', done.recordingUrl)
  show('transcript', done.transcriptionUrl)
  for (const turn of await stream.readTranscript(done.transcriptionUrl)) show('readTranscript', `${turn.speakerId}: ${turn.text}`)
  show('events sent', [...new Set(emulator.deliveries.map((d) => d.type))].join(', '))

  step(6, 'a second meeting whose webhooks are all lost, repaired by POST /api/meetings/:id/backfill (getCall, listRecordings, listTranscriptions)')
  const other = (await (await host('/api/meetings', { method: 'POST', body: '{}' })).json()).meeting
  emulator.dropWebhook = (event) => event.call_cid === `default:${other.callId}`
  await emulator.join(other.callId, 'host-1')
  await emulator.leave(other.callId, 'host-1')
  await emulator.closeSession(other.callId)
  await emulator.settled()
  emulator.dropWebhook = null
  show('before', JSON.stringify(await pick(meetingRow(other.id), ['status', 'recordingUrl'])))
  const repaired = await (await host(`/api/meetings/${other.id}/backfill`, { method: 'POST' })).json()
  show('after backfill', JSON.stringify({ status: repaired.status, recording: repaired.recordingUrl !== null, transcript: repaired.transcriptionUrl !== null }))

  step(7, 'verifyWebhook / the route on a tampered body')
  const delivered = stack.emulator.deliveries.findLast((d) => d.delivered && d.type === 'call.transcription_ready')
  const signature = crypto.createHmac('sha256', stack.apiSecret).update(delivered.body).digest('hex')
  show('genuine', await stream.verifyWebhook(delivered.body, signature))
  show('tampered', await stream.verifyWebhook(delivered.body.replace('transcript', 'tampered'), signature))
  const rejected = await fetch(`${stack.appUrl}/api/webhook/stream`, {
    method: 'POST',
    body: delivered.body.replace('transcript', 'tampered'),
    headers: { 'x-signature': signature },
  })
  show('route answered', `${rejected.status} (nothing written)`)

  step(8, 'Stream re-delivers a webhook it already sent')
  const again = await fetch(`${stack.appUrl}/api/webhook/stream`, {
    method: 'POST',
    body: delivered.body,
    headers: { 'x-signature': signature, 'x-webhook-id': delivered.webhookId, 'x-webhook-attempt': '2' },
  })
  show('route answered', `${again.status} ${JSON.stringify(await again.json())}`)

  console.log(`\nTransitions: ${transitions.join(' → ')}`)
  if (transitions.join() !== 'scheduled,active,ready') throw new Error('unexpected transitions')
  if (serve) {
    console.log(`\nServing: open ${stack.appUrl} (emulator on ${stack.emulator.url}). Ctrl-C to stop.`)
    console.log('Sign in with any user id (host-1 has the meetings above), create a meeting, invite a guest, copy join tokens;')
    console.log('on a meeting page, make the host, the agent and guests join, speak and leave, and watch the status,')
    console.log('the roster, the recording and the transcript arrive as the webhooks do.')
    await new Promise((resolve) => process.once('SIGINT', resolve))
  }
  console.log('\nDemo finished.')
} finally {
  await stack.stop()
  await pg?.stop()
}
