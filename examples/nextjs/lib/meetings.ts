// Meeting rows, who may see them, and how Stream's call events move them
// along. The final state of a meeting does not depend on the order webhooks
// arrive in, nor on duplicates, nor on which app instance gets them:
//   status      scheduled → active → processing, never backwards;
//   started_at  the earliest session start seen, ended_at the latest end;
//   duration    recomputed from those two whenever both are known;
//   URLs        the newest recording / transcript (by event time) wins.
// An event is applied in one transaction that first records its webhook id
// (INSERT … ON CONFLICT DO NOTHING: a re-delivery, even one arriving at
// another instance at the same instant, changes nothing) and locks the
// meeting row, so concurrent events for one meeting apply one after another.
// A re-delivery that arrives while the first attempt's transaction is still
// open waits for it (up to the lock timeout, see db.ts): a commit makes it a
// duplicate, a rollback (the instance died) lets it apply the event.
import type { CallRecording, CallTranscription, StreamCallState, WebhookResult } from '@/lib/stream'
import { db, type Queryable } from '@/lib/db'

/**
 * scheduled → active → processing (the call ended, its files are on the way)
 * → ready (recording and transcript both in). `ready` is read, not stored:
 * the stored status is `processing` and the two URLs say the rest.
 */
export type MeetingStatus = 'scheduled' | 'active' | 'processing' | 'ready'

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

const COLUMNS = `m.id, m.call_id AS "callId", m.host_user_id AS "hostUserId", m.agent_id AS "agentId", m.agent_name AS "agentName",
  CASE WHEN m.status = 'processing' AND m.recording_url IS NOT NULL AND m.transcription_url IS NOT NULL THEN 'ready' ELSE m.status END AS status,
  m.created_at AS "createdAt", m.started_at AS "startedAt", m.ended_at AS "endedAt",
  m.duration_seconds AS "durationSeconds", m.transcription_url AS "transcriptionUrl", m.recording_url AS "recordingUrl"`

/** Meetings the user (both placeholders) hosts or was invited to. */
const VISIBLE_TO = `(m.host_user_id = ? OR EXISTS (SELECT 1 FROM meeting_guests g WHERE g.meeting_id = m.id AND g.user_id = ?))`

export async function insertMeeting(m: Pick<Meeting, 'id' | 'callId' | 'hostUserId' | 'agentId' | 'agentName'>): Promise<Meeting> {
  await (await db()).run('INSERT INTO meetings (id, call_id, host_user_id, agent_id, agent_name, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    m.id,
    m.callId,
    m.hostUserId,
    m.agentId,
    m.agentName,
    new Date().toISOString(),
  ])
  const meeting = await meetingFor(m.hostUserId, m.id)
  if (!meeting) throw new Error(`meeting ${m.id} was inserted but cannot be read back`)
  return meeting
}

export async function deleteMeeting(id: string): Promise<void> {
  await (await db()).run('DELETE FROM meetings WHERE id = ?', [id])
}

/** The meeting, if `userId` may see it (host or guest). */
export async function meetingFor(userId: string, id: string): Promise<Meeting | undefined> {
  return (await db()).get<Meeting>(`SELECT ${COLUMNS} FROM meetings m WHERE m.id = ? AND ${VISIBLE_TO}`, [id, userId, userId])
}

export async function meetingsFor(userId: string): Promise<Meeting[]> {
  return (await db()).all<Meeting>(`SELECT ${COLUMNS} FROM meetings m WHERE ${VISIBLE_TO} ORDER BY m.created_at DESC, m.id`, [userId, userId])
}

export async function addGuest(meetingId: string, userId: string, name: string | null): Promise<void> {
  await (await db()).run(
    'INSERT INTO meeting_guests (meeting_id, user_id, name, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id, user_id) DO UPDATE SET name = excluded.name',
    [meetingId, userId, name, new Date().toISOString()],
  )
}

export interface Guest {
  userId: string
  name: string | null
}

/** The meeting's invited guests, in the order they were invited. */
export async function guestsOf(meetingId: string): Promise<Guest[]> {
  return (await db()).all<Guest>('SELECT user_id AS "userId", name FROM meeting_guests WHERE meeting_id = ? ORDER BY added_at, user_id', [meetingId])
}

export interface Participant {
  userId: string
  joinedAt: string | null
  leftAt: string | null
}

/** Everyone who joined the meeting's call, in the order they joined. */
export async function participantsOf(meetingId: string): Promise<Participant[]> {
  return (await db()).all<Participant>(
    `SELECT user_id AS "userId", joined_at AS "joinedAt", left_at AS "leftAt" FROM meeting_participants
      WHERE meeting_id = ? ORDER BY joined_at, user_session_id`,
    [meetingId],
  )
}

/** People (not the agent) in the call now: joined, and not left. */
export async function humansPresent(meeting: Meeting): Promise<number> {
  const row = await (await db()).get<{ n: number }>(
    `SELECT COUNT(*) AS n FROM meeting_participants
      WHERE meeting_id = ? AND user_id <> ? AND joined_at IS NOT NULL AND left_at IS NULL`,
    [meeting.id, meeting.agentId],
  )
  return Number(row?.n ?? 0)
}

export async function meetingOfCall(callId: string): Promise<Meeting | undefined> {
  return (await db()).get<Meeting>(`SELECT ${COLUMNS} FROM meetings m WHERE m.call_id = ?`, [callId])
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored' | 'unknown-meeting' | 'mismatched'

/** RFC 3339 in one fixed form (so text order is time order), or null. */
function iso(value: string | null | undefined): string | null {
  if (!value) return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/** The earlier (`<`) or later (`>`) of a column and a value, ignoring a null value. */
const merge = (column: string, op: '<' | '>') =>
  `CASE WHEN CAST(? AS TEXT) IS NOT NULL AND (${column} IS NULL OR CAST(? AS TEXT) ${op} ${column}) THEN CAST(? AS TEXT) ELSE ${column} END`

async function update(tx: Queryable, id: string, event: WebhookResult & { update: object }, counted = true): Promise<void> {
  const at = iso(event.createdAt) ?? ''
  switch (event.type) {
    case 'call.session_started': {
      const start = iso(event.update.startedAt)
      await tx.run(
        `UPDATE meetings SET status = CASE WHEN status = 'scheduled' THEN 'active' ELSE status END, started_at = ${merge('started_at', '<')} WHERE id = ?`,
        [start, start, start, id],
      )
      break
    }
    case 'call.session_ended': {
      const [start, end] = [iso(event.update.startedAt), iso(event.update.endedAt)]
      await tx.run(`UPDATE meetings SET status = 'processing', started_at = ${merge('started_at', '<')}, ended_at = ${merge('ended_at', '>')} WHERE id = ?`, [
        start,
        start,
        start,
        end,
        end,
        end,
        id,
      ])
      break
    }
    case 'call.transcription_ready':
    case 'call.recording_ready': {
      const [column, url] = event.type === 'call.recording_ready' ? ['recording', event.update.recordingUrl] : ['transcription', event.update.transcriptionUrl]
      await tx.run(
        `UPDATE meetings SET ${column}_url = ?, ${column}_at = ? WHERE id = ?
           AND (${column}_at IS NULL OR ? > ${column}_at OR (? = ${column}_at AND ? > ${column}_url))`,
        [url, at, id, at, at, url],
      )
      break
    }
  }
  const times = await tx.get<{ startedAt: string | null; endedAt: string | null }>(
    'SELECT started_at AS "startedAt", ended_at AS "endedAt" FROM meetings WHERE id = ?',
    [id],
  )
  const duration = times?.startedAt && times.endedAt ? Math.max(0, Math.round((Date.parse(times.endedAt) - Date.parse(times.startedAt)) / 1000)) : null
  await tx.run('UPDATE meetings SET duration_seconds = ?, events_applied = events_applied + ? WHERE id = ?', [duration, counted ? 1 : 0, id])
}

/** Applies a verified event exactly once, whatever the order and whichever instance gets it. */
export async function applyEvent(event: WebhookResult): Promise<ApplyOutcome> {
  const store = await db()
  return store.transaction(
    async (tx): Promise<ApplyOutcome> => {
      if (event.webhookId) {
        const fresh = await tx.run(
          'INSERT INTO processed_webhooks (webhook_id, event_type, call_id, processed_at) VALUES (?, ?, ?, ?) ON CONFLICT (webhook_id) DO NOTHING',
          [event.webhookId, event.type, event.callId, new Date().toISOString()],
        )
        if (fresh === 0) return 'duplicate'
        await testOnlyDelay(event)
      }
      const participant = event.type === 'call.session_participant_joined' || event.type === 'call.session_participant_left'
      if (event.update === null && !participant) return 'ignored'
      // The call id finds the meeting: the app chose it, and Stream signs it. The call's custom data is
      // only a hint: anyone allowed to update the call can change it, so it must agree.
      const ours = event.callId !== null && (event.callType ?? 'default') === 'default' // the app makes `default` calls only
      const found = ours ? await tx.get<{ id: string }>('SELECT id FROM meetings WHERE call_id = ?', [event.callId]) : undefined
      if (!found) return 'unknown-meeting'
      if (event.meetingId !== null && event.meetingId !== found.id) {
        console.warn(
          `webhook ${event.webhookId ?? '(no id)'}: call ${event.callId} belongs to meeting ${found.id}, but its custom meetingId says ${JSON.stringify(event.meetingId)}; not applied`,
        )
        return 'mismatched'
      }
      // Held until commit: events for one meeting apply one after another.
      await tx.get(store.lockSql('meetings'), [found.id])
      if (event.update !== null) await update(tx, found.id, event)
      else if (!(await recordParticipant(tx, found.id, event))) return 'ignored'
      return 'applied'
    },
    { idempotent: true },
  )
}

/**
 * For the chaos test only: with EXAMPLE_TEST_SLOW_WEBHOOKS=<percent>:<ms>,
 * the first attempt of that share of webhooks (picked by id) holds its
 * transaction open that long, so Stream's retry arrives while it runs.
 */
async function testOnlyDelay(event: WebhookResult): Promise<void> {
  const setting = /^(\d+):(\d+)$/.exec(process.env.EXAMPLE_TEST_SLOW_WEBHOOKS ?? '')
  if (!setting || (event.attempt ?? 1) !== 1 || !event.webhookId) return
  const bucket = Number.parseInt(event.webhookId.replace(/[^0-9a-f]/gi, '').slice(-4) || '0', 16) % 100
  if (bucket < Number(setting[1])) await new Promise((resolve) => setTimeout(resolve, Number(setting[2])))
}

/** A participant joined or left: each event fills in its own column, so their order does not matter. */
async function recordParticipant(tx: Queryable, meetingId: string, event: WebhookResult): Promise<boolean> {
  if (!event.userId || !event.userSessionId) return false
  const column = event.type === 'call.session_participant_joined' ? 'joined_at' : 'left_at'
  await tx.run(
    `INSERT INTO meeting_participants (meeting_id, user_session_id, user_id, ${column}) VALUES (?, ?, ?, ?)
       ON CONFLICT (meeting_id, user_session_id) DO UPDATE SET ${column} = excluded.${column}`,
    [meetingId, event.userSessionId, event.userId, iso(event.createdAt) ?? new Date().toISOString()],
  )
  return true
}

/**
 * Repairs a meeting from what Stream has now (after lost webhooks): the
 * call's session and end, its newest recording and transcript. Applied with
 * the same merges as the events, so it never moves a meeting backwards and
 * agrees with any event that arrives later.
 */
export async function backfillMeeting(
  meetingId: string,
  call: StreamCallState,
  recordings: CallRecording[],
  transcriptions: CallTranscription[],
): Promise<void> {
  const store = await db()
  const newest = <T extends { endTime: string | null }>(files: T[]) =>
    files.reduce<T | null>((a, b) => (!a || (b.endTime ?? '') > (a.endTime ?? '') ? b : a), null)
  const base = { createdAt: null, callType: call.type, callId: call.id, sessionId: call.session?.id ?? null, webhookId: null, attempt: null, meetingId }
  const none = {
    userId: null,
    userSessionId: null,
    durationSeconds: null,
    egressId: null,
    recordingType: null,
    error: null,
    startTime: null,
    endTime: null,
    memberIds: null,
  }
  const events: WebhookResult[] = []
  const session = call.session
  if (session?.startedAt)
    events.push({ ...base, ...none, type: 'call.session_started', update: { kind: 'active', status: 'active', startedAt: session.startedAt } })
  const endedAt = session?.endedAt ?? call.endedAt
  if (endedAt) {
    events.push({
      ...base,
      ...none,
      type: 'call.session_ended',
      update: { kind: 'processing', status: 'processing', startedAt: session?.startedAt ?? null, endedAt, durationSeconds: null },
    })
  }
  const recording = newest(recordings)
  if (recording?.url) {
    events.push({ ...base, ...none, createdAt: recording.endTime, type: 'call.recording_ready', update: { kind: 'recording', recordingUrl: recording.url } })
  }
  const transcript = newest(transcriptions)
  if (transcript?.url) {
    events.push({
      ...base,
      ...none,
      createdAt: transcript.endTime,
      type: 'call.transcription_ready',
      update: { kind: 'transcription', transcriptionUrl: transcript.url },
    })
  }
  await store.transaction(
    async (tx) => {
      await tx.get(store.lockSql('meetings'), [meetingId])
      for (const event of events) await update(tx, meetingId, event as WebhookResult & { update: object }, false)
    },
    { idempotent: true },
  )
}
