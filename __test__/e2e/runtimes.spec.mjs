// Where else the package runs: the same smoke suite (__test__/runtimes/smoke.mjs)
// under Node, Bun and Deno, from a project that installed the packed package,
// against the emulator; each process must end by itself once it printed.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { run } from '../../scripts/ensure.mjs'
import { pack } from '../../scripts/pack.mjs'
import { API_KEY, API_SECRET, startEmulator } from '../helpers.mjs'

/** The runtimes, each from its npm package (no download of its own), and how each runs an ES module. */
const RUNTIMES = {
  node: { version: null, command: () => [process.execPath] },
  bun: { version: 'bun@1.4', command: (dir) => [join(dir, 'node_modules', '.bin', 'bun'), 'run'] },
  // A local node_modules (installed by npm), every permission the package and the smoke suite use.
  deno: { version: 'deno@2.9', command: (dir) => [join(dir, 'node_modules', '.bin', 'deno'), 'run', '--allow-all', '--node-modules-dir=manual'] },
}

let project
let emulator
let hang

test.before(async () => {
  const { root, binary } = pack()
  project = mkdtempSync(join(tmpdir(), 'svn-runtimes-'))
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'runtimes', private: true, type: 'module' }))
  const runtimes = Object.values(RUNTIMES)
    .map((r) => r.version)
    .filter(Boolean)
  run('npm', ['install', '--no-audit', '--no-fund', root.path, binary.path, ...runtimes], project)
  copyFileSync(fileURLToPath(new URL('../runtimes/smoke.mjs', import.meta.url)), join(project, 'smoke.mjs'))
  emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, lenient: true })
  hang = http.createServer(() => {}) // accepts, never answers
  await new Promise((r) => hang.listen(0, '127.0.0.1', r))
})

test.after.always(async () => {
  await emulator?.close()
  hang?.closeAllConnections()
  await new Promise((r) => (hang ? hang.close(r) : r()))
  if (project) rmSync(project, { recursive: true, force: true })
})

/** Runs the smoke suite; resolves to its JSON line and how long the process lived after printing it. */
function smoke(runtime) {
  const [command, ...args] = RUNTIMES[runtime].command(project)
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, 'smoke.mjs'], {
      cwd: project,
      env: {
        ...process.env,
        SMOKE_URL: emulator.url,
        SMOKE_HANG_URL: `http://127.0.0.1:${hang.address().port}`,
        SMOKE_KEY: API_KEY,
        SMOKE_SECRET: API_SECRET,
        STREAM_LOG: 'silent',
        NO_COLOR: '1',
      },
    })
    let out = ''
    let err = ''
    let printedAt = null
    child.stdout.on('data', (d) => {
      out += d
      if (printedAt === null && out.includes('\n')) printedAt = Date.now()
    })
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (!line) return reject(new Error(`${runtime} printed no result (exit ${code ?? signal}):\n${out}\n${err}`))
      resolve({ result: JSON.parse(line), code, lingeredMs: printedAt === null ? null : Date.now() - printedAt, stderr: err })
    })
  })
}

for (const runtime of Object.keys(RUNTIMES)) {
  test.serial(`${runtime}: loads (CJS and ESM), signs, verifies, calls every REST function, aborts, types its errors, exits by itself`, async (t) => {
    emulator.reset()
    const { result, code, lingeredMs, stderr } = await smoke(runtime)
    t.log(`${result.runtime}: ${result.passed} checks passed`)
    t.deepEqual(result.failed, [], stderr)
    t.is(result.passed, 6)
    t.is(code, 0)
    t.true(lingeredMs < 2000, `the process lived ${lingeredMs} ms after its last call`)
  })
}
