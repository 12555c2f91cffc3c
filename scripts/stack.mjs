// Starts the whole local stack on loopback: the Stream emulator and the
// example Next.js app (production build) wired to each other. One instance on
// a fresh SQLite database by default; with `databaseUrl` (PostgreSQL), any
// number of instances sharing it, as behind a load balancer. Used by the
// end-to-end tests and `npm run demo`.
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

async function stopProcess(child) {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** `next start` of the example's build, on `port`. */
const nextStart = (port) => ({
  command: join(appDir, 'node_modules', '.bin', 'next'),
  args: ['start', '-p', String(port), '-H', '127.0.0.1'],
  cwd: appDir,
  env: {},
})

/**
 * Starts the emulator and `instances` app processes. `appPort` (first
 * instance) and `emulatorPort` default to free ports. Webhooks go to the
 * first instance. `server(port)` says how to start one instance (default:
 * `next start` of the example's build; a standalone `node server.js`, say).
 */
export async function startStack({ appPort, emulatorPort, autoSession = false, quiet = true, databaseUrl, instances = 1, server = nextStart } = {}) {
  if (instances > 1 && !databaseUrl) throw new Error('several instances need a shared database (databaseUrl)')
  const ports = [appPort ?? (await freePort())]
  while (ports.length < instances) ports.push(await freePort())
  const appUrls = ports.map((port) => `http://127.0.0.1:${port}`)
  const apiKey = 'local-key'
  const apiSecret = crypto.randomBytes(32).toString('hex')
  const emulator = await startEmulator({
    apiKey,
    apiSecret,
    port: emulatorPort,
    webhookUrl: `${appUrls[0]}/api/webhook/stream`,
    autoSession,
    webhookRetryDelayMs: 100,
  })
  const dataDir = mkdtempSync(join(tmpdir(), 'stream-meetings-'))
  const databasePath = join(dataDir, 'meetings.db')
  const env = {
    ...process.env,
    STREAM_API_KEY: apiKey,
    STREAM_API_SECRET: apiSecret,
    STREAM_BASE_URL: emulator.url,
    // The meeting agent is server configuration (examples/nextjs/lib/users.ts).
    AGENT_ID: 'agent-456',
    AGENT_NAME: 'Sales Assistant',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_PATH: databasePath }),
    // The example's demo sign-in (a stand-in for an auth library) and its cookie key, shared by the instances.
    DEMO_LOGIN: '1',
    SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
    SESSION_INSECURE_COOKIE: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
  }
  const apps = ports.map((port) => {
    const { command, args, cwd, env: own } = server(port)
    return spawn(command, args, { cwd, env: { ...env, ...own }, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] })
  })
  const stop = async () => {
    await Promise.all(apps.map(stopProcess))
    await emulator.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await Promise.all(apps.map((app, i) => waitUntilUp(appUrls[i], app)))
  } catch (e) {
    await stop()
    throw e
  }
  /**
   * Signs `userId` in through the demo sign-in and returns `fetch` for the
   * app with that session's cookie (any instance: `as(path, init, instance)`).
   */
  async function signIn(userId) {
    const response = await fetch(`${appUrls[0]}/api/session`, { method: 'POST', body: JSON.stringify({ userId }) })
    if (!response.ok) throw new Error(`sign-in as ${userId} failed: ${response.status}`)
    const cookie = response.headers.get('set-cookie').split(';')[0]
    return (path, init = {}, instance = 0) => fetch(`${appUrls[instance]}${path}`, { ...init, headers: { ...init.headers, cookie } })
  }
  return { emulator, appUrl: appUrls[0], appUrls, apiKey, apiSecret, databasePath: databaseUrl ? null : databasePath, databaseUrl, stop, signIn }
}
