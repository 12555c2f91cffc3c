// Types of `stream-video-native/node-sdk`: node-sdk 0.7.64's video, user,
// token and webhook surface. The request and response types are generated
// from Stream's OpenAPI spec (./models.d.ts); the methods are node-sdk's, each
// with an optional last `{ signal }`.

import type { StreamError as PackageStreamError, StreamErrorCode } from '../index.js'
import type {
  BlockUserRequest,
  BlockUserResponse,
  CallResponse,
  DeleteCallRequest,
  DeleteCallResponse,
  DeleteRecordingResponse,
  DeleteTranscriptionResponse,
  DeleteUsersRequest,
  DeleteUsersResponse,
  EndCallResponse,
  GetCallReportResponse,
  GetCallResponse,
  GetOrCreateCallRequest,
  GetOrCreateCallResponse,
  GoLiveRequest,
  GoLiveResponse,
  KickUserRequest,
  KickUserResponse,
  ListRecordingsResponse,
  ListTranscriptionsResponse,
  MuteUsersRequest,
  MuteUsersResponse,
  QueryCallMembersRequest,
  QueryCallMembersResponse,
  QueryCallParticipantSessionsResponse,
  QueryCallsRequest,
  QueryCallsResponse,
  QueryUsersPayload,
  QueryUsersResponse,
  SendCallEventRequest,
  SendCallEventResponse,
  SendClosedCaptionRequest,
  SendClosedCaptionResponse,
  StartClosedCaptionsRequest,
  StartClosedCaptionsResponse,
  StartRecordingRequest,
  StartRecordingResponse,
  StartTranscriptionRequest,
  StartTranscriptionResponse,
  StopClosedCaptionsRequest,
  StopClosedCaptionsResponse,
  StopLiveRequest,
  StopLiveResponse,
  StopRecordingRequest,
  StopRecordingResponse,
  StopTranscriptionRequest,
  StopTranscriptionResponse,
  UnblockUserRequest,
  UnblockUserResponse,
  UpdateCallMembersRequest,
  UpdateCallMembersResponse,
  UpdateCallRequest,
  UpdateCallResponse,
  UpdateUserPermissionsRequest,
  UpdateUserPermissionsResponse,
  UpdateUsersPartialRequest,
  UpdateUsersResponse,
  UserRequest,
} from './models.js'

export type * from './models.js'

/** node-sdk's `RateLimit`, read from the response's `x-ratelimit-*` headers. */
export interface RateLimit {
  rateLimit?: number
  rateLimitRemaining?: number
  rateLimitReset?: Date
}

/** node-sdk's `RequestMetadata`. */
export interface RequestMetadata {
  responseHeaders: Headers
  rateLimit: RateLimit
  responseCode: number
  clientRequestId: string
}

/** A response body as node-sdk returns it: the body's fields and `metadata`. */
export type StreamResponse<T> = T & { metadata: RequestMetadata }

/** This package's addition to every method: a signal that cancels the request natively. */
export interface RequestOptions {
  signal?: AbortSignal
}

export interface StreamClientOptions {
  /** The whole operation's deadline in milliseconds, retries included (node-sdk's default: 3000). */
  timeout?: number
  /** Both Stream hosts at once (node-sdk's `basePath`), e.g. the emulator's URL. */
  basePath?: string
  /** Not used: connections are the native pool's (see `maxConnections`). */
  agent?: unknown
  /** Retries of a retryable failure (default 3). */
  maxRetries?: number
  /** Requests in flight at once (default 64). */
  maxConnections?: number
  /** Where failures are logged (see the package's `createStreamClient`). */
  logger?: ((record: Record<string, unknown>) => unknown) | { error(record: Record<string, unknown>): unknown }
}

/**
 * node-sdk's `StreamError` (`code`: Stream's numeric code; `metadata`), and
 * this package's: `errorCode` is its string code, and `status`, `streamCode`,
 * `requestId`, `attempts` and `cause` are set as there.
 */
export declare class StreamError extends Error {
  name: 'StreamError'
  /** Stream's numeric code; the HTTP status when the body was not Stream's; undefined when no answer came. */
  code: number | undefined
  metadata: Partial<RequestMetadata>
  errorCode: StreamErrorCode
  status?: number
  streamCode?: number
  requestId?: string
  attempts?: number
  cause?: PackageStreamError
}

export declare class StreamClient {
  constructor(apiKey: string, secret: string, config?: StreamClientOptions)
  readonly apiKey: string
  readonly config: StreamClientOptions | undefined
  readonly options: Record<string, never>
  readonly video: StreamVideoClient

  generateUserToken(payload: { user_id: string; validity_in_seconds?: number; exp?: number; iat?: number } & Record<string, unknown>): string
  generateCallToken(
    payload: { user_id: string; role?: string; call_cids: string[]; validity_in_seconds?: number; exp?: number; iat?: number } & Record<string, unknown>,
  ): string
  /** @deprecated node-sdk's: use generateUserToken. */
  createToken(userID: string, exp?: number, iat?: number): string
  /** @deprecated node-sdk's: use generateCallToken. */
  createCallToken(userIdOrObject: string | { user_id: string; role?: string }, call_cids: string[], exp?: number, iat?: number): string
  /** Whether `xSignature` is the body's signature: a boolean, synchronously, as node-sdk's. */
  verifyWebhook(requestBody: string | Buffer, xSignature: string): boolean

  upsertUsers(users: UserRequest[], options?: RequestOptions): Promise<StreamResponse<UpdateUsersResponse>>
  queryUsers(request?: { payload?: QueryUsersPayload }, options?: RequestOptions): Promise<StreamResponse<QueryUsersResponse>>
  updateUsersPartial(request: UpdateUsersPartialRequest, options?: RequestOptions): Promise<StreamResponse<UpdateUsersResponse>>
  deleteUsers(request: DeleteUsersRequest, options?: RequestOptions): Promise<StreamResponse<DeleteUsersResponse>>
}

export declare class StreamVideoClient {
  call(type: string, id: string): StreamCall
  queryCalls(request?: QueryCallsRequest, options?: RequestOptions): Promise<StreamResponse<QueryCallsResponse>>
  getCall(
    request: { type: string; id: string; members_limit?: number; ring?: boolean; notify?: boolean; video?: boolean },
    options?: RequestOptions,
  ): Promise<StreamResponse<GetCallResponse>>
  queryCallMembers(request: QueryCallMembersRequest, options?: RequestOptions): Promise<StreamResponse<QueryCallMembersResponse>>
}

export declare class StreamCall {
  readonly type: string
  readonly id: string
  readonly cid: string
  /** The call as the last `get` or `getOrCreate` answered. */
  data?: CallResponse
  get(
    request?: { members_limit?: number; ring?: boolean; notify?: boolean; video?: boolean },
    options?: RequestOptions,
  ): Promise<StreamResponse<GetCallResponse>>
  getOrCreate(request?: GetOrCreateCallRequest, options?: RequestOptions): Promise<StreamResponse<GetOrCreateCallResponse>>
  create(request?: GetOrCreateCallRequest, options?: RequestOptions): Promise<StreamResponse<GetOrCreateCallResponse>>
  update(request?: UpdateCallRequest, options?: RequestOptions): Promise<StreamResponse<UpdateCallResponse>>
  end(request?: undefined | null, options?: RequestOptions): Promise<StreamResponse<EndCallResponse>>
  delete(request?: DeleteCallRequest, options?: RequestOptions): Promise<StreamResponse<DeleteCallResponse>>
  updateCallMembers(request: UpdateCallMembersRequest, options?: RequestOptions): Promise<StreamResponse<UpdateCallMembersResponse>>
  queryMembers(request?: Omit<QueryCallMembersRequest, 'type' | 'id'>, options?: RequestOptions): Promise<StreamResponse<QueryCallMembersResponse>>
  startRecording(request: StartRecordingRequest & { recording_type: string }, options?: RequestOptions): Promise<StreamResponse<StartRecordingResponse>>
  stopRecording(request: StopRecordingRequest & { recording_type: string }, options?: RequestOptions): Promise<StreamResponse<StopRecordingResponse>>
  listRecordings(request?: undefined | null, options?: RequestOptions): Promise<StreamResponse<ListRecordingsResponse>>
  deleteRecording(request: { session: string; filename: string }, options?: RequestOptions): Promise<StreamResponse<DeleteRecordingResponse>>
  startTranscription(request?: StartTranscriptionRequest, options?: RequestOptions): Promise<StreamResponse<StartTranscriptionResponse>>
  stopTranscription(request?: StopTranscriptionRequest, options?: RequestOptions): Promise<StreamResponse<StopTranscriptionResponse>>
  listTranscriptions(request?: undefined | null, options?: RequestOptions): Promise<StreamResponse<ListTranscriptionsResponse>>
  deleteTranscription(request: { session: string; filename: string }, options?: RequestOptions): Promise<StreamResponse<DeleteTranscriptionResponse>>
  startClosedCaptions(request?: StartClosedCaptionsRequest, options?: RequestOptions): Promise<StreamResponse<StartClosedCaptionsResponse>>
  stopClosedCaptions(request?: StopClosedCaptionsRequest, options?: RequestOptions): Promise<StreamResponse<StopClosedCaptionsResponse>>
  sendCallEvent(request?: SendCallEventRequest, options?: RequestOptions): Promise<StreamResponse<SendCallEventResponse>>
  sendClosedCaption(request: SendClosedCaptionRequest, options?: RequestOptions): Promise<StreamResponse<SendClosedCaptionResponse>>
  kickUser(request: KickUserRequest, options?: RequestOptions): Promise<StreamResponse<KickUserResponse>>
  muteUsers(request: MuteUsersRequest, options?: RequestOptions): Promise<StreamResponse<MuteUsersResponse>>
  blockUser(request: BlockUserRequest, options?: RequestOptions): Promise<StreamResponse<BlockUserResponse>>
  unblockUser(request: UnblockUserRequest, options?: RequestOptions): Promise<StreamResponse<UnblockUserResponse>>
  updateUserPermissions(request: UpdateUserPermissionsRequest, options?: RequestOptions): Promise<StreamResponse<UpdateUserPermissionsResponse>>
  goLive(request?: GoLiveRequest, options?: RequestOptions): Promise<StreamResponse<GoLiveResponse>>
  stopLive(request?: StopLiveRequest, options?: RequestOptions): Promise<StreamResponse<StopLiveResponse>>
  queryCallParticipantSessions(
    request: { session: string; limit?: number; prev?: string; next?: string; filter_conditions?: Record<string, unknown> },
    options?: RequestOptions,
  ): Promise<StreamResponse<QueryCallParticipantSessionsResponse>>
  getCallReport(request?: { session_id?: string }, options?: RequestOptions): Promise<StreamResponse<GetCallReportResponse>>
}
