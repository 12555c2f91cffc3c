import { meetingOfRequest } from '@/lib/access'
import { participantsOf } from '@/lib/meetings'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * One meeting, for its host and guests only (404 for anyone else), with who
 * joined and left, and `processingDone` once both the recording and the
 * transcript are ready.
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const found = await meetingOfRequest(req, ctx)
  if (found instanceof Response) return found
  const { meeting } = found
  const processingDone = meeting.recordingUrl !== null && meeting.transcriptionUrl !== null
  return Response.json({ ...meeting, processingDone, participants: await participantsOf(meeting.id) })
}
