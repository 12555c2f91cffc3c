// Compiled by `tsc` under strict + isolatedModules in `npm test`: every export
// is used with the types users see. Type errors fail the build.
import {
  addCallParticipant,
  type StreamLogRecord,
  createStreamCall,
  createStreamClient,
  endCall,
  generateStreamToken,
  generateStreamTokenSync,
  generateCallToken,
  generateCallTokenSync,
  upsertUsers,
  StreamError,
  verifyWebhook,
  verifyWebhookSync,
  handleStreamWebhook,
  type CallCustomData,
  type WebhookResult,
  type StreamCall,
  type StreamClient,
  type StreamErrorCode,
  type StreamUser,
  type StreamUserInput,
} from 'stream-video-native'
import { startEmulator, type Emulator } from 'stream-video-native/emulator'

export async function everyExport(body: Buffer, signature: string): Promise<void> {
  const token: string = await generateStreamToken('user-1')
  const longer: string = generateStreamTokenSync('user-1', 7200)
  const data: CallCustomData = { meetingId: '123', agentId: 'agent-456', agentName: 'Sales Assistant', extra: [1, 2] }
  const call: StreamCall = await createStreamCall('meeting-123', 'user-1', data)
  const created: boolean = call.created
  const custom: Record<string, unknown> = call.custom
  // biome-ignore lint/suspicious/noConfusingVoidType: the type users see is exactly what is checked
  const added: void = await addCallParticipant(call.id, 'user-2', 'participant')
  await addCallParticipant(call.id, 'user-3')
  // biome-ignore lint/suspicious/noConfusingVoidType: the type users see is exactly what is checked
  const ended: void = await endCall(call.id)
  const ok: boolean = (await verifyWebhook(body, signature)) && verifyWebhookSync('{}', signature)
  const signal: AbortSignal = AbortSignal.timeout(5000)
  const guests: StreamUserInput[] = [
    { id: 'guest-1', name: 'Guest', custom: { plan: 'free' } },
    { id: 'agent-456', role: 'user' },
  ]
  const users: StreamUser[] = await upsertUsers(guests, { signal })
  const firstName: string | undefined = users[0]?.name
  const callToken: string =
    (await generateCallToken('guest-1', [call.id], { role: 'guest' })) + generateCallTokenSync('guest-1', ['default:x'], { validityInSeconds: 60 })
  await createStreamCall('meeting-124', 'user-1', data, { signal })
  await addCallParticipant(call.id, 'guest-1', 'participant', { signal })
  await endCall(call.id, { signal })
  console.log(firstName, callToken)

  const client: StreamClient = createStreamClient({ apiKey: 'k', apiSecret: 's', baseUrl: 'http://127.0.0.1:4100', timeoutMs: 5000, maxRetries: 1 })
  const again: StreamCall = await client.createStreamCall('c', 'u', data)
  await client.addCallParticipant('c', 'u')
  await client.endCall('c', { signal: new AbortController().signal })
  const viaClientUsers: StreamUser[] = await client.upsertUsers([{ id: 'u' }])
  const viaClientToken: string = client.generateCallTokenSync('u', ['c'])
  console.log(viaClientUsers, viaClientToken)
  const seen: StreamLogRecord[] = []
  const logged = createStreamClient({ apiKey: 'k', apiSecret: 's', logger: (record) => seen.push(record) })
  createStreamClient({ apiKey: 'k', apiSecret: 's', logger: { error: (record: StreamLogRecord) => console.error(record.code, record.durationMs ?? 0) } })
  // @ts-expect-error a logger is a function or has an error method
  createStreamClient({ apiKey: 'k', apiSecret: 's', logger: { info() {} } })
  console.log(logged, seen[0]?.operation, seen[0]?.status === null)
  const t2: string = client.generateStreamTokenSync('u') + (await client.generateStreamToken('u', 60))
  const v: boolean = client.verifyWebhookSync(new Uint8Array(0), signature) && (await client.verifyWebhook('', signature))
  const shown: '[redacted]' = client.toJSON().apiSecret

  try {
    await endCall('x')
  } catch (e) {
    if (e instanceof StreamError) {
      const code: StreamErrorCode = e.code
      const status: number | undefined = e.status
      const streamCode: number | undefined = e.streamCode
      const requestId: string | undefined = e.requestId
      if (code === 'STREAM_ABORTED') console.log(e.cause)
      console.log(code, status, streamCode, requestId)
    }
  }

  const event: WebhookResult = await handleStreamWebhook(body, { signature, webhookId: 'w', attempt: 1 }, { startedAt: new Date() })
  if (event.update !== null) {
    switch (event.type) {
      case 'call.session_started': {
        const status: 'active' = event.update.status
        const startedAt: string | null = event.update.startedAt
        console.log(status, startedAt)
        break
      }
      case 'call.session_ended': {
        const duration: number | null = event.update.durationSeconds
        const bounds: [string | null, string | null] = [event.update.startedAt, event.update.endedAt]
        console.log(event.update.status, bounds, duration)
        break
      }
      case 'call.transcription_ready':
        console.log(event.update.transcriptionUrl)
        break
      case 'call.recording_ready':
        console.log(event.update.recordingUrl)
        break
    }
  }
  const callId: string | null = event.callId
  const viaClient: WebhookResult = await client.handleStreamWebhook('{}', { signature })
  console.log(callId, viaClient.meetingId)

  const emulator: Emulator = await startEmulator({ apiKey: 'k', apiSecret: 's', lenient: true, maxRecorded: 100 })
  console.log(emulator.users.get('u')?.role)
  const url: string = emulator.url
  await emulator.close()
  console.log(token, longer, created, custom, added, ended, ok, again, t2, v, shown, url)
}

// Custom data of any shape, or none (issue 37), needs no cast.
createStreamCall('c', 'u', { meetingId: 'm', meetingName: 'Standup' })
createStreamCall('c', 'u', { description: 'weekly' }, { members: [{ userId: 'u', role: 'host' }], startsAt: new Date() })
createStreamCall('livestream:c', 'u', null)
// @ts-expect-error custom data is an object
createStreamCall('c', 'u', 'meeting')
// @ts-expect-error validity is a number
generateStreamTokenSync('u', '60')
// @ts-expect-error a token is a Promise: await it or use the Sync twin
const notAString: string = generateStreamToken('u')
// @ts-expect-error users need an id
upsertUsers([{ name: 'no id' }])
// @ts-expect-error callIds is a list
generateCallTokenSync('u', 'meeting-1')
console.log(notAString)

import {
  CALL_EVENT_TYPES,
  getCall,
  getUsers,
  listRecordings,
  listTranscriptions,
  startClosedCaptions,
  startRecording,
  startTranscription,
  stopClosedCaptions,
  stopRecording,
  stopTranscription,
  updateUsersPartial,
  type CallEventType,
  type CallRecording,
  type CallTranscription,
  type StreamCallState,
} from 'stream-video-native'

export async function aiMeeting(client: StreamClient, body: string, signature: string): Promise<void> {
  const signal = AbortSignal.timeout(5000)
  const data: CallCustomData = { meetingId: 'm', agentId: 'a', agentName: 'n' }
  await createStreamCall('m1', 'host', data, {
    signal,
    settings: { recording: { mode: 'auto-on', quality: '720p' }, transcription: { mode: 'auto-on', language: 'en', closedCaptionMode: 'available' } },
  })
  await startRecording('m1', { recordingType: 'individual', signal })
  await stopRecording('m1')
  await startTranscription('m1', { language: 'de', enableClosedCaptions: true })
  await stopTranscription('m1', { stopClosedCaptions: true })
  await startClosedCaptions('m1', { language: 'fr', enableTranscription: false })
  await stopClosedCaptions('m1', { stopTranscription: true, signal })
  const state: StreamCallState = await getCall('m1')
  const live: boolean = state.recording || state.transcribing || state.captioning
  const people: number = state.session?.participantCount ?? 0
  const endedAt: string | null = state.endedAt
  const recordings: CallRecording[] = await listRecordings('m1', { signal })
  const transcripts: CallTranscription[] = (await client.listTranscriptions('m1')).concat(await listTranscriptions('m1'))
  const fromClient: StreamCallState = await client.getCall('m1')
  await client.startRecording('m1')
  const first: string | undefined = recordings[0]?.url ?? transcripts[0]?.url
  const users: StreamUser[] = (await getUsers(['host'])).concat(await updateUsersPartial([{ id: 'host', set: { name: 'H' }, unset: ['image'] }]))
  const known: readonly CallEventType[] = CALL_EVENT_TYPES
  const event = await handleStreamWebhook(body, { signature })
  if (event.type === 'call.session_participant_left') {
    const who: string | null = event.userId
    const stayed: number | null = event.durationSeconds
    void who
    void stayed
  }
  if (event.type === 'call.member_added') {
    const ids: string[] | null = event.memberIds
    void ids
  }
  void [live, people, endedAt, first, users, known, fromClient]
}

export async function emulatedMeeting(emulator: Emulator): Promise<void> {
  emulator.dropWebhook = (event) => event.type === 'call.recording_ready'
  const joined = await emulator.join('m1', 'host', { shuffle: false })
  await emulator.leave('m1', 'host')
  await emulator.closeSession('m1')
  emulator.dropWebhook = null
  const call = emulator.calls.get('default:m1')
  const running: boolean = (call?.live.recording.size ?? 0) > 0 || call?.live.transcribing === true
  const lost: boolean = joined.some((d) => d.dropped)
  void [running, lost, call?.recordings[0]?.url]
}

/**
 * node-sdk's `verifyWebhook` returns a boolean; this package's returns a
 * Promise. A line-by-line port that tests the Promise for truth would accept
 * forged webhooks: TypeScript refuses it (TS2801) in an `if` or a ternary on
 * the variable. `if (!ok)` it cannot refuse: `@typescript-eslint/no-misused-promises`
 * does (docs/migrating.md).
 */
export function portedWebhookChecks(body: string, signature: string): number[] {
  const ok = verifyWebhook(body, signature)
  const client = createStreamClient({ apiKey: 'k', apiSecret: 's' })
  const statuses: number[] = []
  // @ts-expect-error TS2801: this condition will always return true since this 'Promise<boolean>' is always defined
  if (ok) statuses.push(200)
  const pending = client.verifyWebhook(body, signature)
  // @ts-expect-error TS2801, in a ternary
  statuses.push(pending ? 200 : 401)
  // The documented replacements type-check: the Sync twin is node-sdk's boolean.
  statuses.push(verifyWebhookSync(body, signature) ? 200 : 401)
  return statuses
}
