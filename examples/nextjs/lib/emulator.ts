// The package's Stream emulator, when it is the configured Stream (as under
// `npm run demo -- --serve`): the meeting page then offers what a real
// client would do (people join, speak and leave) through the emulator's
// control routes. Against Stream itself none of this is shown or reachable.

let probe: Promise<string | null> | undefined

/** The emulator's URL when STREAM_BASE_URL is the package's emulator, else null (asked once per process). */
export function emulatorUrl(): Promise<string | null> {
  probe ??= (async () => {
    const base = process.env.STREAM_BASE_URL
    if (!base) return null
    try {
      const response = await fetch(new URL('/emulator/info', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
        signal: AbortSignal.timeout(2000),
      })
      const info = (await response.json().catch(() => null)) as { emulator?: string } | null
      return response.ok && info?.emulator === 'stream-video-native' ? base : null
    } catch {
      probe = undefined // not up yet: ask again next time
      return null
    }
  })()
  return probe
}

export type SimulatedAction = 'join' | 'leave' | 'say'

/** Asks the emulator to have `userId` join, leave or say `text` in the call; Stream's error body on failure. */
export async function simulate(base: string, callId: string, userId: string, action: SimulatedAction, text?: string, signal?: AbortSignal) {
  const path = `/emulator/calls/default/${encodeURIComponent(callId)}/participants/${encodeURIComponent(userId)}/${action}`
  const response = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(action === 'say' ? { text } : {}),
    signal,
  })
  const body = (await response.json().catch(() => ({}))) as { message?: string }
  return { ok: response.ok, status: response.status, message: body.message ?? null }
}
