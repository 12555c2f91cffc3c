'use strict'
// Where a client's settings come from: `createStreamClient`'s options or the
// `STREAM_*` environment of the calling thread, as Rust declares them
// (`src/config.rs`). The native handles made here (`newClient`, `newSigner`,
// `clientSigner`) are type-tagged externals: their Rust side is `src/handle.rs`.

const binding = require('./load.js')
const { StreamError } = require('./errors.js')
const { describe, readArgument } = require('./arguments.js')

/** A `logger` option: a function, or an object with an `error` method (pino, winston, console). */
function loggerOption(options) {
  const logger = readArgument('options', () => options.logger)
  if (logger === undefined || typeof logger === 'function' || typeof logger?.error === 'function') return logger
  throw new StreamError('STREAM_CONFIG', `logger must be a function or an object with an error method, got ${describe(logger)}`)
}

// ---------------------------------------------------------------- settings

// Every setting (option, STREAM_* variable, JS type) is declared once, in
// Rust (`src/config.rs`); this file only reads that declaration.
const SETTINGS = binding.settings()
const CREDENTIALS = SETTINGS.filter((s) => s.credential).map((s) => s.env)

/** The option values in declaration order, each of the declared type, or a STREAM_CONFIG error. */
function optionValues(options) {
  if (typeof options !== 'object' || options === null) {
    throw new StreamError('STREAM_CONFIG', `options must be an object with apiKey and apiSecret, got ${describe(options)}`)
  }
  return SETTINGS.map(({ option, type }) => {
    const value = options[option]
    if (value !== undefined && typeof value !== type) throw new StreamError('STREAM_CONFIG', `${option} must be a ${type}, got ${describe(value)}`)
    if (type === 'string' && value !== undefined && !value.isWellFormed()) {
      throw new StreamError('STREAM_CONFIG', `${option} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
    }
    return value
  })
}

// Where a client's native handles come from: fixed ones for createStreamClient,
// or the current STREAM_* environment for the module functions: this thread's
// `process.env` (a worker has its own), read at each call. REST calls read
// every variable; tokens and webhook checks only the credentials (each read of
// process.env costs ~0.2 µs). A handle is rebuilt only when a value it was
// built from changed; native code never reads the process-wide C environment.
function fixedSource(client, logger) {
  const signer = binding.clientSigner(client)
  return { rest: () => client, signer: () => signer, logger }
}

function envSource() {
  let rest = null // { values, client }
  let signing = null // { key, secret, signer }
  const [KEY, SECRET] = CREDENTIALS
  return {
    logger: undefined,
    rest() {
      const env = process.env
      let same = rest !== null
      for (let i = 0; same && i < SETTINGS.length; i++) same = env[SETTINGS[i].env] === rest.values[i]
      if (!same) {
        const values = SETTINGS.map((s) => env[s.env])
        rest = { values, client: binding.newClient(values, true) }
      }
      return rest.client
    },
    signer() {
      const env = process.env
      const key = env[KEY]
      const secret = env[SECRET]
      if (signing === null || signing.key !== key || signing.secret !== secret) {
        signing = { key, secret, signer: binding.newSigner([key, secret], true) }
      }
      return signing.signer
    },
  }
}

module.exports = { SETTINGS, loggerOption, optionValues, fixedSource, envSource }
