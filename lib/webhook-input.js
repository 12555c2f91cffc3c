'use strict'
// What `handleStreamWebhook` reads besides the body: the webhook's headers
// and the options, checked (the body and the size limit are checked natively).

const { invalid, describe, unreadable } = require('./arguments.js')

// The webhook path runs once per delivery or more: its readers avoid closures
// and arrays (each would be an allocation per call).

function webhookHeaders(headers) {
  if (typeof headers !== 'object' || headers === null) {
    throw invalid(`headers must be an object with the signature, got ${describe(headers)}`)
  }
  let signature, webhookId, attempt
  try {
    ;({ signature, webhookId, attempt } = headers)
  } catch (e) {
    throw unreadable('headers', e)
  }
  if (webhookId !== undefined && webhookId !== null && typeof webhookId !== 'string') {
    throw invalid(`headers.webhookId must be a string, got ${describe(webhookId)}`)
  }
  // Header values arrive as strings; accept "2" as well as 2.
  const readable = typeof attempt === 'number' || typeof attempt === 'string'
  const attemptNumber = attempt === undefined || attempt === null ? undefined : readable ? Number(attempt) : Number.NaN
  if (attemptNumber !== undefined && !(Number.isInteger(attemptNumber) && attemptNumber >= 1 && attemptNumber < 2 ** 32 && String(attempt).trim() !== '')) {
    throw invalid(`headers.attempt must be a positive whole number, got ${readable ? JSON.stringify(attempt) : describe(attempt)}`)
  }
  // A missing X-Signature header (not a string) is, natively, a signature that does not match.
  return { signature, webhookId: webhookId ?? undefined, attempt: attemptNumber }
}

const NO_WEBHOOK_OPTIONS = Object.freeze({ startedAt: undefined, maxBodyBytes: undefined })

function webhookOptions(options) {
  if (options === undefined) return NO_WEBHOOK_OPTIONS
  if (typeof options !== 'object' || options === null) throw invalid(`options must be an object, got ${describe(options)}`)
  let startedAt, maxBodyBytes
  try {
    ;({ startedAt, maxBodyBytes } = options)
  } catch (e) {
    throw unreadable('options', e)
  }
  if (startedAt instanceof Date) {
    if (Number.isNaN(startedAt.getTime())) throw invalid('options.startedAt must be a valid Date, got an Invalid Date')
    startedAt = startedAt.toISOString()
  }
  if (startedAt !== undefined && startedAt !== null && typeof startedAt !== 'string') {
    throw invalid(`options.startedAt must be an RFC 3339 string or a Date, got ${describe(startedAt)}`)
  }
  // The range (1 byte to 1 GiB) is checked natively.
  if (maxBodyBytes !== undefined && typeof maxBodyBytes !== 'number') {
    throw invalid(`options.maxBodyBytes must be a number, got ${describe(maxBodyBytes)}`)
  }
  return { startedAt: startedAt ?? undefined, maxBodyBytes }
}

module.exports = { webhookHeaders, webhookOptions }
