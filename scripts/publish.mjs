// Publishes a release: every platform package whose binary is present, then
// the root package with exact-version optionalDependencies on all targets.
// The release workflow and a local rehearsal run this same script:
//
//   npm run release:rehearse -- --registry http://127.0.0.1:4873   # what this machine built
//   node scripts/publish.mjs --all --provenance --tag-version v0.1.0 # the workflow: every target
//
// Everything is checked before anything is published (versions in sync, the
// tag matches, license and repository on every package, a binary for every
// target with --all, Cargo.toml and the CHANGELOG), so a release is never
// half out. A version already on the registry is skipped only when it is
// byte for byte what this release would publish (its `dist.integrity` equals
// `npm pack`'s here), so a rerun after a network failure finishes the job.
// Every one of the nine names must be ours before the first publish: absent
// (and not npm's "too similar" twin of a taken name), or owned by us (see
// `ownership`). publint checks each package. A prerelease (`1.0.0-rc.1`)
// goes to the `next` dist-tag, never `latest`, and a release older than the
// registry's `latest` (a backport) goes to `latest-<major>.<minor>`.
// Provenance is asked for only where npm accepts it: in GitHub
// Actions, for a public repository whose URL is the package's
// `repository.url`. npm's own auth for the registry is used; the root package
// is staged under .tmp/, so the working tree stays as it was.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { PLATFORMS } from './build-dist.mjs'
import { npm, root } from './ensure.mjs'
import { UNRELEASED } from './version.mjs'

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

/** The release as it stands on disk: root manifest and one entry per target. */
export function releasePlan() {
  const manifest = readJson(join(root, 'package.json'))
  const targets = manifest.napi.targets.map((triple) => {
    const platform = PLATFORMS[triple]
    if (!platform) throw new Error(`no platform directory is known for target ${triple}`)
    const dir = join(root, 'npm', platform)
    const pkg = readJson(join(dir, 'package.json'))
    return { triple, platform, dir, pkg, built: existsSync(join(dir, pkg.main)) }
  })
  return { manifest, targets }
}

/** Every problem that would make the release fail half-way, found before it starts. */
export function preflight({ manifest, targets }, { all = false, tagVersion } = {}) {
  const problems = []
  const { version } = manifest
  if (tagVersion !== undefined && tagVersion.replace(/^v/, '') !== version) problems.push(`the tag ${tagVersion} is not v${version} (package.json)`)
  const cargo = /^version = "([^"]*)"/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))?.[1]
  if (cargo !== version) problems.push(`Cargo.toml is at ${cargo}, not ${version}: X-Stream-Client would name the wrong version (run \`npm version\`)`)
  if (tagVersion !== undefined) {
    const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8')
    const heading = new RegExp(`^## ${version.replace(/\./g, '\\.')}( |$)`, 'm').exec(changelog)
    if (!heading) problems.push(`CHANGELOG.md has no "## ${version}" section`)
    else if (UNRELEASED.test(changelog.slice(heading.index).split('\n')[0]))
      problems.push(`CHANGELOG.md still calls ${version} unreleased (run \`npm version\`)`)
  }
  const binding = readFileSync(join(root, 'binding.js'), 'utf8')
  if (!binding.includes(`expected ${version} but got`))
    problems.push(`binding.js was generated for another version than ${version}: run \`npx napi version\` and rebuild`)
  for (const [name, pkg, dir] of [[manifest.name, manifest, root], ...targets.map((t) => [t.pkg.name, t.pkg, t.dir])]) {
    if (pkg.version !== version) problems.push(`${name} is at ${pkg.version}, not ${version} (run \`npx napi version\`)`)
    if (!pkg.license) problems.push(`${name} has no license field`)
    if (!pkg.repository?.url) problems.push(`${name} has no repository field (npm refuses provenance without it)`)
    if (!existsSync(join(dir, 'LICENSE'))) problems.push(`${name} has no LICENSE file`)
  }
  for (const t of targets) {
    if (!t.pkg.name.endsWith(t.platform)) problems.push(`npm/${t.platform} holds ${t.pkg.name}`)
    if (all && !t.built) problems.push(`no binary for ${t.triple} (npm/${t.platform}/${t.pkg.main})`)
  }
  if (!targets.some((t) => t.built)) problems.push('no platform binary is built at all')
  return problems
}

/** The root package as published: its files plus exact-version optionalDependencies on every target. */
export function stageRoot({ manifest, targets }) {
  const stage = join(root, '.tmp', 'publish', 'root')
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  for (const file of [...manifest.files, 'README.md']) {
    if (existsSync(join(root, file))) cpSync(join(root, file), join(stage, file), { recursive: true })
  }
  const published = { ...manifest, optionalDependencies: Object.fromEntries(targets.map((t) => [t.pkg.name, manifest.version])) }
  delete published.devDependencies
  delete published.scripts
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`)
  return stage
}

/** The registry's document for `name` (all versions, maintainers), or null when the name is free. */
async function packument(name, registry) {
  const response = await fetch(`${registry.replace(/\/$/, '')}/${name.replace('/', '%2f')}`, { headers: { accept: 'application/json' } })
  if (response.status === 404) return null
  if (!response.ok) throw new Error(`${registry} answered ${response.status} for ${name}: cannot tell whose it is`)
  return response.json()
}

/** The account npm publishes as on `registry`, or null (no token: trusted publishing). */
function whoami(registry) {
  const who = spawnSync(npm, ['whoami', '--registry', registry], { encoding: 'utf8' })
  return who.status === 0 ? who.stdout.trim() : null
}

/** publint's errors and warnings for the package in `dir`. */
async function lint(dir) {
  const { publint } = await import('publint')
  const { formatMessage } = await import('publint/utils')
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const { messages } = await publint({ pkgDir: dir, strict: true })
  return messages.filter((m) => m.type !== 'suggestion').map((m) => `${pkg.name}: ${formatMessage(m, pkg)}`)
}

/** The integrity of the tarball `npm publish dir` would upload. */
function localIntegrity(dir) {
  const [packed] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts', dir], { encoding: 'utf8', cwd: root }))
  return packed.integrity
}

/** -1, 0 or 1 as release `a` is older than, the same as or newer than `b` (x.y.z, prerelease after a dash). */
export function compareVersions(a, b) {
  const parse = (v) => {
    const [core, pre] = v.split(/-(.*)/s)
    return { core: core.split('.').map(Number), pre }
  }
  const [x, y] = [parse(a), parse(b)]
  for (let i = 0; i < 3; i++) if (x.core[i] !== y.core[i]) return x.core[i] < y.core[i] ? -1 : 1
  if (x.pre === y.pre) return 0
  if (x.pre === undefined || y.pre === undefined) return x.pre === undefined ? 1 : -1
  return x.pre.localeCompare(y.pre, 'en', { numeric: true }) < 0 ? -1 : 1
}

/**
 * The dist-tag a release goes to, unless one is given: `next` for a
 * prerelease (`1.0.0-rc.1`); `latest` for a release, unless the registry's
 * `latest` is newer (a backport such as 0.1.5 after 0.2.0), which goes to
 * `latest-0.1` so `npm install` never moves backwards.
 */
export function distTag(version, tag, currentLatest) {
  if (tag) return tag
  if (version.includes('-')) return 'next'
  if (currentLatest && compareVersions(version, currentLatest) < 0) return `latest-${version.split('.').slice(0, 2).join('.')}`
  return 'latest'
}

/** A repository URL as compared: no `git+`, no `.git`, lower case. */
const normalizeRepository = (url) =>
  String(url ?? '')
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .toLowerCase()

/**
 * Why `name` is not ours to publish, or null when it is. `packument` is what
 * the registry holds under the name (null: nothing); `owners` the accounts
 * that are us (the publishing user, or the root package's maintainers under
 * trusted publishing, where npm has no `whoami`). npmjs records `maintainers`
 * on every packument: one of them must be us. A registry that records no
 * owners (Verdaccio 6) leaves the repository every version names as the only
 * evidence: all must be ours.
 */
export function ownership(name, packument, { owners, repository }) {
  if (!packument) return null
  const maintainers = (packument.maintainers ?? []).map((m) => (typeof m === 'string' ? m.replace(/ <.*/, '') : m.name))
  const versions = Object.keys(packument.versions ?? {})
  if (maintainers.length) {
    if (maintainers.some((m) => owners.includes(m))) return null
    return `${name} is owned by ${maintainers.join(', ')}${owners.length ? `, not ${owners.join(', ')}` : ''}`
  }
  const strangers = versions.filter((v) => normalizeRepository(packument.versions[v].repository?.url) !== normalizeRepository(repository))
  if (!strangers.length) return null
  return `${name} holds ${strangers.join(', ')} from ${packument.versions[strangers[0]].repository?.url ?? 'no repository'}, and the registry records no owners: not provably ours`
}

/**
 * npm refuses a new name that differs from a taken one only in punctuation
 * (".", "-", "_" are ignored: https://docs.npmjs.com/package-name-guidelines,
 * and npm's "New package moniker rules", 2017-12-21); the name to ask about.
 */
export function monikerTwin(name) {
  if (name.startsWith('@')) return null
  const twin = name.replace(/[.\-_]/g, '')
  return twin === name ? null : twin
}

/**
 * Whether to publish with `--provenance`. npm refuses it (E422) outside CI,
 * for a private repository, and when `repository.url` is not the repository
 * that runs the workflow, so it is used only where it can work; a mismatch in
 * Actions is a problem to fix before anything is published.
 */
export function provenance(manifest, requested, env = process.env) {
  if (!requested) return { use: false }
  if (env.GITHUB_ACTIONS !== 'true') return { use: false, note: 'not in GitHub Actions: publishing without provenance' }
  const here = `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}`.toLowerCase()
  if (normalizeRepository(manifest.repository?.url) !== here)
    return { use: false, problem: `package.json repository.url is ${manifest.repository?.url}, but this workflow runs in ${here}: npm refuses provenance` }
  if (env.REPOSITORY_VISIBILITY !== 'public')
    return { use: false, note: `the repository is ${env.REPOSITORY_VISIBILITY ?? 'not known to be public'}: publishing without provenance` }
  return { use: true }
}

export async function publish({ registry, all = false, provenance: wantProvenance = false, tagVersion, tag }) {
  const plan = releasePlan()
  const { version } = plan.manifest
  const problems = preflight(plan, { all, tagVersion })
  const signed = provenance(plan.manifest, wantProvenance)
  if (signed.problem) problems.push(signed.problem)
  if (signed.note) console.log(signed.note)
  if (problems.length) throw new Error(`not publishing anything:\n- ${problems.join('\n- ')}`)
  const stage = stageRoot(plan)
  const all9 = [...plan.targets.map((t) => ({ name: t.pkg.name, dir: t.dir, built: t.built })), { name: plan.manifest.name, dir: stage, built: true }]
  // Who we are, and what the registry holds under each of the nine names.
  const held = new Map(await Promise.all(all9.map(async ({ name }) => [name, await packument(name, registry)])))
  const me = whoami(registry)
  const rootDoc = held.get(plan.manifest.name)
  const owners = me ? [me] : (rootDoc?.maintainers ?? []).map((m) => m.name)
  const repository = plan.manifest.repository.url
  const foreign = []
  const todo = []
  for (const { name, dir, built } of all9) {
    const doc = held.get(name)
    const refusal = ownership(name, doc, { owners, repository })
    if (refusal) foreign.push(`${refusal}, so the release stops`)
    const twin = !doc && monikerTwin(name)
    if (twin) {
      const twinDoc = await packument(twin, registry)
      if (twinDoc && ownership(twin, twinDoc, { owners, repository }))
        foreign.push(`${twin} is taken by someone else, and npm refuses ${name} as too similar to it`)
    }
    if (!built) continue
    foreign.push(...(await lint(dir)))
    const theirs = doc?.versions?.[version]?.dist?.integrity
    if (!theirs) todo.push([name, dir])
    else if (theirs === localIntegrity(dir)) console.log(`${name}@${version} is already on ${registry}, byte for byte: skipped`)
    else foreign.push(`${name}@${version} is already on ${registry} with other contents (${theirs}): not ours, so the release stops`)
  }
  if (foreign.length) throw new Error(`not publishing anything:\n- ${foreign.join('\n- ')}`)
  const dist = distTag(version, tag, rootDoc?.['dist-tags']?.latest)
  if (dist.startsWith('latest-')) console.log(`${rootDoc['dist-tags'].latest} is newer: ${version} goes to the ${dist} dist-tag, latest stays`)
  const flags = ['--registry', registry, '--access', 'public', '--tag', dist, ...(signed.use ? ['--provenance'] : [])]
  // The root last: once it is out, npm resolves its optionalDependencies.
  const published = []
  for (const [name, dir] of todo) {
    console.log(`> npm publish ${dir} ${flags.join(' ')}`)
    execFileSync(npm, ['publish', dir, ...flags], { stdio: 'inherit' })
    published.push(name)
  }
  const skipped = plan.targets.filter((t) => !t.built).map((t) => t.pkg.name)
  console.log(`published ${published.length} packages${skipped.length ? `; not built here, so not published: ${skipped.join(', ')}` : ''}`)
  return { published, skipped, version: plan.manifest.version }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      registry: { type: 'string', default: 'https://registry.npmjs.org' },
      all: { type: 'boolean', default: false },
      provenance: { type: 'boolean', default: false },
      'tag-version': { type: 'string' },
      tag: { type: 'string' },
    },
  })
  try {
    await publish({ registry: values.registry, all: values.all, provenance: values.provenance, tagVersion: values['tag-version'], tag: values.tag })
  } catch (e) {
    console.error(e.message)
    process.exit(1)
  }
}
