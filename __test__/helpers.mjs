// Shared test helpers: the local Stream emulator and small utilities.
import http from 'node:http'
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

/**
 * A loopback HTTP server that plays Stream (or a proxy in front of it):
 * `handle(req, res, state)` answers. `state` counts the requests, the bytes a
 * handler sent (`bytesOut`), the sockets open at once and the requests in
 * flight at once; `state.url`, `state.close()`.
 */
export async function fakeServer(handle) {
  const state = { requests: [], bytesOut: [], open: 0, maxOpen: 0, inFlight: 0, maxInFlight: 0 }
  const srv = http.createServer((req, res) => {
    state.requests.push({ method: req.method, url: req.url })
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight)
    res.once('close', () => state.inFlight--)
    req.resume()
    handle(req, res, state)
  })
  srv.on('connection', (socket) => {
    state.maxOpen = Math.max(state.maxOpen, ++state.open)
    socket.on('close', () => state.open--)
  })
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  state.url = `http://127.0.0.1:${srv.address().port}`
  state.close = () =>
    new Promise((r) => {
      srv.closeAllConnections()
      srv.close(r)
    })
  return state
}

/** A `fakeServer` whose answer to a request (once read) is `await answer(req)`: `{ status, body, contentType? }`. */
export function answeringServer(answer) {
  return fakeServer((req, res) => {
    req.on('end', async () => {
      const { status, body, contentType = 'application/json' } = await answer(req)
      res.writeHead(status, { 'content-type': contentType })
      res.end(body)
    })
  })
}
