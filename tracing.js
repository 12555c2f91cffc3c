'use strict'
// What each HTTP attempt to Stream looks like from outside, for the REST
// functions (`index.js`): an OpenTelemetry CLIENT span per attempt under an
// INTERNAL span per operation, with the W3C trace context sent on the
// request, when the app registered an OpenTelemetry API 1.x provider; and
// `node:diagnostics_channel` messages for APM agents. The attempts happen in
// Rust: it reports how each ended, and asks for the trace headers of each
// retry. When nothing listens, no observer is made and `@opentelemetry/api`
// is never loaded.

const diagnostics = require('node:diagnostics_channel')

/** The channels (stable API): one message per attempt at each. */
const channels = {
  start: diagnostics.channel('stream-video-native:request:start'),
  end: diagnostics.channel('stream-video-native:request:end'),
  error: diagnostics.channel('stream-video-native:request:error'),
}

// Where @opentelemetry/api 1.x keeps what the app registered (its `global-utils`).
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1')

let otel // the API module once loaded, null when it cannot be
let tracerOf = { provider: undefined, tracer: undefined } // the tracer of the provider registered last

/** `@opentelemetry/api` from the app, if the app registered a tracer provider with it. */
function openTelemetry() {
  if (globalThis[OTEL_GLOBAL]?.trace === undefined) return null
  if (otel === undefined) {
    try {
      otel = require('@opentelemetry/api')
    } catch {
      otel = null
    }
  }
  return otel
}

// The operations being watched, by number, and the one native observer that
// reports on all of them (made when first needed).
const watching = new Map()
let lastWatch = 0
let nativeObserver
const dispatch = (event) => watching.get(event.watch)?.(event)

/**
 * Watches one REST operation, or `undefined` when nobody listens (the common
 * case: then nothing is done at all). `observer`, `id` and `first()` go to the
 * native function; `end(attempts, failure)` is called once it settled, with
 * the attempts Rust has not reported yet (see `JsObserver` in `binding.rs`).
 * Rust calls `observer` only at a retry's start (or at every start when the
 * start channel has subscribers), so an attempt that works crosses no extra
 * time to JS: its span is made here, up front, and its headers go as `first`.
 */
function watch(operation) {
  const api = openTelemetry()
  const diagnosed = channels.start.hasSubscribers || channels.end.hasSubscribers || channels.error.hasSubscribers
  if (api === null && !diagnosed) return undefined
  const tracer = api === null ? undefined : tracerFor(api)
  // The caller's context, captured now: the observer runs outside it.
  const operationSpan = tracer?.startSpan(`stream ${operation}`, { kind: api.SpanKind.INTERNAL, attributes: { 'stream.operation': operation } })
  const parent = operationSpan && api.trace.setSpan(api.context.active(), operationSpan)
  const spans = new Map() // attempt number → its CLIENT span, until it ended
  let done = false

  /** The attempt's CLIENT span, and the trace headers that name it. */
  function open(attempt, method, attributes) {
    if (attempt > 1) attributes['http.request.resend_count'] = attempt - 1
    const span = tracer.startSpan(method, { kind: api.SpanKind.CLIENT, attributes }, parent)
    spans.set(attempt, span)
    const carrier = {}
    api.propagation.inject(api.trace.setSpan(parent, span), carrier)
    const context = span.spanContext()
    if (carrier.traceparent === undefined && api.isSpanContextValid(context)) {
      carrier.traceparent = `00-${context.traceId}-${context.spanId}-0${context.traceFlags & 1}`
      const state = context.traceState?.serialize()
      if (state) carrier.tracestate = state
    }
    return { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
  }

  function started({ attempt, method, url }) {
    const parts = splitUrl(url)
    if (diagnosed) channels.start.publish({ operation, method, path: parts.path, attempt })
    return api === null ? undefined : open(attempt, method, urlAttributes(method, url, parts))
  }

  function finished({ attempt, method, url, status, error, durationMs, endedAt }) {
    const parts = splitUrl(url)
    if (diagnosed) {
      const message = {
        operation,
        method,
        path: parts.path,
        attempt,
        status: status ?? null,
        error: error ?? null,
        durationMs: Math.round(durationMs * 10) / 10,
      }
      ;(status === undefined || status === null ? channels.error : channels.end).publish(message)
    }
    const span = spans.get(attempt)
    if (span === undefined) return
    spans.delete(attempt)
    if (attempt === 1) {
      // Made before its method and URL were known.
      span.updateName(method)
      span.setAttributes(urlAttributes(method, url, parts))
    }
    if (status !== undefined && status !== null) span.setAttribute('http.response.status_code', status)
    const errorType = error ?? (status >= 400 ? String(status) : undefined)
    if (errorType !== undefined) {
      span.setAttribute('error.type', errorType)
      span.setStatus({ code: api.SpanStatusCode.ERROR })
    }
    span.end(endedAt)
  }

  lastWatch = (lastWatch + 1) >>> 0
  const id = lastWatch
  watching.set(id, (event) => {
    try {
      for (const record of event.ended) finished(record)
      return started(event)
    } catch {
      return undefined // an observer must never break the request
    }
  })
  nativeObserver ??= new (require('./binding.js').AttemptObserver)(dispatch) // loaded by index.js

  /**
   * The first attempt's trace headers, called once the arguments were
   * accepted and the request is about to be sent (so a refused call opens no
   * CLIENT span): none to send without a provider; from Rust's call to
   * `observer` when its start is to be published.
   */
  const first = () => {
    if (channels.start.hasSubscribers) return undefined
    return api === null ? {} : open(1, 'HTTP', {})
  }

  /** The operation settled (`failure`: its error, if it failed). */
  const end = (attempts, failure) => {
    if (done) return
    done = true
    watching.delete(id)
    try {
      for (const record of attempts ?? []) finished(record)
      if (operationSpan === undefined) return
      if (failure !== undefined) {
        operationSpan.setAttribute('error.type', failure.code)
        operationSpan.setStatus({ code: api.SpanStatusCode.ERROR, message: failure.code })
      }
      operationSpan.end()
    } catch {
      // tracing must never break the operation
    }
  }
  return { observer: nativeObserver, id, first, end }
}

/** The tracer of the provider registered now (the API's global changes with each registration). */
function tracerFor(api) {
  const provider = globalThis[OTEL_GLOBAL].trace
  if (tracerOf.provider !== provider) tracerOf = { provider, tracer: api.trace.getTracer('stream-video-native', require('./package.json').version) }
  return tracerOf.tracer
}

// A URL as Rust sends it (serialized by the `url` crate: normalized, no
// fragment): scheme, host (an IPv6 one in brackets, as `URL.hostname`
// gives it), port, path, query.
const URL_PARTS = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?]*)(?::(\d+))?([^?]*)(?:\?(.*))?$/

/** The parts of `url` the span and the channels need. */
function splitUrl(url) {
  const [, scheme, host, port, path, query] = URL_PARTS.exec(url) ?? [undefined, '', '', undefined, '', undefined]
  return { scheme, host, port, path: path || '/', query: query ?? '' }
}

/** The stable HTTP client attributes of a request to `full` (its `parts`). */
function urlAttributes(method, full, parts) {
  return {
    'http.request.method': method,
    'http.request.method_original': method,
    'url.full': full,
    'url.scheme': parts.scheme,
    'url.path': parts.path,
    'url.query': parts.query,
    'server.address': parts.host,
    'server.port': Number(parts.port ?? (parts.scheme === 'https' ? 443 : 80)),
  }
}

module.exports = { watch, channels }
