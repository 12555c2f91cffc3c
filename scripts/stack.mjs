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
import { startBalancer } from './balancer.mjs'
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
 * first instance, or with `balancer: true` through a load balancer over all
 * of them (`balancerUrl`). `server(port)` says how to start one instance
 * (default: `next start` of the example's build; a standalone `node
 * server.js`, say); `env` adds to every instance's environment.
 * `kill(i)` SIGKILLs instance `i`, `restart(i)` starts it again and resolves
 * to the milliseconds until it served; `exits` lists exits nobody asked for,
 * `uncaught` the errors an instance logged as uncaught.
 */
export async function startStack({
  appPort,
  emulatorPort,
  autoSession = false,
  // The pause before a webhook's second attempt (the third waits twice as long): short for tests, longer where
  // an outage must be outlived by a delivery's retries.
  webhookRetryDelayMs = 100,
  quiet = true,
  databaseUrl,
  instances = 1,
  server = nextStart,
  env: extra = {},
  balancer: withBalancer = false,
} = {}) {
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
    webhookRetryDelayMs,
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
    ...extra,
  }
  const exits = []
  const uncaught = []
  const killed = new Set()
  const launch = (i) => {
    const { command, args, cwd, env: own } = server(ports[i])
    const app = spawn(command, args, { cwd, env: { ...env, ...own }, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'pipe'] })
    // Passed through, and what the process reported as uncaught (Next.js logs it and carries on).
    app.stderr.on('data', (chunk) => {
      process.stderr.write(chunk)
      for (const line of String(chunk).split('\n'))
        if (/uncaughtException|unhandledRejection/.test(line) && uncaught.length < 100) uncaught.push({ instance: i, line })
    })
    app.once('exit', (code, signal) => {
      if (!killed.delete(app)) exits.push({ instance: i, code, signal })
    })
    return app
  }
  const apps = ports.map((_, i) => launch(i))
  const balancer = withBalancer ? await startBalancer(appUrls) : null
  if (balancer) emulator.webhookUrl = `${balancer.url}/api/webhook/stream`
  const stop = async () => {
    for (const app of apps) killed.add(app)
    await Promise.all(apps.map(stopProcess))
    await balancer?.close()
    await emulator.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    await Promise.all(apps.map((app, i) => waitUntilUp(appUrls[i], app)))
  } catch (e) {
    await stop()
    throw e
  }
  const kill = async (i) => {
    const app = apps[i]
    if (app.exitCode !== null || app.signalCode !== null) return
    killed.add(app)
    const exited = new Promise((resolve) => app.once('exit', resolve))
    app.kill('SIGKILL')
    await exited
  }
  const restart = async (i) => {
    const started = Date.now()
    apps[i] = launch(i)
    await waitUntilUp(appUrls[i], apps[i])
    return Date.now() - started
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
  return {
    emulator,
    appUrl: appUrls[0],
    appUrls,
    balancerUrl: balancer?.url ?? null,
    apiKey,
    apiSecret,
    databasePath: databaseUrl ? null : databasePath,
    databaseUrl,
    stop,
    signIn,
    kill,
    restart,
    exits,
    uncaught,
  }
}
