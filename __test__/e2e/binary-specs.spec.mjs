// The release workflow runs the specs about the binary on every built target
// (`ava.binary.config.mjs`), Windows and Alpine included: there is no git and
// no bash there, and Windows' git checks text out with CRLF. This runs that
// list as those jobs do: in a clone made with `core.autocrlf=true`, with a
// PATH that holds node and sh and nothing else (no git, no bash, no npm).
import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { root } from '../../scripts/ensure.mjs'

test('the binary specs pass in a CRLF-configured checkout with no git and no bash on PATH', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'svn-binary-specs-'))
  chmodSync(dir, 0o700)
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const clone = join(dir, 'checkout')
  execFileSync('git', ['-c', 'core.autocrlf=true', 'clone', '--quiet', root, clone])
  // .gitattributes keeps every text file LF whatever core.autocrlf says.
  for (const file of ['README.md', 'index.d.ts', 'src/hot.rs', 'docs/webhooks.md', 'node-sdk/operations.js']) {
    t.false(readFileSync(join(clone, file), 'utf8').includes('\r\n'), `${file} is LF`)
  }
  // What a release test job has: the installed dependencies and the downloaded binary.
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'junction')
  for (const file of readdirSync(root).filter((f) => f.endsWith('.node'))) copyFileSync(join(root, file), join(clone, file))
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  symlinkSync(process.execPath, join(bin, 'node'))
  symlinkSync('/bin/sh', join(bin, 'sh'))
  const result = spawnSync(process.execPath, [join(clone, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), '--config', 'ava.binary.config.mjs'], {
    cwd: clone,
    env: { PATH: bin, HOME: dir, STREAM_LOG: 'silent' },
    encoding: 'utf8',
    timeout: 8 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  const summary = `${result.stdout}${result.stderr}`.trim().split('\n').slice(-5).join('\n')
  t.is(result.status, 0, summary)
  t.regex(summary, /\d+ tests? passed/)
  t.log(summary.split('\n').at(-1))
})
