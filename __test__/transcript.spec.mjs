// readTranscript: Stream's JSONL transcript as typed speech segments, from a
// body or a URL, with every line shape public apps have seen, unknown lines
// skipped, and the download bounded (size, lines, time, signal).
import { gzipSync } from 'node:zlib'
import test from 'ava'
import { createStreamClient, readTranscript, StreamError } from 'stream-video-native'
import { API_KEY, API_SECRET, captureErrors, DATA, fakeServer, startEmulator } from './helpers.mjs'

process.env.STREAM_LOG = 'silent'
const jsonl = (...lines) => `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`

test("Stream's shape: type speech, speaker_id, RFC 3339 start_time/stop_time", async (t) => {
  const body = jsonl(
    { type: 'speech', start_time: '2026-03-01T10:00:01.250Z', stop_time: '2026-03-01T10:00:04Z', speaker_id: 'host-1', text: 'Hello, and welcome.' },
    { type: 'speech', start_time: '2026-03-01T12:00:05+02:00', stop_time: '2026-03-01T12:00:09+02:00', speaker_id: 'agent', text: 'I will take notes.' },
  )
  t.deepEqual(await readTranscript(body), [
    { speakerId: 'host-1', text: 'Hello, and welcome.', start: Date.parse('2026-03-01T10:00:01.250Z'), end: Date.parse('2026-03-01T10:00:04Z') },
    { speakerId: 'agent', text: 'I will take notes.', start: Date.parse('2026-03-01T10:00:05Z'), end: Date.parse('2026-03-01T10:00:09Z') },
  ])
  t.deepEqual(await readTranscript(Buffer.from(body)), await readTranscript(body), 'bytes read as the text')
})

test('the other shapes apps have met: start_ts/stop_ts numbers (ms), user_id, no type', async (t) => {
  const body = jsonl(
    { type: 'speech', start_ts: 1200, stop_ts: 3400, speaker_id: 'a', text: 'numbers' },
    { type: 'speech', start_ts: 4000, stop_ts: 5000.5, user_id: 'b', text: 'user_id' },
    { start_time: '2026-03-01T10:00:00Z', stop_time: '2026-03-01T10:00:01Z', speaker_id: 'c', text: 'no type' },
  )
  t.deepEqual(
    (await readTranscript(body)).map((s) => [s.speakerId, s.text, s.start, s.end]),
    [
      ['a', 'numbers', 1200, 3400],
      ['b', 'user_id', 4000, 5000.5],
      ['c', 'no type', Date.parse('2026-03-01T10:00:00Z'), Date.parse('2026-03-01T10:00:01Z')],
    ],
  )
})

test('unknown line types, blank lines, CRLF and a BOM are tolerated', async (t) => {
  const body =
    `\ufeff${jsonl({ type: 'metadata', version: 3 }, '', { type: 'silence', start_ts: 0, stop_ts: 900 }, { type: 'speech', start_ts: 1, stop_ts: 2, speaker_id: 'x', text: 'kept' }, { type: 'sentiment', score: 0.4 })}`.replace(
      /\n/g,
      '\r\n',
    )
  t.deepEqual(await readTranscript(body), [{ speakerId: 'x', text: 'kept', start: 1, end: 2 }])
  t.deepEqual(await readTranscript(''), [], 'an empty transcript has no segments')
})

test('a body that is not JSONL is refused with the line that is not', async (t) => {
  for (const [body, says] of [
    ['<!doctype html><title>Access denied</title>', /line 1 is not a JSON object/],
    [jsonl({ type: 'speech', start_ts: 1, stop_ts: 2, speaker_id: 'x', text: 'a' }, '{"truncated": '), /line 2 is not a JSON object/],
    [jsonl({ type: 'speech', speaker_id: 'x', text: 'when?' }), /line 1 has no usable times/],
    [gzipSync('{"type":"speech"}'), /line 1 is not a JSON object/],
  ]) {
    const error = await t.throwsAsync(readTranscript(body), { instanceOf: StreamError })
    t.is(error.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(error.message, /^urlOrBody: /)
    t.regex(error.message, says)
  }
})

test('size and line limits: the defaults, and options that lower them', async (t) => {
  const line = jsonl({ type: 'speech', start_ts: 1, stop_ts: 2, speaker_id: 'x', text: 'again' })
  t.is((await readTranscript(line.repeat(1000))).length, 1000)
  const lines = await t.throwsAsync(readTranscript(line.repeat(11), { maxLines: 10 }))
  t.is(lines.code, 'STREAM_INVALID_ARGUMENT')
  t.regex(lines.message, /more than 10 lines \(maxLines\)/)
  const bytes = await t.throwsAsync(readTranscript(line.repeat(10), { maxBytes: 100 }))
  t.regex(bytes.message, /over maxBytes \(100\)/)
  const huge = await t.throwsAsync(readTranscript('x'.repeat(16 * 1024 * 1024 + 1)))
  t.regex(huge.message, /over maxBytes \(16777216\)/, '16 MiB unless told otherwise')
})

test('bad arguments name the parameter', async (t) => {
  for (const [args, says] of [
    [[42], /^urlOrBody must be a transcript URL \(http or https\), its text or its bytes, got number/],
    [[undefined], /^urlOrBody must be/],
    [['', { maxLines: 0 }], /^options\.maxLines must be a positive integer, got number/],
    [['', { maxBytes: 1.5 }], /^options\.maxBytes must be a positive integer/],
    [['', { timeoutMs: '5' }], /^options\.timeoutMs must be a positive integer/],
    [['', { signal: 'soon' }], /^options\.signal must be an AbortSignal/],
  ]) {
    const error = await t.throwsAsync(readTranscript(...args))
    t.is(error.code, 'STREAM_INVALID_ARGUMENT')
    t.regex(error.message, says)
  }
})

/** A file server: `routes[path]` is `(req, res)`. */
const files = (routes) =>
  fakeServer((req, res, state) => {
    state.headers = req.headers
    const route = routes[req.url.split('?')[0]]
    if (route) route(req, res)
    else res.writeHead(404).end('no such file')
  })

test('from a URL: downloaded without credentials, redirects followed, parsed', async (t) => {
  const body = jsonl({ type: 'speech', start_ts: 10, stop_ts: 20, speaker_id: 'u', text: 'over http' })
  const server = await files({
    '/file.jsonl': (_req, res) => res.writeHead(200, { 'content-type': 'application/jsonl' }).end(body),
    '/moved': (_req, res) => res.writeHead(302, { location: '/file.jsonl' }).end(),
  })
  t.teardown(server.close)
  const segments = [{ speakerId: 'u', text: 'over http', start: 10, end: 20 }]
  t.deepEqual(await readTranscript(`${server.url}/file.jsonl?X-Amz-Signature=abc`), segments)
  t.deepEqual(await readTranscript(new URL(`${server.url}/moved`)), segments)
  t.is(server.headers.authorization, undefined, 'no token goes to a file host')
  t.is(server.headers['stream-auth-type'], undefined)
})

test('from a URL: a failed download is typed, and its URL query (a signature) is never told', async (t) => {
  const server = await files({
    '/html': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>signed URL expired</html>'),
    '/big': (_req, res) => res.writeHead(200, { 'content-length': String(2048) }).end('x'.repeat(2048)),
    '/endless': (_req, res) => {
      res.writeHead(200)
      const timer = setInterval(() => res.write(`${JSON.stringify({ type: 'speech', start_ts: 1, stop_ts: 2, speaker_id: 'x', text: 'more' })}\n`), 1)
      res.on('close', () => clearInterval(timer))
    },
    '/slow': () => {},
  })
  t.teardown(server.close)
  const secret = 'X-Amz-Signature=s3cr3t'
  const cases = [
    ['/missing', {}, 'STREAM_API', /answered HTTP 404/],
    ['/html', {}, 'STREAM_API', /^transcript line 1 is not a JSON object/],
    ['/big', { maxBytes: 1024 }, 'STREAM_API', /2048 bytes, over maxBytes \(1024\)/],
    ['/endless', { maxBytes: 64 * 1024 }, 'STREAM_API', /over maxBytes \(65536\)/],
    ['/slow', { timeoutMs: 200 }, 'STREAM_TIMEOUT', /timed out/],
  ]
  for (const [path, options, code, says] of cases) {
    const error = await t.throwsAsync(readTranscript(`${server.url}${path}?${secret}`, options))
    t.is(error.code, code, path)
    t.regex(error.message, says, path)
    t.false(JSON.stringify({ ...error, message: error.message }).includes('s3cr3t'), path)
  }
  const missing = await t.throwsAsync(readTranscript(`${server.url}/missing`))
  t.is(missing.status, 404)
  const port = new URL(server.url).port
  await server.close()
  const refused = await t.throwsAsync(readTranscript(`http://127.0.0.1:${port}/gone?${secret}`))
  t.is(refused.code, 'STREAM_NETWORK')
  t.notRegex(refused.message, /s3cr3t/)
})

test('from a URL: { signal } aborts the download, before and during', async (t) => {
  const server = await files({ '/slow': () => {} })
  t.teardown(server.close)
  const before = await t.throwsAsync(readTranscript(`${server.url}/slow`, { signal: AbortSignal.abort() }))
  t.is(before.code, 'STREAM_ABORTED')
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 50)
  const during = await t.throwsAsync(readTranscript(`${server.url}/slow`, { signal: controller.signal }))
  t.is(during.code, 'STREAM_ABORTED')
})

test.serial('a failure is logged once, with its code; an abort is not logged (the caller asked for it)', async (t) => {
  const lines = await captureErrors(async () => {
    await readTranscript('not a transcript').catch(() => {})
    await readTranscript('http://127.0.0.1:9/x', { signal: AbortSignal.abort() }).catch(() => {})
  })
  t.deepEqual(lines, [
    '[stream-video-native] readTranscript failed: STREAM_INVALID_ARGUMENT: urlOrBody: transcript line 1 is not a JSON object: a transcript is JSONL',
  ])
})

test("the emulator's transcript: what people said while transcription ran, by who said it", async (t) => {
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET })
  t.teardown(() => emulator.close())
  const stream = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: emulator.url })
  await stream.upsertUsers([{ id: 'host' }, { id: DATA.agentId }])
  await stream.createStreamCall('said-1', 'host', DATA, { settings: { transcription: { mode: 'auto-on', language: 'en' } } })
  await emulator.join('said-1', 'host')
  await emulator.join('said-1', DATA.agentId)
  t.is(emulator.say('said-1', 'stranger', 'not in the call'), null)
  emulator.say('said-1', 'host', 'Let us start with the budget.')
  emulator.say('said-1', DATA.agentId, 'Noted: the budget comes first.')
  await emulator.leave('said-1', 'host')
  await stream.endCall('said-1')
  const [file] = await stream.listTranscriptions('said-1')
  const segments = await readTranscript(file.url)
  t.deepEqual(
    segments.map((s) => [s.speakerId, s.text]),
    [
      ['host', 'Let us start with the budget.'],
      [DATA.agentId, 'Noted: the budget comes first.'],
    ],
  )
  t.true(segments.every((s) => s.end >= s.start && s.start >= Date.parse(file.startTime) && s.end <= Date.parse(file.endTime)))
})
