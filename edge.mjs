// What an Edge runtime gets instead of the package (the `edge-light` and
// `workerd` export conditions: Next.js Edge routes and proxy/middleware,
// Vercel Edge Functions, Cloudflare Workers). A native addon cannot load
// there, so evaluating this module throws a message that says so and names
// the fix. Next.js evaluates Edge routes while it collects page data, so
// `next build` fails with this message instead of a loader error at run time.
// The named exports (never reached) mirror index.mjs, so imports of them bundle.
const error = new Error(
  'stream-video-native needs the Node.js runtime: it is a native addon, and the Edge runtime cannot load one. ' +
    "In the route (or page) that imports it, add `export const runtime = 'nodejs'` (from a Next.js proxy/middleware, " +
    "call a Node.js route instead), and list the package in next.config's `serverExternalPackages: ['stream-video-native']`.",
)
error.code = 'STREAM_EDGE_RUNTIME'
throw error

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
} = {}
export default undefined
