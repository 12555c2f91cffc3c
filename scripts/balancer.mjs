// A load balancer on loopback in front of the example's instances, as an
// operator puts one: each request goes to a random instance; one that refuses
// the connection (down, restarting) is skipped for the next, which is safe
// because the request never reached it. A connection that fails after the
// request was sent is answered 502, never retried here (the request may have
// been applied): the sender decides, as Stream does with its webhooks.
import http from 'node:http'

/** Starts the balancer over `targets` (origins like http://127.0.0.1:3000); resolves to { url, close }. */
export async function startBalancer(targets) {
  const server = http.createServer(async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    const start = Math.floor(Math.random() * targets.length)
    for (let i = 0; i < targets.length; i++) {
      const target = new URL(targets[(start + i) % targets.length])
      const outcome = await forward(target, req, body, res)
      if (outcome !== 'refused') return
    }
    res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"no instance is up"}')
  })
  server.keepAliveTimeout = 1000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()),
  }
}

/** Sends one request upstream and pipes the answer back: 'done', or 'refused' when nothing was sent. */
function forward(target, req, body, res) {
  return new Promise((resolve) => {
    const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) }
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers)
      answer.pipe(res)
      answer.on('end', () => resolve('done'))
      answer.on('error', () => {
        res.destroy()
        resolve('done')
      })
    })
    upstream.on('error', (e) => {
      if (e.code === 'ECONNREFUSED') return resolve('refused')
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"the instance failed"}')
      else res.destroy()
      resolve('done')
    })
    // The sender gave up (its per-attempt timeout): so does the upstream request.
    res.on('close', () => upstream.destroy())
    upstream.end(body)
  })
}
