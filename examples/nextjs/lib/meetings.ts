// Meeting rows, who may see them, and how Stream's call events move them
// along. The final state of a meeting does not depend on the order webhooks
// arrive in, nor on duplicates:
//   status      scheduled → active → processing, never backwards;
//   started_at  the earliest session start seen, ended_at the latest end;
//   duration    recomputed from those two whenever both are known;
//   URLs        the newest recording / transcript (by event time) wins.
// Every function is async, so the store behind it can be a server database.
import type { WebhookResult } from '@/lib/stream'
import { db } from '@/lib/db'

export type MeetingStatus = 'scheduled' | 'active' | 'processing'

export interface Meeting {
  id: string
  callId: string
  hostUserId: string
  agentId: string
  agentName: string
  status: MeetingStatus
  createdAt: string
  startedAt: string | null
  endedAt: string | null
  durationSeconds: number | null
  transcriptionUrl: string | null
  recordingUrl: string | null
}

const COLUMNS = `m.id, m.call_id AS callId, m.host_user_id AS hostUserId, m.agent_id AS agentId, m.agent_name AS agentName, m.status,
  m.created_at AS createdAt, m.started_at AS startedAt, m.ended_at AS endedAt, m.duration_seconds AS durationSeconds,
  m.transcription_url AS transcriptionUrl, m.recording_url AS recordingUrl`

/** Meetings `userId` hosts or was invited to. */
const VISIBLE_TO = `(m.host_user_id = @userId OR EXISTS (SELECT 1 FROM meeting_guests g WHERE g.meeting_id = m.id AND g.user_id = @userId))`

export async function insertMeeting(m: Pick<Meeting, 'id' | 'callId' | 'hostUserId' | 'agentId' | 'agentName'>): Promise<Meeting> {
  db()
    .prepare('INSERT INTO meetings (id, call_id, host_user_id, agent_id, agent_name, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(m.id, m.callId, m.hostUserId, m.agentId, m.agentName, new Date().toISOString())
  return (await meetingFor(m.hostUserId, m.id))!
}

export async function deleteMeeting(id: string): Promise<void> {
  db().prepare('DELETE FROM meetings WHERE id = ?').run(id)
}

/** The meeting, if `userId` may see it (host or guest). */
export async function meetingFor(userId: string, id: string): Promise<Meeting | undefined> {
  return db().prepare(`SELECT ${COLUMNS} FROM meetings m WHERE m.id = @id AND ${VISIBLE_TO}`).get({ id, userId }) as Meeting | undefined
}

export async function meetingsFor(userId: string): Promise<Meeting[]> {
  return db().prepare(`SELECT ${COLUMNS} FROM meetings m WHERE ${VISIBLE_TO} ORDER BY m.created_at DESC, m.id`).all({ userId }) as Meeting[]
}

export async function addGuest(meetingId: string, userId: string, name: string | null): Promise<void> {
  db()
    .prepare('INSERT INTO meeting_guests (meeting_id, user_id, name, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id, user_id) DO UPDATE SET name = excluded.name')
    .run(meetingId, userId, name, new Date().toISOString())
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown-meeting'

/** RFC 3339 in one fixed form (so text order is time order), or null. */
function iso(value: string | null | undefined): string | null {
  if (!value) return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/**
 * Applies a verified event in one transaction: records its webhook id (a
 * re-delivery is a no-op) and merges what it says into the meeting.
 */
export async function applyEvent(event: WebhookResult): Promise<ApplyOutcome> {
  const database = db()
  return database.transaction((): ApplyOutcome => {
    if (event.webhookId) {
      const fresh = database
        .prepare('INSERT INTO processed_webhooks (webhook_id, event_type, call_id, processed_at) VALUES (?, ?, ?, ?) ON CONFLICT (webhook_id) DO NOTHING')
        .run(event.webhookId, event.type, event.callId, new Date().toISOString())
      if (fresh.changes === 0) return 'duplicate'
    }
    if (event.update === null) return 'ignored'
    const row = (event.meetingId ? database.prepare('SELECT id FROM meetings WHERE id = ?').get(event.meetingId) : undefined) ??
      (event.callId ? database.prepare('SELECT id FROM meetings WHERE call_id = ?').get(event.callId) : undefined)
    if (!row) return 'unknown-meeting'
    const id = (row as { id: string }).id
    const at = iso(event.createdAt) ?? ''
    switch (event.type) {
      case 'call.session_started':
        database
          .prepare(`UPDATE meetings SET status = CASE WHEN status = 'scheduled' THEN 'active' ELSE status END,
                      started_at = CASE WHEN @start IS NOT NULL AND (started_at IS NULL OR @start < started_at) THEN @start ELSE started_at END
                    WHERE id = @id`)
          .run({ id, start: iso(event.update.startedAt) })
        break
      case 'call.session_ended':
        database
          .prepare(`UPDATE meetings SET status = 'processing',
                      started_at = CASE WHEN @start IS NOT NULL AND (started_at IS NULL OR @start < started_at) THEN @start ELSE started_at END,
                      ended_at = CASE WHEN @end IS NOT NULL AND (ended_at IS NULL OR @end > ended_at) THEN @end ELSE ended_at END
                    WHERE id = @id`)
          .run({ id, start: iso(event.update.startedAt), end: iso(event.update.endedAt) })
        break
      case 'call.transcription_ready':
        database
          .prepare(`UPDATE meetings SET transcription_url = @url, transcription_at = @at WHERE id = @id
                      AND (transcription_at IS NULL OR @at > transcription_at OR (@at = transcription_at AND @url > transcription_url))`)
          .run({ id, url: event.update.transcriptionUrl, at })
        break
      case 'call.recording_ready':
        database
          .prepare(`UPDATE meetings SET recording_url = @url, recording_at = @at WHERE id = @id
                      AND (recording_at IS NULL OR @at > recording_at OR (@at = recording_at AND @url > recording_url))`)
          .run({ id, url: event.update.recordingUrl, at })
        break
    }
    const times = database.prepare('SELECT started_at AS startedAt, ended_at AS endedAt FROM meetings WHERE id = ?').get(id) as { startedAt: string | null; endedAt: string | null }
    const duration = times.startedAt && times.endedAt ? Math.max(0, Math.round((Date.parse(times.endedAt) - Date.parse(times.startedAt)) / 1000)) : null
    database.prepare('UPDATE meetings SET duration_seconds = ? WHERE id = ?').run(duration, id)
    return 'applied'
  })()
}
