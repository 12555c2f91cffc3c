#!/usr/bin/env node
'use strict'
// `npx stream-video-native emulator --port 4100 --webhook-url http://localhost:3000/api/webhook/stream`
// runs the local Stream Video emulator until Ctrl-C.
const { parseArgs } = require('node:util')

const USAGE = `Usage: stream-video-native emulator [options]

Runs a local stand-in for the Stream Video API (and its webhooks) for development.

Options:
  --port <n>            port to listen on (default 4100)
  --host <addr>         address to listen on (default 127.0.0.1)
  --webhook-url <url>   where to POST signed call events
  --api-key <key>       API key to accept (default $STREAM_API_KEY or emulator-key)
  --api-secret <s>      API secret to check tokens and sign webhooks with
                        (default $STREAM_API_SECRET or emulator-secret)
  --auto-session        start a session when a call is created and end it, with
                        recording and transcription, when the call is ended
  --lenient             accept call members who are not known users (Stream
                        requires members to exist: upsert them first)
  -h, --help            show this help`

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '4100' },
      host: { type: 'string', default: '127.0.0.1' },
      'webhook-url': { type: 'string' },
      'api-key': { type: 'string' },
      'api-secret': { type: 'string' },
      'auto-session': { type: 'boolean', default: false },
      lenient: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help || positionals[0] !== 'emulator') {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`)
  const { startEmulator } = require('../emulator')
  const emulator = await startEmulator({
    port,
    host: values.host,
    apiKey: values['api-key'] || process.env.STREAM_API_KEY || 'emulator-key',
    apiSecret: values['api-secret'] || process.env.STREAM_API_SECRET || 'emulator-secret',
    webhookUrl: values['webhook-url'] || null,
    autoSession: values['auto-session'],
    lenient: values.lenient,
    record: false,
  })
  console.log(`Stream Video emulator listening on ${emulator.url}`)
  console.log(`  STREAM_BASE_URL=${emulator.url} STREAM_API_KEY=${emulator.apiKey} (secret from --api-secret / STREAM_API_SECRET)`)
  console.log(`  webhooks: ${emulator.webhookUrl || 'off (pass --webhook-url)'}`)
  console.log(`  drive a call: curl -X POST -H 'content-type: application/json' ${emulator.url}/emulator/calls/default/<callId>/session`)
  const stop = async () => {
    await emulator.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return null
}

main(process.argv.slice(2)).then(
  (code) => code !== null && process.exit(code),
  (e) => {
    console.error(`stream-video-native: ${e.message}`)
    process.exit(2)
  },
)
