import { meetingOfRequest } from '@/lib/access'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** One meeting, for its host and guests only (404 for anyone else). */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }) {
  const found = await meetingOfRequest(req, ctx)
  return found instanceof Response ? found : Response.json(found.meeting)
}
