import { generateCallToken } from '@/lib/stream'
import { hostMeetingOfRequest } from '@/lib/access'
import { guestsOf } from '@/lib/meetings'
import { failure } from '@/lib/respond'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * The host gets an invited guest's join token, to send them with the
 * invitation (an invite link): it opens this meeting's call and no other,
 * for that guest, for two hours. Guests who sign in get their own from
 * `POST /api/meetings/{id}/token`.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string; userId: string }> }) {
  const found = await hostMeetingOfRequest(req, ctx, 'hands out guest tokens')
  if (found instanceof Response) return found
  const { meeting } = found
  const { userId } = await ctx.params
  if (!(await guestsOf(meeting.id)).some((g) => g.userId === userId)) return Response.json({ error: 'not a guest of this meeting' }, { status: 404 })
  try {
    const token = await generateCallToken(userId, [meeting.callId], { validityInSeconds: 2 * 60 * 60 })
    return Response.json({ token, callId: meeting.callId, userId })
  } catch (e) {
    return failure(e)
  }
}
