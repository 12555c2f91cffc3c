// Starts the whole local stack on loopback: the Stream emulator and the
// example Next.js app (production build) wired to each other, with a fresh
// SQLite database. Used by the end-to-end test and `npm run demo`.
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appDir } from './example.mjs'
import { freePort } from './ports.mjs'

const require = createRequire(import.meta.url)
const { startEmulator } = require('../emulator')

async function waitUntilUp(url, app, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (app.exitCode !== null) throw new Error(`the app exited with code ${app.exitCode}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`the app did not answer at ${url} within ${timeoutMs} ms`)
}

/** Starts emulator + app. `appPort`/`emulatorPort` default to free ports. */
export async function startStack({ appPort, emulatorPort, autoSession = false, quiet = true } = {}) {
  appPort ??= await freePort()
  const apiKey = 'local-key'
  const apiSecret = crypto.randomBytes(32).toString('hex')
  const appUrl = `http://127.0.0.1:${appPort}`
  const emulator = await startEmulator({
    apiKey,
    apiSecret,
    port: emulatorPort,
    webhookUrl: `${appUrl}/api/webhook/stream`,
    autoSession,
    webhookRetryDelayMs: 100,
  })
  const dataDir = mkdtempSync(join(tmpdir(), 'stream-meetings-'))
  const databasePath = join(dataDir, 'meetings.db')
  const app = spawn(join(appDir, 'node_modules', '.bin', 'next'), ['start', '-p', String(appPort), '-H', '127.0.0.1'], {
    cwd: appDir,
    env: {
      ...process.env,
      STREAM_API_KEY: apiKey,
      STREAM_API_SECRET: apiSecret,
      STREAM_BASE_URL: emulator.url,
      DATABASE_PATH: databasePath,
      // The example's demo sign-in (a stand-in for an auth library) and its cookie key.
      DEMO_LOGIN: '1',
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      SESSION_INSECURE_COOKIE: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  })
  const stop = async () => {
    if (app.exitCode === null) {
      const exited = new Promise((resolve) => app.once('exit', resolve))
      app.kill('SIGTERM')
      await exited
    }
    await emulator.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await waitUntilUp(appUrl, app)
  } catch (e) {
    await stop()
    throw e
  }
  /** Signs `userId` in through the demo sign-in and returns `fetch` for the app with that session's cookie. */
  async function signIn(userId) {
    const response = await fetch(`${appUrl}/api/session`, { method: 'POST', body: JSON.stringify({ userId }) })
    if (!response.ok) throw new Error(`sign-in as ${userId} failed: ${response.status}`)
    const cookie = response.headers.get('set-cookie').split(';')[0]
    return (path, init = {}) => fetch(`${appUrl}${path}`, { ...init, headers: { ...init.headers, cookie } })
  }
  return { emulator, appUrl, apiKey, apiSecret, databasePath, stop, signIn }
}
