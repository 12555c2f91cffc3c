// `npm test`: installs and builds what is missing, then runs the linters
// (Biome, rustfmt, clippy), the Rust unit tests, the ava specs (against the
// local Stream emulator) on Node 20, 22, 24 and 26, the end-to-end specs
// (release rehearsals and install by name with npm, pnpm, Yarn and Bun from a
// local registry, two releases in a row, Bun and Deno, the example Next.js app
// on SQLite, standalone and Edge builds, two instances on PostgreSQL, healthy
// and under chaos) and the TypeScript check. Prints one `N passed, N failed`
// line per suite and a total.
//
// `npm run test:quick` (`--quick`): a debug build, cargo test, the ava specs
// on this Node and the TypeScript check; no linters, no Next.js, no zig.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ensureAddon, ensureAll, ensureDependencies, root } from './ensure.mjs'

const quick = process.argv.includes('--quick')
if (quick) {
  ensureDependencies()
  ensureAddon('build:debug')
} else {
  ensureAll()
}

function run(command, args, { capture = false } = {}) {
  console.log(`> ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
    env: { ...process.env, STREAM_LOG: process.env.STREAM_LOG ?? 'silent' },
    maxBuffer: 64 * 1024 * 1024,
  })
  if (capture) process.stdout.write(result.stdout ?? '')
  return { ok: result.status === 0, stdout: result.stdout ?? '' }
}

const bin = (name) => join(root, 'node_modules', '.bin', name)
const suites = []

if (!quick) {
  // Style is enforced: each linter is one check, and any violation fails the run.
  const lints = [
    ['biome', bin('biome'), ['ci', '--error-on-warnings', '.']],
    ['rustfmt', 'cargo', ['fmt', '--check']],
    ['clippy', 'cargo', ['clippy', '--all-targets', '--quiet', '--', '-D', 'warnings']],
  ].map(([name, command, args]) => ({ name, ok: run(command, args).ok }))
  const failed = lints.filter((l) => !l.ok)
  for (const l of failed) console.log(`lint failed: ${l.name}`)
  suites.push({ name: 'lint', passed: lints.length - failed.length, failed: failed.length, ok: failed.length === 0 })
}

const cargo = run('cargo', ['test', '--lib'], { capture: true })
const cargoCounts = [...cargo.stdout.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)]
suites.push({
  name: 'rust',
  passed: cargoCounts.reduce((n, m) => n + Number(m[1]), 0),
  failed: cargoCounts.reduce((n, m) => n + Number(m[2]), 0) + (cargo.ok || cargoCounts.length ? 0 : 1),
  ok: cargo.ok,
})

const AVA = join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs')

/** Runs ava with `node` (this one, or an `npx -p node@<major>` command) and records its counts. */
function avaSuite(name, args, node = [process.execPath]) {
  const ava = run(node[0], [...node.slice(1), AVA, '--tap', ...args], { capture: true })
  const passed = (ava.stdout.match(/^ok \d+/gm) || []).length
  const failed = (ava.stdout.match(/^not ok \d+/gm) || []).length
  // A suite that ran nothing has failed, whatever ava's exit code says.
  const ok = ava.ok && passed > 0
  suites.push({ name, passed, failed: failed + (ok || failed ? 0 : 1), ok })
}

const thisMajor = process.versions.node.split('.')[0]
avaSuite(`js (node ${thisMajor})`, [])
if (!quick) {
  // The same specs on the other Node majors users deploy on (the npm package `node@<major>` brings each).
  for (const major of ['20', '22', '24', '26'].filter((m) => m !== thisMajor)) {
    avaSuite(`js (node ${major})`, [], ['npx', '-y', '-p', `node@${major}`, 'node'])
  }
  // The release rehearsal and install by name, the example app on SQLite, two instances on PostgreSQL.
  const e2eSpecs = readdirSync(join(root, '__test__', 'e2e')).filter((f) => f.endsWith('.spec.mjs'))
  avaSuite('e2e', ['--timeout=10m', '--serial', ...e2eSpecs.map((f) => `__test__/e2e/${f}`)])
}

const tsc = run(bin('tsc'), ['-p', '__test__/types'])
suites.push({ name: 'types', passed: tsc.ok ? 1 : 0, failed: tsc.ok ? 0 : 1, ok: tsc.ok })

console.log('')
for (const s of suites) console.log(`${s.name}: ${s.passed} passed, ${s.failed} failed`)
const total = suites.reduce((acc, s) => ({ passed: acc.passed + s.passed, failed: acc.failed + s.failed }), { passed: 0, failed: 0 })
console.log(`total: ${total.passed} passed, ${total.failed} failed`)
process.exit(suites.every((s) => s.ok) ? 0 : 1)
