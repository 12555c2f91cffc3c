import { endCall } from '@/lib/stream'
import { hostMeetingOfRequest } from '@/lib/access'
import { failure } from '@/lib/respond'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * The host ends the meeting for everyone: Stream ends the call, which stops
 * the recording and the transcription; their files arrive as webhooks.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const found = await hostMeetingOfRequest(req, ctx, 'ends the meeting')
  if (found instanceof Response) return found
  try {
    await endCall(found.meeting.callId, { signal: req.signal })
    return Response.json({ meetingId: found.meeting.id, ended: true })
  } catch (e) {
    return failure(e)
  }
}
