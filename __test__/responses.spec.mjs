// What Stream (or whatever answers in its place) sends back: huge bodies,
// redirects, absurd headers. Each ends in a typed error (never a panic, never
// a crash), and nothing more than the response cap is downloaded.
import net from 'node:net'
import test from 'ava'
import { createStreamClient, StreamError } from 'stream-video-native'
import { API_KEY, API_SECRET, captureErrors, fakeServer } from './helpers.mjs'

const MiB = 1024 * 1024
const KNOWN = ['STREAM_API', 'STREAM_NETWORK', 'STREAM_TIMEOUT']

/** A TCP server that answers every request with these exact bytes, for headers Node's HTTP server refuses to send. */
async function rawServer(response) {
  const srv = net.createServer((socket) => {
    socket.once('data', () => socket.end(response))
    socket.on('error', () => {})
  })
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${srv.address().port}`, close: () => new Promise((r) => srv.close(r)) }
}

/** Streams `total` bytes with backpressure, recording how many the client took before it hung up. */
function streamBytes(status, total, extraHeaders = {}) {
  return (_req, res, state) => {
    const index = state.bytesOut.push(0) - 1
    res.writeHead(status, { 'content-type': 'application/json', ...extraHeaders })
    const chunk = Buffer.alloc(64 * 1024, 0x20)
    let closed = false
    res.on('close', () => (closed = true))
    const pump = () => {
      while (!closed && state.bytesOut[index] < total) {
        state.bytesOut[index] += chunk.length
        if (!res.write(chunk)) return res.once('drain', pump)
      }
      if (!closed) res.end()
    }
    pump()
  }
}

const client = (url, options = {}) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: url, timeoutMs: 5000, ...options })

test.serial('a 160 MiB answer is refused after the 1 MiB cap, without downloading or holding it', async (t) => {
  for (const withLength of [false, true]) {
    const srv = await fakeServer(streamBytes(201, 160 * MiB, withLength ? { 'content-length': String(160 * MiB) } : {}))
    global.gc?.()
    const before = process.memoryUsage().rss
    const err = await t.throwsAsync(client(srv.url).endCall('c1'), { instanceOf: StreamError })
    const grown = process.memoryUsage().rss - before
    t.like(err, { code: 'STREAM_API', status: 201, attempts: 1 })
    t.regex(err.message, /over the 1048576-byte limit/)
    await new Promise((r) => setTimeout(r, 100))
    // What the server got out includes the kernel's socket buffers; far below 160 MiB either way.
    t.true(srv.bytesOut[0] < 24 * MiB, `server wrote ${srv.bytesOut[0]} bytes`)
    t.true(grown < 40 * MiB, `RSS grew ${grown} bytes`)
    await srv.close()
  }
})

test.serial('a huge 5xx body is capped on every retry', async (t) => {
  const srv = await fakeServer(streamBytes(503, 160 * MiB))
  const err = await t.throwsAsync(client(srv.url, { maxRetries: 3 }).endCall('c1'))
  t.like(err, { code: 'STREAM_API', status: 503, attempts: 4 })
  t.is(srv.bytesOut.length, 4)
  await new Promise((r) => setTimeout(r, 100))
  for (const bytes of srv.bytesOut) t.true(bytes < 24 * MiB, `an attempt downloaded ${bytes} bytes`)
  t.true(err.message.length < 400, err.message)
  await srv.close()
})

test.serial('a redirect is never followed: STREAM_API with its status, and nothing reaches the target', async (t) => {
  const elsewhere = await fakeServer((_req, res) => res.end('login page'))
  for (const status of [301, 302, 303, 307, 308]) {
    for (const location of [`${elsewhere.url}/login?token=abc`, '/login']) {
      const srv = await fakeServer((_req, res) => res.writeHead(status, { location, 'content-type': 'text/html' }).end('<title>Moved</title>'))
      const err = await t.throwsAsync(client(srv.url).endCall('c1'), { instanceOf: StreamError })
      t.like(err, { code: 'STREAM_API', status, attempts: 1 })
      t.regex(err.message, /redirects are not followed/)
      t.notRegex(err.message, /token=abc/, 'only the origin is named')
      t.is(srv.requests.length, 1, 'no request to the redirect target on the same origin')
      await srv.close()
    }
  }
  t.is(elsewhere.requests.length, 0, 'nothing reached the cross-origin target')
  await elsewhere.close()
})

test.serial('every header the client reads, at extreme values, ends in a typed error and never a panic', async (t) => {
  const extremes = [
    '18446744073709551615',
    '18446744073709551616',
    '99999999999999999999999999999',
    '-1',
    '1e400',
    'NaN',
    '',
    'Fri, 31 Dec 9999 23:59:59 GMT',
    'Thu, 01 Jan 1970 00:00:00 GMT',
    '\u00ff\u00fe',
  ]
  const body = '{"code":9,"message":"slow down","StatusCode":429}'
  const responses = []
  for (const value of extremes) {
    for (const status of [429, 503]) {
      responses.push(
        `HTTP/1.1 ${status} X\r\nx-ratelimit-reset: ${value}\r\nretry-after: ${value}\r\ncontent-type: ${value}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      )
      responses.push(`HTTP/1.1 ${status} X\r\nx-ratelimit-reset: ${value}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`)
    }
    responses.push(`HTTP/1.1 200 OK\r\ncontent-length: ${value}\r\nconnection: close\r\n\r\n{}`)
    responses.push(`HTTP/1.1 302 Found\r\nlocation: ${value}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`)
  }
  const lines = await captureErrors(async () => {
    for (const response of responses) {
      const srv = await rawServer(response)
      const started = Date.now()
      const err = await t.throwsAsync(client(srv.url, { timeoutMs: 1500, maxRetries: 2 }).endCall('c1'), { instanceOf: StreamError })
      t.true(KNOWN.includes(err.code), `${err.code}: ${err.message} for ${JSON.stringify(response.split('\r\n').slice(0, 3))}`)
      t.true(Date.now() - started < 3000)
      await srv.close()
    }
  })
  t.false(
    lines.some((l) => /panic|STREAM_INTERNAL/i.test(l)),
    lines.find((l) => /panic/i.test(l)),
  )
})
