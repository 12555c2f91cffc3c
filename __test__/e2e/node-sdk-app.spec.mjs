// An app written for @stream-io/node-sdk (Next.js route files: a create route
// with getOrCreate, a token route with generateUserToken, a webhook route that
// checks verifyWebhook and ends the call when a participant leaves) runs
// twice against the emulator: as written, and with only its import lines
// changed to `stream-video-native/node-sdk`. Both leave the same database
// behind. The route handlers are called as Next.js calls them: with a Web
// `Request`, answering a `Response`.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import test from 'ava'
import { API_KEY, API_SECRET, startEmulator } from '../helpers.mjs'

const root = fileURLToPath(new URL('../..', import.meta.url))
const fixture = join(root, '__test__', 'fixtures', 'node-sdk-app')
const ROUTES = ['app/api/meetings/route.js', 'app/api/token/route.js', 'app/api/webhook/route.js']
const FROM = "import { StreamClient } from '@stream-io/node-sdk'"
const TO = "import { StreamClient } from 'stream-video-native/node-sdk'"

/** The app as written, or switched: a copy inside the checkout (node-sdk resolves from it), with this package installed. */
function copyOf(variant) {
  const dir = join(root, '.tmp', 'node-sdk-app', variant)
  rmSync(dir, { recursive: true, force: true })
  cpSync(fixture, dir, { recursive: true })
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(root, join(dir, 'node_modules', 'stream-video-native'), 'junction')
  if (variant === 'switched') {
    for (const route of ROUTES) {
      const path = join(dir, route)
      const text = readFileSync(path, 'utf8')
      writeFileSync(path, text.replace(FROM, TO))
    }
  }
  return dir
}

/** A Node request as the Web `Request` Next.js hands a route, and its `Response` written back. */
function serve(handler) {
  const server = http.createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers, body: Buffer.concat(chunks) })
    const response = await handler(request)
    res.writeHead(response.status, Object.fromEntries(response.headers))
    res.end(Buffer.from(await response.arrayBuffer()))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

async function run(variant) {
  const dir = copyOf(variant)
  const stream = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET })
  Object.assign(process.env, { STREAM_API_KEY: API_KEY, STREAM_API_SECRET: API_SECRET, STREAM_BASE_URL: stream.url, DB_FILE: join(dir, 'db.json') })
  let receiver
  try {
    const [meetings, tokens, webhook] = await Promise.all(ROUTES.map((route) => import(pathToFileURL(join(dir, route)).href)))
    receiver = await serve((request) => webhook.POST(request))
    stream.webhookUrl = `http://127.0.0.1:${receiver.address().port}/api/webhook`
    const post = (route, body) => route.POST(new Request('http://app/api', { method: 'POST', body: JSON.stringify(body) }))
    const created = await post(meetings, { meetingId: 'weekly-sync', hostId: 'ada', title: 'Weekly sync', guests: ['bob'] })
    const { token } = await (await post(tokens, { userId: 'ada' })).json()
    await stream.join('weekly-sync', 'ada')
    await stream.join('weekly-sync', 'bob')
    await stream.leave('weekly-sync', 'bob')
    await stream.settled()
    const forged = await webhook.POST(new Request('http://app/api/webhook', { method: 'POST', headers: { 'x-signature': 'f'.repeat(64) }, body: '{}' }))
    const call = stream.calls.get('default:weekly-sync')
    return {
      status: created.status,
      claims: JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).user_id,
      forged: forged.status,
      db: JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')),
      call: { ended: Boolean(call.endedAt), members: [...call.members.keys()], custom: call.custom, settings: call.settings },
      deliveries: stream.deliveries.map((d) => [d.type, d.attempts.at(-1)?.status]),
    }
  } finally {
    receiver?.close()
    await stream.close()
  }
}

test('a node-sdk app switched by its import lines leaves the same database and the same calls as with node-sdk', async (t) => {
  const theirs = await run('as-written')
  const ours = await run('switched')
  // Only the import lines differ.
  for (const route of ROUTES) {
    const [a, b] = ['as-written', 'switched'].map((v) => readFileSync(join(root, '.tmp', 'node-sdk-app', v, route), 'utf8').split('\n'))
    t.deepEqual(
      a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]]])),
      [[FROM, TO]],
      route,
    )
  }
  t.is(theirs.status, 201)
  t.is(theirs.claims, 'ada')
  t.is(theirs.forged, 401)
  t.deepEqual(ours, theirs)
  const meeting = ours.db.meetings['weekly-sync']
  t.like(meeting, { title: 'Weekly sync', host: 'ada', status: 'ended', createdIsDate: true, recording: true, transcript: true })
  t.deepEqual(meeting.left, ['bob', 'ada'])
  t.true(ours.call.ended)
  t.true(
    ours.deliveries.every(([, status]) => status === 204),
    JSON.stringify(ours.deliveries),
  )
  t.log(`${ours.deliveries.length} webhooks, each answered 204 by both: ${meeting.events.join(', ')}`)
})

test.after.always(() => {
  const dir = join(root, '.tmp', 'node-sdk-app')
  if (statSync(dir, { throwIfNoEntry: false })) for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true })
})
