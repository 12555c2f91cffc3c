// The package as one runtime sees it (Node, Bun or Deno), run by
// __test__/e2e/runtimes.spec.mjs from a project that installed the packed
// package: loading (CJS and ESM), tokens, webhook checks and events, every
// REST function against the emulator (SMOKE_URL), AbortSignal, typed errors.
// Prints one JSON line `{ runtime, passed, failed: [...] }` and then ends on
// its own: nothing may keep the process alive.
import crypto from 'node:crypto'
import { createRequire } from 'node:module'
import zlib from 'node:zlib'
import * as esm from 'stream-video-native'

const require = createRequire(import.meta.url)
const cjs = require('stream-video-native')
const runtime = globalThis.Bun ? `bun ${Bun.version}` : globalThis.Deno ? `deno ${Deno.version.deno}` : `node ${process.versions.node}`
const { SMOKE_URL: url, SMOKE_HANG_URL: hangUrl, SMOKE_KEY: apiKey, SMOKE_SECRET: apiSecret } = process.env
const failed = []
let passed = 0

async function check(name, fn) {
  try {
    await fn()
    passed++
  } catch (e) {
    failed.push(`${name}: ${e?.stack ?? e}`.slice(0, 600))
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message)
}

const errorOf = (promise) =>
  promise.then(
    () => null,
    (e) => e,
  )
const hmac = (body) => crypto.createHmac('sha256', apiSecret).update(body).digest('hex')
const data = { meetingId: 'm-1', agentId: 'agent-1', agentName: 'Agent' }

await check('CJS and ESM expose the same functions', () => {
  for (const name of ['createStreamClient', 'generateStreamToken', 'handleStreamWebhook', 'startRecording', 'StreamError']) {
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: comparing the two entries by name is the point
    assert(typeof cjs[name] === 'function' && esm[name] === cjs[name], name)
  }
  assert(esm.CALL_EVENT_TYPES.length === 53, 'CALL_EVENT_TYPES')
})

const api = esm.createStreamClient({ apiKey, apiSecret, baseUrl: url, timeoutMs: 5000 })

await check('tokens are HS256 with the right claims', async () => {
  const token = await api.generateStreamToken('user-1', 600)
  const [header, payload, signature] = token.split('.')
  assert(crypto.createHmac('sha256', apiSecret).update(`${header}.${payload}`).digest('base64url') === signature, 'signature')
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  assert(claims.user_id === 'user-1' && claims.exp - claims.iat === 600, JSON.stringify(claims))
  const callToken = api.generateCallTokenSync('guest-1', ['meeting-1'], { role: 'guest' })
  assert(JSON.parse(Buffer.from(callToken.split('.')[1], 'base64url')).call_cids[0] === 'default:meeting-1', 'call token')
})

await check('webhook signatures and events, plain and gzip', async () => {
  const body = JSON.stringify({
    type: 'call.session_participant_joined',
    created_at: '2026-04-08T14:30:00Z',
    call_cid: 'default:m',
    participant: { user: { id: 'guest-1' }, user_session_id: 'us-1' },
  })
  assert((await api.verifyWebhook(body, hmac(body))) === true, 'genuine')
  assert(api.verifyWebhookSync(`${body} `, hmac(body)) === false, 'tampered')
  const event = await api.handleStreamWebhook(Buffer.from(body), { signature: hmac(body), webhookId: 'w1', attempt: '2' })
  assert(event.type === 'call.session_participant_joined' && event.userId === 'guest-1' && event.attempt === 2 && event.update === null, JSON.stringify(event))
  const started = JSON.stringify({ type: 'call.session_started', call_cid: 'default:m', call: { session: { started_at: '2026-04-08T14:00:00Z' } } })
  const gz = await api.handleStreamWebhook(zlib.gzipSync(started), { signature: hmac(started) })
  assert(gz.update?.kind === 'active' && gz.update.startedAt === '2026-04-08T14:00:00Z', JSON.stringify(gz))
  const bad = await errorOf(api.handleStreamWebhook(body, { signature: hmac('other') }))
  assert(bad instanceof esm.StreamError && bad.code === 'STREAM_WEBHOOK_SIGNATURE', String(bad))
})

await check('every REST function against the emulator', async () => {
  const users = await api.upsertUsers([{ id: 'host-1', name: 'Host', custom: { big: 2 ** 63 } }, { id: 'agent-1' }])
  assert(users.length === 2 && users[0].custom.big === 2 ** 63, JSON.stringify(users))
  assert((await api.getUsers(['host-1', 'ghost'])).length === 1, 'getUsers')
  assert((await api.updateUsersPartial([{ id: 'host-1', set: { name: 'H' } }]))[0].name === 'H', 'updateUsersPartial')
  const call = await api.createStreamCall('rt-call', 'host-1', data, { settings: { recording: { mode: 'available' } } })
  assert(call.cid === 'default:rt-call' && call.created === true, JSON.stringify(call))
  await api.addCallParticipant('rt-call', 'agent-1')
  await api.startRecording('rt-call')
  await api.startTranscription('rt-call', { language: 'en' })
  await api.startClosedCaptions('rt-call')
  const state = await api.getCall('rt-call')
  assert(state.recording && state.transcribing && state.captioning, JSON.stringify(state))
  await api.stopRecording('rt-call')
  await api.stopTranscription('rt-call')
  await api.stopClosedCaptions('rt-call')
  assert((await api.listRecordings('rt-call')).length === 1, 'listRecordings')
  assert((await api.listTranscriptions('rt-call')).length === 1, 'listTranscriptions')
  await api.endCall('rt-call')
})

await check('typed errors', async () => {
  const missing = await errorOf(api.getCall('no-such-call'))
  assert(missing instanceof esm.StreamError && missing.code === 'STREAM_API' && missing.status === 404 && missing.streamCode === 16, String(missing))
  const invalid = await errorOf(api.startRecording('x', { recordingType: 'mp4' }))
  assert(invalid?.code === 'STREAM_INVALID_ARGUMENT' && /recordingType/.test(invalid.message), String(invalid))
  const config = (() => {
    try {
      esm.createStreamClient({ apiKey: 'k' })
    } catch (e) {
      return e
    }
  })()
  assert(config?.code === 'STREAM_CONFIG', String(config))
})

await check('AbortSignal cancels a request in flight and a shared signal warns nothing', async () => {
  const hanging = esm.createStreamClient({ apiKey, apiSecret, baseUrl: hangUrl, timeoutMs: 10_000 })
  const controller = new AbortController()
  const started = Date.now()
  const pending = Array.from({ length: 20 }, (_, i) => errorOf(hanging.endCall(`c${i}`, { signal: controller.signal })))
  setTimeout(() => controller.abort(), 50)
  const errors = await Promise.all(pending)
  assert(
    errors.every((e) => e?.code === 'STREAM_ABORTED'),
    errors.map((e) => e?.code),
  )
  assert(Date.now() - started < 3000, `aborted after ${Date.now() - started} ms`)
})

console.log(JSON.stringify({ runtime, passed, failed }))
