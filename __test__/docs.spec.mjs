// Docs that cannot rot: every TypeScript and JavaScript snippet in the README,
// CONTRIBUTING.md, RELEASING.md and docs/ is type-checked against the package's
// own types (strict); a fence written ```ts file=<path> must be that file, byte
// for byte; a fence written ```ts api must declare what index.d.ts declares.
// Every relative link (and #anchor) resolves, and the layout CONTRIBUTING.md
// lists is the tree.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { ensureDependencies } from '../scripts/ensure.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const exampleDir = join(root, 'examples', 'nextjs')
const read = (path) => readFileSync(join(root, path), 'utf8')

const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean)
const pages = tracked.filter((f) => f.endsWith('.md') && !f.startsWith('fuzz/'))
const guide = ['README.md', 'CONTRIBUTING.md', 'RELEASING.md', ...pages.filter((f) => f.startsWith('docs/'))]

/** Fenced blocks of a markdown page: `{ lang, info, code, line }`. */
function fences(page) {
  const blocks = []
  const lines = read(page).split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i])
    if (!open?.[1]) continue
    const start = i
    while (++i < lines.length && lines[i] !== '```');
    blocks.push({ lang: open[1], info: open[2], code: `${lines.slice(start + 1, i).join('\n')}\n`, line: start + 1 })
  }
  return blocks
}

const snippets = guide.flatMap((page) => fences(page).map((f) => ({ ...f, page })))
const code = snippets.filter((s) => ['ts', 'typescript', 'js', 'javascript'].includes(s.lang))

test('the guide has the pages the README links to, and snippets to check', (t) => {
  for (const page of [
    'docs/api.md',
    'docs/webhooks.md',
    'docs/configuration.md',
    'docs/errors.md',
    'docs/emulator.md',
    'docs/deploying.md',
    'docs/migrating.md',
    'docs/tracing.md',
  ]) {
    t.true(guide.includes(page), `${page} is tracked`)
  }
  t.true(code.length >= 6, `${code.length} snippets`)
  t.true(read('README.md').split('\n').length <= 200, 'the README is at most 200 lines')
})

test('a snippet that names a file is that file', (t) => {
  const copies = code.filter((s) => s.info.startsWith('file='))
  t.true(copies.length > 0)
  for (const s of copies) {
    const path = s.info.slice('file='.length)
    t.true(existsSync(join(root, path)), `${s.page}:${s.line} names ${path}, which exists`)
    t.is(s.code, read(path), `${s.page}:${s.line} is ${path}`)
  }
})

/** Free names the snippets use as placeholders for the app's own values. */
const PRELUDE = `declare const userId: string
declare const otherUserId: string
declare const rawBody: Uint8Array
declare const req: Request
`

/** Every name index.d.ts exports. */
function exportedNames() {
  const dts = read('index.d.ts')
  const names = new Set([...dts.matchAll(/^export (?:declare )?(?:type|interface|class|function|const) (\w+)/gm)].map((m) => m[1]))
  for (const m of dts.matchAll(/^export type \{([^}]+)\}/gm)) for (const n of m[1].split(',')) names.add(n.trim())
  return [...names]
}

/**
 * A ```ts api block inside `namespace Doc`, with each name it declares compared
 * with the package's (each assignable to the other): functions, constants and
 * interfaces whole, classes by the members the block lists.
 */
function apiCheck(block) {
  const declared = [...block.matchAll(/^(interface|class|function|const|type) (\w+)/gm)].map((m) => ({ kind: m[1], name: m[2] }))
  const checks = declared.map(({ kind, name }) => {
    if (kind === 'function' || kind === 'const') return `same<typeof Doc.${name}, typeof P.${name}>(true)`
    if (kind === 'class') return `same<Doc.${name}, Pick<P.${name}, keyof Doc.${name}>>(true)`
    return `same<Doc.${name}, P.${name}>(true)`
  })
  return `import type * as P from 'stream-video-native'
import type { ${exportedNames().join(', ')} } from 'stream-video-native'
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
declare function same<A, B>(ok: Same<A, B>): void
declare namespace Doc {
${block}}
${checks.join('\n')}
`
}

test('every TypeScript and JavaScript snippet type-checks against the package', (t) => {
  t.timeout(10 * 60e3)
  // A snippet may import `next`, as the app does: its types come from the example's install.
  ensureDependencies(exampleDir)
  const dir = join(root, '.tmp', 'docs-snippets')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const files = []
  const origins = new Map()
  code
    .filter((s) => !s.info.startsWith('file='))
    .forEach((s, i) => {
      const js = s.lang.startsWith('j')
      const name = `snippet-${i}.${js ? 'mjs' : 'mts'}`
      const body = s.info === 'api' ? apiCheck(s.code) : js ? `// @ts-check\n${s.code}` : `${PRELUDE}export {}\n${s.code}`
      writeFileSync(join(dir, name), body)
      files.push(name)
      origins.set(name, `${s.page}:${s.line}`)
    })
  const rel = (p) => relative(dir, p)
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      allowJs: true,
      checkJs: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      // Libraries' own .d.ts files (next's) are theirs to check; the snippets are ours.
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [rel(join(root, 'node_modules', '@types'))],
      paths: {
        '@/lib/stream': [rel(join(root, 'index.d.ts'))],
        next: [rel(join(exampleDir, 'node_modules', 'next', 'index.d.ts'))],
      },
    },
    files,
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', dir], { encoding: 'utf8' })
  const report = `${tsc.stdout}${tsc.stderr}`.replace(/snippet-\d+\.m[jt]s/g, (f) => `${f} (${origins.get(f)})`)
  t.is(tsc.status, 0, report)
  t.is(files.length, code.length - code.filter((s) => s.info.startsWith('file=')).length)
})

/** GitHub's anchor for a heading. */
const slug = (heading) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')

function anchors(page) {
  let fence = false
  const out = new Set()
  for (const line of read(page).split('\n')) {
    if (line.startsWith('```')) fence = !fence
    const h = !fence && /^#{1,6} (.+)$/.exec(line)
    if (h) out.add(slug(h[1]))
  }
  return out
}

test('every relative link and anchor resolves', (t) => {
  let links = 0
  for (const page of pages) {
    const text = read(page).replace(/^```[\s\S]*?^```/gm, '')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue
      links++
      const [path, anchor] = target.split('#')
      const file = path ? join(dirname(page), path) : page
      t.true(existsSync(join(root, file)), `${page} links to ${target}, which exists`)
      if (anchor && file.endsWith('.md') && existsSync(join(root, file))) {
        t.true(anchors(file).has(anchor), `${page} links to ${target}, a heading of ${file}`)
      }
    }
  }
  t.true(links > 10, `${links} links`)
})

test("CONTRIBUTING.md's layout is the tree", (t) => {
  const layout = read('CONTRIBUTING.md').split('## Layout')[1].split('```')[1]
  const named = layout
    .split('\n')
    .flatMap((line) => line.split(/\s{2,}/)[0].split(' '))
    .filter(Boolean)
  for (const path of named) t.true(existsSync(join(root, path)), `the layout names ${path}, which exists`)
  const top = new Set(tracked.map((f) => (f.includes('/') ? `${f.split('/')[0]}/` : f)))
  for (const entry of top) t.true(named.includes(entry), `the layout lists ${entry}`)
  const sources = readdirSync(join(root, 'src')).filter((f) => f.endsWith('.rs'))
  for (const file of sources) t.true(named.includes(`src/${file}`), `the layout lists src/${file}`)
  for (const file of readdirSync(join(root, 'lib'))) t.true(named.includes(`lib/${file}`), `the layout lists lib/${file}`)
  const subjects = read('CONTRIBUTING.md').split('## Tests by subject')[1].split('## Layout')[0]
  for (const file of readdirSync(join(root, '__test__')).filter((f) => f.endsWith('.spec.mjs'))) {
    t.true(subjects.includes(`\`${file}\``), `CONTRIBUTING.md's tests by subject names ${file}`)
  }
})
