import { getMeeting } from '@/lib/meetings'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params
  const meeting = getMeeting(id)
  return meeting ? Response.json(meeting) : Response.json({ error: 'not found' }, { status: 404 })
}
