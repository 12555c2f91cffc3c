import { db } from '@/lib/db'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/**
 * For the load balancer's health checks: 200 when this instance can reach
 * its database, 503 when it cannot (route traffic elsewhere, do not restart
 * it: the pool reconnects by itself once the database is back).
 */
export async function GET() {
  try {
    await (await db()).get('SELECT 1 AS ok')
    return Response.json({ ok: true })
  } catch (e) {
    return Response.json({ ok: false, error: (e as { code?: string }).code ?? 'database unavailable' }, { status: 503 })
  }
}
