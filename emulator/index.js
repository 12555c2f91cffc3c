'use strict'
// A local stand-in for the Stream Video REST API, for development and tests,
// in three layers: `server.js` (HTTP, bounded requests, fault injection),
// `api.js` (Stream's routes, JWT checks, calls, members, users) and
// `webhooks.js` (call lifecycle events delivered like Stream's webhooks).
// Loaded only through `stream-video-native/emulator`, never by the main entry.

const { checkServerToken } = require('./api')
const { Emulator } = require('./webhooks')

/** Starts an emulator on loopback (a free port unless `port` is given). */
async function startEmulator(options = {}) {
  const emulator = new Emulator(options)
  return emulator.listen(options.port, options.host)
}

module.exports = { startEmulator, Emulator, checkServerToken }
