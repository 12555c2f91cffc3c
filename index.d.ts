// Public API of stream-video-native. Hand-written over the generated binding.d.ts:
// the shapes that come from Rust (calls, users, events, error codes) are the
// generated types, so a field added in Rust appears here without an edit.
import type {
  CallEvent,
  CallRecording,
  CallSession,
  CallTranscription,
  ErrorCode,
  MeetingUpdate,
  NativeCall,
  NativeCallState,
  NativeMember,
  NativeUser,
} from './binding'

export type { CallRecording, CallSession, CallTranscription }

/**
 * A call as Stream returned it (generated from Rust's `CallInfo`); `custom` is
 * the call's custom data with every number as `JSON.parse` gives it.
 */
export type StreamCall = Omit<NativeCall, 'customJson'> & { custom: Record<string, unknown> }
/**
 * A call as `getCall` reads it: what `createStreamCall` returns (but `created`),
 * plus `recording`, `transcribing`, `captioning`, `endedAt` and the current `session`.
 */
export type StreamCallState = Omit<NativeCallState, 'customJson' | 'members'> & { custom: Record<string, unknown>; members: StreamMember[] }

/** A call member as Stream returns it (`MemberResponse`), with its user. */
export interface StreamMember {
  userId: string
  /** The member's role in the call. */
  role: string | null
  /** The member's own custom data. */
  custom: Record<string, unknown>
  user: { id: string; name: string | null; image: string | null; custom: Record<string, unknown> }
  /** RFC 3339, or `null`. */
  createdAt: NativeMember['createdAt']
  updatedAt: NativeMember['updatedAt']
}

/** `queryCallMembers` options, as node-sdk's `queryCallMembers` takes them (camelCased). */
export interface QueryCallMembersOptions extends RequestOptions {
  /** Stream's `filter_conditions`, e.g. `{ role: { $eq: 'host' } }`. */
  filter?: Record<string, unknown>
  /** At most one sort (Stream's limit). */
  sort?: { field: string; direction?: 1 | -1 }[]
  /** 0-100 members per page. */
  limit?: number
  next?: string
  prev?: string
}

export interface StreamMembersPage {
  members: StreamMember[]
  /** Pass as `next` for the next page; `null` on the last. */
  next: string | null
  prev: string | null
}
/** A user as Stream returned it; `custom` as `JSON.parse` gives it. */
export type StreamUser = Omit<NativeUser, 'customJson' | 'createdAt' | 'updatedAt'> & {
  custom: Record<string, unknown>
  /** RFC 3339; `null` when Stream's is not a real time (see docs/api.md, Times). */
  createdAt: string | null
  updatedAt: string | null
}

/**
 * The seed's custom data, the documented example: `createStreamCall` takes any
 * JSON object as custom data (extra keys, any JSON value), or `null` for none.
 */
export interface CallCustomData {
  meetingId: string
  agentId: string
  agentName: string
  [key: string]: unknown
}

/**
 * Every `err.code`: Rust's `ErrorKind` (`STREAM_CONFIG`, `STREAM_API`, `STREAM_ABORTED`, ...), and the
 * two thrown by the import itself, before any native code can run: `STREAM_NATIVE_BINDING` (no binary
 * for this platform) and `STREAM_EDGE_RUNTIME` (imported in an Edge runtime).
 */
export type StreamErrorCode = ErrorCode | ImportErrorCode

/** The codes of the errors an import of the package throws (plain `Error`s: no `StreamError` exists yet). */
export type ImportErrorCode = 'STREAM_NATIVE_BINDING' | 'STREAM_EDGE_RUNTIME'

/** Every failure of this package. Never contains the API secret or a JWT. */
export class StreamError extends Error {
  name: 'StreamError'
  code: StreamErrorCode
  /** HTTP status of Stream's (last) response. */
  status?: number
  /** Stream's own error code (4 input, 5/40-43 auth, 16 not found, 9 rate limited, ...). */
  streamCode?: number
  /** `x-client-request-id` of the last HTTP attempt. */
  requestId?: string
  /** HTTP attempts made, retries included. */
  attempts?: number
}

/** The last argument of every Promise-returning REST function. */
export interface RequestOptions {
  /** Cancels the request in flight and any retry wait; rejects with `STREAM_ABORTED`. */
  signal?: AbortSignal
}

export type RecordingType = 'composite' | 'individual' | 'raw'
/** `auto-on` starts it when a session starts. */
export type SettingMode = 'available' | 'disabled' | 'auto-on'
/** The languages Stream lists for transcription and captions. */
export type TranscriptionLanguage =
  | 'auto'
  | 'en'
  | 'fr'
  | 'es'
  | 'de'
  | 'it'
  | 'nl'
  | 'pt'
  | 'pl'
  | 'ca'
  | 'cs'
  | 'da'
  | 'el'
  | 'fi'
  | 'id'
  | 'ja'
  | 'ru'
  | 'sv'
  | 'ta'
  | 'th'
  | 'tr'
  | 'hu'
  | 'ro'
  | 'zh'
  | 'ar'
  | 'tl'
  | 'he'
  | 'hi'
  | 'hr'
  | 'ko'
  | 'ms'
  | 'no'
  | 'uk'
  | 'bg'
  | 'et'
  | 'sl'
  | 'sk'
export type RecordingQuality =
  | '360p'
  | '480p'
  | '720p'
  | '1080p'
  | '1440p'
  | 'portrait-360x640'
  | 'portrait-480x854'
  | 'portrait-720x1280'
  | 'portrait-1080x1920'
  | 'portrait-1440x2560'

/** The call's settings at creation, sent as Stream's `settings_override`. */
export interface CallSettings {
  /** `mode` is required by Stream. */
  recording?: { mode: SettingMode; quality?: RecordingQuality; audioOnly?: boolean }
  transcription?: { mode?: SettingMode; language?: TranscriptionLanguage; closedCaptionMode?: SettingMode }
}

/** A member to add when the call is created (`data.members[]` on the wire: `{ user_id, role?, custom? }`). */
export interface CallMemberInput {
  userId: string
  /** Left out: the call type's default role. */
  role?: string
  custom?: Record<string, unknown>
}
export interface CreateCallOptions extends RequestOptions {
  settings?: CallSettings
  /** Up to 100 members (Stream's OpenAPI spec), who must be existing users. */
  members?: CallMemberInput[]
  /** When the call is scheduled to start (`data.starts_at`): a Date or an RFC 3339 string. */
  startsAt?: Date | string
}
export interface StartRecordingOptions extends RequestOptions {
  /** Default `composite`. */
  recordingType?: RecordingType
  /** The name of an external storage configured in Stream's dashboard. */
  externalStorage?: string
}
export interface StopRecordingOptions extends RequestOptions {
  /** Default `composite`. */
  recordingType?: RecordingType
}
export interface StartTranscriptionOptions extends RequestOptions {
  language?: TranscriptionLanguage
  enableClosedCaptions?: boolean
  externalStorage?: string
}
export interface StopTranscriptionOptions extends RequestOptions {
  stopClosedCaptions?: boolean
}
export interface StartClosedCaptionsOptions extends RequestOptions {
  language?: TranscriptionLanguage
  enableTranscription?: boolean
  externalStorage?: string
}
export interface StopClosedCaptionsOptions extends RequestOptions {
  stopTranscription?: boolean
}

/** A user to create or update; any other field is sent as given. */
export interface StreamUserInput {
  /** Not empty or only whitespace. */
  id: string
  name?: string
  image?: string
  role?: string
  custom?: Record<string, unknown>
}

/** A partial update of one user: `set` writes these fields, `unset` removes these; nothing else changes. */
export interface StreamUserUpdate {
  id: string
  set?: Record<string, unknown>
  unset?: string[]
}

/** What a token may carry besides its user, as node-sdk's `generateUserToken` payload takes it. */
export interface TokenOptions {
  /** Expiry, absolute Unix seconds; wins over a validity (as in node-sdk). */
  exp?: number
  /** Issued-at, absolute Unix seconds. Default: now - 1 s. */
  iat?: number
  /** Extra claims (`iss`, `sub`, your own), merged in; `user_id`, `iat`, `exp` (and a call token's `call_cids`, `role`) are the token's own. */
  claims?: Record<string, unknown>
}

export interface CallTokenOptions extends TokenOptions {
  /** The user's role in these calls (`role` claim); left out when not given. */
  role?: string
  /** Default 3600. */
  validityInSeconds?: number
}

/** What `handleStreamWebhook` needs from the request headers. */
export interface WebhookHeaders {
  /** `X-Signature`. Missing or malformed: rejects with `STREAM_WEBHOOK_SIGNATURE`. */
  signature: string
  /** `X-Webhook-Id`: the same across Stream's retries, so use it to apply an event once. */
  webhookId?: string
  /** `X-Webhook-Attempt`, counting from 1. */
  attempt?: number
}

export interface WebhookOptions {
  /** The meeting's stored start time, used for the duration when `call.session_ended` lacks one. */
  startedAt?: string | Date
  /** Larger bodies (and larger gzip-inflated bodies) are rejected before hashing. Default 1 MiB. */
  maxBodyBytes?: number
}

/** What every event carries (generated from Rust's `CallEvent`; `memberIds` is read in JS from the members' JSON). */
type WebhookEventBase = Omit<CallEvent, 'type' | 'update' | 'membersJson'> & {
  /** The members' user ids, on member events (and any event with a `members` list); else `null`. */
  memberIds: string[] | null
  /**
   * The whole payload as `JSON.parse` gives it, for any field the typed ones
   * leave out: parsed at most once, when first read (a getter, not an own
   * key). Read from the body you passed: do not reuse its buffer before.
   * Absent on events your code builds itself.
   */
  readonly raw?: Record<string, unknown>
}
/** The update of one `kind`, with its status narrowed to a literal. */
type UpdateOf<K extends MeetingUpdate['kind'], Extra = unknown> = Extract<MeetingUpdate, { kind: K }> & Extra

export interface SessionStartedEvent extends WebhookEventBase {
  type: 'call.session_started'
  /** `startedAt`: the session's start, else the event's time; `null` when the event has neither. */
  update: UpdateOf<'active', { status: 'active' }>
}

export interface SessionEndedEvent extends WebhookEventBase {
  type: 'call.session_ended'
  /**
   * `startedAt` is the session's own start when the event carries it;
   * `endedAt` the session's end, else the event's time. `durationSeconds` is
   * never negative; `null` when no start (the event's or `options.startedAt`)
   * or no end is known.
   */
  update: UpdateOf<'processing', { status: 'processing' }>
}

export interface TranscriptionReadyEvent extends WebhookEventBase {
  type: 'call.transcription_ready'
  update: UpdateOf<'transcription'>
}

export interface RecordingReadyEvent extends WebhookEventBase {
  type: 'call.recording_ready'
  update: UpdateOf<'recording'>
}

/** Every `call.*` event type node-sdk 0.7.64 knows (`CALL_EVENT_TYPES` at run time). */
export type CallEventType =
  | 'call.accepted'
  | 'call.blocked_user'
  | 'call.closed_caption'
  | 'call.closed_captions_failed'
  | 'call.closed_captions_started'
  | 'call.closed_captions_stopped'
  | 'call.created'
  | 'call.deleted'
  | 'call.dtmf'
  | 'call.ended'
  | 'call.frame_recording_failed'
  | 'call.frame_recording_ready'
  | 'call.frame_recording_started'
  | 'call.frame_recording_stopped'
  | 'call.hls_broadcasting_failed'
  | 'call.hls_broadcasting_started'
  | 'call.hls_broadcasting_stopped'
  | 'call.kicked_user'
  | 'call.live_started'
  | 'call.member_added'
  | 'call.member_removed'
  | 'call.member_updated'
  | 'call.member_updated_permission'
  | 'call.missed'
  | 'call.moderation_blur'
  | 'call.moderation_warning'
  | 'call.notification'
  | 'call.permission_request'
  | 'call.permissions_updated'
  | 'call.reaction_new'
  | 'call.recording_failed'
  | 'call.recording_ready'
  | 'call.recording_started'
  | 'call.recording_stopped'
  | 'call.rejected'
  | 'call.ring'
  | 'call.rtmp_broadcast_failed'
  | 'call.rtmp_broadcast_started'
  | 'call.rtmp_broadcast_stopped'
  | 'call.session_ended'
  | 'call.session_participant_count_updated'
  | 'call.session_participant_joined'
  | 'call.session_participant_left'
  | 'call.session_started'
  | 'call.stats_report_ready'
  | 'call.transcription_failed'
  | 'call.transcription_ready'
  | 'call.transcription_started'
  | 'call.transcription_stopped'
  | 'call.unblocked_user'
  | 'call.updated'
  | 'call.user_feedback_submitted'
  | 'call.user_muted'

export const CALL_EVENT_TYPES: readonly CallEventType[]

/** One speech turn of a transcript. */
export interface TranscriptSegment {
  /** `speaker_id` (or `user_id`) of the line; `''` when it names nobody. */
  speakerId: string
  text: string
  /** Milliseconds: since the Unix epoch for RFC 3339 `start_time`/`stop_time`, as written for numeric `start_ts`/`stop_ts`. */
  start: number
  end: number
}

export interface ReadTranscriptOptions {
  signal?: AbortSignal
  /** The most bytes read (default 16 MiB): a longer file is refused while it downloads. */
  maxBytes?: number
  /** The most non-empty lines read (default 200,000). */
  maxLines?: number
  /** The download's deadline in milliseconds (default 30,000). */
  timeoutMs?: number
}

/**
 * The speech segments of a call transcript (Stream's JSONL), in file order.
 * `urlOrBody`: the file's URL (`call.transcription_ready`, `listTranscriptions`),
 * downloaded with no credentials, or its text or bytes. Lines of other types
 * are skipped; a file that is not JSONL is `STREAM_API` when downloaded,
 * `STREAM_INVALID_ARGUMENT` when given.
 */
export function readTranscript(urlOrBody: string | URL | Uint8Array, options?: ReadTranscriptOptions): Promise<TranscriptSegment[]>

export type MeetingWebhookEvent = SessionStartedEvent | SessionEndedEvent | TranscriptionReadyEvent | RecordingReadyEvent

/** A participant joined (`userId`, `userSessionId`, `sessionId`) or left (also `durationSeconds`). */
export interface ParticipantEvent extends WebhookEventBase {
  type: 'call.session_participant_joined' | 'call.session_participant_left'
  userId: string | null
  update: null
}

/** Recording, transcription and caption lifecycle: `egressId`, `recordingType` (recordings), `error` (`*_failed`). */
export interface EgressEvent extends WebhookEventBase {
  type:
    | 'call.recording_started'
    | 'call.recording_stopped'
    | 'call.recording_failed'
    | 'call.transcription_started'
    | 'call.transcription_stopped'
    | 'call.transcription_failed'
    | 'call.closed_captions_started'
    | 'call.closed_captions_stopped'
    | 'call.closed_captions_failed'
  update: null
}

/** Members added, removed or updated: `memberIds`. */
export interface MemberEvent extends WebhookEventBase {
  type: 'call.member_added' | 'call.member_removed' | 'call.member_updated' | 'call.member_updated_permission'
  memberIds: string[] | null
  update: null
}

/** Any other known event type: the common fields (and `userId` where the event names a user). */
export interface OtherCallEvent extends WebhookEventBase {
  type: Exclude<CallEventType, MeetingWebhookEvent['type'] | ParticipantEvent['type'] | EgressEvent['type'] | MemberEvent['type']>
  update: null
}

/**
 * An event type Stream adds later, or a transcription/recording event without
 * a URL: verified and kept, nothing to update.
 */
export interface OtherWebhookEvent extends WebhookEventBase {
  type: string
  update: null
}

/**
 * A verified Stream call event. Check `update` first (`null` for events this
 * package does not act on), then switch on `type`: TypeScript narrows `update`.
 */
export type WebhookResult = MeetingWebhookEvent | ParticipantEvent | EgressEvent | MemberEvent | OtherCallEvent | OtherWebhookEvent

export interface StreamClientOptions {
  apiKey: string
  apiSecret: string
  /** Default `https://video.stream-io-api.com`. */
  baseUrl?: string
  /** Deadline for one operation, retries included. Default 10000. */
  timeoutMs?: number
  /** Retries on 429, 5xx and connection failures. Default 3; 0 disables. */
  maxRetries?: number
  /** Requests in flight at once (so connections open); more wait their turn within their deadline. Default 128. */
  maxConnections?: number
  /** The call type of a plain call id (`livestream`, `audio_room`, your own); a `type:id` argument names its own. Default `default`. */
  callType?: string
  /**
   * Receives a record of each failure of this client's operations instead of
   * stderr (`STREAM_LOG` is then not read): a function, or an object with an
   * `error` method, such as a pino or winston logger.
   */
  logger?: ((record: StreamLogRecord) => void) | { error(record: StreamLogRecord): void }
}

/** One failure, as `STREAM_LOG=json` writes it (one object per line) and a `logger` receives it. No secret or token is ever in it. */
export interface StreamLogRecord {
  /** ISO 8601. */
  time: string
  level: 'error'
  /** The function that failed, e.g. `createStreamCall`. */
  operation: string
  code: StreamErrorCode
  /** Stream's HTTP status, Stream's error code, the `x-client-request-id` of the last attempt and how many were made, when Stream was called. */
  status: number | null
  streamCode: number | null
  requestId: string | null
  attempts: number | null
  /** How long the operation took, for those that call Stream (null for tokens and webhook checks). */
  durationMs: number | null
  message: string
}

/**
 * Every operation, declared once: the methods of a `StreamClient` and, over the
 * `STREAM_*` environment, the module's functions of the same names.
 */
export interface StreamOperations {
  /** HS256 user token `{user_id, …claims, iat, exp}`; `iat` is now - 1 s, validity defaults to 3600 s; `options` as node-sdk's payload. */
  generateStreamToken(userId: string, validityInSeconds?: number, options?: TokenOptions): Promise<string>
  generateStreamTokenSync(userId: string, validityInSeconds?: number, options?: TokenOptions): string
  /**
   * node-sdk's deprecated `createToken(userId, exp?, iat?)`: `exp` and `iat` absolute Unix seconds,
   * defaulting as node-sdk does (an hour from now; now - 1 s). `createTokenSync` is the direct replacement
   * of node-sdk's (synchronous) one.
   */
  createToken(userId: string, exp?: number, iat?: number): Promise<string>
  createTokenSync(userId: string, exp?: number, iat?: number): string
  /**
   * HS256 token limited to some calls: `{user_id, call_cids, role?, iat, exp}`.
   * A plain call id becomes `default:<id>`; `type:id` is kept.
   */
  generateCallToken(userId: string, callIds: string[], options?: CallTokenOptions): Promise<string>
  generateCallTokenSync(userId: string, callIds: string[], options?: CallTokenOptions): string
  /** Get-or-create the call `callId` (an id of the client's `callType`, or `type:id`), created by `userId`, with `data` as custom data; `options`: `members`, `startsAt`, `settings`. */
  createStreamCall(callId: string, userId: string, data?: CallCustomData | Record<string, unknown> | null, options?: CreateCallOptions): Promise<StreamCall>
  /** `call.startRecording({ recording_type, recording_external_storage })`. */
  startRecording(callId: string, options?: StartRecordingOptions): Promise<void>
  stopRecording(callId: string, options?: StopRecordingOptions): Promise<void>
  /** `call.startTranscription({ language, enable_closed_captions, transcription_external_storage })`. */
  startTranscription(callId: string, options?: StartTranscriptionOptions): Promise<void>
  stopTranscription(callId: string, options?: StopTranscriptionOptions): Promise<void>
  /** `call.startClosedCaptions({ language, enable_transcription, external_storage })`. */
  startClosedCaptions(callId: string, options?: StartClosedCaptionsOptions): Promise<void>
  stopClosedCaptions(callId: string, options?: StopClosedCaptionsOptions): Promise<void>
  /** `call.get()`: the call, what is running, its current session. */
  getCall(callId: string, options?: RequestOptions): Promise<StreamCallState>
  /** A page of the call's members (`POST /api/v2/video/call/members`, node-sdk's `queryCallMembers`). */
  queryCallMembers(callId: string, options?: QueryCallMembersOptions): Promise<StreamMembersPage>
  /** `call.listRecordings()`. */
  listRecordings(callId: string, options?: RequestOptions): Promise<CallRecording[]>
  /** `call.listTranscriptions()`: JSONL transcripts. */
  listTranscriptions(callId: string, options?: RequestOptions): Promise<CallTranscription[]>
  /** Adds or updates a call member, who must be an existing user (see `upsertUsers`). `role` defaults to `'participant'`; `null` sends none (the call type's default role). */
  addCallParticipant(callId: string, userId: string, role?: string | null, options?: RequestOptions): Promise<void>
  /** Marks the call ended. */
  endCall(callId: string, options?: RequestOptions): Promise<void>
  /** Creates or updates 1-100 users (`POST /api/v2/users`): call members must exist first. */
  upsertUsers(users: StreamUserInput[], options?: RequestOptions): Promise<StreamUser[]>
  /** The users among these 1-100 ids that exist, in the order given (`GET /api/v2/users`, node-sdk `queryUsers` with an `id $in` filter). */
  getUsers(userIds: string[], options?: RequestOptions): Promise<StreamUser[]>
  /** Sets and unsets fields of 1-100 existing users; every other field stays (`PATCH /api/v2/users`, node-sdk `updateUsersPartial`). */
  updateUsersPartial(updates: StreamUserUpdate[], options?: RequestOptions): Promise<StreamUser[]>
  /** Checks Stream's `X-Signature` (lowercase hex HMAC-SHA256 of the raw body). Malformed signatures give `false`. */
  verifyWebhook(body: string | Uint8Array, signature: string): Promise<boolean>
  verifyWebhookSync(body: string | Uint8Array, signature: string): boolean
  /**
   * Verifies a webhook (size limit, gzip, signature over the inflated bytes) and
   * parses it into the meeting update to apply. Rejects with
   * `STREAM_WEBHOOK_SIGNATURE` on a bad signature (nothing is parsed) and with
   * `STREAM_INVALID_ARGUMENT` on an oversized or malformed body.
   */
  handleStreamWebhook(body: string | Uint8Array, headers: WebhookHeaders, options?: WebhookOptions): Promise<WebhookResult>
}

/** Made by `createStreamClient`: every operation, over the client's own settings. */
export interface StreamClient extends StreamOperations {
  /** Settings with the secret shown as `[redacted]`. */
  toJSON(): Omit<Required<StreamClientOptions>, 'apiSecret'> & { apiSecret: '[redacted]' }
}
/** The class of clients (`instanceof`); made only by `createStreamClient`. */
export const StreamClient: abstract new (...args: never) => StreamClient

export const generateStreamToken: StreamOperations['generateStreamToken']
export const generateStreamTokenSync: StreamOperations['generateStreamTokenSync']
export const createToken: StreamOperations['createToken']
export const createTokenSync: StreamOperations['createTokenSync']
export const generateCallToken: StreamOperations['generateCallToken']
export const generateCallTokenSync: StreamOperations['generateCallTokenSync']
export const createStreamCall: StreamOperations['createStreamCall']
export const startRecording: StreamOperations['startRecording']
export const stopRecording: StreamOperations['stopRecording']
export const startTranscription: StreamOperations['startTranscription']
export const stopTranscription: StreamOperations['stopTranscription']
export const startClosedCaptions: StreamOperations['startClosedCaptions']
export const stopClosedCaptions: StreamOperations['stopClosedCaptions']
export const getCall: StreamOperations['getCall']
export const queryCallMembers: StreamOperations['queryCallMembers']
export const listRecordings: StreamOperations['listRecordings']
export const listTranscriptions: StreamOperations['listTranscriptions']
export const addCallParticipant: StreamOperations['addCallParticipant']
export const endCall: StreamOperations['endCall']
export const upsertUsers: StreamOperations['upsertUsers']
export const getUsers: StreamOperations['getUsers']
export const updateUsersPartial: StreamOperations['updateUsersPartial']
export const verifyWebhook: StreamOperations['verifyWebhook']
export const verifyWebhookSync: StreamOperations['verifyWebhookSync']
export const handleStreamWebhook: StreamOperations['handleStreamWebhook']
/** A client with its own credentials instead of the `STREAM_*` environment variables. */
export function createStreamClient(options: StreamClientOptions): StreamClient
