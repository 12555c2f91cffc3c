import { getCall, startTranscription, stopTranscription } from '@/lib/stream'
import { hostMeetingOfRequest } from '@/lib/access'
import { failure } from '@/lib/respond'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** The host starts or stops the transcription: `{ "action": "start" | "stop" }`. */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const found = await hostMeetingOfRequest(req, ctx, 'controls the transcription')
  if (found instanceof Response) return found
  const { meeting } = found
  const { action } = (await req.json().catch(() => ({}))) as { action?: unknown }
  if (action !== 'start' && action !== 'stop') return Response.json({ error: 'INVALID', message: 'action must be "start" or "stop"' }, { status: 400 })
  try {
    if (action === 'start') await startTranscription(meeting.callId, { language: 'en', signal: req.signal })
    else await stopTranscription(meeting.callId, { signal: req.signal })
    const { transcribing } = await getCall(meeting.callId, { signal: req.signal })
    return Response.json({ meetingId: meeting.id, transcribing })
  } catch (e) {
    return failure(e)
  }
}
