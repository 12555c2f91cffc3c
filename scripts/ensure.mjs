// Installs npm dependencies and builds the native addon when they are missing
// or older than their sources, so `npm test` and `npm run demo` work from a
// fresh clone with only Node, npm and cargo. Uses Node built-ins only (it runs
// before node_modules exists).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function newest(paths) {
  let latest = 0
  for (const path of paths) {
    const full = join(root, path)
    if (!existsSync(full)) continue
    const stat = statSync(full)
    if (stat.isDirectory()) {
      latest = Math.max(latest, newest(readdirSync(full).map((name) => join(path, name))))
    } else {
      latest = Math.max(latest, stat.mtimeMs)
    }
  }
  return latest
}

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`)
  execFileSync(command, args, { cwd: root, stdio: 'inherit' })
}

export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json')
  if (!existsSync(marker) || statSync(marker).mtimeMs < newest(['package-lock.json'])) {
    run(npm, ['ci', '--no-audit', '--no-fund'])
  }
}

export function addonPath() {
  const name = readdirSync(root).find((f) => /^stream-video-native\..+\.node$/.test(f))
  return name ? join(root, name) : null
}

export function ensureAddon() {
  const addon = addonPath()
  const sources = newest(['src', 'Cargo.toml', 'Cargo.lock', 'build.rs'])
  if (!addon || statSync(addon).mtimeMs < sources) {
    run(npm, ['run', 'build'])
  }
}

export function ensureAll() {
  ensureDependencies()
  ensureAddon()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureAll()
