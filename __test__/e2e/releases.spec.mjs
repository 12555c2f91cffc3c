// The second release must work too, as the person cutting it would do it, in
// a scratch clone against a real registry on loopback (Verdaccio):
//   0.1.0  `npm version 0.1.0 --allow-same-version`, build, tagged publish;
//   0.2.0  `npm version minor` bumps package.json, npm/*, Cargo.toml/lock,
//          binding.js and the CHANGELOG in one commit; a rebuild changes
//          nothing; the published binary says 0.2.0 in X-Stream-Client; an
//          app on 0.1.0 moves root and platform package with `npm update`;
//   0.3.0  someone else published `stream-video-native-linux-x64-gnu@0.3.0`
//          first, and another account planted `stream-video-native-darwin-arm64`
//          (a target not built here) at 5.0.0: the release refuses before its
//          first publish, names both, and nothing of 0.3.0 goes out.
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import test from 'ava'
import { root } from '../../scripts/ensure.mjs'
import { startRegistry } from '../../scripts/registry.mjs'

const execFileAsync = promisify(execFile)
const PLATFORM_PACKAGE = 'stream-video-native-linux-x64-gnu'
let registry
const scratch = []

test.before(async () => {
  registry = await startRegistry()
})
test.after.always(async () => {
  await registry?.stop()
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
})

function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  scratch.push(dir)
  return dir
}

/** Runs a command, failing the test with its output when it fails; returns stdout. */
function sh(t, cwd, command, args, env = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NPM_CONFIG_USERCONFIG: registry.npmrc, CARGO_TARGET_DIR: join(root, 'target'), ...env },
    maxBuffer: 64 * 1024 * 1024,
  })
  if (result.status !== 0) t.fail(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  return result
}

const npmArgs = (args) => [...args, '--registry', registry.url, '--no-audit', '--no-fund']
const json = (file) => JSON.parse(readFileSync(file, 'utf8'))

/** The X-Stream-Client the package installed in `app` sends. */
async function clientHeader(app) {
  let header = null
  const server = http.createServer((req, res) => {
    header = req.headers['x-stream-client']
    req.resume()
    res.writeHead(201, { 'content-type': 'application/json' }).end('{"duration":"1ms"}')
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const script = `require('stream-video-native').createStreamClient({ apiKey: 'k', apiSecret: 's', baseUrl: 'http://127.0.0.1:${server.address().port}' }).endCall('c').then(() => console.log('ok'))`
  // Asynchronously: the server answering it lives in this process.
  const run = await execFileAsync(process.execPath, ['-e', script], { cwd: app, timeout: 30_000 }).catch((e) => e)
  await new Promise((r) => server.close(r))
  return { header, run }
}

test.serial('two releases in a row, then a squatted and a planted name stop the third before anything is published', async (t) => {
  if (process.platform !== 'linux' || process.arch !== 'x64') return t.pass('the release rehearsal is written for linux x64')
  const clone = join(tempDir('svn-release-'), 'repo')
  execFileSync('git', ['clone', '--quiet', root, clone])
  for (const [key, value] of [
    ['user.name', 'Release Rehearsal'],
    ['user.email', 'release@example.invalid'],
  ])
    execFileSync('git', ['config', key, value], { cwd: clone })
  sh(t, clone, 'npm', ['ci', '--no-audit', '--no-fund'])
  const publish = (version) => sh(t, clone, process.execPath, ['scripts/publish.mjs', '--registry', registry.url, '--tag-version', `v${version}`])

  // 0.1.0, released as RELEASING.md says.
  sh(t, clone, 'npm', ['version', '0.1.0', '--allow-same-version'])
  sh(t, clone, process.execPath, ['scripts/build-dist.mjs'])
  t.regex(publish('0.1.0').stdout, /published 2 packages/)
  const app = tempDir('svn-app-')
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies: { 'stream-video-native': '>=0.1.0 <1' } }))
  sh(t, app, 'npm', npmArgs(['install']))
  t.is(json(join(app, 'node_modules', PLATFORM_PACKAGE, 'package.json')).version, '0.1.0')

  // 0.2.0: one command bumps everything.
  const changelog = readFileSync(join(clone, 'CHANGELOG.md'), 'utf8').replace('# Changelog\n', '# Changelog\n\n## Unreleased\n\n- The second release.\n')
  writeFileSync(join(clone, 'CHANGELOG.md'), changelog)
  sh(t, clone, 'git', ['commit', '--quiet', '-am', 'Changelog for the next release'])
  sh(t, clone, 'npm', ['version', 'minor'])
  const changed = sh(t, clone, 'git', ['show', '--name-only', '--format=', 'HEAD']).stdout.trim().split('\n').sort()
  for (const file of [
    'Cargo.lock',
    'Cargo.toml',
    'CHANGELOG.md',
    'binding.js',
    'package-lock.json',
    'package.json',
    `npm/linux-x64-gnu/package.json`,
    'npm/win32-arm64-msvc/package.json',
  ]) {
    t.true(changed.includes(file), `${file} is in the version commit (${changed.join(', ')})`)
  }
  t.is(sh(t, clone, 'git', ['tag', '--points-at', 'HEAD']).stdout.trim(), 'v0.2.0')
  t.regex(readFileSync(join(clone, 'Cargo.toml'), 'utf8'), /^version = "0\.2\.0"$/m)
  t.regex(readFileSync(join(clone, 'CHANGELOG.md'), 'utf8'), /^## 0\.2\.0 \(\d{4}-\d\d-\d\d\)$/m)
  t.false(readFileSync(join(clone, 'binding.js'), 'utf8').includes("'0.1.0'"))
  sh(t, clone, process.execPath, ['scripts/build-dist.mjs'])
  t.is(sh(t, clone, 'git', ['status', '--porcelain']).stdout, '', 'napi build regenerated binding.js exactly as npm version wrote it')
  const second = publish('0.2.0').stdout
  t.regex(second, /published 2 packages/)
  t.log(`the second rehearsal:\n${second.trim()}`)

  const fresh = tempDir('svn-app2-')
  writeFileSync(join(fresh, 'package.json'), JSON.stringify({ name: 'fresh', private: true }))
  sh(t, fresh, 'npm', npmArgs(['install', 'stream-video-native@0.2.0']))
  const { header, run } = await clientHeader(fresh)
  t.is(run.stdout?.trim(), 'ok', String(run.stderr ?? run))
  t.is(header, 'stream-video-native-0.2.0', 'the binary itself is 0.2.0')
  sh(t, app, 'npm', npmArgs(['update']))
  t.is(json(join(app, 'node_modules', 'stream-video-native', 'package.json')).version, '0.2.0')
  t.is(json(join(app, 'node_modules', PLATFORM_PACKAGE, 'package.json')).version, '0.2.0', 'npm update moved the platform package too')

  // 0.3.0: someone else got there first.
  const foreign = tempDir('svn-squat-')
  writeFileSync(join(foreign, 'package.json'), JSON.stringify({ name: PLATFORM_PACKAGE, version: '0.3.0', main: 'index.js' }))
  writeFileSync(join(foreign, 'index.js'), 'module.exports = "not the real binary"\n')
  sh(t, foreign, 'npm', npmArgs(['publish']))
  const planted = tempDir('svn-planted-')
  writeFileSync(
    join(planted, 'package.json'),
    JSON.stringify({ name: 'stream-video-native-darwin-arm64', version: '5.0.0', repository: { type: 'git', url: 'https://example.invalid/intruder.git' } }),
  )
  sh(t, planted, 'npm', npmArgs(['publish']), { NPM_CONFIG_USERCONFIG: await registry.addUser('intruder') })
  writeFileSync(
    join(clone, 'CHANGELOG.md'),
    readFileSync(join(clone, 'CHANGELOG.md'), 'utf8').replace('# Changelog\n', '# Changelog\n\n## Unreleased\n\n- A third.\n'),
  )
  sh(t, clone, 'git', ['commit', '--quiet', '-am', 'Changelog for the third release'])
  sh(t, clone, 'npm', ['version', 'minor'])
  const refused = spawnSync(process.execPath, ['scripts/publish.mjs', '--registry', registry.url, '--tag-version', 'v0.3.0'], {
    cwd: clone,
    encoding: 'utf8',
    env: { ...process.env, NPM_CONFIG_USERCONFIG: registry.npmrc },
  })
  t.not(refused.status, 0)
  t.regex(refused.stderr, new RegExp(`${PLATFORM_PACKAGE}@0\\.3\\.0 is already on .* with other contents`))
  const root030 = spawnSync('npm', npmArgs(['view', 'stream-video-native@0.3.0', 'version']), { encoding: 'utf8' })
  t.is(root030.stdout.trim(), '', 'the root 0.3.0 never went out')
  t.regex(refused.stderr, /stream-video-native-darwin-arm64 holds 5\.0\.0 from https:\/\/example\.invalid\/intruder\.git/)
  t.log(refused.stderr.trim())
})
