// Public API of stream-video-native. Hand-written over the generated binding.d.ts.

/** Custom data stored on the call; extra keys (any JSON value) are sent too. */
export interface CallCustomData {
  meetingId: string
  agentId: string
  agentName: string
  [key: string]: unknown
}

/** The created (or existing) call, from Stream's get-or-create response. */
export interface StreamCall {
  type: string
  id: string
  /** `type:id`, e.g. `default:meeting-123`. */
  cid: string
  createdById: string
  /** RFC 3339 time the call was created. */
  createdAt: string
  custom: Record<string, unknown>
  /** `true` when this request created the call, `false` when it already existed. */
  created: boolean
}

export type StreamErrorCode =
  | 'STREAM_CONFIG'
  | 'STREAM_INVALID_ARGUMENT'
  | 'STREAM_API'
  | 'STREAM_NETWORK'
  | 'STREAM_TIMEOUT'

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

export interface StreamClientOptions {
  apiKey: string
  apiSecret: string
  /** Default `https://video.stream-io-api.com`. */
  baseUrl?: string
  /** Deadline for one operation, retries included. Default 10000. */
  timeoutMs?: number
  /** Retries on 429, 5xx and connection failures. Default 3; 0 disables. */
  maxRetries?: number
}

/** Made by `createStreamClient`. */
export class StreamClient {
  private constructor()
  generateStreamToken(userId: string, validityInSeconds?: number): Promise<string>
  generateStreamTokenSync(userId: string, validityInSeconds?: number): string
  createStreamCall(callId: string, userId: string, data: CallCustomData): Promise<StreamCall>
  addCallParticipant(callId: string, userId: string, role?: string): Promise<void>
  endCall(callId: string): Promise<void>
  verifyWebhook(body: string | Uint8Array, signature: string): Promise<boolean>
  verifyWebhookSync(body: string | Uint8Array, signature: string): boolean
  /** Settings with the secret shown as `[redacted]`. */
  toJSON(): Omit<Required<StreamClientOptions>, 'apiSecret'> & { apiSecret: '[redacted]' }
}

/** HS256 user token `{user_id, iat, exp}`; `iat` is now - 1 s, validity defaults to 3600 s. */
export function generateStreamToken(userId: string, validityInSeconds?: number): Promise<string>
export function generateStreamTokenSync(userId: string, validityInSeconds?: number): string
/** Get-or-create the `default` call `callId`, created by `userId`, with `data` as custom data. */
export function createStreamCall(callId: string, userId: string, data: CallCustomData): Promise<StreamCall>
/** Adds or updates a call member. `role` defaults to `'participant'`. */
export function addCallParticipant(callId: string, userId: string, role?: string): Promise<void>
/** Marks the call ended. */
export function endCall(callId: string): Promise<void>
/** Checks Stream's `X-Signature` (lowercase hex HMAC-SHA256 of the raw body). Malformed signatures give `false`. */
export function verifyWebhook(body: string | Uint8Array, signature: string): Promise<boolean>
export function verifyWebhookSync(body: string | Uint8Array, signature: string): boolean
/** A client with its own credentials instead of the `STREAM_*` environment variables. */
export function createStreamClient(options: StreamClientOptions): StreamClient
