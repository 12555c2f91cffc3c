// A checkout in a directory only its owner may enter (`mktemp -d`, Ubuntu's
// 0750 homes): the helpers that run a server as another user (PostgreSQL as
// `postgres`) must not need to reach into it, and the quick test loop must
// pass from there. The clone is of this repository's HEAD, as a new user
// makes it.
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { root } from '../../scripts/ensure.mjs'

test.before((t) => {
  const dir = mkdtempSync(join(tmpdir(), 'svn-private-'))
  chmodSync(dir, 0o700)
  const clone = join(dir, 'checkout')
  execFileSync('git', ['clone', '--quiet', root, clone])
  t.context = { dir, clone }
})
test.after.always((t) => rmSync(t.context.dir, { recursive: true, force: true }))

test.serial('the clone sits where only its owner may enter', (t) => {
  t.is(statSync(t.context.dir).mode & 0o777, 0o700)
})

test.serial('PostgreSQL starts, serves and stops from a clone in a chmod 700 directory', (t) => {
  // The clone's own helper, run from inside the clone, as the scale test runs it.
  const script = `
    import { execFileSync } from 'node:child_process'
    import { startPostgres } from './scripts/postgres.mjs'
    const pg = await startPostgres({ database: 'probe' })
    try {
      const psql = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' }).trim() + '/psql'
      console.log(execFileSync(psql, ['-tA', '-c', 'select 40 + 2', pg.url], { cwd: '/', encoding: 'utf8' }).trim())
    } finally {
      await pg.stop()
    }`
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: t.context.clone, encoding: 'utf8', timeout: 5 * 60e3 })
  t.is(run.status, 0, `${run.stdout}\n${run.stderr}`)
  t.regex(run.stdout, /^42$/m)
})

test.serial('npm run test:quick passes from a clone in a chmod 700 directory', (t) => {
  t.timeout(15 * 60e3)
  // The build reuses this checkout's target directory, as a second clone on one machine would share a cache.
  const env = { ...process.env, CARGO_TARGET_DIR: join(root, 'target') }
  const run = spawnSync('npm', ['run', 'test:quick'], { cwd: t.context.clone, env, encoding: 'utf8', timeout: 14 * 60e3, maxBuffer: 64 * 1024 * 1024 })
  const summary = run.stdout.split('\n').filter((l) => /^\w[\w ()]*: \d+ passed, \d+ failed$/.test(l))
  // On failure, show the failing tests' TAP blocks: the end of the output holds only the summary.
  const failures = run.stdout.match(/^not ok [^\n]*(\n(?!(not )?ok )[^\n]*)*/gm) ?? []
  t.is(run.status, 0, `${summary.join('\n')}\n${failures.join('\n').slice(0, 8000)}\n${run.stderr.slice(-3000)}`)
  t.true(
    summary.some((l) => /^js \(node \d+\): [1-9]\d* passed, 0 failed$/.test(l)),
    summary.join('\n'),
  )
})
