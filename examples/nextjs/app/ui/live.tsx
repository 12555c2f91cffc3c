'use client'
// Live updates without a reload: polls the meeting's JSON (who is in, the
// status, the files) and re-renders the page when it changed, as webhooks
// arrive, until the meeting is ready. Short polling keeps it simple and works
// behind any proxy.
import { useRouter } from 'next/navigation'
import { useEffect, useRef, useState } from 'react'

export function LiveUpdates({ meetingId, done, intervalMs = 1000 }: { meetingId: string; done: boolean; intervalMs?: number }) {
  const router = useRouter()
  const last = useRef<string | null>(null)
  const [at, setAt] = useState<string | null>(null)
  useEffect(() => {
    if (done) return // a ready meeting changes no more: nothing to watch
    let stopped = false
    const tick = async () => {
      try {
        const response = await fetch(`/api/meetings/${meetingId}`, { cache: 'no-store' })
        if (response.ok) {
          const text = await response.text()
          if (last.current !== null && last.current !== text) router.refresh()
          last.current = text
          setAt(new Date().toLocaleTimeString())
        }
      } catch {
        // offline for a moment: the next tick tries again
      }
      if (!stopped) timer = setTimeout(tick, intervalMs)
    }
    let timer = setTimeout(tick, 0)
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, [meetingId, done, intervalMs, router])
  if (done) return null
  return (
    <span className="live" aria-live="off">
      {at ? `Live · checked ${at}` : 'Live'}
    </span>
  )
}
