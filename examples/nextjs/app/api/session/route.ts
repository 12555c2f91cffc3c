import { clearedCookie, sessionCookie } from '@/lib/session'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * Demo sign-in: `POST { userId }` signs that user in, with no password. It
 * exists so the example runs without an identity provider, and it answers
 * 404 unless DEMO_LOGIN=1. In your app, your auth library signs users in.
 */
export async function POST(req: Request) {
  if (process.env.DEMO_LOGIN !== '1') return Response.json({ error: 'not found' }, { status: 404 })
  const input: unknown = await req.json().catch(() => null)
  const userId = typeof input === 'object' && input !== null ? (input as { userId?: unknown }).userId : undefined
  if (typeof userId !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(userId)) {
    return Response.json({ error: 'userId must be 1-64 characters of A-Z, a-z, 0-9, _ or -' }, { status: 400 })
  }
  return Response.json({ userId }, { headers: { 'set-cookie': sessionCookie(userId) } })
}

/** Signs out. */
export async function DELETE() {
  return Response.json({ ok: true }, { headers: { 'set-cookie': clearedCookie } })
}
