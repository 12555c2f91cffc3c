// Installs npm dependencies when they are missing or older than the lockfile,
// and (re)builds the release addon (a no-op for cargo when nothing changed),
// so `npm test` and `npm run demo` work from a fresh clone with only Node, npm
// and cargo. Uses Node built-ins only (it runs before node_modules exists).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

export function run(command, args, cwd = root, env = process.env) {
  console.log(`> ${command} ${args.join(' ')}`)
  execFileSync(command, args, { cwd, env, stdio: 'inherit' })
}

/** `npm ci` in `dir` when its node_modules is missing or older than its lockfile. */
export function ensureDependencies(dir = root) {
  const marker = join(dir, 'node_modules', '.package-lock.json')
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(join(dir, 'package-lock.json')).mtimeMs) {
    run(npm, ['ci', '--no-audit', '--no-fund'], dir)
  }
}

export function addonPath() {
  const name = readdirSync(root).find((f) => /^stream-video-native\..+\.node$/.test(f))
  return name ? join(root, name) : null
}

/** Builds the addon with `script` (the release `build`, or `build:debug`); a failed build throws. */
export function ensureAddon(script = 'build') {
  run(npm, ['run', '--silent', script])
  return addonPath()
}

export function ensureAll() {
  ensureDependencies()
  ensureAddon()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureAll()
