// The gate in front of a meeting's routes: a signed-in user who hosts the
// meeting or was invited to it. Anyone else gets 401 or 404 (not 403: a
// stranger does not learn that the meeting exists).
import { type Meeting, meetingFor } from '@/lib/meetings'
import { auth, type Session, unauthorized } from '@/lib/session'

export async function meetingOfRequest(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<{ session: Session; meeting: Meeting } | Response> {
  const session = await auth(req)
  if (!session) return unauthorized()
  const meeting = await meetingFor(session.userId, (await ctx.params).id)
  return meeting ? { session, meeting } : Response.json({ error: 'not found' }, { status: 404 })
}

/** The same gate for what only the meeting's host may do; an invited guest gets 403 saying so. */
export async function hostMeetingOfRequest(
  req: Request,
  ctx: { params: Promise<{ id: string }> },
  what: string,
): Promise<{ session: Session; meeting: Meeting } | Response> {
  const found = await meetingOfRequest(req, ctx)
  if (found instanceof Response || found.meeting.hostUserId === found.session.userId) return found
  return Response.json({ error: `only the host ${what}` }, { status: 403 })
}
