import { StreamError } from '@/lib/stream'

/**
 * A Stream failure as an HTTP answer: bad input is 400, an aborted request
 * 499, anything else 502. Only messages about the caller's own input are
 * passed on; for the others the browser gets the code and the request id
 * (to find the server's log line), never text that came from upstream.
 */
export function failure(e: unknown): Response {
  if (!(e instanceof StreamError)) return Response.json({ error: 'INTERNAL' }, { status: 500 })
  if (e.code === 'STREAM_INVALID_ARGUMENT') return Response.json({ error: e.code, message: e.message }, { status: 400 })
  const status = e.code === 'STREAM_ABORTED' ? 499 : 502
  return Response.json({ error: e.code, status: e.status ?? null, requestId: e.requestId ?? null }, { status })
}
