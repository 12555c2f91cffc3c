// Builds the binary that goes into a platform's npm package (npm/<platform>/):
// this machine's by default, or `--target <triple>` (what the release
// workflow runs on each runner). Linux glibc builds link against glibc 2.17
// with zig through cargo-zigbuild, so the package loads on old distributions
// (a plain build here needs glibc 2.34); a binary that needs more fails the
// build. Builds are `--locked` to Cargo.lock. Both tools come from PyPI (`ziglang`, and
// `cargo-zigbuild`'s prebuilt wheel) into a virtual environment under .tmp/,
// never the system pip (Debian and Ubuntu refuse it, PEP 668). Elsewhere it
// ships the host build.
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync } from 'node:fs'
import { basename, delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { addonPath, ensureAll, root, run } from './ensure.mjs'

export const GLIBC_FLOOR = '2.17'
const CARGO_ZIGBUILD = '0.24.1'
const ZIGLANG = '0.17.1'

const VENV = join(root, '.tmp', 'venv')

/** The environment in which `cargo zigbuild` finds both tools (the venv's bin first on PATH). */
function ensureZigTools() {
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

/** Fails when the binary needs a newer glibc than the floor users are promised. */
export function checkGlibcFloor(file, floor = GLIBC_FLOOR) {
  const needed = glibcFloor(file)
  if (needed && needed.localeCompare(floor, 'en', { numeric: true }) > 0) {
    throw new Error(`${basename(file)} needs glibc ${needed}, above the promised floor of ${floor}: it would not load on older distributions`)
  }
  console.log(`${basename(file)}: needs glibc ${needed ?? 'none'} at most (floor ${floor})`)
}

/** napi's platform directory names for the Rust target triples in package.json. */
export const PLATFORMS = {
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
  'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'x86_64-unknown-linux-musl': 'linux-x64-musl',
  'aarch64-unknown-linux-musl': 'linux-arm64-musl',
  'x86_64-apple-darwin': 'darwin-x64',
  'aarch64-apple-darwin': 'darwin-arm64',
  'x86_64-pc-windows-msvc': 'win32-x64-msvc',
  'aarch64-pc-windows-msvc': 'win32-arm64-msvc',
}

/**
 * Builds the release binary for `target` (a Rust triple) into npm/<platform>/.
 * Linux targets go through cargo-zigbuild (glibc 2.17 floor for gnu, musl
 * linked dynamically as Node needs); macOS and Windows through cargo.
 */
function buildTarget(target) {
  const platform = PLATFORMS[target]
  if (!platform) throw new Error(`unknown target ${target}; known: ${Object.keys(PLATFORMS).join(', ')}`)
  const dir = join(root, 'npm', platform)
  const file = join(dir, `stream-video-native.${platform}.node`)
  // Their own target dir: sharing the host build's would make each rebuild the other from scratch.
  const targetDir = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'dist')
  const out = join(targetDir, target, 'release')
  if (target.includes('linux')) {
    const env = ensureZigTools()
    if (target.endsWith('musl')) env.RUSTFLAGS = `${env.RUSTFLAGS ?? ''} -C target-feature=-crt-static`.trim()
    const zigTarget = target.endsWith('gnu') ? `${target}.${GLIBC_FLOOR}` : target
    run('cargo', ['zigbuild', '--locked', '--release', '--target', zigTarget, '--target-dir', targetDir], root, env)
    copyFileSync(join(out, 'libstream_video_native.so'), file)
    if (target.endsWith('gnu')) checkGlibcFloor(file)
  } else {
    run('cargo', ['build', '--locked', '--release', '--target', target, '--target-dir', targetDir])
    copyFileSync(join(out, target.includes('windows') ? 'stream_video_native.dll' : 'libstream_video_native.dylib'), file)
  }
  return { platform, dir, file }
}

/**
 * Builds and places a platform binary; returns { platform, dir, file }.
 * Without a target: this machine's (after the host build the tests use).
 */
export function buildDist(target) {
  if (target) return buildTarget(target)
  ensureAll()
  const host = addonPath()
  const platform = basename(host).replace(/^stream-video-native\.(.+)\.node$/, '$1')
  if (platform === 'linux-x64-gnu') return buildTarget('x86_64-unknown-linux-gnu')
  const dir = join(root, 'npm', platform)
  const file = join(dir, basename(host))
  copyFileSync(host, file)
  return { platform, dir, file }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { target: { type: 'string' } } })
  buildDist(values.target)
}
