import { endCall, handleStreamWebhook, StreamError, type WebhookResult } from '@/lib/stream'
import { type ApplyOutcome, applyEvent, humansPresent, meetingOfCall } from '@/lib/meetings'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** Stream's events are a few KiB; nobody gets to make us hold more before the signature is checked. */
const MAX_BODY_BYTES = 1024 * 1024

const tooLarge = () => Response.json({ error: 'body too large' }, { status: 413 })

/** The raw body (the signature covers these exact bytes), or null past the limit: Content-Length first, then a cap while streaming. */
async function readBody(req: Request): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get('content-length') ?? 0)
  if (declared > MAX_BODY_BYTES) return null
  const chunks: Uint8Array[] = []
  let size = 0
  if (req.body) {
    const reader = req.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > MAX_BODY_BYTES) {
        await reader.cancel()
        return null
      }
      chunks.push(value)
    }
  }
  return Buffer.concat(chunks, size)
}

/**
 * Stream call events → meeting updates. 401 on a bad signature, 400 on a
 * malformed body, 413 past 1 MiB (nothing written); 503 when the event could
 * not be stored (the database is down, or a commit's outcome is unknown), so
 * that Stream retries; 200 for everything else, including duplicates
 * (applied once) and event types the app does not act on. Participant events keep the meeting's roster; when the last
 * human leaves, the app ends the call.
 */
export async function POST(req: Request) {
  const body = await readBody(req)
  if (body === null) return tooLarge()
  const headers = {
    signature: req.headers.get('x-signature') ?? '',
    webhookId: req.headers.get('x-webhook-id') ?? undefined,
    attempt: Number(req.headers.get('x-webhook-attempt') ?? 1) || 1,
  }
  let event: WebhookResult
  try {
    event = await handleStreamWebhook(body, headers, { maxBodyBytes: MAX_BODY_BYTES })
  } catch (e) {
    if (e instanceof StreamError && e.code === 'STREAM_WEBHOOK_SIGNATURE') return Response.json({ error: e.code }, { status: 401 })
    if (e instanceof StreamError && e.code === 'STREAM_INVALID_ARGUMENT') return Response.json({ error: e.code, message: e.message }, { status: 400 })
    return Response.json({ error: 'webhook handling failed' }, { status: 500 })
  }
  let outcome: ApplyOutcome
  try {
    outcome = await applyEvent(event)
  } catch (e) {
    // Not stored, or not known to be (a commit cut off): 503, so Stream delivers it again; the retry's
    // webhook id tells a commit that did happen (answered as a duplicate) from one that did not.
    console.error(`webhook ${event.webhookId ?? '(no id)'}: not stored: ${(e as { code?: string }).code ?? (e as Error).message}`)
    return Response.json({ error: 'not stored, deliver again' }, { status: 503 })
  }
  if (event.type === 'call.session_participant_left' && (outcome === 'applied' || outcome === 'duplicate')) {
    try {
      await endWhenEmpty(event)
    } catch {
      // Not ended yet: answer 5xx so Stream delivers the event again (a duplicate then retries the end).
      return Response.json({ error: 'could not end the call' }, { status: 502 })
    }
  }
  return Response.json({ ok: true, type: event.type, outcome })
}

/** When the last person (not the agent) has left, the meeting is over: end the call, which stops its recording and transcription. */
async function endWhenEmpty(event: WebhookResult): Promise<void> {
  const meeting = event.callId ? await meetingOfCall(event.callId) : undefined
  if (!meeting || event.userId === meeting.agentId || (await humansPresent(meeting)) > 0) return
  await endCall(meeting.callId, { signal: AbortSignal.timeout(5000) })
}
