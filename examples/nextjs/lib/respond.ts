import { StreamError } from '@/lib/stream'

/** A Stream failure as an HTTP answer: bad input is 400, an aborted request 499, anything else 502. */
export function failure(e: unknown): Response {
  if (!(e instanceof StreamError)) return Response.json({ error: 'INTERNAL' }, { status: 500 })
  const status = e.code === 'STREAM_INVALID_ARGUMENT' ? 400 : e.code === 'STREAM_ABORTED' ? 499 : 502
  return Response.json({ error: e.code, message: e.message }, { status })
}
