'use strict'
// The emulator's HTTP layer: a loopback server that reads each request
// (bounded), records it (bounded), applies injected or random faults, and
// hands the rest to `handle(record)`, which subclasses implement. Whatever a
// client sends, it answers 4xx or closes the connection; it never crashes.

const http = require('node:http')

const CHAOS = [
  { status: 503, body: { code: -1, message: 'injected: unavailable', StatusCode: 503 } },
  { status: 500, body: { code: -1, message: 'injected: internal error', StatusCode: 500 } },
  { status: 429, body: { code: 9, message: 'injected: too many requests', StatusCode: 429 } },
  { drop: 'connect' },
  { drop: 'mid' },
  { delayMs: 50 },
]

function streamError(status, code, message, extra = {}) {
  return {
    status,
    body: {
      code,
      message,
      StatusCode: status,
      duration: '0.01ms',
      more_info: 'https://getstream.io/chat/docs/api_errors_response',
      details: [],
      unrecoverable: false,
      ...extra,
    },
  }
}

class FaultServer {
  constructor({ record = true, maxBodyBytes = 1024 * 1024, maxRecorded = 10_000, headersTimeoutMs = 10_000, requestTimeoutMs = 30_000 } = {}) {
    /** Requests received (unless `record: false`), the last `maxRecorded` of them: { method, path, query, headers, body, receivedAt }. */
    this.requests = []
    this.record = record
    this.maxRecorded = maxRecorded
    /** Request bodies over this many bytes are answered 413 and not read further. */
    this.maxBodyBytes = maxBodyBytes
    this.requestCount = 0
    this.faults = []
    this.chaosRate = 0
    this.sockets = new Set()
    const limits = {
      maxHeaderSize: 16 * 1024,
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // How often slow clients are checked against those timeouts (Node's default is 30 s).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeoutMs / 2)),
    }
    this.server = http.createServer(limits, (req, res) => this.#receive(req, res))
    // Unparseable request lines, oversized headers, bodies that never end: 4xx and close, never a crash.
    this.server.on('clientError', (err, socket) => {
      const status =
        err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? '408 Request Timeout'
            : '400 Bad Request'
      if (socket.writable && !socket.writableEnded) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      else socket.destroy()
    })
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(port = 0, host = '127.0.0.1') {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(port, host, resolve)
    })
    /** The address it listens on, which control requests may name as their Host. */
    this.host = host
    const address = this.server.address()
    this.port = address.port
    // An IPv6 literal goes in brackets, or no client can parse the URL.
    this.url = `http://${address.family === 'IPv6' || host.includes(':') ? `[${address.address}]` : host}:${address.port}`
    return this
  }

  /**
   * Queues a fault for the next matching requests. Fields: `path` (substring
   * or RegExp the path must match), `times` (default 1), `status` + `body`
   * (+ `headers`) for a canned response, `delayMs` before answering (then the
   * real handler runs unless a response is given), `drop: 'connect'` to
   * destroy the socket at once, `drop: 'mid'` to cut a response halfway,
   * `drop: 'after'` to let the real handler run (the change happens) and then
   * close the connection without its answer (a lost response), `hang: true`
   * to never answer.
   */
  injectFault(fault) {
    this.faults.push({ times: 1, ...fault })
    return this
  }

  /**
   * Random faults: each request that no queued fault matched fails with
   * probability `rate`, picked from 503, 500, 429, a dropped connection, a
   * response cut halfway, or a 50 ms delay. `0` turns it off.
   */
  chaos(rate) {
    this.chaosRate = rate
    return this
  }

  reset() {
    this.requests.length = 0
    this.requestCount = 0
    this.faults.length = 0
    this.chaosRate = 0
  }

  async close() {
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.server.close(resolve))
  }

  /** Subclasses answer here: `{ status, body, headers? }` (or a Promise of it). */
  handle(record) {
    return streamError(404, 16, `Route ${record.method} ${record.path} not found`)
  }

  #takeFault(path) {
    const i = this.faults.findIndex((f) => (f.path === undefined ? true : f.path instanceof RegExp ? f.path.test(path) : path.includes(f.path)))
    if (i < 0) {
      // Random faults hit the Stream API only, never the emulator's own control routes.
      const chaos = this.chaosRate > 0 && path.startsWith('/api/') && Math.random() < this.chaosRate
      return chaos ? CHAOS[Math.floor(Math.random() * CHAOS.length)] : null
    }
    const fault = this.faults[i]
    if (--fault.times <= 0) this.faults.splice(i, 1)
    return fault
  }

  #receive(req, res) {
    req.on('error', () => {}) // a client that hangs up mid-body
    const tooLarge = () => {
      this.#send(res, 413, streamError(413, 22, `request body is over ${this.maxBodyBytes} bytes`).body, { connection: 'close' }, false)
      req.destroy()
    }
    if (Number(req.headers['content-length']) > this.maxBodyBytes) return tooLarge()
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > this.maxBodyBytes) {
        req.removeAllListeners('end')
        return tooLarge()
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      this.#dispatch(req, res, Buffer.concat(chunks)).catch(() => {
        // A bug in a handler: answer rather than leave the client hanging.
        if (!res.headersSent) this.#send(res, 500, streamError(500, -1, 'emulator error').body)
      })
    })
  }

  async #dispatch(req, res, body) {
    let url
    try {
      url = new URL(req.url, 'http://emulator')
    } catch {
      return this.#send(res, 400, streamError(400, 4, 'request target is not a valid URL').body)
    }
    const record = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      rawQuery: url.search,
      headers: req.headers,
      body: body.toString('utf8'),
      receivedAt: Date.now(),
    }
    this.requestCount++
    if (this.record) keepLast(this.requests, record, this.maxRecorded)
    const fault = this.#takeFault(url.pathname)
    if (fault) {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs))
      if (fault.hang) return
      if (fault.drop === 'connect') return req.socket.destroy()
      if (fault.drop === 'after') {
        await this.handle(record)
        return req.socket.destroy()
      }
      if (fault.drop === 'mid') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' })
        res.write('{"call":{"type":"def')
        return setTimeout(() => req.socket.destroy(), 5)
      }
      // A canned answer carries exactly the headers the fault names.
      if (fault.status) return this.#send(res, fault.status, fault.body ?? '', fault.headers, false)
    }
    const { status, body: answer, headers } = await this.handle(record)
    this.#send(res, status, answer, headers)
  }

  #send(res, status, body, headers = {}, rateLimitHeaders = true) {
    if (res.headersSent || res.destroyed) return
    const raw = typeof body === 'string' || Buffer.isBuffer(body)
    const text = raw ? body : JSON.stringify(body)
    const isJson = !raw
    const rateLimit = rateLimitHeaders
      ? { 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '999', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60) }
      : {}
    res.writeHead(status, {
      'content-type': isJson ? 'application/json; charset=utf-8' : 'text/html',
      'content-length': Buffer.byteLength(text),
      ...rateLimit,
      ...headers,
    })
    res.end(text)
  }
}

/** Appends `item` to `list`, keeping its last `max` items: every log and per-call list of the emulator is bounded. */
function keepLast(list, item, max) {
  list.push(item)
  if (list.length > max) list.splice(0, list.length - max)
}

module.exports = { FaultServer, keepLast, streamError }
