'use strict'
// The JS side of the webhook event protocol: its Rust side is
// `src/event_fields.rs` (and `handle_webhook` in `src/hot.rs`), which writes
// an event as its fields' text plus numbers in `SLOTS`. This module cuts the
// text back into the `CallEvent` that `binding.d.ts` declares.

const binding = require('./load.js')

// An event crosses from Rust as the text of its fields in one string, and
// `SLOTS` (`src/event_fields.rs`): slot 0 is a bit mask of the fields that
// are not null (`BIT` is each field's bit); then, for each of them in Rust's
// order, a number field's value or a text field's length. `memberIds`
// crosses as the JSON text of the event's `members` (see `memberIds`).
const FIELDS = binding.eventFields()
const BIT = Object.fromEntries(FIELDS.map((name, i) => [name, 2 ** i]))
const SLOTS = new Float64Array(1 + FIELDS.length)

// Where `decodeEvent` is in the event it cuts (it runs to the end without
// yielding, so one cursor serves every call): the text, the mask, the next
// text's start and the next slot. `at` and `slot` only move forward.
const cut = { text: '', mask: 0, at: 0, slot: 1 }

function text(bit) {
  if (!(cut.mask & bit)) return null
  const start = cut.at
  cut.at += SLOTS[cut.slot++]
  return cut.text.slice(start, cut.at)
}

function whole(bit) {
  return cut.mask & bit ? SLOTS[cut.slot++] : null
}

/**
 * The user ids of a `members` array (its JSON text, as the event holds it):
 * a member object's `user_id` (else its `id`), or a plain id as
 * `call.member_removed` lists them; anything else is skipped. `JSON.parse`
 * gives each id exactly as the JSON wrote it.
 */
function memberIds(json) {
  if (json === null) return null
  const ids = []
  for (const member of JSON.parse(json)) {
    const id = typeof member === 'string' ? member : typeof member?.user_id === 'string' ? member.user_id : member?.id
    if (typeof id === 'string') ids.push(id)
  }
  return ids
}

// An event's whole payload, `raw`, is parsed at most once and only when read:
// until then `raws` holds the body as it was given (its bytes are not copied),
// then the parsed value. `raw` is a getter on the events' prototype, so it is
// not an own key (`Object.keys`, JSON and spreads see the typed fields only).
const raws = new WeakMap()
const EVENT = Object.create(Object.prototype, {
  raw: {
    get() {
      let value = raws.get(this)
      if (typeof value === 'string' || ArrayBuffer.isView(value)) {
        value = JSON.parse(bodyText(value))
        raws.set(this, value)
      }
      return value
    },
  },
})

/** A verified body's JSON text: gzip (`1f 8b`) inflated, as it was signed. */
function bodyText(body) {
  if (typeof body === 'string') return body
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  return (bytes[0] === 0x1f && bytes[1] === 0x8b ? require('node:zlib').gunzipSync(bytes) : bytes).toString('utf8')
}

/**
 * The `CallEvent` whose text `handleWebhook` returned, cut as SLOTS says.
 * Fields are read in Rust's order, so the literal lists them in that order.
 */
function decodeEvent(encoded) {
  cut.text = encoded
  cut.mask = SLOTS[0]
  cut.at = 0
  cut.slot = 1
  const event = {
    __proto__: EVENT,
    type: text(BIT.type),
    createdAt: text(BIT.createdAt),
    callType: text(BIT.callType),
    callId: text(BIT.callId),
    sessionId: text(BIT.sessionId),
    webhookId: text(BIT.webhookId),
    attempt: whole(BIT.attempt),
    meetingId: text(BIT.meetingId),
    userId: text(BIT.userId),
    userSessionId: text(BIT.userSessionId),
    durationSeconds: whole(BIT.durationSeconds),
    egressId: text(BIT.egressId),
    recordingType: text(BIT.recordingType),
    error: text(BIT.error),
    startTime: text(BIT.startTime),
    endTime: text(BIT.endTime),
    memberIds: memberIds(text(BIT.memberIds)),
    update: null,
  }
  const kind = text(BIT['update.kind'])
  const startedAt = text(BIT['update.startedAt'])
  const endedAt = text(BIT['update.endedAt'])
  const durationSeconds = whole(BIT['update.durationSeconds'])
  const transcriptionUrl = text(BIT['update.transcriptionUrl'])
  const recordingUrl = text(BIT['update.recordingUrl'])
  cut.text = '' // the body's text is not kept alive
  // A session update's status is named as its kind ('active', 'processing').
  if (kind === 'active') event.update = { kind, status: kind, startedAt }
  else if (kind === 'processing') event.update = { kind, status: kind, startedAt, endedAt, durationSeconds }
  else if (kind === 'transcription') event.update = { kind, transcriptionUrl }
  else if (kind === 'recording') event.update = { kind, recordingUrl }
  return event
}

module.exports = { SLOTS, decodeEvent, raws }
