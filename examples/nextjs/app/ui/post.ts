// The page's one way to call the app's API: JSON in, JSON out, and a failure
// told as the API tells it (its code, Stream's status, the request id to find
// the server's log line), never as upstream text.

export interface Failure {
  error?: string
  message?: string
  status?: number | null
  requestId?: string | null
}

export async function post<T>(url: string, body: unknown = {}): Promise<{ ok: true; data: T } | { ok: false; failure: string }> {
  let response: Response
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  } catch {
    return { ok: false, failure: 'The app could not be reached.' }
  }
  const data = (await response.json().catch(() => ({}))) as T & Failure
  if (response.ok) return { ok: true, data }
  return { ok: false, failure: describe(response.status, data) }
}

export function describe(httpStatus: number, f: Failure): string {
  const parts = [f.error ?? `HTTP ${httpStatus}`]
  if (f.message) parts.push(f.message)
  if (f.status) parts.push(`Stream answered ${f.status}`)
  if (f.requestId) parts.push(`request id ${f.requestId}`)
  return parts.join(' · ')
}
