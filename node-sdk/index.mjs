// ESM entry of `stream-video-native/node-sdk` (the CommonJS module is the implementation).
import sdk from './index.js'

export const { StreamClient, StreamVideoClient, StreamCall, StreamError } = sdk
