// Shared test helpers: the local Stream emulator and small utilities.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
export const { startEmulator } = require('stream-video-native/emulator')
export const pkg = require('../package.json')

export const API_KEY = 'test-key'
export const API_SECRET = 'test-secret-do-not-leak-5b1d'
export const DATA = { meetingId: 'm-1', agentId: 'agent-456', agentName: 'Sales Assistant' }

/** One emulator per test file; `t.context.stream` is reset before each test. */
export function useEmulator(test) {
  test.before(async (t) => {
    t.context.stream = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET })
  })
  test.after.always(async (t) => {
    await t.context.stream?.close()
  })
}

/** A loopback port with nothing listening on it. */
export { freePort as closedPort } from '../scripts/ports.mjs'

export function decodeJwtParts(token) {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((p) => Buffer.from(p, 'base64url').toString('utf8'))
  return { header, payload }
}

/** Captures console.error lines while `fn` runs. */
export async function captureErrors(fn) {
  const lines = []
  const original = console.error
  const previous = process.env.STREAM_LOG
  delete process.env.STREAM_LOG
  console.error = (...args) => lines.push(args.join(' '))
  try {
    await fn()
  } finally {
    console.error = original
    if (previous !== undefined) process.env.STREAM_LOG = previous
  }
  return lines
}
