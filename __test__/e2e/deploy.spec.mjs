// Next.js deployment shapes, as a team ships the example (and as its
// Dockerfile does, step for step):
//   standalone  `NEXT_OUTPUT=standalone next build`, `.next/standalone` plus
//               `.next/static` copied into a fresh directory, the app folder
//               moved away so nothing else can be resolved, `node server.js`:
//               token, create, webhook, end all work, so the platform binary
//               was traced;
//   Edge        a route with `runtime = 'edge'` that imports the package fails
//               `next build` with the package's own message.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { run } from '../../scripts/ensure.mjs'
import { appDir } from '../../scripts/example.mjs'
import { pack } from '../../scripts/pack.mjs'
import { startStack } from '../../scripts/stack.mjs'

const PLATFORM_PACKAGE = 'stream-video-native-linux-x64-gnu'
let work
let app

test.before(() => {
  const { root, binary } = pack()
  work = mkdtempSync(join(tmpdir(), 'svn-deploy-'))
  app = join(work, 'app')
  // The example as a team has it: its sources and lockfile, the package installed from the tarballs.
  cpSync(appDir, app, { recursive: true, filter: (src) => !/[/\\](node_modules|\.next|data)$/.test(src) })
  run('npm', ['ci', '--no-audit', '--no-fund'], app)
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', root.path, binary.path], app)
})
test.after.always(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

const build = (env = {}) =>
  spawnSync(join(app, 'node_modules', '.bin', 'next'), ['build'], { cwd: app, encoding: 'utf8', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env } })

function sizeMiB(dir) {
  let bytes = 0
  for (const entry of readdirSync(dir, { recursive: true })) {
    const stat = statSync(join(dir, entry), { throwIfNoEntry: false })
    if (stat?.isFile()) bytes += stat.size
  }
  return bytes / 2 ** 20
}

test.serial('an Edge route that imports the package fails next build, saying it needs the Node.js runtime', (t) => {
  const route = join(app, 'app', 'api', 'edge-probe')
  mkdirSync(route, { recursive: true })
  writeFileSync(
    join(route, 'route.ts'),
    "import { generateStreamToken } from '@/lib/stream'\n\nexport const runtime = 'edge'\n\nexport async function GET() {\n  return Response.json({ token: await generateStreamToken('u') })\n}\n",
  )
  t.teardown(() => rmSync(route, { recursive: true, force: true }))
  const result = build()
  const output = result.stdout + result.stderr
  t.not(result.status, 0, 'the build must fail')
  t.regex(output, /stream-video-native needs the Node\.js runtime/)
  t.regex(output, /export const runtime = 'nodejs'/)
  t.regex(output, /STREAM_EDGE_RUNTIME/)
  t.regex(output, /edge-probe/, 'the failing route is named')
})

test.serial('standalone output runs on its own: the platform binary is traced, and token, create, webhook and end work', async (t) => {
  const result = build({ NEXT_OUTPUT: 'standalone' })
  t.is(result.status, 0, result.stdout + result.stderr)
  // What the Dockerfile copies: the standalone server and the static files.
  const deploy = join(work, 'deploy')
  cpSync(join(app, '.next', 'standalone'), deploy, { recursive: true, verbatimSymlinks: true })
  cpSync(join(app, '.next', 'static'), join(deploy, '.next', 'static'), { recursive: true })
  const binary = join(deploy, 'node_modules', PLATFORM_PACKAGE, `stream-video-native.linux-x64-gnu.node`)
  t.true(existsSync(binary), `${PLATFORM_PACKAGE} was traced into the standalone output`)
  t.log(`standalone folder: ${sizeMiB(deploy).toFixed(1)} MiB (${sizeMiB(join(deploy, 'node_modules')).toFixed(1)} MiB of node_modules)`)
  // Nothing else to resolve from: the app (and its node_modules) moves away.
  renameSync(app, `${app}-moved`)
  t.teardown(() => renameSync(`${app}-moved`, app))

  const stack = await startStack({
    server: (port) => ({ command: process.execPath, args: ['server.js'], cwd: deploy, env: { PORT: String(port), HOSTNAME: '127.0.0.1' } }),
  })
  t.teardown(() => stack.stop())
  const host = await stack.signIn('host-1')
  const created = await host('/api/meetings', { method: 'POST', body: '{}' })
  t.is(created.status, 201)
  const { meeting, token } = await created.json()
  t.is(token.split('.').length, 3)
  const callToken = await (await host(`/api/meetings/${meeting.id}/token`, { method: 'POST' })).json()
  t.is(callToken.callId, meeting.callId)
  const call = stack.emulator.calls.get(`default:${meeting.callId}`)
  t.like(call.settings, { recording: { mode: 'auto-on' } })
  // The webhook route: a person joins and leaves; the app ends the call with the last human.
  const [started] = await stack.emulator.join(meeting.callId, 'host-1')
  t.true(started.delivered, JSON.stringify(started.attempts))
  await stack.emulator.leave(meeting.callId, 'host-1')
  for (let i = 0; i < 100 && !call.endedAt; i++) await new Promise((r) => setTimeout(r, 50))
  t.truthy(call.endedAt, 'the standalone server ended the call')
  await stack.emulator.settled()
  const row = await (await host(`/api/meetings/${meeting.id}`)).json()
  t.like(row, { status: 'ready', processingDone: true })
})

test('the Dockerfiles run the steps this test proves', (t) => {
  for (const [file, libc] of [
    ['Dockerfile', 'gnu'],
    ['Dockerfile.alpine', 'musl'],
  ]) {
    const steps = readFileSync(join(appDir, file), 'utf8')
    for (const step of [
      'npm ci',
      'ENV NEXT_TELEMETRY_DISABLED=1 NEXT_OUTPUT=standalone',
      'RUN npx next build',
      `stream-video-native-linux-(x64|arm64)-${libc}$`,
      'COPY --from=build --chown=node:node /app/.next/standalone ./',
      'COPY --from=build --chown=node:node /app/.next/static ./.next/static',
      'CMD ["node", "server.js"]',
    ]) {
      t.true(steps.includes(step), `${file}: ${step}`)
    }
  }
})
