import { hostMeetingOfRequest } from '@/lib/access'
import { emulatorUrl, type SimulatedAction, simulate } from '@/lib/emulator'
import { guestsOf } from '@/lib/meetings'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const ACTIONS: SimulatedAction[] = ['join', 'leave', 'say']

/**
 * Demo only, and only when the configured Stream is the package's emulator:
 * the host makes someone of the meeting (the host, the agent or a guest)
 * join, say something or leave, as their video client would on Stream.
 * `{ userId, action: 'join' | 'leave' | 'say', text? }`. 404 against Stream.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const base = await emulatorUrl()
  if (!base) return Response.json({ error: 'not found' }, { status: 404 })
  const found = await hostMeetingOfRequest(req, ctx, 'runs the simulation')
  if (found instanceof Response) return found
  const { meeting } = found
  const input = (await req.json().catch(() => null)) as { userId?: unknown; action?: unknown; text?: unknown } | null
  const { userId, action, text } = input ?? {}
  if (typeof action !== 'string' || !ACTIONS.includes(action as SimulatedAction)) {
    return Response.json({ error: 'INVALID', message: 'action must be "join", "leave" or "say"' }, { status: 400 })
  }
  if (action === 'say' && (typeof text !== 'string' || !text.trim() || text.length > 500)) {
    return Response.json({ error: 'INVALID', message: 'text must be 1 to 500 characters' }, { status: 400 })
  }
  const people = new Set([meeting.hostUserId, meeting.agentId, ...(await guestsOf(meeting.id)).map((g) => g.userId)])
  if (typeof userId !== 'string' || !people.has(userId)) {
    return Response.json({ error: 'INVALID', message: 'userId must be the host, the agent or an invited guest' }, { status: 400 })
  }
  const done = await simulate(base, meeting.callId, userId, action as SimulatedAction, text as string | undefined, req.signal)
  if (!done.ok) return Response.json({ error: 'EMULATOR', status: done.status, message: done.message }, { status: done.status === 400 ? 400 : 502 })
  return Response.json({ meetingId: meeting.id, userId, action })
}
