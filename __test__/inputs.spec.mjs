// Hostile input from the caller (issue 19): keys named `__proto__`, throwing
// getters and Proxies, an Invalid Date, custom data past Stream's limit. Each
// is refused as STREAM_INVALID_ARGUMENT naming the parameter, or kept exactly,
// and nothing is sent that Stream would refuse.
import crypto from 'node:crypto'
import test from 'ava'
import { createStreamClient, handleStreamWebhook } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, useEmulator } from './helpers.mjs'

useEmulator(test)
test.serial.beforeEach((t) => t.context.stream.reset())

const client = (t) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: t.context.stream.url, maxRetries: 0 })
const sign = (body) => crypto.createHmac('sha256', API_SECRET).update(body).digest('hex')

test.serial('custom data with a `__proto__` key comes back as an own key, not as the prototype', async (t) => {
  const data = JSON.parse('{"meetingId":"m-1","agentId":"a","agentName":"A","__proto__":{"polluted":true}}')
  const call = await client(t).createStreamCall('proto-call', 'host', data)
  t.true(Object.hasOwn(call.custom, '__proto__'))
  t.deepEqual(Object.getOwnPropertyDescriptor(call.custom, '__proto__').value, { polluted: true })
  t.is(Object.getPrototypeOf(call.custom), Object.prototype)
  t.is({}.polluted, undefined)
  const [user] = await client(t).upsertUsers([{ id: 'proto-user', custom: JSON.parse('{"__proto__":{"x":1}}') }])
  t.true(Object.hasOwn(user.custom, '__proto__'))
  t.is(Object.getPrototypeOf(user.custom), Object.prototype)
})

test.serial('a throwing getter or Proxy in custom data, options or webhook headers is STREAM_INVALID_ARGUMENT naming it', async (t) => {
  const boom = () => {
    throw new Error('getter exploded')
  }
  const getter = { ...DATA }
  Object.defineProperty(getter, 'notes', { enumerable: true, get: boom })
  const trap = new Proxy({ ...DATA }, { ownKeys: boom })
  for (const data of [getter, trap, { ...DATA, nested: new Proxy({}, { get: boom, ownKeys: boom }) }]) {
    const e = await t.throwsAsync(client(t).createStreamCall('c', 'host', data))
    t.is(e.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(e.message, /^data(\.nested)? could not be read: getter exploded/)
  }
  const usersTrap = await t.throwsAsync(client(t).upsertUsers([{ id: 'u', custom: new Proxy({}, { ownKeys: boom }) }]))
  t.is(usersTrap.code, 'STREAM_INVALID_ARGUMENT')
  const body = JSON.stringify({ type: 'call.session_started' })
  for (const headers of [
    new Proxy({}, { get: boom, ownKeys: boom, getOwnPropertyDescriptor: boom }),
    Object.defineProperty({}, 'signature', { enumerable: true, get: boom }),
  ]) {
    const e = await t.throwsAsync(handleStreamWebhook(body, headers))
    t.is(e.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(e.message, /^headers could not be read/)
  }
  const options = Object.defineProperty({}, 'startedAt', { enumerable: true, get: boom })
  const e = await t.throwsAsync(handleStreamWebhook(body, { signature: sign(body) }, options))
  t.is(e.code, 'STREAM_INVALID_ARGUMENT')
  t.regex(e.message, /^options could not be read/)
  const recording = await t.throwsAsync(client(t).startRecording('c', new Proxy({}, { ownKeys: boom })))
  t.is(recording.code, 'STREAM_INVALID_ARGUMENT')
  t.is(t.context.stream.requests.length, 0, 'nothing was sent')
})

test.serial('an Invalid Date as startedAt is STREAM_INVALID_ARGUMENT', async (t) => {
  const body = JSON.stringify({ type: 'call.session_ended', call_cid: 'default:m' })
  const e = await t.throwsAsync(handleStreamWebhook(body, { signature: sign(body) }, { startedAt: new Date(Number.NaN) }))
  t.is(e.code, 'STREAM_INVALID_ARGUMENT')
  t.is(e.message, 'options.startedAt must be a valid Date, got an Invalid Date')
})

test.serial('custom data has no size limit of its own: it is sent, and what Stream refuses comes back typed', async (t) => {
  // No public Stream source states a limit on a call's or user's custom data
  // (issue 36), so none is enforced here: 6 KB goes through.
  const six = { ...DATA, notes: 'x'.repeat(6000) }
  t.is((await client(t).createStreamCall('six-kb', 'host', six)).custom.notes.length, 6000)
  t.is((await client(t).upsertUsers([{ id: 'u', custom: { notes: 'x'.repeat(6000) } }]))[0].custom.notes.length, 6000)
  t.is((await client(t).updateUsersPartial([{ id: 'u', set: { custom: { notes: 'x'.repeat(7000) } } }]))[0].custom.notes.length, 7000)
  // A body over what the server takes (the emulator's 1 MiB) is Stream's 413, typed.
  const e = await t.throwsAsync(client(t).createStreamCall('big-call', 'host', { ...DATA, notes: 'x'.repeat(2 * 1024 * 1024) }))
  t.is(e.code, 'STREAM_API')
  t.is(e.status, 413)
  t.is(e.streamCode, 22)
})
