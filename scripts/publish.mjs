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
// `npm pack`'s here), so a rerun after a network failure finishes the job but
// a name someone else published first stops the release before its root goes
// out. A prerelease (`1.0.0-rc.1`) goes to the `next` dist-tag, never
// `latest`. Provenance is asked for only where npm accepts it: in GitHub
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

/** `dist.integrity` of `name@version` on the registry, or null when it is not there. */
function publishedIntegrity(name, version, registry) {
  const view = spawnSync(npm, ['view', `${name}@${version}`, 'dist.integrity', '--registry', registry], { encoding: 'utf8' })
  return view.status === 0 && view.stdout.trim() ? view.stdout.trim() : null
}

/** The integrity of the tarball `npm publish dir` would upload. */
function localIntegrity(dir) {
  const [packed] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts', dir], { encoding: 'utf8', cwd: root }))
  return packed.integrity
}

/** `latest` for a release, `next` for a prerelease (`1.0.0-rc.1`), unless a tag is given. */
export function distTag(version, tag) {
  return tag ?? (version.includes('-') ? 'next' : 'latest')
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
  const declared = String(manifest.repository?.url ?? '')
    .replace(/^git\+/, '')
    .replace(/\.git$/, '')
    .toLowerCase()
  if (declared !== here)
    return { use: false, problem: `package.json repository.url is ${manifest.repository?.url}, but this workflow runs in ${here}: npm refuses provenance` }
  if (env.REPOSITORY_VISIBILITY !== 'public')
    return { use: false, note: `the repository is ${env.REPOSITORY_VISIBILITY ?? 'not known to be public'}: publishing without provenance` }
  return { use: true }
}

export function publish({ registry, all = false, provenance: wantProvenance = false, tagVersion, tag }) {
  const plan = releasePlan()
  const { version } = plan.manifest
  const problems = preflight(plan, { all, tagVersion })
  const signed = provenance(plan.manifest, wantProvenance)
  if (signed.problem) problems.push(signed.problem)
  if (signed.note) console.log(signed.note)
  if (problems.length) throw new Error(`not publishing anything:\n- ${problems.join('\n- ')}`)
  const flags = ['--registry', registry, '--access', 'public', '--tag', distTag(version, tag), ...(signed.use ? ['--provenance'] : [])]
  const stage = stageRoot(plan)
  // The root last: once it is out, npm resolves its optionalDependencies.
  const packages = [...plan.targets.filter((t) => t.built).map((t) => [t.pkg.name, t.dir]), [plan.manifest.name, stage]]
  // What is on the registry already must be exactly what we would publish; anything else is someone else's.
  const todo = []
  const foreign = []
  for (const [name, dir] of packages) {
    const theirs = publishedIntegrity(name, version, registry)
    if (theirs === null) todo.push([name, dir])
    else if (theirs === localIntegrity(dir)) console.log(`${name}@${version} is already on ${registry}, byte for byte: skipped`)
    else foreign.push(`${name}@${version} is already on ${registry} with other contents (${theirs}): not ours, so the release stops`)
  }
  if (foreign.length) throw new Error(`not publishing anything:\n- ${foreign.join('\n- ')}`)
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
    publish({ registry: values.registry, all: values.all, provenance: values.provenance, tagVersion: values['tag-version'], tag: values.tag })
  } catch (e) {
    console.error(e.message)
    process.exit(1)
  }
}
