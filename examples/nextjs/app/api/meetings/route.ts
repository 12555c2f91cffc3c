import { randomUUID } from 'node:crypto'
import { createStreamCall, generateStreamToken, StreamError } from '@/lib/stream'
import { deleteMeeting, insertMeeting, listMeetings } from '@/lib/meetings'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** Creates a meeting row and its Stream call; answers with the meeting and the host's user token. */
export async function POST(req: Request) {
  let input: { userId?: unknown; agentId?: unknown; agentName?: unknown }
  try {
    input = await req.json()
  } catch {
    return Response.json({ error: 'body must be JSON' }, { status: 400 })
  }
  const { userId, agentId, agentName } = input
  if (typeof userId !== 'string' || typeof agentId !== 'string' || typeof agentName !== 'string') {
    return Response.json({ error: 'userId, agentId and agentName must be strings' }, { status: 400 })
  }
  const id = randomUUID()
  const meeting = insertMeeting({ id, callId: `meeting-${id}`, hostUserId: userId, agentId, agentName })
  try {
    await createStreamCall(meeting.callId, userId, { meetingId: meeting.id, agentId, agentName })
    const token = await generateStreamToken(userId)
    return Response.json({ meeting, token }, { status: 201 })
  } catch (e) {
    deleteMeeting(meeting.id) // no half-created meetings
    const status = e instanceof StreamError && e.code === 'STREAM_INVALID_ARGUMENT' ? 400 : 502
    const code = e instanceof StreamError ? e.code : 'INTERNAL'
    return Response.json({ error: code, message: e instanceof Error ? e.message : String(e) }, { status })
  }
}

export async function GET() {
  return Response.json({ meetings: listMeetings() })
}
