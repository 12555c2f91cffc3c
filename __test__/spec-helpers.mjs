// Stream's schemas (shapes generated from its OpenAPI spec into
// fixtures/openapi-schemas.json) as tests use them: sample bodies a real
// Stream could send, and a recording server that answers with them.
import http from 'node:http'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
export const { schemas: SCHEMAS, spec: SPEC } = require('./fixtures/openapi-schemas.json')

const refName = (ref) => ref.slice(ref.lastIndexOf('/') + 1)

/**
 * A body of schema `name`. `rich`: every property, arrays and maps with an
 * entry, times as RFC 3339 text with nanoseconds (as Stream sends them).
 * `sparse`: required properties only, empty arrays and maps, times as
 * nanosecond numbers. Deterministic; recursion stops at `depth`.
 */
export function sample(name, mode = 'rich', depth = 0) {
  return value({ $ref: `#/components/schemas/${name}` }, mode, depth, name)
}

function value(schema, mode, depth, key) {
  const rich = mode === 'rich'
  if (schema.$ref) {
    const target = SCHEMAS[refName(schema.$ref)]
    return value(target, mode, depth + 1, key)
  }
  if (schema.format === 'date-time') return rich ? '2026-12-07T10:11:12.123456789Z' : 1765102272123456000
  if (schema.default !== undefined && typeof schema.default !== 'object') return schema.default
  if (schema.enum) return schema.enum[0]
  switch (schema.type) {
    case 'string':
      return `${key}-value`
    case 'integer':
      return 7
    case 'number':
      return 1.5
    case 'boolean':
      return true
    case 'array':
      return rich && depth < 6 ? [value(schema.items ?? {}, mode, depth + 1, key)] : []
    default: {
      if (schema.properties) {
        const required = new Set(schema.required ?? [])
        const out = {}
        for (const [k, prop] of Object.entries(schema.properties)) {
          // Beyond the depth only what must be there (no spec schema requires itself forever).
          if (required.has(k) || (rich && depth < 6)) out[k] = value(prop, mode, depth + 1, k)
        }
        return out
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && Object.keys(schema.additionalProperties).length > 0) {
        return rich && depth < 6 ? { [`${key}-key`]: value(schema.additionalProperties, mode, depth + 1, key) } : {}
      }
      return rich ? { [`${key}-custom`]: { nested: [1, 'two', null] } } : {}
    }
  }
}

/**
 * A loopback server that records every request and answers with what
 * `answer(request)` returns: `{ status, headers, body }` (body: an object
 * sent as JSON, or text), or `null` to never answer.
 */
export async function startRecorder(answer) {
  const requests = []
  const hanging = new Set()
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1')
      const text = Buffer.concat(chunks).toString('utf8')
      const request = {
        method: req.method,
        path: url.pathname,
        query: [...url.searchParams],
        headers: req.headers,
        body: text === '' ? undefined : JSON.parse(text),
      }
      requests.push(request)
      const reply = answer(request)
      if (reply === null) {
        hanging.add(res)
        return
      }
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      res.end(body)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}
