// Prepares examples/nextjs the way a customer's app gets the package: its own
// dependencies from its lockfile, then stream-video-native installed from the
// tarballs `npm pack` makes (root package + this platform's binary package),
// then `next build` when asked.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureDependencies, npm, root, run } from './ensure.mjs'
import { pack } from './pack.mjs'

export const appDir = join(root, 'examples', 'nextjs')

export function prepareExample({ build = true } = {}) {
  const { root: rootTarball, binary } = pack()
  ensureDependencies(appDir)
  run(npm, ['install', '--no-save', '--no-audit', '--no-fund', rootTarball.path, binary.path], appDir)
  if (build) run(join(appDir, 'node_modules', '.bin', 'next'), ['build'], appDir)
  return appDir
}

if (process.argv[1] === fileURLToPath(import.meta.url)) prepareExample()
