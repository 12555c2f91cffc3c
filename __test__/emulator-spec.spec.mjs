// The emulator answers as Stream's OpenAPI spec says: every operation of the
// node-sdk surface is served, each answer has the spec's status and validates
// against the spec's response schema, and every webhook it delivers validates
// against the schema of its event (ajv, over the schema shapes generated from
// the spec into fixtures/openapi-schemas.json).
import { createRequire } from 'node:module'
import test from 'ava'
import { API_KEY, API_SECRET, startEmulator } from './helpers.mjs'
import { SCHEMAS } from './spec-helpers.mjs'

const require = createRequire(import.meta.url)
const Ajv = require('ajv')
const jwt = require('jsonwebtoken')
const { OPERATIONS } = require('../node-sdk/operations.js')
const { EVENT_SCHEMAS } = require('../emulator/skeletons.js')
const OPERATION = Object.fromEntries(OPERATIONS.map((op) => [op.id, op]))

/**
 * The spec's schema shape as JSON Schema: times are RFC 3339 text or numbers
 * (the spec types them as numbers; Stream sends text), and a property that is
 * not required may be null (Stream's own clients read optional fields so).
 */
function jsonSchema(shape, nullable = false) {
  const orNull = (schema) => (nullable || shape.nullable ? { anyOf: [schema, { type: 'null' }] } : schema)
  if (shape.$ref) return orNull({ $ref: `#/definitions/${shape.$ref.slice(shape.$ref.lastIndexOf('/') + 1)}` })
  if (shape.format === 'date-time') return orNull({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'number' }] })
  const out = {}
  if (shape.enum) out.enum = shape.enum
  if (shape.type) out.type = shape.type
  if (shape.items) out.items = jsonSchema(shape.items)
  if (shape.additionalProperties && typeof shape.additionalProperties === 'object' && Object.keys(shape.additionalProperties).length > 0) {
    out.additionalProperties = jsonSchema(shape.additionalProperties)
  }
  if (shape.properties) {
    const required = new Set(shape.required ?? [])
    out.properties = Object.fromEntries(Object.entries(shape.properties).map(([k, v]) => [k, jsonSchema(v, !required.has(k))]))
    if (required.size > 0) out.required = [...required]
  }
  return orNull(out)
}

const ajv = new Ajv({ allErrors: true, strict: false })
ajv.addFormat('date-time', { type: 'string', validate: (s) => !Number.isNaN(Date.parse(s)) })
const definitions = Object.fromEntries(Object.entries(SCHEMAS).map(([name, shape]) => [name, jsonSchema({ ...shape, nullable: false })]))
const validators = new Map()
function validate(name, value) {
  if (!validators.has(name)) validators.set(name, ajv.compile({ definitions, $ref: `#/definitions/${name}` }))
  const check = validators.get(name)
  return check(value) ? [] : check.errors.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
}

test('every operation of the node-sdk surface is served with the spec status and a body valid against its response schema, and every webhook against its event schema', async (t) => {
  const stream = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET })
  t.teardown(() => stream.close())
  const token = jwt.sign({ server: true }, API_SECRET, { algorithm: 'HS256' })
  const seen = new Set()
  async function send(id, { path = {}, query = {}, body } = {}) {
    const op = OPERATION[id]
    const url = new URL(
      op.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(path[name])),
      stream.url,
    )
    for (const [k, v] of Object.entries({ ...query, api_key: API_KEY })) url.searchParams.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v))
    const response = await fetch(url, {
      method: op.method,
      headers: { authorization: token, 'stream-auth-type': 'jwt', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const answer = await response.json()
    t.is(response.status, op.status, `${id}: ${JSON.stringify(answer).slice(0, 300)}`)
    t.deepEqual(validate(op.response, answer), [], `${id} answers a valid ${op.response}`)
    seen.add(id)
    return answer
  }
  const call = { type: 'default', id: 'spec-1' }
  await send('UpdateUsers', { body: { users: { ada: { id: 'ada', name: 'Ada' }, bob: { id: 'bob' }, carol: { id: 'carol', custom: { team: 'x' } } } } })
  await send('GetOrCreateCall', {
    path: call,
    body: {
      data: {
        created_by_id: 'ada',
        members: [{ user_id: 'ada', role: 'host' }],
        custom: { topic: 'spec' },
        settings_override: { recording: { mode: 'available' } },
      },
    },
  })
  await send('GetCall', { path: call })
  await send('UpdateCall', { path: call, body: { custom: { topic: 'updated' }, starts_at: new Date().toISOString() } })
  await send('UpdateCallMembers', { path: call, body: { update_members: [{ user_id: 'bob', role: 'guest' }] } })
  await send('QueryCallMembers', { body: { ...call, limit: 10 } })
  await send('QueryCalls', { body: { filter_conditions: { type: 'default' }, limit: 5 } })
  await stream.join(call.id, 'ada')
  await stream.join(call.id, 'bob')
  await send('StartRecording', { path: { ...call, recording_type: 'composite' }, body: {} })
  await send('StartTranscription', { path: call, body: { language: 'en' } })
  await send('StartClosedCaptions', { path: call, body: {} })
  await send('SendClosedCaption', { path: call, body: { speaker_id: 'ada', text: 'hello', user_id: 'ada' } })
  await send('StopClosedCaptions', { path: call, body: {} })
  await send('StopTranscription', { path: call, body: {} })
  await send('StopRecording', { path: { ...call, recording_type: 'composite' }, body: {} })
  const { recordings } = await send('ListRecordings', { path: call })
  const { transcriptions } = await send('ListTranscriptions', { path: call })
  await send('SendCallEvent', { path: call, body: { user_id: 'ada', custom: { kind: 'summary' } } })
  await send('MuteUsers', { path: call, body: { user_ids: ['bob'], audio: true, muted_by_id: 'ada' } })
  await send('BlockUser', { path: call, body: { user_id: 'carol' } })
  await send('UnblockUser', { path: call, body: { user_id: 'carol' } })
  await send('UpdateUserPermissions', { path: call, body: { user_id: 'bob', grant_permissions: ['send-audio'] } })
  await send('GoLive', { path: call, body: {} })
  await send('StopLive', { path: call, body: {} })
  await send('KickUser', { path: call, body: { user_id: 'bob', kicked_by_id: 'ada' } })
  const { call: state } = await send('GetCall', { path: call })
  await send('QueryCallParticipantSessions', { path: { ...call, session: state.current_session_id }, query: { limit: 10 } })
  await send('GetCallReport', { path: call, query: { session_id: state.current_session_id } })
  await send('DeleteRecording', { path: { ...call, session: recordings[0].session_id, filename: recordings[0].filename } })
  await send('DeleteTranscription', { path: { ...call, session: transcriptions[0].session_id, filename: transcriptions[0].filename } })
  await send('EndCall', { path: call })
  await send('QueryUsers', { query: { payload: { filter_conditions: { id: { $in: ['ada', 'bob'] } } } } })
  await send('UpdateUsersPartial', { body: { users: [{ id: 'ada', set: { name: 'Ada L.' } }] } })
  await send('DeleteUsers', { body: { user_ids: ['carol'] } })
  await send('DeleteCall', { path: call, body: { hard: true } })
  t.deepEqual(
    OPERATIONS.map((op) => op.id).filter((id) => !seen.has(id)),
    [],
    'every operation was sent',
  )

  await stream.settled()
  const types = new Set()
  for (const delivery of stream.deliveries) {
    types.add(delivery.type)
    const schema = EVENT_SCHEMAS[delivery.type]
    t.truthy(schema, `${delivery.type} is a spec event`)
    t.deepEqual(validate(schema, JSON.parse(delivery.body)), [], `${delivery.type} is a valid ${schema}`)
  }
  t.log(`${stream.deliveries.length} deliveries of ${types.size} types: ${[...types].sort().join(', ')}`)
  t.true(types.size >= 15)
})

test('the session lifecycle driven by the control routes delivers only spec-valid events', async (t) => {
  const stream = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, autoSession: true, lenient: true })
  t.teardown(() => stream.close())
  const { createStreamClient } = require('stream-video-native')
  const client = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: stream.url })
  await client.createStreamCall('life-1', 'host', { topic: 'x' }, { settings: { recording: { mode: 'auto-on' }, transcription: { mode: 'auto-on' } } })
  await stream.join('life-1', 'guest')
  await stream.leave('life-1', 'guest')
  await stream.runSession('life-1', { durationSeconds: 30 })
  await client.endCall('life-1')
  await stream.settled()
  t.true(stream.deliveries.length >= 6)
  for (const delivery of stream.deliveries) {
    t.deepEqual(validate(EVENT_SCHEMAS[delivery.type], JSON.parse(delivery.body)), [], delivery.type)
  }
})
