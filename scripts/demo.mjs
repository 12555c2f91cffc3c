// `npm run demo`: builds what is missing, starts the local Stream emulator and
// walks through the package's job against it: user token, create call, add a
// participant, end the call, verify a signed webhook. Prints each step.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { ensureAll } from './ensure.mjs'

ensureAll()
const require = createRequire(import.meta.url)
const stream = require('stream-video-native')
const { startEmulator } = require('stream-video-native/emulator')

const apiKey = 'demo-key'
const apiSecret = crypto.randomBytes(32).toString('hex')
const emulator = await startEmulator({ apiKey, apiSecret })
Object.assign(process.env, { STREAM_API_KEY: apiKey, STREAM_API_SECRET: apiSecret, STREAM_BASE_URL: emulator.url })

const step = (n, text) => console.log(`\n[${n}/5] ${text}`)
const show = (label, value) => console.log(`      ${label.padEnd(14)} ${value}`)
const lastRequest = () => emulator.requests.at(-1)
const callId = `demo-${Date.now()}`

try {
  console.log(`Stream emulator on ${emulator.url} (api key ${apiKey})`)

  step(1, 'generateStreamToken(user)')
  const token = await stream.generateStreamToken('user-1')
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url'))
  show('claims', JSON.stringify(claims))
  show('valid for', `${claims.exp - claims.iat} s`)

  step(2, 'createStreamCall(callId, user, { meetingId, agentId, agentName })')
  const call = await stream.createStreamCall(callId, 'user-1', { meetingId: '123', agentId: 'agent-456', agentName: 'Sales Assistant' })
  show('request', `${lastRequest().method} ${lastRequest().path}`)
  show('call', `${call.cid} created=${call.created} by ${call.createdById}`)
  show('custom', JSON.stringify(call.custom))

  step(3, 'addCallParticipant(callId, user-2, participant)')
  await stream.addCallParticipant(callId, 'user-2', 'participant')
  show('request', `${lastRequest().method} ${lastRequest().path}`)
  show('members', [...emulator.calls.get(`default:${callId}`).members.keys()].join(', '))

  step(4, 'endCall(callId)')
  await stream.endCall(callId)
  show('request', `${lastRequest().method} ${lastRequest().path}`)
  show('ended at', emulator.calls.get(`default:${callId}`).endedAt)

  step(5, 'verifyWebhook(rawBody, X-Signature)')
  const event = JSON.stringify({ type: 'call.session_ended', created_at: new Date().toISOString(), call_cid: `default:${callId}`, session_id: 's-1' })
  const signature = crypto.createHmac('sha256', apiSecret).update(event).digest('hex')
  show('genuine', await stream.verifyWebhook(event, signature))
  show('tampered', await stream.verifyWebhook(event.replace('ended', 'started'), signature))

  const failure = await stream.endCall('no-such-call').catch((e) => e)
  console.log(`\nA failure, for comparison: ${failure.code} (HTTP ${failure.status}, Stream code ${failure.streamCode})`)
  console.log('\nDemo finished.')
} finally {
  await emulator.close()
}
