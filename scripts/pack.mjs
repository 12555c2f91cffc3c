// Packs what users install: the root package and this platform's binary
// package (npm/<platform>/ with the distributable .node from build-dist), with
// `npm pack`, into .tmp/pack/. Prints and returns the tarball paths and sizes.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildDist } from './build-dist.mjs'
import { npm, root } from './ensure.mjs'

export const packDir = join(root, '.tmp', 'pack')

function npmPack(dir) {
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', packDir], { cwd: dir, encoding: 'utf8' })
  const [info] = JSON.parse(out)
  const path = join(packDir, info.filename)
  return { path, files: info.files.map((f) => f.path), size: statSync(path).size, unpackedSize: info.unpackedSize }
}

export function pack() {
  const { platform, dir: platformDir, file } = buildDist()
  rmSync(packDir, { recursive: true, force: true })
  mkdirSync(packDir, { recursive: true })
  const result = { platform, file, root: npmPack(root), binary: npmPack(platformDir) }
  for (const [name, t] of [
    ['root', result.root],
    [`binary (${platform})`, result.binary],
  ]) {
    console.log(
      `packed ${name}: ${basename(t.path)} ${(t.size / 1024).toFixed(1)} KiB (${(t.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${t.files.length} files)`,
    )
  }
  return result
}

if (process.argv[1] === fileURLToPath(import.meta.url)) pack()
