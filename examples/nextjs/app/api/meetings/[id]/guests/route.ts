import { addCallParticipant } from '@/lib/stream'
import { hostMeetingOfRequest } from '@/lib/access'
import { addGuest } from '@/lib/meetings'
import { failure } from '@/lib/respond'
import { ensureUsers } from '@/lib/users'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * The host invites a guest: `{ userId, name? }`. A guest who is not a Stream
 * user yet is created (with that name); an existing user's profile is never
 * touched. `name` is also the host's label for the guest in this app.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const found = await hostMeetingOfRequest(req, ctx, 'invites guests')
  if (found instanceof Response) return found
  const { meeting } = found
  const input: unknown = await req.json().catch(() => undefined)
  const { userId, name } = (typeof input === 'object' && input !== null ? input : {}) as { userId?: unknown; name?: unknown }
  if (typeof userId !== 'string' || (name !== undefined && typeof name !== 'string')) {
    return Response.json({ error: 'userId must be a string, name a string if given' }, { status: 400 })
  }
  if (userId === meeting.agentId) return Response.json({ error: 'the agent is already in the meeting' }, { status: 400 })
  try {
    await ensureUsers([{ id: userId, ...(name ? { name } : {}) }], req.signal)
    await addCallParticipant(meeting.callId, userId, 'participant', { signal: req.signal })
  } catch (e) {
    return failure(e)
  }
  await addGuest(meeting.id, userId, name ?? null)
  return Response.json({ meetingId: meeting.id, userId }, { status: 201 })
}
