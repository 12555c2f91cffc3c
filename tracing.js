'use strict'
// What each HTTP attempt to Stream looks like from outside, for the REST
// functions (`index.js`): an OpenTelemetry CLIENT span per attempt under an
// INTERNAL span per operation, with the W3C trace context sent on the
// request, when the app registered an OpenTelemetry API 1.x provider; and
// `node:diagnostics_channel` messages for APM agents. The attempts happen in
// Rust: it calls the observer this file makes at each attempt's start (the
// answer is the trace headers to send) and end. When nothing listens, no
// observer is made and `@opentelemetry/api` is never loaded.

const diagnostics = require('node:diagnostics_channel')
const { version } = require('./package.json')

/** The channels (stable API): one message per attempt at each. */
const channels = {
  start: diagnostics.channel('stream-video-native:request:start'),
  end: diagnostics.channel('stream-video-native:request:end'),
  error: diagnostics.channel('stream-video-native:request:error'),
}

// Where @opentelemetry/api 1.x keeps what the app registered (its `global-utils`).
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1')

let otel // the API module once loaded, null when it cannot be

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

/**
 * Watches one REST operation: `observer` goes to the native function, `end(error)`
 * is called when it settled. `undefined` when nobody listens (the common case:
 * then nothing is done at all).
 */
function watch(operation) {
  const api = openTelemetry()
  const diagnosed = channels.start.hasSubscribers || channels.end.hasSubscribers || channels.error.hasSubscribers
  if (api === null && !diagnosed) return undefined
  const tracer = api?.trace.getTracer('stream-video-native', version)
  // The caller's context, captured now: the attempts' callbacks run outside it.
  const operationSpan = tracer?.startSpan(`stream ${operation}`, { kind: api.SpanKind.INTERNAL, attributes: { 'stream.operation': operation } })
  const parent = operationSpan && api.trace.setSpan(api.context.active(), operationSpan)
  const attempts = new Map() // attempt number → { span, started, method, path }
  let drained // resolves `end` once the last attempt's end arrived
  const observer = (event) => {
    try {
      return event.phase === 'start' ? started(event) : ended(event)
    } catch {
      return undefined // an observer must never break the request
    }
  }
  function started({ attempt, method, url: full }) {
    const url = new URL(full)
    const record = { started: performance.now(), method, path: url.pathname, span: undefined }
    attempts.set(attempt, record)
    if (diagnosed) channels.start.publish({ operation, method, path: record.path, attempt })
    if (api === null) return undefined
    const attributes = {
      'http.request.method': method,
      'http.request.method_original': method,
      'url.full': full,
      'url.scheme': url.protocol.slice(0, -1),
      'url.path': url.pathname,
      'url.query': url.search.slice(1),
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    }
    if (attempt > 1) attributes['http.request.resend_count'] = attempt - 1
    record.span = tracer.startSpan(method, { kind: api.SpanKind.CLIENT, attributes }, parent)
    const carrier = {}
    api.propagation.inject(api.trace.setSpan(parent, record.span), carrier)
    const context = record.span.spanContext()
    if (carrier.traceparent === undefined && api.isSpanContextValid(context)) {
      carrier.traceparent = `00-${context.traceId}-${context.spanId}-0${context.traceFlags & 1}`
      const state = context.traceState?.serialize()
      if (state) carrier.tracestate = state
    }
    return { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
  }
  function ended({ attempt, status, error }) {
    const record = attempts.get(attempt)
    if (record === undefined) return undefined
    attempts.delete(attempt)
    if (attempts.size === 0) drained?.()
    const durationMs = Math.round((performance.now() - record.started) * 10) / 10
    const message = { operation, method: record.method, path: record.path, attempt, status: status ?? null, error: error ?? null, durationMs }
    if (diagnosed) (status === undefined || status === null ? channels.error : channels.end).publish(message)
    const span = record.span
    if (span === undefined) return undefined
    if (status !== undefined && status !== null) span.setAttribute('http.response.status_code', status)
    const errorType = error ?? (status >= 400 ? String(status) : undefined)
    if (errorType !== undefined) {
      span.setAttribute('error.type', errorType)
      span.setStatus({ code: api.SpanStatusCode.ERROR })
    }
    span.end()
    return undefined
  }
  /**
   * The operation settled. An attempt's end comes from Rust on its own queue,
   * and may arrive just after the operation's outcome: waited for (briefly),
   * so every span has ended when the caller's await returns.
   */
  const end = async (failure) => {
    if (attempts.size > 0) {
      await new Promise((resolve) => {
        drained = resolve
        setTimeout(resolve, 1000).unref()
      })
    }
    if (operationSpan === undefined) return
    if (failure !== undefined) {
      operationSpan.setAttribute('error.type', failure.code)
      operationSpan.setStatus({ code: api.SpanStatusCode.ERROR, message: failure.code })
    }
    operationSpan.end()
  }
  return { observer, end }
}

module.exports = { watch, channels }
