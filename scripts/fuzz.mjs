// `npm run fuzz [-- --runs N]`: coverage-guided fuzzing (cargo fuzz, libFuzzer)
// of webhook parsing, gzip handling and signature checks, N executions per
// target (default 1,000,000), starting from the seeds in fuzz/seeds/. Needs the
// nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz
// when missing. Not part of `npm test`: the proptest properties cover the same
// code there. A finding stops the run and is written to fuzz/artifacts/.
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { root, run } from './ensure.mjs'

const TARGETS = ['event_parse', 'webhook_open', 'signature']
const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000000' }, target: { type: 'string', multiple: true } } })
const targets = values.target ?? TARGETS

if (spawnSync('cargo', ['fuzz', '--version'], { stdio: 'ignore' }).status !== 0) run('cargo', ['install', 'cargo-fuzz', '--locked'])
const results = []
for (const target of targets) {
  const corpus = join(root, 'fuzz', 'corpus', target)
  mkdirSync(corpus, { recursive: true })
  const started = Date.now()
  const args = [
    '+nightly',
    'fuzz',
    'run',
    target,
    corpus,
    join(root, 'fuzz', 'seeds', target),
    '--',
    `-runs=${values.runs}`,
    '-max_len=65536',
    '-print_final_stats=1',
  ]
  console.log(`> cargo ${args.join(' ')}`)
  const fuzz = spawnSync('cargo', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'], maxBuffer: 256 * 1024 * 1024 })
  const stats = fuzz.stderr.match(/stat::number_of_executed_units:\s*(\d+)/)
  results.push({ target, executions: stats ? Number(stats[1]) : 0, seconds: Math.round((Date.now() - started) / 1000), ok: fuzz.status === 0 })
  if (fuzz.status !== 0) process.stderr.write(fuzz.stderr.slice(-4000))
}
for (const r of results) console.log(`${r.target}: ${r.executions} executions in ${r.seconds} s, ${r.ok ? 'no findings' : 'FINDING (see fuzz/artifacts/)'}`)
process.exit(results.every((r) => r.ok) ? 0 : 1)
