// Meeting rows and how Stream's call events move them along:
// scheduled → active → processing, never backwards.
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

const COLUMNS = `id, call_id AS callId, host_user_id AS hostUserId, agent_id AS agentId, agent_name AS agentName, status,
  created_at AS createdAt, started_at AS startedAt, ended_at AS endedAt, duration_seconds AS durationSeconds,
  transcription_url AS transcriptionUrl, recording_url AS recordingUrl`

export function insertMeeting(m: Pick<Meeting, 'id' | 'callId' | 'hostUserId' | 'agentId' | 'agentName'>): Meeting {
  db()
    .prepare('INSERT INTO meetings (id, call_id, host_user_id, agent_id, agent_name, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(m.id, m.callId, m.hostUserId, m.agentId, m.agentName, new Date().toISOString())
  return getMeeting(m.id)!
}

export function deleteMeeting(id: string): void {
  db().prepare('DELETE FROM meetings WHERE id = ?').run(id)
}

export function getMeeting(id: string): Meeting | undefined {
  return db().prepare(`SELECT ${COLUMNS} FROM meetings WHERE id = ?`).get(id) as Meeting | undefined
}

export function findMeetingForEvent(event: WebhookResult): Meeting | undefined {
  if (event.meetingId) {
    const byId = getMeeting(event.meetingId)
    if (byId) return byId
  }
  if (!event.callId) return undefined
  return db().prepare(`SELECT ${COLUMNS} FROM meetings WHERE call_id = ?`).get(event.callId) as Meeting | undefined
}

export function listMeetings(): Meeting[] {
  return db().prepare(`SELECT ${COLUMNS} FROM meetings ORDER BY created_at DESC, id`).all() as Meeting[]
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown-meeting'

/**
 * Applies a verified event in one transaction: records its webhook id (a
 * re-delivery is a no-op) and moves the meeting forward. An `active` event
 * that arrives after `processing` does not move it back.
 */
export function applyEvent(event: WebhookResult): ApplyOutcome {
  const database = db()
  return database.transaction((): ApplyOutcome => {
    if (event.webhookId) {
      const fresh = database
        .prepare('INSERT OR IGNORE INTO processed_webhooks (webhook_id, event_type, call_id, processed_at) VALUES (?, ?, ?, ?)')
        .run(event.webhookId, event.type, event.callId, new Date().toISOString())
      if (fresh.changes === 0) return 'duplicate'
    }
    if (event.update === null) return 'ignored'
    const meeting = findMeetingForEvent(event)
    if (!meeting) return 'unknown-meeting'
    switch (event.type) {
      case 'call.session_started':
        database
          .prepare(`UPDATE meetings SET status = CASE WHEN status = 'scheduled' THEN 'active' ELSE status END,
                      started_at = COALESCE(started_at, ?) WHERE id = ?`)
          .run(event.update.startedAt, meeting.id)
        break
      case 'call.session_ended':
        database
          .prepare(`UPDATE meetings SET status = 'processing', ended_at = ?, duration_seconds = COALESCE(?, duration_seconds) WHERE id = ?`)
          .run(event.update.endedAt, event.update.durationSeconds, meeting.id)
        break
      case 'call.transcription_ready':
        database.prepare('UPDATE meetings SET transcription_url = ? WHERE id = ?').run(event.update.transcriptionUrl, meeting.id)
        break
      case 'call.recording_ready':
        database.prepare('UPDATE meetings SET recording_url = ? WHERE id = ?').run(event.update.recordingUrl, meeting.id)
        break
    }
    return 'applied'
  })()
}
