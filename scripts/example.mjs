// Prepares examples/nextjs the way a customer's app gets the package: its own
// dependencies from its lockfile, then stream-video-native installed from the
// tarballs `npm pack` makes (root package + this platform's binary package),
// then `next build` when asked. A second call with the same tarballs and app
// sources reuses the install and the build.
import crypto from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureDependencies, npm, root, run } from './ensure.mjs'
import { pack } from './pack.mjs'

export const appDir = join(root, 'examples', 'nextjs')
const SOURCES = ['app', 'lib', 'migrations', 'instrumentation.ts', 'next.config.ts', 'package-lock.json', 'tsconfig.json']

/** A hash of what the build depends on: the two tarballs and the app's sources. */
function fingerprint(tarballs) {
  const hash = crypto.createHash('sha256')
  const files = SOURCES.map((s) => join(appDir, s)).flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path, { recursive: true })
          .map((f) => join(path, f))
          .filter((f) => statSync(f).isFile())
      : [path],
  )
  for (const file of [...tarballs, ...files.sort()]) hash.update(file).update(readFileSync(file))
  return hash.digest('hex')
}

export function prepareExample({ build = true } = {}) {
  const { root: rootTarball, binary } = pack()
  const stamp = join(appDir, '.next', 'stream-video-native.stamp')
  const print = fingerprint([rootTarball.path, binary.path])
  if (build && existsSync(stamp) && readFileSync(stamp, 'utf8') === print) {
    console.log('examples/nextjs: built from these tarballs and sources already')
    return appDir
  }
  ensureDependencies(appDir)
  run(npm, ['install', '--no-save', '--no-audit', '--no-fund', rootTarball.path, binary.path], appDir)
  if (build) {
    run(join(appDir, 'node_modules', '.bin', 'next'), ['build'], appDir)
    writeFileSync(stamp, print)
  }
  return appDir
}

if (process.argv[1] === fileURLToPath(import.meta.url)) prepareExample()
