// A published release, as a user gets it: a fresh project installs
// `stream-video-native@<version>` by name with npm, pnpm, Yarn or Bun (the
// package manager resolves the platform package; no scripts run), then one
// token, one webhook and REST calls against the emulator the package ships,
// from CommonJS and from ESM. The release workflow's `installed` job runs it on
// Linux, macOS and Windows after publishing; registry.spec installs the same
// tools from Verdaccio here and runs the same program.
//
//   node scripts/smoke-installed.mjs --pm pnpm --version 0.2.0 [--registry URL]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

/** The package managers, pinned (registry.spec installs the same ones into .tmp/). */
export const TOOLS = { pnpm: 'pnpm@12', yarn: '@yarnpkg/cli-dist@4', bun: 'bun@1.4' }

/**
 * Caches and stores inside the project: cold installs, never metadata cached
 * by an earlier run (Yarn's shared cache would keep another registry's tarball
 * URL for the same version). For pnpm, Yarn and Bun; npm warns about the pnpm key.
 */
export const CACHES = (dir) => ({
  YARN_GLOBAL_FOLDER: join(dir, '.yarn-global'),
  YARN_ENABLE_GLOBAL_CACHE: 'false',
  BUN_INSTALL_CACHE_DIR: join(dir, '.bun-cache'),
  npm_config_store_dir: join(dir, '.pnpm-store'),
})

/**
 * Each package manager's `add` through npx, and the project files it needs:
 * Yarn 4 wants a lock file to call the directory a project, and its age gate
 * would refuse a release published minutes ago.
 */
export const MANAGERS = {
  npm: { add: (spec, registry) => ['npm', ['install', spec, '--no-audit', '--no-fund', ...registryFlag(registry)]] },
  pnpm: { add: (spec, registry) => ['npx', ['--yes', '-p', TOOLS.pnpm, 'pnpm', 'add', spec, ...registryFlag(registry)]] },
  yarn: {
    files: { 'yarn.lock': '', '.yarnrc.yml': 'nodeLinker: node-modules\nnpmMinimalAgeGate: 0\nenableTelemetry: false\n' },
    add: (spec) => ['npx', ['--yes', '-p', TOOLS.yarn, 'yarn', 'add', spec]],
    // Yarn 4 has no --registry flag.
    env: (registry) => (registry ? { YARN_NPM_REGISTRY_SERVER: registry, YARN_UNSAFE_HTTP_WHITELIST: new URL(registry).hostname } : {}),
  },
  bun: { add: (spec, registry) => ['npx', ['--yes', '-p', TOOLS.bun, 'bun', 'add', spec, ...registryFlag(registry)]] },
}
const registryFlag = (registry) => (registry ? ['--registry', registry] : [])

/** A program that exercises the installed package; `load` binds `stream` and `startEmulator`. */
export const EXERCISE = (load) => `
${load}
const crypto = require('node:crypto')
;(async () => {
  const emulator = await startEmulator({ apiKey: 'k', apiSecret: 'installed-secret' })
  Object.assign(process.env, { STREAM_API_KEY: 'k', STREAM_API_SECRET: 'installed-secret', STREAM_BASE_URL: emulator.url })
  const token = await stream.generateStreamToken('u1')
  const call = await stream.createStreamCall('installed-call', 'u1', { meetingId: 'm', agentId: 'a', agentName: 'n' })
  await stream.upsertUsers([{ id: 'u2' }])
  await stream.addCallParticipant('installed-call', 'u2')
  await stream.endCall('installed-call')
  const body = JSON.stringify({ type: 'call.session_started', created_at: new Date().toISOString(), call_cid: 'default:installed-call' })
  const signature = crypto.createHmac('sha256', 'installed-secret').update(body).digest('hex')
  const verified = await stream.verifyWebhook(body, signature)
  const event = await stream.handleStreamWebhook(body, { signature })
  await emulator.close()
  console.log(JSON.stringify({ token: token.split('.').length, cid: call.cid, verified, update: event.update.status, requests: emulator.requests.map((r) => r.path.split('/').pop()) }))
})().catch((e) => { console.error(e); process.exit(1) })
`
export const EXPECTED = {
  token: 3,
  cid: 'default:installed-call',
  verified: true,
  update: 'active',
  requests: ['installed-call', 'users', 'members', 'mark_ended'],
}
export const LOADERS = {
  'check.cjs': "const stream = require('stream-video-native'); const { startEmulator } = require('stream-video-native/emulator')",
  'check.mjs':
    "import * as stream from 'stream-video-native'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); const { startEmulator } = require('stream-video-native/emulator')",
}

const windows = process.platform === 'win32'
const spawn = (command, args, options) =>
  // npm and npx are .cmd shims on Windows, which only a shell runs.
  spawnSync(windows ? `${command}.cmd` : command, args, { encoding: 'utf8', shell: windows, timeout: 300_000, ...options })

/**
 * Installs `spec` by name with `pm` into a fresh project and exercises it;
 * throws with the output on any failure. The package comes from `registry`
 * (default: npm's), the package managers themselves from npm's.
 */
export function smoke({ pm, spec, registry, env = process.env }) {
  const dir = mkdtempSync(join(tmpdir(), `svn-installed-${pm}-`))
  try {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'installed-app', version: '1.0.0', private: true }))
    for (const [file, text] of Object.entries(MANAGERS[pm].files ?? {})) writeFileSync(join(dir, file), text)
    const [command, args] = MANAGERS[pm].add(spec, registry)
    const install = spawn(command, args, { cwd: dir, env: { ...env, ...(pm === 'npm' ? {} : CACHES(dir)), ...MANAGERS[pm].env?.(registry) } })
    if (install.status !== 0) throw new Error(`${pm} could not install ${spec}:\n${install.stdout}\n${install.stderr}`)
    const results = {}
    for (const [file, load] of Object.entries(LOADERS)) {
      writeFileSync(join(dir, file), EXERCISE(load))
      const run = spawnSync(process.execPath, [file], { cwd: dir, env: { ...env, STREAM_LOG: 'silent' }, encoding: 'utf8', timeout: 60_000 })
      if (run.status !== 0) throw new Error(`${file} failed after ${pm} installed ${spec}:\n${run.stderr}`)
      results[file] = JSON.parse(run.stdout)
      if (JSON.stringify(results[file]) !== JSON.stringify(EXPECTED)) throw new Error(`${file} saw ${run.stdout.trim()}, not ${JSON.stringify(EXPECTED)}`)
    }
    return results
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { pm: { type: 'string', default: 'npm' }, version: { type: 'string' }, registry: { type: 'string' } } })
  if (!MANAGERS[values.pm]) throw new Error(`--pm must be one of ${Object.keys(MANAGERS).join(', ')}`)
  smoke({ pm: values.pm, spec: `stream-video-native@${values.version ?? 'latest'}`, registry: values.registry })
  console.log(`${values.pm} installed stream-video-native@${values.version ?? 'latest'} by name: token, webhook and REST calls work from CommonJS and ESM`)
}
