// A real npm registry on loopback (Verdaccio 6.8.0, which runs on Node 20
// with node-fetch pinned to 2.7.0), for rehearsing a release and installing
// the package by name as users do. Installed into .tmp/verdaccio on first use;
// storage, config and the npm user config are per run, in a temp directory.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { npm, root, run } from './ensure.mjs'
import { freePort } from './ports.mjs'

const HOME = join(root, '.tmp', 'verdaccio')
const BIN = join(HOME, 'node_modules', 'verdaccio', 'bin', 'verdaccio')

function ensureVerdaccio() {
  if (existsSync(BIN)) return
  mkdirSync(HOME, { recursive: true })
  const manifest = { name: 'local-registry', private: true, dependencies: { verdaccio: '6.8.0' }, overrides: { 'node-fetch': '2.7.0' } }
  writeFileSync(join(HOME, 'package.json'), JSON.stringify(manifest, null, 2))
  run(npm, ['install', '--no-audit', '--no-fund', '--omit=dev'], HOME)
}

async function waitUntilUp(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with code ${child.exitCode}`)
    try {
      if ((await fetch(`${url}/-/ping`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`verdaccio did not answer at ${url}`)
}

/** Starts a registry with one user; returns its URL, an npm user config holding that user's token, and `addUser`. */
export async function startRegistry() {
  ensureVerdaccio()
  const dir = mkdtempSync(join(tmpdir(), 'svn-registry-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // No uplinks: everything installed comes from what was published here.
  writeFileSync(
    join(dir, 'config.yaml'),
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 10',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
      'max_body_size: 50mb',
      '',
    ].join('\n'),
  )
  const child = spawn(process.execPath, [BIN, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitUntilUp(url, child)
    /** A registry account and an npm user config holding its token. */
    const addUser = async (name) => {
      const response = await fetch(`${url}/-/user/org.couchdb.user:${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ _id: `org.couchdb.user:${name}`, type: 'user', roles: [], name, password: `${name}-rehearsal-only-password` }),
      })
      const { token } = await response.json()
      if (!token) throw new Error(`verdaccio did not create the user ${name} (${response.status})`)
      const npmrc = join(dir, `npmrc-${name}`)
      writeFileSync(npmrc, `//127.0.0.1:${port}/:_authToken=${token}\n`)
      return npmrc
    }
    return { url, npmrc: await addUser('releaser'), addUser, stop }
  } catch (e) {
    await stop()
    throw e
  }
}
