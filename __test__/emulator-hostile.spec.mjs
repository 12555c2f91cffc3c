// The emulator under malformed traffic: a few thousand bad request lines, bad
// encodings, huge headers and bodies, truncated bodies and slow clients. It
// stays up, answers 4xx (or closes the connection when the client already
// gave up), and keeps its request body and request log bounded.
import http from 'node:http'
import net from 'node:net'
import test from 'ava'
import jwt from 'jsonwebtoken'
import { createStreamClient } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, startEmulator } from './helpers.mjs'

/** Sends raw bytes (in pieces, with pauses) and resolves with the status code answered, or null when the connection closed without one. */
function raw(port, pieces, { pauseMs = 0, endAfter = true, waitMs = 4000 } = {}) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let answer = ''
    const done = () => {
      socket.destroy()
      const match = /^HTTP\/1\.1 (\d{3})/.exec(answer)
      resolve(match ? Number(match[1]) : null)
    }
    socket.setTimeout(waitMs, done)
    socket.on('data', (d) => (answer += d.toString('latin1')))
    socket.on('error', done)
    socket.on('close', done)
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return
        socket.write(piece)
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs))
      }
      if (endAfter && !socket.destroyed) socket.end()
    })
  })
}

test('a few thousand malformed requests: the emulator stays up, answers 4xx, stays bounded', async (t) => {
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, maxRecorded: 100, headersTimeoutMs: 600, requestTimeoutMs: 1200 })
  t.teardown(() => emulator.close())
  const auth = `Authorization: ${jwt.sign({ server: true }, API_SECRET)}\r\nstream-auth-type: jwt\r\n`
  const post = (target, body = '', extra = '') =>
    `POST ${target} HTTP/1.1\r\nHost: x\r\n${auth}${extra}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  const call = `/api/v2/video/call/default`
  const q = `?api_key=${API_KEY}`
  const kinds = {
    badRequestLine: [
      'GARBAGE\r\n\r\n',
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      '\x00\x01\x02\x03\r\n\r\n',
      'GET /a b c HTTP/1.1\r\n\r\n',
      'POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
      'POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'GET /x HTTP/1.1\r\nBad Header\r\n\r\n',
    ],
    badTarget: [
      post('//'),
      post('//x/../..'),
      post('http://'),
      post(`${call}/%${q}`),
      post('/emulator/calls/default/%ZZ/session'),
      post(`/emulator/users/%E0%A4%A/connect`),
    ],
    badEncoding: [
      post(`${call}/%E0%A4%A${q}`),
      post(`${call}/%FF%FE${q}`),
      post(`${call}/ok/members${q}`, '{"update_members":[{"user_id":"\\ud800"}]}'),
      post(`${call}/${'%'.repeat(60)}${q}`),
    ],
    badBody: [
      post(`${call}/x${q}`, '{"data":'),
      post(`${call}/x${q}`, 'null'),
      post(`${call}/x${q}`, '[1,2]'),
      post(`/api/v2/users${q}`, '{"users":[]}'),
      post(`/api/v2/users${q}`, '{"users":{"a":{"id":"b"}}}'),
      post('/emulator/calls/default/x/session', '7'),
    ],
    hugeHeader: [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    hugeBody: [post(`${call}/x${q}`, 'x'.repeat(1024 * 1024 + 1)), `POST ${call}/x${q} HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n`],
  }
  const statuses = new Map()
  const jobs = []
  for (let round = 0; round < 120; round++) {
    for (const [kind, requests] of Object.entries(kinds)) {
      for (const request of requests) jobs.push([kind, () => raw(emulator.port, [request])])
    }
    // Truncated bodies: fewer bytes than Content-Length, then hang up.
    jobs.push(['truncated', () => raw(emulator.port, [`POST ${call}/x${q} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"data"`])])
    // A chunked body that goes past the cap.
    jobs.push([
      'hugeChunked',
      () =>
        raw(
          emulator.port,
          [
            `POST ${call}/x${q} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`,
            ...Array.from({ length: 20 }, () => `10000\r\n${'y'.repeat(0x10000)}\r\n`),
          ],
          { endAfter: false },
        ),
    ])
  }
  // Slow clients: headers a byte at a time, or a body that never comes.
  for (let i = 0; i < 10; i++) {
    jobs.push(['slowHeaders', () => raw(emulator.port, [...'GET / HTTP/1.1\r\nHost: x\r\n'], { pauseMs: 100, endAfter: false })])
    jobs.push(['slowBody', () => raw(emulator.port, [`POST ${call}/x${q} HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{`], { endAfter: false })])
  }
  t.true(jobs.length >= 3000, `${jobs.length} requests`)
  let next = 0
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < jobs.length) {
        const [kind, send] = jobs[next++]
        const status = await send()
        if (!statuses.has(kind)) statuses.set(kind, [])
        statuses.get(kind).push(status)
      }
    }),
  )
  for (const [kind, list] of statuses) {
    const answered = list.filter((s) => s !== null)
    t.true(
      answered.every((s) => s >= 400 && s < 500),
      `${kind}: ${[...new Set(list)].join(', ')}`,
    )
    if (!['truncated', 'hugeChunked'].includes(kind)) t.true(answered.length === list.length, `${kind}: every request answered (${[...new Set(list)]})`)
  }
  t.log(JSON.stringify(Object.fromEntries([...statuses].map(([k, l]) => [k, [...new Set(l)]]))))
  t.deepEqual([...new Set(statuses.get('hugeHeader'))], [431])
  t.deepEqual([...new Set(statuses.get('hugeBody'))], [413])
  t.deepEqual([...new Set(statuses.get('slowHeaders'))], [408])
  t.true(emulator.requests.length <= 100, `request log holds ${emulator.requests.length}`)
  // Still up and still right.
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url })
  t.is((await api.createStreamCall('still-up', 'u', DATA)).cid, 'default:still-up')
})

test('control endpoints validate and bound every input: 400 for anything out of range, nothing allocated', async (t) => {
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, lenient: true })
  t.teardown(() => emulator.close())
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url })
  await api.createStreamCall('m1', 'u', DATA)
  const control = (path, body) =>
    fetch(`${emulator.url}/emulator/calls/default/m1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const bad = [
    { concurrency: 1e9 },
    { concurrency: 5e6 },
    { concurrency: 0 },
    { concurrency: 1.5 },
    { concurrency: 'x' },
    { duplicates: 1e9 },
    { duplicates: -1 },
    { durationSeconds: 'x' },
    { durationSeconds: -5 },
    { durationSeconds: 1e12 },
    { duplicate: 'yes' },
    { shuffle: 1 },
    { unknown: true },
    '"x"',
    '[1]',
    '7',
    'null',
  ]
  const started = Date.now()
  for (const path of ['session', 'session/start', 'session/end', 'recording', 'transcription']) {
    for (const body of bad) {
      const response = await control(path, body)
      t.is(response.status, 400, `${path} ${JSON.stringify(body)}`)
      t.like(await response.json(), { code: 4, StatusCode: 400 })
    }
  }
  t.true(Date.now() - started < 5000, 'answered at once')
  t.is(emulator.deliveries.length, 0, 'nothing was delivered for a refused request')
  const good = await control('session', { concurrency: 64, duplicates: 3, durationSeconds: 60, shuffle: true })
  t.is(good.status, 200)
  t.is((await good.json()).deliveries.length, 7)
  t.throws(() => emulator.deliverEvents([], { concurrency: 1e9 }), { instanceOf: RangeError, message: /concurrency must be a whole number from 1 to 64/ })
})

test('a webhook receiver that answers forever is read up to a cap, never into memory', async (t) => {
  const http = await import('node:http')
  const endless = http.createServer((req, res) => {
    req.resume()
    res.writeHead(200, { 'content-type': 'text/plain' })
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    let sent = 0
    const pump = () => {
      while (!res.destroyed && sent < 2 * 1024 ** 3) {
        sent += chunk.length
        if (!res.write(chunk)) return res.once('drain', pump)
      }
    }
    res.on('close', () => (endless.sent = sent))
    pump()
  })
  await new Promise((r) => endless.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise((r) => endless.close(r)))
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, webhookUrl: `http://127.0.0.1:${endless.address().port}/hook` })
  t.teardown(() => emulator.close())
  await createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url }).createStreamCall('m1', 'u', DATA)
  const rss = process.memoryUsage().rss
  const [delivery] = await emulator.startSession('m1')
  t.true(delivery.delivered)
  t.is(delivery.attempts[0].response.length, 500)
  t.true(process.memoryUsage().rss - rss < 64 * 1024 * 1024, 'RSS stayed flat')
  await new Promise((r) => setTimeout(r, 50))
  t.true(endless.sent < 64 * 1024 * 1024, `the receiver pushed ${endless.sent} bytes before the emulator hung up`)
})

test('on an IPv6 host the emulator prints a URL that clients accept', async (t) => {
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, host: '::1' }).catch(() => null)
  if (emulator === null) return t.pass('no IPv6 loopback on this machine')
  t.teardown(() => emulator.close())
  t.regex(emulator.url, /^http:\/\/\[::1\]:\d+$/)
  t.truthy(new URL(emulator.url))
  const api = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url })
  t.is((await api.createStreamCall('v6', 'u', DATA)).cid, 'default:v6')
})

test('only its developer drives the emulator: a cross-site page, a foreign Host and a non-JSON body are refused', async (t) => {
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET })
  t.teardown(() => emulator.close())
  await createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url }).createStreamCall('ctl-1', 'u', DATA)
  const path = '/emulator/calls/default/ctl-1/session'
  /** A raw request, with exactly the headers given (fetch would not let us set Host). */
  const raw = (headers, body = '{}') =>
    new Promise((resolve, reject) => {
      const req = http.request(`${emulator.url}${path}`, { method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
      })
      req.on('error', reject)
      req.end(body)
    })
  const port = new URL(emulator.url).port
  // What a page on attacker.example can send without a preflight: a text/plain POST.
  t.is(await raw({ host: `127.0.0.1:${port}`, origin: 'https://attacker.example', 'content-type': 'text/plain' }), 403)
  t.is(await raw({ host: `127.0.0.1:${port}`, origin: 'https://attacker.example', 'content-type': 'application/json' }), 403)
  t.is(await raw({ host: `127.0.0.1:${port}`, origin: 'null', 'content-type': 'application/json' }), 403, 'a sandboxed page')
  // DNS rebinding: the page's own name in Host.
  t.is(await raw({ host: `attacker.example:${port}`, 'content-type': 'application/json' }), 403)
  t.is(await raw({ host: `127.0.0.1:${port}`, 'content-type': 'text/plain' }), 415)
  t.is(await raw({ host: `127.0.0.1:${port}`, 'content-type': 'application/x-www-form-urlencoded' }), 415)
  t.is(await raw({ host: `127.0.0.1:${port}` }, ''), 415, 'no content type')
  t.is(emulator.deliveries.length, 0, 'no webhook was made')
  // The developer's own tools: loopback Host, no Origin or a loopback one, JSON.
  t.is(await raw({ host: `localhost:${port}`, origin: 'http://localhost:3000', 'content-type': 'application/json; charset=utf-8' }), 200)
  await emulator.settled()
  t.is(emulator.deliveries.length, 4, 'the session, its recording and its transcript')
  // The Stream API itself is not a control route: node-sdk and this package send no Origin, and are not affected.
  t.is(emulator.requests.filter((r) => r.path.startsWith('/api/')).length, 1)
})
