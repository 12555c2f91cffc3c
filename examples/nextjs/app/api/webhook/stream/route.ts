import { handleStreamWebhook, StreamError, type WebhookResult } from '@/lib/stream'
import { applyEvent, findMeetingForEvent } from '@/lib/meetings'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * Stream call events → meeting updates. 401 on a bad signature and 400 on a
 * malformed body (nothing written); 200 for everything else, including
 * duplicates (applied once) and event types the app does not act on.
 */
export async function POST(req: Request) {
  const body = new Uint8Array(await req.arrayBuffer()) // raw bytes: the signature covers them exactly
  const headers = {
    signature: req.headers.get('x-signature') ?? '',
    webhookId: req.headers.get('x-webhook-id') ?? undefined,
    attempt: Number(req.headers.get('x-webhook-attempt') ?? 1) || 1,
  }
  let event: WebhookResult
  try {
    event = await handleStreamWebhook(body, headers)
    if (event.type === 'call.session_ended' && event.update?.durationSeconds === null) {
      // The event had no session start: measure from the start we stored.
      const startedAt = findMeetingForEvent(event)?.startedAt
      if (startedAt) event = await handleStreamWebhook(body, headers, { startedAt })
    }
  } catch (e) {
    if (e instanceof StreamError && e.code === 'STREAM_WEBHOOK_SIGNATURE') return Response.json({ error: e.code }, { status: 401 })
    if (e instanceof StreamError && e.code === 'STREAM_INVALID_ARGUMENT') return Response.json({ error: e.code, message: e.message }, { status: 400 })
    return Response.json({ error: 'webhook handling failed' }, { status: 500 })
  }
  const outcome = applyEvent(event)
  return Response.json({ ok: true, type: event.type, outcome })
}
