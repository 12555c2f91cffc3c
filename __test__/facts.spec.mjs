// One list per fact: each is written once (Rust, the generated spec lists,
// index.js) and every other copy (the ESM entries, the types, the docs, the
// emulator) is checked against it here.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import test from 'ava'

const require = createRequire(import.meta.url)
const read = (file) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
const { LISTS } = require('../node-sdk/operations.js')
const binding = require('../binding.js')

/** The string literals of `export type <name> = …` in index.d.ts. */
function union(name) {
  const lines = read('index.d.ts').split('\n')
  const at = lines.findIndex((line) => line.startsWith(`export type ${name} =`))
  t_assert(at >= 0, `index.d.ts has no type ${name}`)
  const first = lines[at].slice(`export type ${name} =`.length)
  const rest = []
  for (let i = at + 1; i < lines.length && lines[i].startsWith('  |'); i++) rest.push(lines[i])
  return [...[first, ...rest].join(' ').matchAll(/'([^']+)'/g)].map((m) => m[1])
}

function t_assert(ok, message) {
  if (!ok) throw new Error(message)
}

/** The names an ESM entry re-exports (`export const { a, b } = …`). */
function esmNames(file) {
  return [
    ...read(file)
      .match(/export const \{([\s\S]*?)\}/)[1]
      .matchAll(/(\w+)/g),
  ].map((m) => m[1])
}

test('the exports: index.js is the list; index.mjs, edge.mjs and index.d.ts declare the same names', (t) => {
  const names = Object.keys(require('stream-video-native')).sort()
  t.true(names.length >= 29)
  t.deepEqual(esmNames('index.mjs').sort(), names, 'index.mjs')
  t.deepEqual(esmNames('edge.mjs').sort(), names, 'edge.mjs')
  const declared = [...read('index.d.ts').matchAll(/^export (?:declare )?(?:const|function|class) (\w+)/gm)].map((m) => m[1])
  t.deepEqual([...new Set(declared)].sort(), names, 'index.d.ts')
})

test('index.d.ts declares each operation once (StreamOperations), and a StreamClient has each', (t) => {
  const dts = read('index.d.ts')
  const body = dts.match(/export interface StreamOperations \{([\s\S]*?)\n\}/)[1]
  const operations = [...body.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1])
  t.deepEqual(new Set(operations).size, operations.length)
  for (const name of operations) {
    t.is(dts.match(new RegExp(`^ *${name}\\(`, 'gm')).length, 1, `${name} has one signature`)
    t.regex(dts, new RegExp(`^export const ${name}: StreamOperations\\['${name}'\\]$`, 'm'))
  }
  const client = require('stream-video-native').createStreamClient({ apiKey: 'k', apiSecret: 's' })
  for (const name of operations) t.is(typeof client[name], 'function', name)
})

test("the call.* event types: Stream's spec is the list; Rust, the types and docs/webhooks.md agree", (t) => {
  const spec = LISTS.CALL_EVENT_TYPES
  t.is(spec.length, 53)
  t.deepEqual(binding.callEventTypes(), spec, 'src/event.rs (src/spec.rs)')
  t.deepEqual(require('stream-video-native').CALL_EVENT_TYPES, spec, 'CALL_EVENT_TYPES')
  t.deepEqual(union('CallEventType').sort(), spec, 'index.d.ts CallEventType')
  const documented = new Set([...read('docs/webhooks.md').matchAll(/`(call\.[a-z_]+)`/g)].map((m) => m[1]))
  t.deepEqual(
    spec.filter((type) => !documented.has(type)),
    [],
    'docs/webhooks.md names every type',
  )
  t.deepEqual(
    [...documented].filter((type) => !spec.includes(type)),
    [],
    'docs/webhooks.md names no other',
  )
})

test("the languages, setting modes, recording qualities and types: Stream's spec is the list; the types and the emulator agree", (t) => {
  t.deepEqual(union('TranscriptionLanguage'), LISTS.LANGUAGES)
  t.deepEqual(union('SettingMode'), LISTS.SETTING_MODES)
  t.deepEqual(union('RecordingQuality'), LISTS.RECORDING_QUALITIES)
  t.deepEqual(union('RecordingType'), LISTS.RECORDING_TYPES)
  // src/spec.rs holds the same lists (generated together; the generation test checks the file).
  const rust = read('src/spec.rs')
  for (const [name, values] of Object.entries(LISTS)) {
    const list = rust.match(new RegExp(`pub const ${name}: \\[&str; (\\d+)\\] = \\[([\\s\\S]*?)\\];`))
    t.deepEqual(
      [...list[2].matchAll(/"([^"]+)"/g)].map((m) => m[1]),
      values,
      `src/spec.rs ${name}`,
    )
  }
  t.regex(read('emulator/api.js'), /require\('\.\.\/node-sdk\/operations\.js'\)\.LISTS/)
  t.notRegex(read('emulator/api.js'), /\['composite', 'individual', 'raw'\]|'auto-on'\]/, 'the emulator keeps no copy')
})

test('maxBodyBytes is checked in one place (Rust)', (t) => {
  const js = ['index.js', 'lib/arguments.js', 'lib/webhook-input.js', 'lib/client.js'].map(read).join('\n')
  t.notRegex(js, /maxBodyBytes\s*[<>]=?\s*\d|MAX_BODY/, 'index.js leaves the range to Rust')
})

test('src/ has no module circle, and the transport (client.rs) names no endpoint', (t) => {
  const { readdirSync } = require('node:fs')
  const dir = new URL('../src/', import.meta.url)
  const modules = new Map()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.rs'))) {
    const name = file.slice(0, -3)
    const code = readFileSync(new URL(file, dir), 'utf8')
      .split('#[cfg(test)]')[0]
      .split('\n')
      .filter((line) => !line.trim().startsWith('//'))
      .join('\n')
    modules.set(name, new Set([...code.matchAll(/crate::(\w+)/g)].map((m) => m[1]).filter((m) => m !== name)))
  }
  const circles = []
  const visit = (name, path) => {
    for (const next of modules.get(name) ?? []) {
      if (path.includes(next)) circles.push([...path.slice(path.indexOf(next)), next].join(' -> '))
      else visit(next, [...path, next])
    }
  }
  for (const name of modules.keys()) visit(name, [name])
  t.deepEqual(circles, [])
  const client = readFileSync(new URL('client.rs', dir), 'utf8')
  t.notRegex(client, /\/api\/v2|crate::(calls|users|api)\b/)
})
