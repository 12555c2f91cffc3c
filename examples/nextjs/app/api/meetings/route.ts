import { randomUUID } from 'node:crypto'
import { addCallParticipant, createStreamCall, generateStreamToken } from '@/lib/stream'
import { deleteMeeting, insertMeeting, meetingsFor } from '@/lib/meetings'
import { auth, unauthorized } from '@/lib/session'
import { failure } from '@/lib/respond'
import { agent, ensureAgent, ensureUsers } from '@/lib/users'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * The signed-in user creates a meeting with the AI agent: its row, the Stream
 * users (created only when missing: host and agent must exist before they are
 * members), the call, the agent as a member. Answers with the meeting and the
 * host's user token. The body is a JSON object (`{}`): the agent is the
 * server's (AGENT_ID, AGENT_NAME), never the request's.
 */
export async function POST(req: Request) {
  const session = await auth(req)
  if (!session) return unauthorized()
  const input: unknown = await req.json().catch(() => undefined)
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return Response.json({ error: 'body must be a JSON object' }, { status: 400 })
  if ('agentId' in input || 'agentName' in input) {
    return Response.json({ error: 'the agent is configured on the server (AGENT_ID, AGENT_NAME), not chosen per meeting' }, { status: 400 })
  }
  const host = session.userId
  const id = randomUUID()
  const { id: agentId, name: agentName } = agent()
  const meeting = await insertMeeting({ id, callId: `meeting-${id}`, hostUserId: host, agentId, agentName })
  const signal = req.signal
  try {
    await ensureAgent(signal)
    await ensureUsers([{ id: host }], signal)
    // Recorded and transcribed from the moment the first person joins.
    const settings = { recording: { mode: 'auto-on', quality: '720p' }, transcription: { mode: 'auto-on', language: 'en' } } as const
    await createStreamCall(meeting.callId, host, { meetingId: meeting.id, agentId, agentName }, { settings, signal })
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
