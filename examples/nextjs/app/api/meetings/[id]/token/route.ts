import { generateCallToken } from '@/lib/stream'
import { meetingFor } from '@/lib/meetings'
import { auth, unauthorized } from '@/lib/session'
import { failure } from '@/lib/respond'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * A token for the signed-in user that opens this meeting's call and no
 * other: what a guest's browser joins with. Only for the host and guests.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const session = await auth(req)
  if (!session) return unauthorized()
  const meeting = await meetingFor(session.userId, (await ctx.params).id)
  if (!meeting) return Response.json({ error: 'not found' }, { status: 404 })
  try {
    const token = await generateCallToken(session.userId, [meeting.callId], { validityInSeconds: 2 * 60 * 60 })
    return Response.json({ token, callId: meeting.callId, userId: session.userId })
  } catch (e) {
    return failure(e)
  }
}
