// The ESM entries' types (index.d.mts, node-sdk/index.d.mts), as an ES module app sees them.
import streamDefault, { generateStreamToken, StreamError } from 'stream-video-native'
import { StreamClient } from 'stream-video-native/node-sdk'

const token: Promise<string> = generateStreamToken('user-1')
const viaDefault: Promise<string> = streamDefault.generateStreamToken('user-1')
const isError: boolean = new Error('x') instanceof StreamError
const valid: boolean = new StreamClient('key', 'secret').verifyWebhook('{}', 'sig')
// @ts-expect-error the ESM entry names exactly what the CommonJS one does
streamDefault.notAnExport
export { isError, token, valid, viaDefault }
