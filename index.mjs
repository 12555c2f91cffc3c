// ESM entry: named re-exports of the CommonJS API (no `export *` from CJS, which bundlers warn about).
import api from './index.js'

export const {
  generateStreamToken,
  generateStreamTokenSync,
  generateCallToken,
  generateCallTokenSync,
  createToken,
  createTokenSync,
  upsertUsers,
  getUsers,
  updateUsersPartial,
  createStreamCall,
  startRecording,
  stopRecording,
  startTranscription,
  stopTranscription,
  startClosedCaptions,
  stopClosedCaptions,
  getCall,
  listRecordings,
  listTranscriptions,
  queryCallMembers,
  addCallParticipant,
  endCall,
  verifyWebhook,
  verifyWebhookSync,
  handleStreamWebhook,
  createStreamClient,
  CALL_EVENT_TYPES,
  readTranscript,
  StreamClient,
  StreamError,
} = api

export default api
