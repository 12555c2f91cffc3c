// The release decisions that cannot run here for real (GitHub Actions, npm's
// provenance rules, the dist-tag of a prerelease), checked as functions; the
// releases themselves are rehearsed in __test__/e2e/releases.spec.mjs.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { checkGlibcFloor } from '../scripts/build-dist.mjs'
import { compareVersions, distTag, monikerTwin, ownership, provenance, releasePlan, stageRoot } from '../scripts/publish.mjs'
import { changelogEntry, changelogFor, plan, UNRELEASED } from '../scripts/version.mjs'

const manifest = { repository: { type: 'git', url: 'git+https://github.com/stream-video-native/stream-video-native.git' } }
const actions = { GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'stream-video-native/stream-video-native' }

test('a prerelease goes to next, a release to latest, an explicit tag wins', (t) => {
  t.is(distTag('0.2.0'), 'latest')
  t.is(distTag('1.0.0-rc.1'), 'next')
  t.is(distTag('1.0.0-beta'), 'next')
  t.is(distTag('1.0.0-rc.1', 'canary'), 'canary')
})

test('latest never moves backwards: a backport goes to latest-<major>.<minor>', (t) => {
  t.is(distTag('0.1.5', undefined, '0.2.0'), 'latest-0.1')
  t.is(distTag('0.2.1', undefined, '0.2.0'), 'latest')
  t.is(distTag('0.2.0', undefined, '0.2.0'), 'latest', 'a rerun of the same release')
  t.is(distTag('1.0.0', undefined, '1.0.0-rc.3'), 'latest')
  t.is(distTag('0.9.9', undefined, '0.10.0'), 'latest-0.9', 'numbers compare as numbers')
  t.is(compareVersions('1.0.0-rc.2', '1.0.0-rc.10'), -1)
  t.is(compareVersions('1.0.0', '1.0.0-rc.10'), 1)
  t.is(compareVersions('2.0.0', '10.0.0'), -1)
})

const REPO = 'git+https://github.com/stream-video-native/stream-video-native.git'
const doc = (fields, versions = { '0.1.0': { repository: { url: REPO } } }) => ({ name: 'n', ...fields, versions })

test('a name is ours when it is free, owned by us, or (where the registry records no owners) only ever published from our repository', (t) => {
  const us = { owners: ['releaser'], repository: REPO }
  t.is(ownership('n', null, us), null, 'free')
  t.is(ownership('n', doc({ maintainers: [{ name: 'releaser', email: 'r@x' }, { name: 'other' }] }), us), null)
  t.is(ownership('n', doc({ maintainers: ['releaser <r@x>'] }), us), null, 'the old string form')
  t.is(ownership('n', doc({}), us), null, 'no owners recorded, every version from our repository')
  t.is(ownership('n', doc({}, { '0.1.0': { repository: { url: 'https://github.com/stream-video-native/stream-video-native' } } }), us), null)
  t.is(ownership('n', doc({ maintainers: [{ name: 'intruder' }] }), us), 'n is owned by intruder, not releaser')
  t.is(
    ownership('n', doc({ maintainers: [{ name: 'intruder' }] }), { owners: [], repository: REPO }),
    'n is owned by intruder',
    'nobody is us: without a user or root maintainers nothing is ours',
  )
  t.regex(
    ownership('n', doc({}, { '5.0.0': { repository: { url: 'https://example.invalid/x.git' } } }), us),
    /holds 5\.0\.0 from https:\/\/example\.invalid\/x\.git.*not provably ours/,
  )
  t.regex(ownership('n', doc({}, { '0.1.0': { repository: { url: REPO } }, '0.3.0': {} }), us), /holds 0\.3\.0 from no repository/)
})

test("npm's too-similar rule: the punctuation-free twin of each name is asked about", (t) => {
  t.is(monikerTwin('stream-video-native-linux-x64-gnu'), 'streamvideonativelinuxx64gnu')
  t.is(monikerTwin('stream_video.native'), 'streamvideonative')
  t.is(monikerTwin('plain'), null)
  t.is(monikerTwin('@scope/a-b'), null, "scoped names are the scope owner's")
})

test('publint (strict) finds nothing to fix in any of the nine packages as published', async (t) => {
  const { publint } = await import('publint')
  const plan = releasePlan()
  // Each platform package as it goes out, its binary stood in for where this checkout has none.
  const scratch = mkdtempSync(join(tmpdir(), 'svn-publint-'))
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }))
  const platforms = plan.targets.map((target) => {
    const dir = join(scratch, target.platform)
    cpSync(target.dir, dir, { recursive: true })
    if (!target.built) writeFileSync(join(dir, target.pkg.main), 'a stand-in for the binary')
    return dir
  })
  const dirs = [stageRoot(plan), ...platforms]
  t.is(dirs.length, 9)
  for (const dir of dirs) {
    const { messages } = await publint({ pkgDir: dir, strict: true })
    t.deepEqual(
      messages.map((m) => `${m.type} ${m.code} ${m.path?.join('.')}`),
      [],
      dir,
    )
  }
})

test('provenance only where npm accepts it', (t) => {
  t.deepEqual(provenance(manifest, false, actions), { use: false })
  t.regex(provenance(manifest, true, {}).note, /not in GitHub Actions/)
  t.deepEqual(provenance(manifest, true, { ...actions, REPOSITORY_VISIBILITY: 'public' }), { use: true })
  t.regex(provenance(manifest, true, { ...actions, REPOSITORY_VISIBILITY: 'private' }).note, /private: publishing without provenance/)
  const fork = provenance(manifest, true, { ...actions, GITHUB_REPOSITORY: 'someone/fork', REPOSITORY_VISIBILITY: 'public' })
  t.false(fork.use)
  t.regex(
    fork.problem,
    /repository\.url is git\+https:\/\/github\.com\/stream-video-native\/stream-video-native\.git, but this workflow runs in https:\/\/github\.com\/someone\/fork/,
  )
})

test('the CHANGELOG: the unreleased heading and a version’s entry', (t) => {
  for (const heading of ['## Unreleased', '## unreleased', '## 0.1.0 (unreleased)']) t.true(UNRELEASED.test(`# Changelog\n\n${heading}\n`), heading)
  t.false(UNRELEASED.test('# Changelog\n\n## 0.1.0 (2026-12-01)\n'))
  const changelog = '# Changelog\n\n## 0.2.0 (2026-12-24)\n\n- Two.\n\n## 0.1.0 (2026-12-01)\n\n- One.\n'
  t.is(changelogEntry('0.2.0', changelog), '- Two.')
  t.is(changelogEntry('0.1.0', changelog), '- One.')
  t.throws(() => changelogEntry('0.3.0', changelog), { message: /no "## 0\.3\.0" section/ })
})

test('a Linux binary that needs a newer glibc than the floor fails the build', (t) => {
  const lib = '/usr/lib/x86_64-linux-gnu/libstdc++.so.6'
  if (process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(lib)) return t.pass('needs a glibc system library to look at')
  t.throws(() => checkGlibcFloor(lib, '2.17'), { message: /needs glibc 2\.\d+, above the promised floor of 2\.17/ })
  t.notThrows(() => checkGlibcFloor(lib, '9.99'))
})

test('a prerelease copies the unreleased notes, so rc.0, rc.1 and the release all carry them', (t) => {
  let changelog = '# Changelog\n\n## Unreleased\n\n- New.\n- Fixed.\n\n## 0.1.0 (2026-12-01)\n\n- One.\n'
  changelog = changelogFor('0.2.0-rc.0', changelog, '2026-12-10')
  changelog = changelogFor('0.2.0-rc.1', changelog, '2026-12-11')
  t.true(UNRELEASED.test(changelog), 'the unreleased section stays for the release')
  changelog = changelogFor('0.2.0', changelog, '2026-12-12')
  t.false(UNRELEASED.test(changelog))
  for (const version of ['0.2.0-rc.0', '0.2.0-rc.1', '0.2.0']) t.is(changelogEntry(version, changelog), '- New.\n- Fixed.', version)
  t.is(changelogEntry('0.1.0', changelog), '- One.')
})

test('a version bump checks everything before it writes anything: npm runs the checks as preversion', (t) => {
  const files = {
    'CHANGELOG.md': '# Changelog\n\n## Unreleased\n\n- New.\n',
    'Cargo.toml': '[package]\nname = "stream_video_native"\nversion = "0.1.0"\n',
    'Cargo.lock': '[[package]]\nname = "stream_video_native"\nversion = "0.1.0"\n',
    'binding.js': "if (bindingPackageVersion !== '0.1.0') throw new Error('expected 0.1.0 but got ' + v)",
  }
  const next = plan('0.2.0', files, '2026-12-12')
  t.regex(next['Cargo.toml'], /version = "0.2.0"/)
  t.regex(next['binding.js'], /!== '0.2.0'.*expected 0.2.0 but got/)
  t.throws(() => plan('0.2.0', { ...files, 'CHANGELOG.md': '# Changelog\n\n## 0.1.0 (2026-12-01)\n' }), { message: /no "## Unreleased" section/ })
  t.throws(() => plan('0.2.0', { ...files, 'binding.js': 'changed by hand' }), { message: /binding\.js: expected/ })
  t.throws(() => plan('two', files), { message: /not a version/ })
  const scripts = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts
  t.is(scripts.preversion, 'node scripts/version.mjs --check')
})
