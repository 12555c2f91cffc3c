// The three hand-written native protocols, each tested as one: the hot
// Node-API callbacks (`src/hot.rs`, whose JS signatures its header lists),
// the type-tagged handles (`src/handle.rs`) and the webhook event slots
// (`src/event_fields.rs` writes them, `lib/events.js` reads them).
import crypto from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import test from 'ava'

const require = createRequire(import.meta.url)
const binding = require('../binding.js')
const { decodeEvent, SLOTS } = require('../lib/events.js')

const signer = binding.newSigner(['key', 'secret'], false)
const client = binding.newClient(['key', 'secret', undefined, undefined, undefined, undefined, undefined], false)
const sign = (body) => crypto.createHmac('sha256', 'secret').update(body).digest('hex')

test('the hot callbacks are the ones src/hot.rs documents, and refuse what they were not given', (t) => {
  const header = readFileSync(new URL('../src/hot.rs', import.meta.url), 'utf8')
    .split('JS signatures')[1]
    .split('\n\n')[0]
  const documented = [...header.matchAll(/^\/\/! - `(\w+)\(/gm)].map((m) => m[1])
  t.deepEqual(documented, ['userToken', 'verifyWebhook', 'handleWebhook'])
  for (const name of documented) t.is(typeof binding[name], 'function', name)
  t.is(binding.userToken(signer, 'ada').split('.').length, 3)
  t.is(typeof binding.verifyWebhook(signer, '{}', sign('{}')), 'boolean')
  t.true(binding.verifyWebhook(signer, Buffer.from('{}'), sign('{}')))
  t.false(binding.verifyWebhook(signer, '{}', undefined), 'a missing signature does not match')
  for (const [what, call] of [
    ['no arguments', () => binding.userToken()],
    ['a plain object as the handle', () => binding.userToken({}, 'ada')],
    ['a client handle as the signer', () => binding.userToken(client, 'ada')],
    ['a number as the user id', () => binding.userToken(signer, 5)],
    ['a number as the body', () => binding.verifyWebhook(signer, 5, 'x')],
    ['slots too short', () => binding.handleWebhook(signer, '{}', sign('{}'), undefined, undefined, undefined, undefined, new Float64Array(2))],
  ]) {
    const error = t.throws(call, undefined, what)
    t.is(error.code, 'STREAM_INVALID_ARGUMENT', what)
  }
})

test('handles are typed: each kind is refused where another is expected', (t) => {
  t.notThrows(() => binding.clientSigner(client))
  for (const wrong of [signer, {}, 1, 'client', null]) {
    const error = t.throws(() => binding.clientSigner(wrong))
    t.regex(error.message, /handle/)
  }
})

test('event slots: what Rust writes, lib/events.js reads back as the event handleStreamWebhook gives', async (t) => {
  t.is(SLOTS.length, 1 + binding.eventFields().length)
  process.env.STREAM_API_KEY = 'key'
  process.env.STREAM_API_SECRET = 'secret'
  const { handleStreamWebhook } = require('stream-video-native')
  const events = [
    { type: 'call.session_started', call_cid: 'default:x', created_at: '2026-01-01T00:00:00Z', session_id: 's' },
    {
      type: 'call.session_participant_left',
      call_cid: 'livestream:y',
      session_id: 's',
      participant: { user: { id: 'ada👍🏽' }, user_session_id: 'us' },
      duration_seconds: 42,
    },
    { type: 'call.member_added', call_cid: 'default:z', members: [{ user_id: 'a' }, { user_id: '' }] },
    {
      type: 'call.recording_ready',
      call_cid: 'default:r',
      call_recording: { url: 'https://x/r.mp4', start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-01T00:01:00Z' },
    },
  ]
  for (const event of events) {
    const body = JSON.stringify(event)
    const text = binding.handleWebhook(signer, body, sign(body), 'w-1', 2, undefined, undefined, SLOTS)
    const decoded = decodeEvent(text)
    const viaPackage = await handleStreamWebhook(body, { signature: sign(body), webhookId: 'w-1', attempt: 2 })
    t.deepEqual({ ...decoded }, { ...viaPackage }, event.type)
  }
})
