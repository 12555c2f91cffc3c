// Tracing: with an OpenTelemetry tracer provider registered, every HTTP
// attempt to Stream is a CLIENT span under an INTERNAL span per operation,
// under the caller's span, and sends a W3C traceparent naming its span; the
// attempts are published on node:diagnostics_channel; node-sdk traced through
// the undici instrumentation records no http.*, url.* or server.* attribute
// ours lacks. Without a provider, @opentelemetry/api is never loaded.
import { execFile } from 'node:child_process'
import diagnostics from 'node:diagnostics_channel'
import { promisify } from 'node:util'
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { StreamClient as SdkClient } from '@stream-io/node-sdk'
import test from 'ava'
import { createStreamClient } from 'stream-video-native'
import { API_KEY, API_SECRET, DATA, closedPort, useEmulator } from './helpers.mjs'

const exporter = new InMemorySpanExporter()
// Every span started and ended, whether or not it would be exported.
const counted = { started: 0, ended: 0, clientStarted: 0 }
const counter = {
  onStart: (span) => {
    counted.started++
    if (span.kind === SpanKind.CLIENT) counted.clientStarted++
  },
  onEnd: () => counted.ended++,
  forceFlush: async () => {},
  shutdown: async () => {},
}
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), counter] })
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
trace.setGlobalTracerProvider(provider)
const undici = new UndiciInstrumentation()
undici.setTracerProvider(provider)
undici.enable()
const tracer = trace.getTracer('tracing.spec')

useEmulator(test)
test.serial.beforeEach((t) => {
  t.context.stream.reset()
  exporter.reset()
  propagation.disable()
})

const client = (t, options = {}) => createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: t.context.stream.url, ...options })
const streamBody = (status, code, message) => ({ code, message, StatusCode: status, duration: '0.01ms', more_info: '', details: [] })
const ours = () => exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'stream-video-native')
const attempts = () => ours().filter((s) => s.kind === SpanKind.CLIENT)
const operation = () => ours().find((s) => s.kind === SpanKind.INTERNAL)
const parentOf = (span) => span.parentSpanContext?.spanId
const traceparentOf = (span) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`

/** Runs `fn` under an active `route` span; resolves to the span, what `fn` gave, and the span active after it. */
function underRoute(fn) {
  return tracer.startActiveSpan('route', async (route) => {
    try {
      const value = await fn().catch((error) => ({ error }))
      return { route, value, activeAfter: trace.getActiveSpan() }
    } finally {
      route.end()
    }
  })
}

test.serial('a call is a CLIENT span named by its method, under the operation’s span, under the caller’s; its traceparent names it', async (t) => {
  const { route, value, activeAfter } = await underRoute(() => client(t).createStreamCall('tr-1', 'host', DATA))
  t.is(value.id, 'tr-1')
  t.is(activeAfter, route, 'the caller’s context survived the native call')
  const [span] = attempts()
  t.is(attempts().length, 1)
  t.is(span.name, 'POST')
  t.is(operation().name, 'stream createStreamCall')
  t.is(parentOf(operation()), route.spanContext().spanId)
  t.is(parentOf(span), operation().spanContext().spanId)
  t.is(span.spanContext().traceId, route.spanContext().traceId)
  const url = new URL(t.context.stream.url)
  t.deepEqual(span.attributes, {
    'http.request.method': 'POST',
    'http.request.method_original': 'POST',
    'url.full': `${t.context.stream.url}/api/v2/video/call/default/tr-1?api_key=${API_KEY}`,
    'url.scheme': 'http',
    'url.path': '/api/v2/video/call/default/tr-1',
    'url.query': `api_key=${API_KEY}`,
    'server.address': url.hostname,
    'server.port': Number(url.port),
    'http.response.status_code': 201,
  })
  t.is(span.status.code, SpanStatusCode.UNSET)
  t.is(operation().status.code, SpanStatusCode.UNSET)
  const [request] = t.context.stream.requests
  t.is(request.headers.traceparent, traceparentOf(span))
})

test.serial('with a registered propagator, it injects: traceparent and tracestate', async (t) => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  const { TraceState } = await import('@opentelemetry/core')
  const state = new TraceState('vendor=abc')
  const parent = trace.setSpanContext(context.active(), { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, traceState: state, isRemote: true })
  await context.with(parent, () => client(t).createStreamCall('tr-2', 'host', DATA))
  const [span] = attempts()
  t.is(span.spanContext().traceId, 'a'.repeat(32))
  const [request] = t.context.stream.requests
  t.is(request.headers.traceparent, traceparentOf(span))
  t.is(request.headers.tracestate, 'vendor=abc')
})

test.serial('retries: one span per attempt, the resend counted, each attempt’s traceparent its own', async (t) => {
  await client(t).createStreamCall('tr-3', 'host', DATA)
  exporter.reset()
  t.context.stream.requests.length = 0
  t.context.stream.injectFault({ path: '/mark_ended', status: 503, body: streamBody(503, -1, 'busy'), times: 2 })
  await client(t).endCall('tr-3')
  const spans = attempts()
  t.is(spans.length, 3)
  t.deepEqual(
    spans.map((s) => [s.attributes['http.request.resend_count'], s.attributes['http.response.status_code'], s.attributes['error.type'], s.status.code]),
    [
      [undefined, 503, '503', SpanStatusCode.ERROR],
      [1, 503, '503', SpanStatusCode.ERROR],
      [2, 201, undefined, SpanStatusCode.UNSET],
    ],
  )
  for (const span of spans) t.is(parentOf(span), operation().spanContext().spanId)
  t.deepEqual(
    t.context.stream.requests.map((r) => r.headers.traceparent),
    spans.map(traceparentOf),
  )
  t.is(operation().status.code, SpanStatusCode.UNSET)
})

test.serial('a Stream 400 ends its span with error.type 400; the operation’s span with the error’s code', async (t) => {
  t.context.stream.injectFault({ status: 400, body: streamBody(400, 4, 'bad input') })
  const { value } = await underRoute(() => client(t).createStreamCall('tr-4', 'host', DATA))
  t.is(value.error.code, 'STREAM_API')
  const [span] = attempts()
  t.is(attempts().length, 1)
  t.is(span.attributes['http.response.status_code'], 400)
  t.is(span.attributes['error.type'], '400')
  t.is(span.status.code, SpanStatusCode.ERROR)
  t.is(operation().attributes['error.type'], 'STREAM_API')
  t.is(operation().status.code, SpanStatusCode.ERROR)
})

test.serial('a refused connection: error.type connect_error, no status code', async (t) => {
  const refused = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 })
  const { value } = await underRoute(() => refused.endCall('tr-5'))
  t.is(value.error.code, 'STREAM_NETWORK')
  const [span] = attempts()
  t.is(span.attributes['error.type'], 'connect_error')
  t.false('http.response.status_code' in span.attributes)
  t.is(span.status.code, SpanStatusCode.ERROR)
  t.is(operation().attributes['error.type'], 'STREAM_NETWORK')
})

test.serial('a timeout: error.type timeout', async (t) => {
  t.context.stream.injectFault({ hang: true })
  const { value } = await underRoute(() => client(t, { timeoutMs: 300, maxRetries: 0 }).endCall('tr-6'))
  t.is(value.error.code, 'STREAM_TIMEOUT')
  const [span] = attempts()
  t.is(span.attributes['error.type'], 'timeout')
  t.is(span.status.code, SpanStatusCode.ERROR)
  t.is(operation().attributes['error.type'], 'STREAM_TIMEOUT')
})

test.serial('an abort ends the attempt’s span as aborted before the caller’s await returns', async (t) => {
  t.context.stream.injectFault({ hang: true })
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 150)
  const { value } = await underRoute(() => client(t).endCall('tr-7', { signal: controller.signal }))
  t.is(value.error.code, 'STREAM_ABORTED')
  const [span] = attempts()
  t.is(attempts().length, 1)
  t.is(span.attributes['error.type'], 'aborted')
  t.is(span.status.code, SpanStatusCode.ERROR)
  t.is(operation().attributes['error.type'], 'STREAM_ABORTED')
})

test.serial('a refused argument sends nothing and makes no CLIENT span; the operation’s span says why', async (t) => {
  for (const callId of [42, 'bad id!']) {
    exporter.reset()
    const { value } = await underRoute(() => client(t).createStreamCall(callId, 'host', DATA))
    t.is(value.error.code, 'STREAM_INVALID_ARGUMENT')
    t.deepEqual(attempts(), [])
    t.is(operation().attributes['error.type'], 'STREAM_INVALID_ARGUMENT')
  }
  t.deepEqual(t.context.stream.requests, [])
})

test.serial('2,000 refused calls start no CLIENT span and end every span they start', async (t) => {
  const api = client(t)
  const refused = [
    () => api.createStreamCall(42, 'host', DATA), // refused in JS
    () => api.createStreamCall('bad id!', 'host', DATA), // refused natively
    () => api.addCallParticipant('c', '   '),
    () => api.stopRecording('c', { recordingType: Number.NaN }),
    () => api.startTranscription('c', { language: 'klingon' }),
    () => api.upsertUsers([{ id: '' }]),
    () => api.getUsers([]),
    () => api.endCall('a/b'),
  ]
  const before = { ...counted }
  const sent = t.context.stream.requestCount
  for (let i = 0; i < 2000; i++) {
    const e = await refused[i % refused.length]().catch((e) => e)
    t.is(e.code, 'STREAM_INVALID_ARGUMENT')
  }
  t.is(counted.clientStarted - before.clientStarted, 0, 'no CLIENT span for a call that is not sent')
  t.is(counted.started - before.started, 2000, 'one operation span each, saying why')
  t.is(counted.ended - before.ended, counted.started - before.started, 'every span started was ended')
  t.is(t.context.stream.requestCount, sent)
})

test.serial('concurrent operations keep their own parents', async (t) => {
  const runs = await Promise.all(['tr-8a', 'tr-8b', 'tr-8c'].map((id) => underRoute(() => client(t).createStreamCall(id, 'host', DATA))))
  for (const { route } of runs) {
    const op = ours().find((s) => s.kind === SpanKind.INTERNAL && parentOf(s) === route.spanContext().spanId)
    t.truthy(op)
    t.is(ours().filter((s) => s.kind === SpanKind.CLIENT && parentOf(s) === op.spanContext().spanId).length, 1)
  }
})

test.serial('no secret and no JWT in any span', async (t) => {
  t.context.stream.injectFault({ status: 401, body: streamBody(401, 5, `token ${'x'.repeat(10)} is invalid`) })
  await client(t)
    .createStreamCall('tr-9', 'host', DATA)
    .catch(() => {})
  await client(t).createStreamCall('tr-9', 'host', DATA)
  const text = JSON.stringify(exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })))
  t.true(ours().length >= 3)
  t.false(text.includes(API_SECRET))
  t.notRegex(text, /eyJ[\w-]+\.[\w-]+/)
})

test.serial('node-sdk traced by the undici instrumentation records no http.*, url.* or server.* attribute ours lacks', async (t) => {
  const sdk = new SdkClient(API_KEY, API_SECRET, { basePath: t.context.stream.url })
  await sdk.video.call('default', 'tr-10').getOrCreate({ data: { created_by_id: 'host', custom: DATA } })
  const theirs = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name.includes('undici') && s.attributes['url.path']?.includes('tr-10'))
  t.is(theirs.length, 1)
  t.context.stream.calls.clear()
  await client(t).createStreamCall('tr-10', 'host', DATA)
  const [mine] = attempts()
  const [their] = theirs
  t.is(mine.name, their.name)
  t.is(mine.kind, their.kind)
  const shared = Object.keys(their.attributes).filter((k) => /^(http|url|server)\./.test(k))
  t.true(shared.length >= 7, shared.join(', '))
  t.deepEqual(
    shared.filter((k) => !(k in mine.attributes)),
    [],
  )
  // The same values, but url.query: the semantic conventions give it without
  // the `?` (`q=OpenTelemetry`); the undici instrumentation keeps the `?`.
  for (const key of shared) if (key !== 'url.query') t.deepEqual(mine.attributes[key], their.attributes[key], key)
  t.is(`?${mine.attributes['url.query']}`, their.attributes['url.query'])
})

test.serial('diagnostics_channel: start, end and error of each attempt, with the operation, method, path, attempt, status and duration', async (t) => {
  const seen = []
  const listeners = Object.fromEntries(
    ['start', 'end', 'error'].map((name) => [`stream-video-native:request:${name}`, (message) => seen.push([name, message])]),
  )
  for (const [channel, listener] of Object.entries(listeners)) diagnostics.subscribe(channel, listener)
  try {
    t.context.stream.injectFault({ status: 503, body: streamBody(503, -1, 'busy') })
    await client(t).createStreamCall('tr-11', 'host', DATA)
    const refused = createStreamClient({ apiKey: API_KEY, apiSecret: API_SECRET, baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 })
    await refused.endCall('tr-11').catch(() => {})
  } finally {
    for (const [channel, listener] of Object.entries(listeners)) diagnostics.unsubscribe(channel, listener)
  }
  const path = '/api/v2/video/call/default/tr-11'
  t.deepEqual(
    seen.map(([name, m]) => [name, m.operation, m.method, m.path, m.attempt, m.status, m.error]),
    [
      ['start', 'createStreamCall', 'POST', path, 1, undefined, undefined],
      ['end', 'createStreamCall', 'POST', path, 1, 503, null],
      ['start', 'createStreamCall', 'POST', path, 2, undefined, undefined],
      ['end', 'createStreamCall', 'POST', path, 2, 201, null],
      ['start', 'endCall', 'POST', `${path}/mark_ended`, 1, undefined, undefined],
      ['error', 'endCall', 'POST', `${path}/mark_ended`, 1, null, 'connect_error'],
    ],
  )
  for (const [name, m] of seen) if (name !== 'start') t.true(typeof m.durationMs === 'number' && m.durationMs >= 0)
})

test.serial('without a tracer provider, @opentelemetry/api is never loaded and no traceparent is sent', async (t) => {
  const script = `
    import { createRequire } from 'node:module'
    import { createStreamClient } from 'stream-video-native'
    const require = createRequire(import.meta.url)
    const client = createStreamClient({ apiKey: '${API_KEY}', apiSecret: '${API_SECRET}', baseUrl: process.env.BASE_URL })
    await client.createStreamCall('tr-12', 'host', { meetingId: 'm', agentId: 'a', agentName: 'A' })
    console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('opentelemetry'))))`
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('.', import.meta.url),
    env: { ...process.env, BASE_URL: t.context.stream.url },
  })
  t.deepEqual(JSON.parse(stdout), [])
  const [request] = t.context.stream.requests
  t.is(request.path, '/api/v2/video/call/default/tr-12')
  t.false('traceparent' in request.headers)
})
