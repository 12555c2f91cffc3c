'use strict'
// readTranscript: a call transcript's speech segments, from the file's URL
// (`call.transcription_ready`'s `call_transcription.url`, `listTranscriptions`)
// or from its body. The download is bounded (size, time, `{ signal }`, no
// credentials sent: the URL is a signed file URL, not Stream's API); the
// parsing is native (src/transcript.rs), which says which line shapes it reads.

const binding = require('./load.js')
const { StreamError, report } = require('./errors.js')
const { invalid, describe } = require('./arguments.js')
const { signalOf, aborted } = require('./cancel.js')

const DEFAULTS = { maxBytes: 16 * 1024 * 1024, maxLines: 200_000, timeoutMs: 30_000 }

function limit(options, name) {
  const value = options?.[name]
  if (value === undefined) return DEFAULTS[name]
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`options.${name} must be a positive integer, got ${describe(value)}`)
  return value
}

/** The body of `url`, refused past `maxBytes` while it streams in. */
async function download(url, { signal, maxBytes, timeoutMs }) {
  const deadline = AbortSignal.timeout(timeoutMs)
  const both = signal ? AbortSignal.any([signal, deadline]) : deadline
  let response
  try {
    response = await fetch(url, { signal: both, redirect: 'follow', headers: { accept: 'application/jsonl, application/x-ndjson, text/plain, */*' } })
  } catch (e) {
    throw failure(e, signal, deadline, url)
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {})
    throw new StreamError('STREAM_API', `the transcript download answered HTTP ${response.status}`, { status: response.status })
  }
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw new StreamError('STREAM_API', `the transcript is ${declared} bytes, over maxBytes (${maxBytes})`, { status: response.status })
  }
  const chunks = []
  let size = 0
  const reader = response.body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) throw new StreamError('STREAM_API', `the transcript is over maxBytes (${maxBytes})`, { status: response.status })
      chunks.push(value)
    }
  } catch (e) {
    throw e instanceof StreamError ? e : failure(e, signal, deadline, url)
  } finally {
    reader.cancel().catch(() => {})
  }
  return Buffer.concat(chunks, size)
}

/** A failed download as a StreamError: aborted by the caller, timed out, or the network; the URL's query (its signature) is never told. */
function failure(e, signal, deadline, url) {
  if (signal?.aborted) return aborted(signal)
  if (deadline.aborted) return new StreamError('STREAM_TIMEOUT', 'the transcript download timed out')
  return new StreamError('STREAM_NETWORK', `the transcript could not be downloaded from ${new URL(url).origin}: ${e?.cause?.code ?? e?.message ?? e}`)
}

/**
 * `readTranscript(urlOrBody, { signal, maxBytes, maxLines, timeoutMs })`:
 * the speech segments `{ speakerId, text, start, end }` of a JSONL transcript.
 * `urlOrBody`: an `http(s)` URL (a `URL` or a string starting with `http`), or
 * the file's text or bytes.
 */
async function readTranscript(urlOrBody, options) {
  try {
    const signal = signalOf(options)
    const maxBytes = limit(options, 'maxBytes')
    const maxLines = limit(options, 'maxLines')
    const timeoutMs = limit(options, 'timeoutMs')
    const isUrl = urlOrBody instanceof URL || (typeof urlOrBody === 'string' && /^https?:\/\//i.test(urlOrBody))
    let body
    if (isUrl) {
      const url = new URL(urlOrBody)
      if (signal?.aborted) throw aborted(signal)
      body = await download(url.href, { signal, maxBytes, timeoutMs })
    } else if (typeof urlOrBody === 'string' || urlOrBody instanceof Uint8Array) {
      body = typeof urlOrBody === 'string' ? Buffer.from(urlOrBody, 'utf8') : urlOrBody
      if (body.byteLength > maxBytes) throw invalid(`urlOrBody is ${body.byteLength} bytes, over maxBytes (${maxBytes})`)
    } else {
      throw invalid(`urlOrBody must be a transcript URL (http or https), its text or its bytes, got ${describe(urlOrBody)}`)
    }
    try {
      return binding.parseTranscript(body, maxLines)
    } catch (e) {
      // A downloaded file that is not a transcript is the server's answer, not the caller's argument.
      throw new StreamError(isUrl ? 'STREAM_API' : (e.code ?? 'STREAM_INTERNAL'), isUrl ? String(e.message) : `urlOrBody: ${e.message}`)
    }
  } catch (e) {
    const error = e instanceof StreamError ? e : new StreamError('STREAM_INTERNAL', String(e?.message ?? e))
    // Aborts are not logged: the caller asked for them.
    throw error.code === 'STREAM_ABORTED' ? error : report('readTranscript', error)
  }
}

module.exports = { readTranscript }
