import { meetingFor } from '@/lib/meetings'
import { auth, unauthorized } from '@/lib/session'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** One meeting, for its host and guests only (404 for anyone else). */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const session = await auth(req)
  if (!session) return unauthorized()
  const meeting = await meetingFor(session.userId, (await ctx.params).id)
  return meeting ? Response.json(meeting) : Response.json({ error: 'not found' }, { status: 404 })
}
