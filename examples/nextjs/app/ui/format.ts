// How times and statuses read on the pages.
import type { MeetingStatus } from '@/lib/meetings'

export const STATUS_WORDS: Record<MeetingStatus, string> = {
  scheduled: 'Scheduled: nobody has joined yet',
  active: 'In progress',
  processing: 'Ended: the recording and transcript are on the way',
  ready: 'Ready: recording and transcript are in',
}

/** `1:05` for 65 seconds; `—` when unknown. */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—'
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(seconds % 60).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** A wall-clock time (UTC, HH:MM:SS), or `—`. */
export function clock(value: string | null): string {
  return value ? `${new Date(value).toISOString().slice(11, 19)} UTC` : '—'
}

/** The seconds between two RFC 3339 times, or between `from` and now while `to` is null. */
export function secondsBetween(from: string | null, to: string | null): number | null {
  if (!from) return null
  return Math.max(0, Math.round(((to ? Date.parse(to) : Date.now()) - Date.parse(from)) / 1000))
}
