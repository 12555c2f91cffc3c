// Builds the binary that goes into this platform's npm package (npm/<platform>/).
// On linux x64 (glibc) it links against glibc 2.17 with zig through
// cargo-zigbuild, so the package loads on old distributions (a plain build
// here needs glibc 2.34). Both tools come from PyPI (`ziglang`, and
// `cargo-zigbuild`'s prebuilt wheel) into a virtual environment under .tmp/,
// never the system pip (Debian and Ubuntu refuse it, PEP 668). Elsewhere it
// ships the host build.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { basename, delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { addonPath, ensureAll, root, run } from './ensure.mjs'

export const GLIBC_FLOOR = '2.17'
const ZIG_TARGET = `x86_64-unknown-linux-gnu.${GLIBC_FLOOR}`
const CARGO_ZIGBUILD = '0.24.1'
const ZIGLANG = '0.17.1'

const VENV = join(root, '.tmp', 'venv')

/** The environment in which `cargo zigbuild` finds both tools (the venv's bin first on PATH). */
export function ensureZigTools() {
  const bin = join(VENV, 'bin')
  const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` }
  const ready = (command, args) => spawnSync(join(bin, command), args, { env, stdio: 'ignore' }).status === 0
  if (!ready('cargo-zigbuild', ['--version']) || !ready('python3', ['-m', 'ziglang', 'version'])) {
    if (!existsSync(join(bin, 'pip'))) run('python3', ['-m', 'venv', VENV])
    run(join(bin, 'pip'), ['install', '--quiet', '--disable-pip-version-check', `ziglang==${ZIGLANG}`, `cargo-zigbuild==${CARGO_ZIGBUILD}`])
  }
  return env
}

/** Highest `GLIBC_x.y` symbol version a shared object needs (null when it needs none). */
export function glibcFloor(file) {
  const symbols = execFileSync('objdump', ['-T', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  const versions = [...new Set(symbols.match(/GLIBC_\d+(\.\d+)+/g) || [])].map((v) => v.slice(6))
  versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  return versions.at(-1) ?? null
}

/** Builds and places the platform binary; returns { platform, dir, file }. */
export function buildDist() {
  ensureAll()
  const host = addonPath()
  const platform = basename(host).replace(/^stream-video-native\.(.+)\.node$/, '$1')
  const dir = join(root, 'npm', platform)
  const file = join(dir, basename(host))
  if (platform === 'linux-x64-gnu') {
    const env = ensureZigTools()
    // Its own target dir: sharing the host build's would make each rebuild the other from scratch.
    const targetDir = join(root, 'target', 'zig')
    run('cargo', ['zigbuild', '--release', '--target', ZIG_TARGET, '--target-dir', targetDir], root, env)
    copyFileSync(join(targetDir, 'x86_64-unknown-linux-gnu', 'release', 'libstream_video_native.so'), file)
    console.log(`${basename(file)}: needs glibc ${glibcFloor(file)} at most`)
  } else {
    copyFileSync(host, file)
  }
  return { platform, dir, file }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildDist()
