import { randomUUID } from 'node:crypto'
import { addCallParticipant, createStreamCall, generateStreamToken, upsertUsers } from '@/lib/stream'
import { deleteMeeting, insertMeeting, meetingsFor } from '@/lib/meetings'
import { auth, unauthorized } from '@/lib/session'
import { failure } from '@/lib/respond'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * The signed-in user creates a meeting with an AI agent: its row, the Stream
 * users (host and agent must exist before they are members), the call, the
 * agent as a member. Answers with the meeting and the host's user token.
 */
export async function POST(req: Request) {
  const session = await auth(req)
  if (!session) return unauthorized()
  const input: unknown = await req.json().catch(() => undefined)
  if (typeof input !== 'object' || input === null) return Response.json({ error: 'body must be a JSON object' }, { status: 400 })
  const { agentId, agentName } = input as { agentId?: unknown; agentName?: unknown }
  if (typeof agentId !== 'string' || typeof agentName !== 'string') {
    return Response.json({ error: 'agentId and agentName must be strings' }, { status: 400 })
  }
  const host = session.userId
  const id = randomUUID()
  const meeting = await insertMeeting({ id, callId: `meeting-${id}`, hostUserId: host, agentId, agentName })
  const signal = req.signal
  try {
    await upsertUsers([{ id: host }, { id: agentId, name: agentName, custom: { agent: true } }], { signal })
    await createStreamCall(meeting.callId, host, { meetingId: meeting.id, agentId, agentName }, { signal })
    await addCallParticipant(meeting.callId, agentId, 'participant', { signal })
    const token = await generateStreamToken(host)
    return Response.json({ meeting, token }, { status: 201 })
  } catch (e) {
    await deleteMeeting(meeting.id) // no half-created meetings
    return failure(e)
  }
}

/** The signed-in user's meetings: hosted or invited to. */
export async function GET(req: Request) {
  const session = await auth(req)
  if (!session) return unauthorized()
  return Response.json({ meetings: await meetingsFor(session.userId) })
}
