// What an AI-meeting app asks of Stream besides creating calls: recording,
// transcription and captions on and off, settings at creation, the call's
// state, its recordings and transcripts. Each function's wire (method, path,
// query, headers, JSON body) is compared with what @stream-io/node-sdk sends.
import { readFileSync } from 'node:fs'
import { StreamClient as SdkClient } from '@stream-io/node-sdk'
import test from 'ava'
import * as stream from 'stream-video-native'
import { API_KEY, API_SECRET, answeringServer, DATA, useEmulator } from './helpers.mjs'

const { createStreamClient, StreamError, CALL_EVENT_TYPES } = stream
useEmulator(test)
test.serial.beforeEach((t) => t.context.stream.reset())

const client = (t) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: t.context.stream.url })
const sdk = (t) => new SdkClient(API_KEY, API_SECRET, { basePath: t.context.stream.url })

/** Runs node-sdk's call, then ours, and checks that the two requests are the same on the wire. */
async function sameWire(t, theirs, ours, { method, path, body }) {
  const emulator = t.context.stream
  emulator.requests.length = 0
  await theirs()
  await ours()
  t.is(emulator.requests.length, 2)
  const [a, b] = emulator.requests
  t.is(b.method, method)
  t.is(b.method, a.method)
  t.is(b.path, path)
  t.is(b.path, a.path)
  t.deepEqual(b.query, a.query)
  t.deepEqual(b.query, { api_key: API_KEY })
  const parse = (text) => (text === '' ? undefined : JSON.parse(text))
  t.deepEqual(parse(b.body), parse(a.body))
  t.deepEqual(parse(b.body), body)
  for (const header of ['content-type', 'stream-auth-type']) t.is(b.headers[header], a.headers[header], header)
}

const path = (id, suffix = '') => `/api/v2/video/call/default/${id}${suffix}`

test.serial('startRecording and stopRecording: node-sdk’s wire, every recording type, external storage', async (t) => {
  await client(t).createStreamCall('rec', 'host', DATA)
  const call = sdk(t).video.call('default', 'rec')
  const api = client(t)
  await sameWire(
    t,
    () => call.startRecording({ recording_type: 'composite' }),
    async () => {
      await t.context.stream.calls.get('default:rec').live.recording.clear()
      await api.startRecording('rec')
    },
    { method: 'POST', path: path('rec', '/recordings/composite/start'), body: {} },
  )
  await sameWire(
    t,
    () => call.stopRecording({ recording_type: 'composite' }),
    async () => {
      t.context.stream.calls.get('default:rec').live.recording.add('composite')
      await api.stopRecording('rec')
    },
    { method: 'POST', path: path('rec', '/recordings/composite/stop'), body: {} },
  )
  for (const type of ['individual', 'raw']) {
    await sameWire(
      t,
      () => call.startRecording({ recording_type: type, recording_external_storage: 'my-s3' }),
      async () => {
        t.context.stream.calls.get('default:rec').live.recording.clear()
        await api.startRecording('rec', { recordingType: type, externalStorage: 'my-s3' })
      },
      { method: 'POST', path: path('rec', `/recordings/${type}/start`), body: { recording_external_storage: 'my-s3' } },
    )
  }
})

test.serial('transcription and closed captions: node-sdk’s wire for start and stop, with every option', async (t) => {
  await client(t).createStreamCall('tx', 'host', DATA)
  const call = sdk(t).video.call('default', 'tx')
  const api = client(t)
  const live = () => t.context.stream.calls.get('default:tx').live
  const reset = (transcribing, captioning) => Object.assign(live(), { transcribing, captioning })
  await sameWire(
    t,
    () => call.startTranscription({ language: 'de', enable_closed_captions: true, transcription_external_storage: 'bucket' }),
    async () => {
      reset(false, false)
      await api.startTranscription('tx', { language: 'de', enableClosedCaptions: true, externalStorage: 'bucket' })
    },
    {
      method: 'POST',
      path: path('tx', '/start_transcription'),
      body: { language: 'de', enable_closed_captions: true, transcription_external_storage: 'bucket' },
    },
  )
  await sameWire(
    t,
    () => call.stopTranscription({ stop_closed_captions: true }),
    async () => {
      reset(true, true)
      await api.stopTranscription('tx', { stopClosedCaptions: true })
    },
    { method: 'POST', path: path('tx', '/stop_transcription'), body: { stop_closed_captions: true } },
  )
  reset(false, false)
  await sameWire(
    t,
    () => call.startClosedCaptions({ language: 'fr', enable_transcription: false, external_storage: 'bucket' }),
    async () => {
      reset(false, false)
      await api.startClosedCaptions('tx', { language: 'fr', enableTranscription: false, externalStorage: 'bucket' })
    },
    { method: 'POST', path: path('tx', '/start_closed_captions'), body: { language: 'fr', enable_transcription: false, external_storage: 'bucket' } },
  )
  await sameWire(
    t,
    () => call.stopClosedCaptions({ stop_transcription: false }),
    async () => {
      reset(false, true)
      await api.stopClosedCaptions('tx', { stopTranscription: false })
    },
    { method: 'POST', path: path('tx', '/stop_closed_captions'), body: { stop_transcription: false } },
  )
  // No options at all: an empty body, as node-sdk sends.
  reset(false, false)
  await sameWire(
    t,
    () => call.startTranscription({}),
    async () => {
      reset(false, false)
      await api.startTranscription('tx')
    },
    { method: 'POST', path: path('tx', '/start_transcription'), body: {} },
  )
})

test.serial('getCall, listRecordings and listTranscriptions: node-sdk’s GETs, typed answers', async (t) => {
  const api = client(t)
  await api.createStreamCall('reads', 'host', { ...DATA, big: 2 ** 63 })
  const call = sdk(t).video.call('default', 'reads')
  await sameWire(
    t,
    () => call.get(),
    () => api.getCall('reads'),
    { method: 'GET', path: path('reads'), body: undefined },
  )
  await sameWire(
    t,
    () => call.listRecordings(),
    () => api.listRecordings('reads'),
    { method: 'GET', path: path('reads', '/recordings'), body: undefined },
  )
  await sameWire(
    t,
    () => call.listTranscriptions(),
    () => api.listTranscriptions('reads'),
    {
      method: 'GET',
      path: path('reads', '/transcriptions'),
      body: undefined,
    },
  )
  const state = await api.getCall('reads')
  t.like(state, {
    type: 'default',
    id: 'reads',
    cid: 'default:reads',
    createdById: 'host',
    recording: false,
    transcribing: false,
    captioning: false,
    endedAt: null,
    session: null,
  })
  t.is(state.custom.big, 2 ** 63)
  t.false('created' in state)
  const emulator = t.context.stream
  await emulator.join('reads', 'host')
  await api.startRecording('reads')
  await api.startTranscription('reads', { enableClosedCaptions: true })
  const live = await api.getCall('reads')
  t.like(live, { recording: true, transcribing: true, captioning: true })
  t.like(live.session, { participantCount: 1, endedAt: null })
  t.regex(live.session.startedAt, /^\d{4}-/)
  await api.stopRecording('reads')
  await api.stopTranscription('reads', { stopClosedCaptions: true })
  await api.endCall('reads')
  const [recording] = await api.listRecordings('reads')
  t.like(recording, { recordingType: 'composite', sessionId: live.session.id })
  t.deepEqual(Object.keys(recording).sort(), ['endTime', 'filename', 'recordingType', 'sessionId', 'startTime', 'url'])
  const [transcript] = await api.listTranscriptions('reads')
  t.deepEqual(Object.keys(transcript).sort(), ['endTime', 'filename', 'sessionId', 'startTime', 'url'])
  t.regex(transcript.startTime, /^\d{4}-\d\d-\d\dT/)
  t.regex((await api.getCall('reads')).endedAt, /^\d{4}-/)
})

test.serial('createStreamCall with settings sends settings_override exactly as node-sdk does', async (t) => {
  const settings = {
    recording: { mode: 'auto-on', quality: '1080p', audioOnly: false },
    transcription: { mode: 'auto-on', language: 'en', closedCaptionMode: 'available' },
  }
  const wire = {
    recording: { mode: 'auto-on', quality: '1080p', audio_only: false },
    transcription: { mode: 'auto-on', language: 'en', closed_caption_mode: 'available' },
  }
  const data = { created_by_id: 'host', custom: DATA, settings_override: wire }
  await sameWire(
    t,
    () =>
      sdk(t)
        .video.call('default', 'with-settings')
        .getOrCreate({ data: structuredClone(data) }),
    async () => {
      t.context.stream.calls.clear()
      await client(t).createStreamCall('with-settings', 'host', DATA, { settings })
    },
    { method: 'POST', path: path('with-settings'), body: { data } },
  )
  // Only what is given is sent.
  await sameWire(
    t,
    () =>
      sdk(t)
        .video.call('default', 'partial')
        .getOrCreate({ data: { created_by_id: 'host', custom: DATA, settings_override: { transcription: { language: 'fr' } } } }),
    () => client(t).createStreamCall('partial', 'host', DATA, { settings: { transcription: { language: 'fr' } } }),
    {
      method: 'POST',
      path: path('partial'),
      body: { data: { created_by_id: 'host', custom: DATA, settings_override: { transcription: { language: 'fr' } } } },
    },
  )
})

test.serial('bad input names the parameter and sends nothing', async (t) => {
  const api = client(t)
  const cases = [
    [() => api.startRecording('x', { recordingType: 'mp4' }), /^options\.recordingType must be one of 'composite', 'individual', 'raw'$/],
    [() => api.stopRecording('x', { recordingType: 5 }), /^options\.recordingType must be one of/],
    [() => api.startRecording('x', { externalStorage: '' }), /^options\.externalStorage must be a non-empty string$/],
    [() => api.startRecording('x', { recordingtype: 'raw' }), /^options\.recordingtype is not an option here \(known: recordingType, externalStorage\)$/],
    [() => api.startTranscription('x', { language: 'klingon' }), /^options\.language must be one of 'auto', 'en'/],
    [() => api.startTranscription('x', { enableClosedCaptions: 'yes' }), /^options\.enableClosedCaptions must be a boolean$/],
    [() => api.stopTranscription('x', { stopClosedCaptions: 1 }), /^options\.stopClosedCaptions must be a boolean$/],
    [() => api.startClosedCaptions('x', { language: 'EN' }), /^options\.language must be one of/],
    [() => api.stopClosedCaptions('x', { stopTranscription: 'no' }), /^options\.stopTranscription must be a boolean$/],
    [() => api.startRecording('bad id!'), /^callId must be a call id or type:id, each part 1-64 characters/],
    [() => api.getCall(42), /^callId must be a string, got number$/],
    [() => api.listRecordings('x'.repeat(65)), /^callId must be a call id or type:id, each part 1-64/],
    [() => api.startRecording('x', 'composite'), /^options must be an object/],
    [
      () => api.createStreamCall('x', 'u', DATA, { settings: { recording: { mode: 'on' } } }),
      /^options\.settings\.recording\.mode must be one of 'available', 'disabled', 'auto-on'$/,
    ],
    [() => api.createStreamCall('x', 'u', DATA, { settings: { recording: { quality: '720p' } } }), /^options\.settings\.recording\.mode is required/],
    [
      () => api.createStreamCall('x', 'u', DATA, { settings: { recording: { mode: 'auto-on', quality: '4k' } } }),
      /^options\.settings\.recording\.quality must be one of '360p'/,
    ],
    [
      () => api.createStreamCall('x', 'u', DATA, { settings: { transcription: { closedCaptionMode: true } } }),
      /^options\.settings\.transcription\.closedCaptionMode must be one of/,
    ],
    [() => api.createStreamCall('x', 'u', DATA, { settings: 'auto-on' }), /^options\.settings must be an object$/],
    [() => api.createStreamCall('x', 'u', DATA, { settings: { video: {} } }), /^options\.settings\.video is not an option here/],
  ]
  for (const [run, message] of cases) {
    const err = await t.throwsAsync(run(), { instanceOf: StreamError })
    t.is(err.code, 'STREAM_INVALID_ARGUMENT', String(message))
    t.regex(err.message, message)
  }
  t.is(t.context.stream.requests.length, 0, 'nothing was sent')
})

test.serial('the languages and event types are exactly node-sdk’s', async (t) => {
  const models = readFileSync(new URL('../node_modules/@stream-io/node-sdk/dist/src/gen/models/index.d.ts', import.meta.url), 'utf8')
  const theirTypes = [...new Set(models.match(/'call\.[a-z_.]*'/g).map((s) => s.slice(1, -1)))].sort()
  t.is(theirTypes.length, 53)
  t.deepEqual([...CALL_EVENT_TYPES].sort(), theirTypes)
  t.true(Object.isFrozen(CALL_EVENT_TYPES))
  const union = /export interface StartTranscriptionRequest \{[^}]*language\?: ([^;]+);/.exec(models)[1]
  const theirLanguages = union.split('|').map((s) => s.trim().slice(1, -1))
  const err = await t.throwsAsync(client(t).startTranscription('x', { language: '?' }))
  const ours = [...err.message.matchAll(/'([^']+)'/g)].map((m) => m[1])
  t.deepEqual(ours, theirLanguages)
})

test.serial('the module-level functions and the client share the operations', async (t) => {
  Object.assign(process.env, { STREAM_API_KEY: API_KEY, STREAM_API_SECRET: API_SECRET, STREAM_BASE_URL: t.context.stream.url })
  await stream.createStreamCall('module', 'host', DATA, { settings: { recording: { mode: 'available' } } })
  await stream.startRecording('module', { signal: AbortSignal.timeout(5000) })
  t.true((await stream.getCall('module')).recording)
  await stream.stopRecording('module')
  t.is((await stream.listRecordings('module')).length, 1)
  t.deepEqual(await stream.listTranscriptions('module'), [])
  const controller = new AbortController()
  controller.abort()
  const err = await t.throwsAsync(stream.startTranscription('module', { signal: controller.signal }))
  t.is(err.code, 'STREAM_ABORTED')
  for (const name of [
    'startRecording',
    'stopRecording',
    'startTranscription',
    'stopTranscription',
    'startClosedCaptions',
    'stopClosedCaptions',
    'getCall',
    'listRecordings',
    'listTranscriptions',
  ]) {
    // biome-ignore lint/performance/noDynamicNamespaceImportAccess: checking every export by name is the point
    t.is(typeof stream[name], 'function', name)
    t.is(typeof client(t)[name], 'function', name)
  }
})

// One reader for every time the package returns (issue 36): RFC 3339 or Stream's nanosecond numbers;
// garbage, placeholders before 2000 and negative numbers are null, never passed on.
const BAD_TIMES = ['not a time', 'javascript:alert(1)', '0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'yesterday', '2026-04-08', -1775658215879000000, 0, '']
const GOOD = '2026-04-08T14:23:35.879421674Z'

test.serial('every time getCall, the listings, createStreamCall and the user functions return is a real moment or null', async (t) => {
  const api = client(t)
  const answer = (body) => t.context.stream.injectFault({ status: 200, body })
  for (const bad of BAD_TIMES) {
    answer({
      call: { type: 'default', id: 'c', cid: 'default:c', created_at: bad, ended_at: bad, custom: {}, session: { id: 's', started_at: bad, ended_at: bad } },
    })
    const state = await api.getCall('c')
    t.deepEqual([state.createdAt, state.endedAt, state.session.startedAt, state.session.endedAt], [null, null, null, null], String(bad))
    answer({ call: { type: 'default', id: 'c', cid: 'default:c', created_at: bad, custom: {} }, created: true })
    t.is((await api.createStreamCall('c', 'host', DATA)).createdAt, null, String(bad))
    const file = { url: 'https://x/f', filename: 'f', session_id: 's', start_time: bad, end_time: bad, recording_type: 'composite' }
    answer({ recordings: [file] })
    t.like((await api.listRecordings('c'))[0], { startTime: null, endTime: null })
    answer({ transcriptions: [file] })
    t.like((await api.listTranscriptions('c'))[0], { startTime: null, endTime: null })
    const user = { id: 'u', role: 'user', custom: {}, created_at: bad, updated_at: bad }
    answer({ users: { u: user } })
    t.like((await api.upsertUsers([{ id: 'u' }]))[0], { createdAt: null, updatedAt: null })
    answer({ users: [user] })
    t.like((await api.getUsers(['u']))[0], { createdAt: null, updatedAt: null })
    answer({ users: { u: user } })
    t.like((await api.updateUsersPartial([{ id: 'u', set: { name: 'U' } }]))[0], { createdAt: null, updatedAt: null })
  }
  // Real times pass as given; Stream's nanosecond numbers become RFC 3339.
  answer({
    call: { type: 'default', id: 'c', cid: 'default:c', created_at: GOOD, ended_at: 1775658215879000000, custom: {}, session: { id: 's', started_at: GOOD } },
  })
  t.like(await api.getCall('c'), { createdAt: GOOD, endedAt: '2026-04-08T14:23:35.879Z', session: { startedAt: GOOD, endedAt: null } })
})

// What real apps send (issue 37): any custom data, any call type, members and a start time at creation, no role.
test.serial('custom data of any shape, or none, is sent as node-sdk sends it', async (t) => {
  const shapes = [{ meetingId: 'm', meetingName: 'Standup' }, { description: 'weekly' }, {}, { nested: { list: [1, 'a', null] } }]
  for (const [i, custom] of shapes.entries()) {
    const id = `shape-${i}`
    await sameWire(
      t,
      () =>
        sdk(t)
          .video.call('default', id)
          .getOrCreate({ data: { created_by_id: 'host', custom } }),
      async () => t.deepEqual((await client(t).createStreamCall(id, 'host', custom)).custom, custom),
      { method: 'POST', path: path(id), body: { data: { created_by_id: 'host', custom } } },
    )
  }
  for (const none of [null, undefined]) {
    t.context.stream.requests.length = 0
    await client(t).createStreamCall('no-custom', 'host', none)
    t.deepEqual(JSON.parse(t.context.stream.requests[0].body), { data: { created_by_id: 'host' } })
  }
})

test.serial(
  'every call type: type:id, or a client whose callType is set, sends node-sdk’s path for call(type, id); the emulator keeps types apart',
  async (t) => {
    const emulator = t.context.stream
    await client(t).upsertUsers([{ id: 'host' }, { id: 'guest' }])
    for (const type of ['livestream', 'audio_room']) {
      const cid = `${type}:ls_1`
      const fromClient = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url, callType: type })
      for (const [api, callId] of [
        [client(t), cid],
        [fromClient, 'ls_1'],
      ]) {
        emulator.requests.length = 0
        await sdk(t)
          .video.call(type, 'ls_1')
          .getOrCreate({ data: { created_by_id: 'host', custom: DATA } })
        const created = await api.createStreamCall(callId, 'host', DATA)
        t.like(created, { type, id: 'ls_1', cid })
        await sdk(t)
          .video.call(type, 'ls_1')
          .updateCallMembers({ update_members: [{ user_id: 'guest', role: 'participant' }] })
        await api.addCallParticipant(callId, 'guest')
        const [a, b, c, d] = emulator.requests
        t.is(b.path, a.path)
        t.is(a.path, `/api/v2/video/call/${type}/ls_1`)
        t.deepEqual(JSON.parse(b.body), JSON.parse(a.body))
        t.is(d.path, c.path)
        t.is(c.path, `/api/v2/video/call/${type}/ls_1/members`)
        t.deepEqual(JSON.parse(d.body), JSON.parse(c.body))
        t.like(await api.getCall(callId), { type, cid })
        await api.startRecording(callId)
        t.true((await api.getCall(callId)).recording)
        await api.stopRecording(callId)
      }
    }
    // Same id, three types: three calls.
    t.truthy(emulator.calls.get('livestream:ls_1') && emulator.calls.get('audio_room:ls_1'))
    t.is(emulator.calls.get('default:ls_1'), undefined)
    const e = t.throws(() => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, callType: 'live stream' }))
    t.like(e, { code: 'STREAM_CONFIG' })
    t.regex(e.message, /^callType must be 1-64 characters/)
  },
)

test.serial('a call created with its members and a start time, and a member with no role: node-sdk’s wire', async (t) => {
  const startsAt = new Date('2026-12-24T18:00:00.000Z')
  await client(t).upsertUsers([{ id: 'host' }, { id: 'guest' }])
  const members = [
    { user_id: 'host', role: 'host' },
    { user_id: 'guest', custom: { seat: 2 } },
  ]
  await sameWire(
    t,
    () =>
      sdk(t)
        .video.call('default', 'with-members')
        .getOrCreate({ data: { created_by_id: 'host', custom: DATA, members, starts_at: startsAt } }),
    () =>
      client(t).createStreamCall('with-members', 'host', DATA, {
        members: [
          { userId: 'host', role: 'host' },
          { userId: 'guest', custom: { seat: 2 } },
        ],
        startsAt,
      }),
    { method: 'POST', path: path('with-members'), body: { data: { created_by_id: 'host', custom: DATA, members, starts_at: '2026-12-24T18:00:00.000Z' } } },
  )
  t.deepEqual([...t.context.stream.calls.get('default:with-members').members.keys()], ['host', 'guest'])
  await sameWire(
    t,
    () =>
      sdk(t)
        .video.call('default', 'with-members')
        .updateCallMembers({ update_members: [{ user_id: 'guest' }] }),
    () => client(t).addCallParticipant('with-members', 'guest', null),
    { method: 'POST', path: path('with-members', '/members'), body: { update_members: [{ user_id: 'guest' }] } },
  )
})

test.serial('getCall lists the members with their role and user; queryCallMembers pages through them with node-sdk’s wire', async (t) => {
  await client(t).upsertUsers([
    { id: 'host', name: 'Host', custom: { email: 'host@example.com' } },
    { id: 'agent', name: 'Agent' },
    { id: 'guest', custom: { email: 'guest@example.com' } },
  ])
  await client(t).createStreamCall('with-people', 'host', DATA, { members: [{ userId: 'host', role: 'host', custom: { seat: 1 } }] })
  await client(t).addCallParticipant('with-people', 'agent')
  await client(t).addCallParticipant('with-people', 'guest', null)
  const state = await client(t).getCall('with-people')
  t.deepEqual(
    state.members.map((m) => [m.userId, m.role, m.user.name, m.user.custom.email ?? null, m.custom]),
    [
      ['host', 'host', 'Host', 'host@example.com', { seat: 1 }],
      ['agent', 'participant', 'Agent', null, {}],
      ['guest', 'user', null, 'guest@example.com', {}],
    ],
  )
  t.truthy(state.members[0].createdAt)
  const call = sdk(t).video.call('default', 'with-people')
  await sameWire(
    t,
    () => call.queryMembers({ filter_conditions: { role: { $eq: 'host' } }, limit: 10 }),
    async () => {
      const page = await client(t).queryCallMembers('with-people', { filter: { role: { $eq: 'host' } }, limit: 10 })
      t.deepEqual(
        page.members.map((m) => m.userId),
        ['host'],
      )
      t.is(page.next, null)
    },
    {
      method: 'POST',
      path: '/api/v2/video/call/members',
      body: { type: 'default', id: 'with-people', filter_conditions: { role: { $eq: 'host' } }, limit: 10 },
    },
  )
  // Pages, as an app reads every member after the call.
  const seen = []
  let next
  do {
    const page = await client(t).queryCallMembers('with-people', { limit: 2, next })
    seen.push(...page.members.map((m) => m.userId))
    next = page.next ?? undefined
  } while (next)
  t.deepEqual(seen, ['host', 'agent', 'guest'])
  const livestream = await t.throwsAsync(client(t).queryCallMembers('livestream:nope'))
  t.like(livestream, { code: 'STREAM_API', status: 404 })
  for (const [options, message] of [
    [{ limit: 101 }, /^options\.limit must be a whole number from 0 to 100$/],
    [{ sort: [{ field: 'a' }, { field: 'b' }] }, /^options\.sort must be an array of at most one/],
    [{ filter: 'role=host' }, /^options\.filter must be an object$/],
    [{ cursor: 'x' }, /^options\.cursor is not an option here/],
  ]) {
    const e = await t.throwsAsync(client(t).queryCallMembers('with-people', options))
    t.is(e.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(e.message, message)
  }
})

// Numbers stay numbers: custom data comes back as JSON.parse reads it.

const numbersClient = (url) => stream.createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url, maxRetries: 0 })

const NUMBERS = [2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 63 + 2048, 2 ** 64 - 2048, 2 ** 64, 1e20, 1.5e300, -(2 ** 63), -(2 ** 64), -1.5, 0.1, 5e-324, 123]

test.serial('numbers round-trip through the emulator as JSON.parse gives them, in calls and users', async (t) => {
  const api = numbersClient(t.context.stream.url)
  const custom = Object.fromEntries(NUMBERS.map((n, i) => [`n${i}`, n]))
  const call = await api.createStreamCall('numbers', 'u', { ...DATA, ...custom, nested: [{ big: 2 ** 63 }] })
  for (const [key, value] of Object.entries(custom)) t.is(call.custom[key], value, key)
  t.is(typeof call.custom.n2, 'number')
  t.is(call.custom.n2 + 1, 2 ** 63 + 1)
  t.is(call.custom.nested[0].big, 2 ** 63)
  const [user] = await api.upsertUsers([{ id: 'numbers', custom }])
  t.deepEqual(user.custom, custom)
})

test.serial('any number Stream writes reaches JS exactly as JSON.parse reads it', async (t) => {
  const literals = [
    '18446744073709551615',
    '9223372036854775808',
    '-9223372036854775809',
    '100000000000000000000000',
    '1e400',
    '-0',
    '0.30000000000000004',
    '1E-7',
  ]
  const customText = `{${literals.map((l, i) => `"v${i}":${l}`).join(',')},"deep":[[[${literals.join(',')}]]]}`
  const srv = await answeringServer(() => ({
    status: 201,
    body: `{"call":{"type":"default","id":"c","cid":"default:c","created_by":{"id":"u"},"created_at":"2026-04-08T14:23:35Z","custom":${customText}},"created":true,"users":{"u":{"id":"u","role":"user","custom":${customText}}}}`,
  }))
  const api = numbersClient(srv.url)
  const call = await api.createStreamCall('c', 'u', DATA)
  t.deepEqual(call.custom, JSON.parse(customText))
  t.true(Object.is(call.custom.v5, -0))
  const [user] = await api.upsertUsers([{ id: 'u' }])
  t.deepEqual(user.custom, JSON.parse(customText))
  await srv.close()
})
