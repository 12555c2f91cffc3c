// ESM entry: named re-exports of the CommonJS API (no `export *` from CJS, which bundlers warn about).
import api from './index.js'

export const {
  generateStreamToken,
  generateStreamTokenSync,
  generateCallToken,
  generateCallTokenSync,
  upsertUsers,
  getUsers,
  updateUsersPartial,
  createStreamCall,
  addCallParticipant,
  endCall,
  verifyWebhook,
  verifyWebhookSync,
  handleStreamWebhook,
  createStreamClient,
  StreamClient,
  StreamError,
} = api

export default api
