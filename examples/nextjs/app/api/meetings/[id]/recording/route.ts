import { getCall, startRecording, stopRecording } from '@/lib/stream'
import { hostMeetingOfRequest } from '@/lib/access'
import { failure } from '@/lib/respond'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * The host stops or restarts the recording: `{ "action": "start" | "stop" }`
 * as JSON, or the meeting page's form (answered with a redirect back to it).
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const found = await hostMeetingOfRequest(req, ctx, 'controls the recording')
  if (found instanceof Response) return found
  const { meeting } = found
  const form = (req.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded')
  const action = form ? (await req.formData()).get('action') : ((await req.json().catch(() => ({}))) as { action?: unknown }).action
  if (action !== 'start' && action !== 'stop') return Response.json({ error: 'action must be "start" or "stop"' }, { status: 400 })
  try {
    await (action === 'start' ? startRecording : stopRecording)(meeting.callId, { signal: req.signal })
    const { recording } = await getCall(meeting.callId, { signal: req.signal })
    if (form) return Response.redirect(new URL(`/meetings/${meeting.id}`, req.url), 303)
    return Response.json({ meetingId: meeting.id, recording })
  } catch (e) {
    return failure(e)
  }
}
