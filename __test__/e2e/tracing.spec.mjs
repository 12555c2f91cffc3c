// End to end: the example app built with its instrumentation.ts, started with
// OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver this test
// runs on loopback. `POST /api/meetings` must arrive as one trace in which
// the Stream CLIENT span sits under Next.js's own span for the route, and
// the emulator must have received a traceparent naming that CLIENT span.
import { createServer } from 'node:http'
import test from 'ava'
import { prepareExample } from '../../scripts/example.mjs'
import { startStack } from '../../scripts/stack.mjs'

/** An OTLP/HTTP JSON receiver: every span posted to /v1/traces, flattened. */
async function startReceiver() {
  const spans = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(415).end()
        return
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      for (const resource of body.resourceSpans ?? []) {
        const service = resource.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.stringValue
        for (const scoped of resource.scopeSpans ?? []) {
          for (const span of scoped.spans ?? []) {
            const attributes = Object.fromEntries(
              (span.attributes ?? []).map(({ key, value }) => [key, value.stringValue ?? Number(value.intValue ?? value.doubleValue)]),
            )
            spans.push({ ...span, service, scope: scoped.scope?.name, attributes })
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { spans, url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }
}

async function waitFor(find, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = find()
    if (found) return found
    if (Date.now() > deadline) return undefined
    await new Promise((r) => setTimeout(r, 100))
  }
}

test.before(async (t) => {
  prepareExample({ build: true })
  t.context.receiver = await startReceiver()
  t.context.stack = await startStack({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: t.context.receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'meetings-e2e',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    },
  })
})
test.after.always(async (t) => {
  await t.context.stack?.stop()
  await t.context.receiver?.close()
})

test('the Stream CLIENT span of POST /api/meetings is in the route’s trace, under Next.js’s span for it', async (t) => {
  const { stack, receiver } = t.context
  const host = await stack.signIn('host-1')
  const created = await host('/api/meetings', { method: 'POST', body: '{}' })
  t.is(created.status, 201)
  const { meeting } = await created.json()
  const path = `/api/v2/video/call/default/${meeting.callId}`

  const client = await waitFor(() => receiver.spans.find((s) => s.scope === 'stream-video-native' && s.kind === 3 && s.attributes['url.path'] === path))
  t.truthy(client, `no CLIENT span for ${path}; received: ${receiver.spans.map((s) => `${s.scope}:${s.name}`).join(', ')}`)
  if (!client) return
  t.is(client.service, 'meetings-e2e')
  t.is(client.name, 'POST')
  t.like(client.attributes, { 'http.request.method': 'POST', 'url.path': path, 'server.address': '127.0.0.1', 'http.response.status_code': 201 })

  // Up the parent links to the root: through `stream createStreamCall` to the route's span.
  const byId = () => new Map(receiver.spans.map((s) => [s.spanId, s]))
  const chain = await waitFor(() => {
    const spans = byId()
    const up = []
    for (let s = client; s; s = s.parentSpanId ? spans.get(s.parentSpanId) : undefined) {
      up.push(s)
      if (!s.parentSpanId) return up
    }
    return undefined
  })
  t.truthy(chain, 'every ancestor of the CLIENT span arrived')
  if (!chain) return
  t.log(chain.map((s) => `${s.scope}: ${s.name}`).join(' ← '))
  t.true(
    chain.every((s) => s.traceId === client.traceId),
    'one trace',
  )
  t.is(chain[1].name, 'stream createStreamCall')
  const next = chain.filter((s) => s.scope === 'next.js')
  t.true(next.length > 0, 'Next.js spans are ancestors')
  t.true(
    next.some((s) => s.name.includes('/api/meetings')),
    `one of them names the route: ${next.map((s) => s.name).join(', ')}`,
  )

  // The emulator saw the W3C context of that very span.
  const sent = stack.emulator.requests.find((r) => r.method === 'POST' && r.path === path)
  t.is(sent?.headers.traceparent, `00-${client.traceId}-${client.spanId}-01`)
})
