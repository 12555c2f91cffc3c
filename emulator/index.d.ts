// Types for `stream-video-native/emulator`: a local Stream Video API for development and tests.

export interface EmulatorOptions {
  apiKey?: string
  apiSecret?: string
  /** Default: a free port. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** Keep requests in `requests` (default true; turn off for long runs). */
  record?: boolean
  /** How many recorded requests are kept, the newest (default 10,000). */
  maxRecorded?: number
  /** Request bodies over this size get 413 and are not read further (default 1 MiB). */
  maxBodyBytes?: number
  /** Slow clients: time to send the headers (default 10 s) and the whole request (default 30 s), then 408. */
  headersTimeoutMs?: number
  requestTimeoutMs?: number
  /** Accept call members who are not known users (Stream does not). Default false. */
  lenient?: boolean
  /** Where call events are POSTed, signed with the API secret. */
  webhookUrl?: string | null
  /** Start a session when a call is created; end it (with recording and transcription) on mark_ended. */
  autoSession?: boolean
  /** Retries of a delivery that got 408, 429 or 5xx (default 2, so 3 attempts, as Stream's); other answers are final. */
  webhookRetries?: number
  /** Retries of a delivery that timed out or failed to connect (default 1, so 2 attempts, as Stream's). */
  webhookNetworkRetries?: number
  /** Pause before retry `n` is `n` times this (default 200). */
  webhookRetryDelayMs?: number
  /** Per-attempt timeout of a delivery (default 6000, as Stream's). */
  webhookTimeoutMs?: number
  /** The most all attempts of one delivery may take (default 15000, as Stream's). */
  webhookTotalTimeoutMs?: number
  /** Send bodies gzip-compressed (`Content-Encoding: gzip`), signed over the JSON. Default false. */
  webhookGzip?: boolean
}

export interface DeliveryOptions {
  /** Send every event twice (same X-Webhook-Id). */
  duplicate?: boolean
  /** Send this many randomly chosen events twice. */
  duplicates?: number
  /** Send the events in random order. */
  shuffle?: boolean
  /** Deliveries in flight at once (default 1: one after another). */
  concurrency?: number
  /** Call type, default `default`. */
  type?: string
}

/** A Stream call event as the emulator sends it. */
export type StreamEvent = { type: string; created_at: string; call_cid: string; [key: string]: unknown }

export interface Delivery {
  webhookId: string
  type: string
  cid: string
  body: string
  attempts: Array<{ status?: number; response?: string; error?: string }>
  delivered: boolean
  /** Sent, and no attempt got a 2xx before the retry policy gave up. */
  lost: boolean
  /** Lost on purpose by `dropWebhook`: never sent. */
  dropped: boolean
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  rawQuery: string
  headers: Record<string, string | string[] | undefined>
  body: string
  receivedAt: number
}

export interface Fault {
  /** Substring or pattern of the request path; default: any request. */
  path?: string | RegExp
  /** How many matching requests it applies to. Default 1. */
  times?: number
  /** Answer with this status (and body/headers) instead of the real handler. */
  status?: number
  body?: string | object
  headers?: Record<string, string>
  /** Wait this long first. */
  delayMs?: number
  /** `'connect'`: destroy the socket at once; `'mid'`: cut the response halfway; `'after'`: run the real handler, then close without answering (a lost response). */
  drop?: 'connect' | 'mid' | 'after'
  /** Never answer. */
  hang?: boolean
}

export interface EmulatedCall {
  type: string
  id: string
  cid: string
  createdById: string
  custom: Record<string, unknown>
  createdAt: string
  updatedAt: string
  endedAt: string | null
  session: { id: string; startedAt: string; endedAt: string | null } | null
  members: Map<string, { userId: string; role: string; createdAt: string; updatedAt: string }>
  /** `settings_override` as created (the modes the emulator acts on). */
  settings: { recording?: { mode: string; [key: string]: unknown }; transcription?: { mode?: string; closed_caption_mode?: string; [key: string]: unknown } }
  /** What runs now: recordings by type, transcription, captions. */
  live: { recording: Set<string>; transcribing: boolean; captioning: boolean }
  /** People in the current session, by user id. */
  participants: Map<string, { userId: string; userSessionId: string; joinedAt: string }>
  /** Files, as `listRecordings` / `listTranscriptions` answer them (Stream's field names). */
  recordings: Array<{ filename: string; url: string; start_time: string; end_time: string; session_id: string; recording_type: string }>
  transcriptions: Array<{ filename: string; url: string; start_time: string; end_time: string; session_id: string }>
}

/** A user the emulator knows, in the shape Stream returns users (as `upsertUsers` resolves them). */
export type EmulatedUser = import('../index').StreamUser

export declare class Emulator {
  constructor(options?: EmulatorOptions)
  readonly apiKey: string
  readonly apiSecret: string
  readonly url: string
  readonly port: number
  readonly requests: RecordedRequest[]
  /** Requests received since start or `reset()`, recorded or not. */
  readonly requestCount: number
  readonly calls: Map<string, EmulatedCall>
  /** Users Stream would know: upserted, or connected through `POST /emulator/users/{id}/connect`. */
  readonly users: Map<string, EmulatedUser>
  lenient: boolean
  listen(port?: number, host?: string): Promise<this>
  webhookUrl: string | null
  autoSession: boolean
  readonly deliveries: Delivery[]
  /** Starts a session `durationSeconds` ago (default now): call.session_started. */
  startSession(callId: string, options?: DeliveryOptions & { durationSeconds?: number }): Promise<Delivery[]>
  /** call.session_ended */
  endSession(callId: string, options?: DeliveryOptions): Promise<Delivery[]>
  recordingReady(callId: string, options?: DeliveryOptions): Promise<Delivery[]>
  transcriptionReady(callId: string, options?: DeliveryOptions): Promise<Delivery[]>
  /** started (`durationSeconds` ago, default 90), ended now, recording, transcription. */
  runSession(callId: string, options?: DeliveryOptions & { durationSeconds?: number }): Promise<Delivery[]>
  /** `userId` joins: a session starts first if none runs (with its `auto-on` recording, transcription, captions), then call.session_participant_joined. */
  join(callId: string, userId: string, options?: DeliveryOptions): Promise<Delivery[]>
  /** call.session_participant_left, with `duration_seconds`. */
  leave(callId: string, userId: string, options?: DeliveryOptions): Promise<Delivery[]>
  /**
   * `userId`, in the call, says `text`: the transcript of the transcription running then has
   * this line (instead of made-up ones). The time it was said (ms), or null when `userId` is not in the call.
   */
  say(callId: string, userId: string, text: string, options?: { type?: string }): number | null
  /** Everyone leaves, running egress stops (with its files), call.session_ended. */
  closeSession(callId: string, options?: DeliveryOptions): Promise<Delivery[]>
  /** Deliveries this returns true for are recorded as `dropped` and never sent (lost webhooks). */
  dropWebhook: ((event: StreamEvent) => boolean) | null
  /** The four events of a whole session, built but not sent. */
  sessionEvents(callId: string, options?: { type?: string; durationSeconds?: number }): StreamEvent[]
  deliverEvents(events: StreamEvent[], options?: DeliveryOptions): Promise<Delivery[]>
  /** Waits for every webhook delivery in flight. */
  settled(): Promise<void>
  injectFault(fault: Fault): this
  /** Fail this share (0-1) of otherwise normal requests with a random fault. */
  chaos(rate: number): this
  reset(): void
  close(): Promise<void>
}

export function startEmulator(options?: EmulatorOptions): Promise<Emulator>
