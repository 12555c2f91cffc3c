// Who is signed in. This is a deliberately small stand-in for your auth
// library (Auth.js, Clerk, Lucia, your SSO...): a session cookie holding the
// user id and an HMAC of it under SESSION_SECRET. Replace `auth()` with your
// library's call; every route gets the user from here, never from a request
// body, so nobody can ask for another user's token or meetings.
import crypto from 'node:crypto'

const COOKIE = 'session'
const MAX_AGE_SECONDS = 7 * 24 * 60 * 60

export interface Session {
  userId: string
}

function secret(): string {
  const value = process.env.SESSION_SECRET
  if (!value || value.length < 32) throw new Error('SESSION_SECRET must be set to at least 32 random characters')
  return value
}

const mac = (payload: string) => crypto.createHmac('sha256', secret()).update(payload).digest('base64url')

/** The signed-in user of this request, or null. Replace with your auth library. */
export async function auth(req: Request): Promise<Session | null> {
  const cookie = req.headers.get('cookie') ?? ''
  const value = cookie
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1)
  return value ? verify(value) : null
}

/** Checks a cookie value `<base64url user id>.<expiry>.<mac>`. */
export function verify(value: string): Session | null {
  const [id, expires, signature] = value.split('.')
  if (!id || !expires || !signature) return null
  const expected = Buffer.from(mac(`${id}.${expires}`))
  const given = Buffer.from(signature)
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null
  if (Number(expires) < Date.now() / 1000) return null
  return { userId: Buffer.from(id, 'base64url').toString('utf8') }
}

/** A `Set-Cookie` value that signs `userId` in. */
export function sessionCookie(userId: string): string {
  const id = Buffer.from(userId, 'utf8').toString('base64url')
  const expires = Math.floor(Date.now() / 1000) + MAX_AGE_SECONDS
  const value = `${id}.${expires}.${mac(`${id}.${expires}`)}`
  const secure = process.env.NODE_ENV === 'production' && !process.env.SESSION_INSECURE_COOKIE ? '; Secure' : ''
  return `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${MAX_AGE_SECONDS}${secure}`
}

export const clearedCookie = `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`

export const unauthorized = () => Response.json({ error: 'sign in first' }, { status: 401 })
