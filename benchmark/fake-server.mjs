// The Stream emulator in its own process for the HTTP benchmarks, so the
// server's work does not share an event loop with the clients measured.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { startEmulator } = require('../emulator')
const [apiKey, apiSecret] = process.argv.slice(2)
const emulator = await startEmulator({ apiKey, apiSecret, record: false })
process.send({ url: emulator.url })
// The bench asks for this process's CPU time around each run, to show whether the fake was saturated.
process.on('message', (message) => message === 'cpu' && process.send({ cpu: process.cpuUsage() }))
process.on('disconnect', () => process.exit(0))
