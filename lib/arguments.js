'use strict'
// Argument checks: each names the parameter, and nothing is sent when one
// fails. JSON arguments are refused when JSON would lose or change them.

const { StreamError } = require('./errors.js')

function invalid(message) {
  return new StreamError('STREAM_INVALID_ARGUMENT', message)
}

/**
 * A string that reaches native code exactly: napi would replace a lone UTF-16
 * surrogate with U+FFFD, so two different ids would sign the same token.
 */
function requireString(name, value) {
  if (typeof value !== 'string') throw invalid(`${name} must be a string, got ${describe(value)}`)
  if (!value.isWellFormed()) throw invalid(`${name} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
}

const MAX_DATA_DEPTH = 64

/** Finds what Stream could not store in JSON the caller passed, naming where it is. */
function checkData(value, path, depth) {
  if (depth > MAX_DATA_DEPTH) throw invalid(`${path.split(/[.[]/)[0]} is nested more than ${MAX_DATA_DEPTH} levels deep (at ${path})`)
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw invalid(`${path} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
  } else if (typeof value === 'number') {
    // JSON.stringify would send NaN and ±Infinity as null, which reads as "not given".
    if (!Number.isFinite(value)) throw invalid(`${path} must be a finite number, got ${value}`)
  } else if (typeof value === 'function' || typeof value === 'symbol') {
    // JSON.stringify would drop it silently.
    throw invalid(`${path} must be a JSON value, got a ${typeof value}`)
  } else if (value instanceof Date) {
    // JSON.stringify would send an Invalid Date as null, which reads as "not given".
    if (Number.isNaN(value.getTime())) throw invalid(`${path} must be a valid Date, got an Invalid Date`)
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkData(item, `${path}[${i}]`, depth + 1)
  } else if (typeof value === 'object' && value !== null && typeof value.toJSON !== 'function') {
    for (const [key, item] of Object.entries(value)) {
      const at = `${path}.${key}`
      if (!key.isWellFormed()) throw invalid(`a key in ${path} must be well-formed Unicode, but it holds a lone UTF-16 surrogate`)
      checkData(item, at, depth + 1)
    }
  }
}

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value
}

/** Custom data: any JSON object, or nothing (`null` / `undefined`). */
function customJson(data) {
  if (data === undefined || data === null) return undefined
  if (typeof data !== 'object' || Array.isArray(data)) throw invalid(`data must be an object of custom data (or null), got ${describe(data)}`)
  return toJson('data', data)
}

/** JSON text of a value the caller passed as `name`, or an error that says why it cannot be sent. */
function toJson(name, value) {
  readArgument(name, () => checkData(value, name, 1))
  try {
    return JSON.stringify(value)
  } catch (e) {
    throw invalid(`${name} must be JSON-serializable: ${e.message}`)
  }
}

/** Reads a caller's object as `read` does, turning a throwing getter or Proxy trap into an error naming `name`. */
function readArgument(name, read) {
  try {
    return read()
  } catch (e) {
    throw unreadable(name, e)
  }
}

/** What a throwing getter or Proxy trap in the caller's `name` becomes. */
function unreadable(name, e) {
  return e instanceof StreamError ? e : invalid(`${name} could not be read: ${e?.message ?? e}`)
}

/**
 * The options of a REST function besides `signal`, as JSON for the native
 * side, which checks them and names any that is wrong; `undefined` when there
 * are none. (`signalOf` has already checked that `options` is an object.)
 */
function restOptions(options) {
  if (options === undefined || options === null) return undefined
  const { signal: _signal, ...rest } = readArgument('options', () => ({ ...options }))
  return Object.keys(rest).length === 0 ? undefined : toJson('options', rest)
}

const TOKEN_OPTIONS = ['exp', 'iat', 'claims']
const CALL_TOKEN_OPTIONS = ['role', 'validityInSeconds', ...TOKEN_OPTIONS]

/**
 * A token's options object: only `known` keys; `exp` and `iat` numbers
 * (checked as Unix seconds natively), `claims` an object, as JSON.
 */
function tokenOptions(options, known) {
  if (typeof options !== 'object' || options === null) throw invalid(`options must be an object, got ${describe(options)}`)
  const given = readArgument('options', () => ({ ...options }))
  const unknown = Object.keys(given).find((key) => !known.includes(key))
  if (unknown !== undefined) throw invalid(`options.${unknown} is not an option here (known: ${known.join(', ')})`)
  optionalNumber('options.exp', given.exp)
  optionalNumber('options.iat', given.iat)
  const { claims } = given
  if (claims !== undefined && (typeof claims !== 'object' || claims === null || Array.isArray(claims))) {
    throw invalid(`options.claims must be an object of claims, got ${describe(claims)}`)
  }
  return { ...given, claims: claims === undefined ? undefined : toJson('options.claims', claims) }
}

function optionalNumber(name, value) {
  if (value !== undefined && typeof value !== 'number') throw invalid(`${name} must be a number, got ${describe(value)}`)
}

function requireArray(name, value, what) {
  if (!Array.isArray(value)) throw invalid(`${name} must be an array of ${what}, got ${describe(value)}`)
}

/** A string argument, checked (see `requireString`). */
function id(name, value) {
  requireString(name, value)
  return value
}

function arrayJson(name, value, what) {
  requireArray(name, value, what)
  return toJson(name, value)
}

module.exports = {
  invalid,
  requireString,
  describe,
  customJson,
  toJson,
  readArgument,
  unreadable,
  restOptions,
  TOKEN_OPTIONS,
  CALL_TOKEN_OPTIONS,
  tokenOptions,
  optionalNumber,
  requireArray,
  id,
  arrayJson,
}
