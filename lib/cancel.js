'use strict'
// `{ signal }`: an AbortSignal cancels REST operations natively (the request
// in flight or a retry wait), with one listener per signal.

const binding = require('./load.js')
const { StreamError } = require('./errors.js')
const { invalid, describe } = require('./arguments.js')

/** The `{ signal }` options of a REST function; `undefined` when there is no signal. */
function signalOf(options) {
  if (options === undefined || options === null) return undefined
  if (typeof options !== 'object') throw invalid(`options must be an object like { signal }, got ${describe(options)}`)
  const { signal } = options
  if (signal === undefined || signal === null) return undefined
  if (typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') {
    throw invalid(`options.signal must be an AbortSignal, got ${describe(signal)}`)
  }
  return signal
}

// One native canceller and one 'abort' listener per signal, however many
// operations share it (a listener per operation would pass Node's limit of 10
// and print MaxListenersExceededWarning). Removed when the last one settles.
const cancellers = new WeakMap()

function cancellerFor(signal) {
  let entry = cancellers.get(signal)
  if (entry === undefined) {
    const native = new binding.NativeCancel()
    entry = { native, users: 0, onAbort: () => native.cancel() }
    signal.addEventListener('abort', entry.onAbort, { once: true })
    cancellers.set(signal, entry)
  }
  entry.users++
  return entry
}

function releaseCanceller(signal, entry) {
  if (--entry.users === 0) {
    signal.removeEventListener('abort', entry.onAbort)
    cancellers.delete(signal)
  }
}

function aborted(signal) {
  return new StreamError('STREAM_ABORTED', 'the operation was aborted', {}, { cause: signal.reason })
}

module.exports = { signalOf, cancellerFor, releaseCanceller, aborted }
