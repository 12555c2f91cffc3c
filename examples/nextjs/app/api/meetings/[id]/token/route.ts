import { generateCallToken } from '@/lib/stream'
import { meetingOfRequest } from '@/lib/access'
import { failure } from '@/lib/respond'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * A token for the signed-in user that opens this meeting's call and no
 * other: what a guest's browser joins with. Only for the host and guests.
 */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const found = await meetingOfRequest(req, ctx)
  if (found instanceof Response) return found
  const { session, meeting } = found
  try {
    const token = await generateCallToken(session.userId, [meeting.callId], { validityInSeconds: 2 * 60 * 60 })
    return Response.json({ token, callId: meeting.callId, userId: session.userId })
  } catch (e) {
    return failure(e)
  }
}
