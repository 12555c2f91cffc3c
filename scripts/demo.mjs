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

const step = (n, text) => console.log(`\n[${n}/7] ${text}`)
const show = (label, value) => console.log(`      ${label.padEnd(16)} ${value}`)
const claims = (token) => JSON.stringify(JSON.parse(Buffer.from(token.split('.')[1], 'base64url')))
// Signed in through the example's demo sign-in (your auth library in a real app).
const host = await stack.signIn('host-1')
const meetingRow = async (id) => (await host(`/api/meetings/${id}`)).json()
const transitions = []
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

  step(3, 'Stream sends call.session_started (the session began 95 s ago)')
  await stack.emulator.startSession(meeting.callId, { durationSeconds: 95 })
  await status(meeting.id)

  step(4, 'endCall(callId) → mark_ended; Stream sends call.session_ended')
  await stream.endCall(meeting.callId)
  await stack.emulator.endSession(meeting.callId)
  await status(meeting.id)

  step(5, 'Stream sends call.recording_ready and call.transcription_ready')
  await stack.emulator.recordingReady(meeting.callId)
  await stack.emulator.transcriptionReady(meeting.callId)
  const done = await status(meeting.id)
  show('recording', done.recordingUrl)
  show('transcript', done.transcriptionUrl)

  step(6, 'verifyWebhook / the route on a tampered body')
  const delivered = stack.emulator.deliveries.at(-1)
  const signature = crypto.createHmac('sha256', stack.apiSecret).update(delivered.body).digest('hex')
  show('genuine', await stream.verifyWebhook(delivered.body, signature))
  show('tampered', await stream.verifyWebhook(delivered.body.replace('transcript', 'tampered'), signature))
  const rejected = await fetch(`${stack.appUrl}/api/webhook/stream`, {
    method: 'POST',
    body: delivered.body.replace('transcript', 'tampered'),
    headers: { 'x-signature': signature },
  })
  show('route answered', `${rejected.status} (nothing written)`)

  step(7, 'Stream re-delivers a webhook it already sent')
  const again = await fetch(`${stack.appUrl}/api/webhook/stream`, {
    method: 'POST',
    body: delivered.body,
    headers: { 'x-signature': signature, 'x-webhook-id': delivered.webhookId, 'x-webhook-attempt': '2' },
  })
  show('route answered', `${again.status} ${JSON.stringify(await again.json())}`)

  console.log(`\nTransitions: ${transitions.join(' → ')}`)
  if (transitions.join() !== 'scheduled,active,processing') throw new Error('unexpected transitions')
  if (serve) {
    console.log(`\nServing: open ${stack.appUrl} (emulator on ${stack.emulator.url}). Ctrl-C to stop.`)
    await new Promise((resolve) => process.once('SIGINT', resolve))
  }
  console.log('\nDemo finished.')
} finally {
  await stack.stop()
  await pg?.stop()
}
