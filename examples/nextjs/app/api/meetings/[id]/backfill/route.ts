import { getCall, listRecordings, listTranscriptions } from '@/lib/stream'
import { hostMeetingOfRequest } from '@/lib/access'
import { backfillMeeting, meetingFor } from '@/lib/meetings'
import { failure } from '@/lib/respond'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * Repairs a meeting whose webhooks were lost: reads the call, its recordings
 * and transcripts from Stream and merges them in as the events would have.
 * Safe to run at any time and any number of times.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const found = await hostMeetingOfRequest(req, ctx, 'repairs a meeting')
  if (found instanceof Response) return found
  const { session, meeting } = found
  const signal = req.signal
  try {
    const [call, recordings, transcriptions] = await Promise.all([
      getCall(meeting.callId, { signal }),
      listRecordings(meeting.callId, { signal }),
      listTranscriptions(meeting.callId, { signal }),
    ])
    await backfillMeeting(meeting.id, call, recordings, transcriptions)
  } catch (e) {
    return failure(e)
  }
  const form = (req.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded')
  if (form) return Response.redirect(new URL(`/meetings/${meeting.id}`, req.url), 303)
  return Response.json(await meetingFor(session.userId, meeting.id))
}
