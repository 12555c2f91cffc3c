// The user's path, for real: the release rehearsal publishes to a real npm
// registry on loopback (Verdaccio) exactly what a release publishes, then a
// fresh project with no Rust toolchain on PATH runs `npm install
// stream-video-native` by name and npm resolves the platform package itself.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import test from 'ava'
import { GLIBC_FLOOR, glibcFloor } from '../../scripts/build-dist.mjs'
import { root } from '../../scripts/ensure.mjs'
import { startRegistry } from '../../scripts/registry.mjs'
import { CACHES, EXERCISE, EXPECTED, LOADERS, MANAGERS as MANAGERS_BY_NAME, TOOLS } from '../../scripts/smoke-installed.mjs'

const PATH_WITHOUT_RUST = process.env.PATH.split(delimiter)
  .filter((dir) => !existsSync(join(dir, 'cargo')) && !existsSync(join(dir, 'rustc')))
  .join(delimiter)
const env = { ...process.env, PATH: PATH_WITHOUT_RUST, STREAM_LOG: 'silent' }
const PLATFORM = 'linux-x64-gnu'
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version

let registry
let project
const gitStatus = () => execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' })

test.before(async () => {
  registry = await startRegistry()
})
test.after.always(async () => {
  await registry?.stop()
  if (project) rmSync(project, { recursive: true, force: true })
})

function npmIn(dir, args) {
  return spawnSync('npm', [...args, '--registry', registry.url, '--no-audit', '--no-fund'], {
    cwd: dir,
    env: { ...env, NPM_CONFIG_USERCONFIG: registry.npmrc },
    encoding: 'utf8',
  })
}

function freshProject() {
  const dir = mkdtempSync(join(tmpdir(), 'svn-user-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }))
  return dir
}

function duKiB(dir) {
  let bytes = 0
  for (const entry of readdirSync(dir, { recursive: true })) {
    const stat = statSync(join(dir, entry))
    if (stat.isFile()) bytes += stat.size
  }
  return Math.round(bytes / 1024)
}

const node = (dir, file, source) => {
  writeFileSync(join(dir, file), source)
  return spawnSync(process.execPath, [file], { cwd: dir, env, encoding: 'utf8', timeout: 30000 })
}

test.serial('the rehearsal publishes the built platform package, then the root pinning all eight targets; the tree stays clean', (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return t.pass('the rehearsal test is written for linux x64')
  const before = gitStatus()
  const rehearsal = spawnSync('npm', ['run', '--silent', 'release:rehearse', '--', '--registry', registry.url], {
    cwd: root,
    env: { ...process.env, NPM_CONFIG_USERCONFIG: registry.npmrc },
    encoding: 'utf8',
  })
  t.is(rehearsal.status, 0, rehearsal.stderr + rehearsal.stdout)
  t.regex(rehearsal.stdout, /published 2 packages; not built here, so not published: /)
  t.is(gitStatus(), before, 'the working tree is as it was')
  const view = JSON.parse(npmIn(root, ['view', `stream-video-native@${version}`, '--json']).stdout)
  t.is(Object.keys(view.optionalDependencies).length, 8)
  t.true(
    Object.values(view.optionalDependencies).every((v) => v === version),
    'exact versions',
  )
  t.true('stream-video-native-win32-arm64-msvc' in view.optionalDependencies)
  t.like(view, { license: 'MIT', repository: { type: 'git' } })
  t.is(view.scripts, undefined, 'no scripts, so no install scripts')
  t.is(JSON.parse(npmIn(root, ['view', `stream-video-native-${PLATFORM}@${version}`, 'version', '--json']).stdout), version)
  // A second run publishes nothing new and does not fail.
  const again = spawnSync('npm', ['run', '--silent', 'release:rehearse', '--', '--registry', registry.url], {
    cwd: root,
    env: { ...process.env, NPM_CONFIG_USERCONFIG: registry.npmrc },
    encoding: 'utf8',
  })
  t.is(again.status, 0, again.stderr)
  t.regex(again.stdout, /already on .*: skipped/)
})

test.serial('npm install stream-video-native by name: npm picks the platform package, runs no scripts, needs no Rust', (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return t.pass('linux x64 only')
  t.not(spawnSync('cargo', ['--version'], { env }).status, 0, 'no cargo on PATH')
  project = freshProject()
  const started = Date.now()
  const install = npmIn(project, ['install', 'stream-video-native', '--cache', join(project, '.npm-cache'), '--foreground-scripts'])
  const ms = Date.now() - started
  t.is(install.status, 0, install.stderr)
  const modules = join(project, 'node_modules')
  const installed = readdirSync(modules).filter((d) => d.startsWith('stream-video-native'))
  t.deepEqual(installed.sort(), ['stream-video-native', `stream-video-native-${PLATFORM}`], 'npm chose the one matching package')
  for (const name of installed) {
    const scripts = JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).scripts ?? {}
    t.deepEqual(
      ['preinstall', 'install', 'postinstall', 'prepare'].filter((s) => s in scripts),
      [],
      `${name} has no install scripts`,
    )
    t.true(existsSync(join(modules, name, 'LICENSE')), `${name} ships its LICENSE`)
  }
  t.notRegex(install.stdout + install.stderr, /> .*(preinstall|install|postinstall)/, 'no lifecycle script ran')
  const binary = join(modules, `stream-video-native-${PLATFORM}`, `stream-video-native.${PLATFORM}.node`)
  const floor = glibcFloor(binary)
  t.true(floor.localeCompare(GLIBC_FLOOR, 'en', { numeric: true }) <= 0, `needs glibc ${floor}`)
  const kib = duKiB(modules)
  console.log(`registry install: stream-video-native by name in ${(ms / 1000).toFixed(1)} s, ${kib} KiB installed (node_modules), binary needs glibc ${floor}`)
})

test.serial('require and import both work and REST calls reach the emulator', (t) => {
  if (!project) return t.pass('linux x64 only')
  for (const [file, load] of Object.entries(LOADERS)) {
    const run = node(project, file, EXERCISE(load))
    t.is(run.status, 0, run.stderr)
    t.deepEqual(JSON.parse(run.stdout), EXPECTED, file)
  }
})

const loadError = (dir) =>
  JSON.parse(
    node(
      dir,
      'load.cjs',
      "try { require('stream-video-native'); console.log('{}') } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }",
    ).stdout,
  )

test.serial('a platform package whose binary cannot load names the platform and the real cause', (t) => {
  if (!project) return t.pass('linux x64 only')
  writeFileSync(join(project, 'node_modules', `stream-video-native-${PLATFORM}`, `stream-video-native.${PLATFORM}.node`), 'not a shared object')
  const { code, message } = loadError(project)
  t.is(code, 'STREAM_NATIVE_BINDING')
  t.true(message.includes(PLATFORM), message)
  t.regex(message, /invalid ELF header|file too short/, 'the loader’s own message')
  t.notRegex(message, /reinstall/)
})

test.serial('--omit=optional gives STREAM_NATIVE_BINDING naming the platform package', (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return t.pass('linux x64 only')
  const dir = freshProject()
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const install = npmIn(dir, ['install', 'stream-video-native', '--omit=optional'])
  t.is(install.status, 0, install.stderr)
  t.false(existsSync(join(dir, 'node_modules', `stream-video-native-${PLATFORM}`)))
  const { code, message } = loadError(dir)
  t.is(code, 'STREAM_NATIVE_BINDING')
  t.true(message.includes(`stream-video-native-${PLATFORM}`), message)
  t.regex(message, /optional dependencies/)
})

test.serial('the .npmrc of docs/deploying.md installs the platform package it names, by name', (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return t.pass('linux x64 only')
  const guide = readFileSync(join(root, 'docs', 'deploying.md'), 'utf8')
  const npmrc = /```ini\n(# \.npmrc[^\n]*\n[\s\S]*?)```/.exec(guide)?.[1]
  t.truthy(npmrc, 'docs/deploying.md shows an .npmrc')
  const settings = Object.fromEntries(
    npmrc
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split('=')),
  )
  t.deepEqual(Object.keys(settings).sort(), ['cpu', 'libc', 'os'])
  const dir = freshProject()
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, '.npmrc'), npmrc)
  const install = npmIn(dir, ['install', 'stream-video-native'])
  t.is(install.status, 0, install.stderr)
  const platform = `${settings.os}-${settings.cpu}-${settings.libc === 'glibc' ? 'gnu' : 'musl'}`
  t.true(existsSync(join(dir, 'node_modules', `stream-video-native-${platform}`, 'package.json')), `stream-video-native-${platform} is installed`)
  t.false(existsSync(join(dir, 'node_modules', 'stream-video-native-linux-arm64-gnu')))
})

// ---------------------------------------------------------------- other package managers

const PM_TOOLS = join(root, '.tmp', 'package-managers')
/** pnpm, Yarn 4 and Bun, from npm into .tmp/ on first use (each is an npm package; nothing downloads its own). */
function packageManagers() {
  const bin = join(PM_TOOLS, 'node_modules', '.bin')
  if (!existsSync(join(bin, 'yarn'))) {
    mkdirSync(PM_TOOLS, { recursive: true })
    writeFileSync(join(PM_TOOLS, 'package.json'), '{"name":"package-managers","private":true}')
    execFileSync('npm', ['install', '--no-audit', '--no-fund', ...Object.values(TOOLS)], { cwd: PM_TOOLS, stdio: 'inherit' })
  }
  return { pnpm: join(bin, 'pnpm'), yarn: join(bin, 'yarn'), bun: join(bin, 'bun') }
}

/**
 * Stand-ins for the seven platform packages this machine cannot build, at the
 * release's version, as a real release has them: Yarn resolves every
 * optional dependency before it skips the other platforms.
 */
function publishStandIns(t) {
  for (const platform of readdirSync(join(root, 'npm')).filter((p) => p !== PLATFORM)) {
    const manifest = JSON.parse(readFileSync(join(root, 'npm', platform, 'package.json'), 'utf8'))
    if (npmIn(root, ['view', `${manifest.name}@${version}`, 'version']).stdout.trim() === version) continue
    const dir = mkdtempSync(join(tmpdir(), 'svn-stand-in-'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, files: undefined }))
    writeFileSync(join(dir, manifest.main), 'a stand-in: not a binary')
    const published = npmIn(dir, ['publish'])
    rmSync(dir, { recursive: true, force: true })
    t.is(published.status, 0, published.stderr)
  }
}

/**
 * Each package manager, as docs/deploying.md configures it: its own config file in
 * the project (the registry line is this test's), the command users run, and
 * where the platform package lands.
 */
const MANAGERS = {
  pnpm: {
    files: (url) => ({ '.npmrc': `registry=${url}\n` }),
    add: (tools) => [tools.pnpm, 'add', 'stream-video-native'],
    platformPackage: (dir) => readdirSync(join(dir, 'node_modules', '.pnpm')).filter((d) => d.startsWith('stream-video-native-')),
  },
  'yarn (node-modules)': {
    files: (url) => ({ '.yarnrc.yml': yarnrc(url, 'node-modules'), 'yarn.lock': '' }),
    add: (tools) => [tools.yarn, 'add', 'stream-video-native'],
    platformPackage: (dir) => readdirSync(join(dir, 'node_modules')).filter((d) => d.startsWith('stream-video-native-')),
  },
  'yarn (Plug’n’Play)': {
    files: (url) => ({ '.yarnrc.yml': yarnrc(url, 'pnp'), 'yarn.lock': '' }),
    add: (tools) => [tools.yarn, 'add', 'stream-video-native'],
    platformPackage: (dir) =>
      readdirSync(join(dir, '.yarn', 'cache')).filter((f) => f.startsWith('stream-video-native-') && !f.startsWith('stream-video-native-npm-')),
    node: (dir) => ['-r', join(dir, '.pnp.cjs')],
  },
  'bun install': {
    files: (url) => ({ 'bunfig.toml': `[install]\nregistry = "${url}"\n` }),
    add: (tools) => [tools.bun, 'add', 'stream-video-native'],
    platformPackage: (dir) => readdirSync(join(dir, 'node_modules')).filter((d) => d.startsWith('stream-video-native-')),
  },
}

/** A Yarn 4 project on the test registry: the `nodeLinker` line of docs/deploying.md, and no age gate for this brand-new release. */
const yarnrc = (url, linker) =>
  [`nodeLinker: ${linker}`, `npmRegistryServer: "${url}"`, 'unsafeHttpWhitelist: ["127.0.0.1"]', 'npmMinimalAgeGate: 0', 'enableTelemetry: false', ''].join(
    '\n',
  )

for (const [name, manager] of Object.entries(MANAGERS)) {
  test.serial(`${name} installs by name from the registry, picks ${PLATFORM}, runs no scripts, and the package loads`, (t) => {
    if (process.platform !== 'linux' || process.arch !== 'x64') return t.pass('linux x64 only')
    const tools = packageManagers()
    publishStandIns(t)
    const dir = freshProject()
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    for (const [file, text] of Object.entries(manager.files(registry.url))) writeFileSync(join(dir, file), text)
    const [command, ...args] = manager.add(tools)
    const started = Date.now()
    const install = spawnSync(command, args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...env, ...CACHES(dir) },
    })
    const ms = Date.now() - started
    t.is(install.status, 0, install.stdout + install.stderr)
    const platforms = manager.platformPackage(dir).join(' ')
    t.regex(platforms, new RegExp(`stream-video-native-${PLATFORM}`))
    t.notRegex(platforms, /darwin|win32|arm64|musl/, `only ${PLATFORM}: ${platforms}`)
    t.notRegex(install.stdout + install.stderr, /postinstall|node-gyp/, 'no install script ran')
    const loaded = spawnSync(
      process.execPath,
      [...(manager.node?.(dir) ?? []), '-e', "const s = require('stream-video-native'); console.log(s.generateStreamTokenSync('u').split('.').length)"],
      { cwd: dir, encoding: 'utf8', env: { ...env, STREAM_API_KEY: 'k', STREAM_API_SECRET: 's' } },
    )
    t.is(loaded.stdout.trim(), '3', loaded.stderr)
    const caches = Object.values(CACHES(dir)).filter((c) => c.startsWith(dir) && existsSync(c))
    const kib = duKiB(dir) - caches.reduce((sum, c) => sum + duKiB(c), 0)
    t.log(`${name}: installed in ${(ms / 1000).toFixed(1)} s, ${kib} KiB in the project`)
  })
}

test.serial("the release's post-publish check (scripts/smoke-installed.mjs) passes against this registry with all four package managers", (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return t.pass('linux x64 only')
  publishStandIns(t)
  for (const pm of Object.keys(MANAGERS_BY_NAME)) {
    const run = spawnSync(process.execPath, [join(root, 'scripts', 'smoke-installed.mjs'), '--pm', pm, '--version', version, '--registry', registry.url], {
      encoding: 'utf8',
      env,
      timeout: 300_000,
    })
    t.is(run.status, 0, `${pm}: ${run.stdout}${run.stderr}`)
    t.regex(run.stdout, new RegExp(`^${pm} installed stream-video-native@${version.replace(/\./g, '\\.')} by name`))
  }
})
