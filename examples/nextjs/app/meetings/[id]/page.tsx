import { cookies } from 'next/headers'
import { notFound } from 'next/navigation'
import { getCall } from '@/lib/stream'
import { meetingFor, participantsOf } from '@/lib/meetings'
import { verify } from '@/lib/session'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const time = (value: string | null) => (value ? new Date(value).toISOString().slice(11, 19) : '—')

/** One meeting: who joined and left, its recording and transcript, and (for the host) the recording switch and a repair button. */
export default async function MeetingPage({ params }: { params: Promise<{ id: string }> }) {
  const cookie = (await cookies()).get('session')?.value
  const session = cookie ? verify(cookie) : null
  const meeting = session ? await meetingFor(session.userId, (await params).id) : undefined
  if (!session || !meeting) notFound()
  const participants = await participantsOf(meeting.id)
  const isHost = meeting.hostUserId === session.userId
  // What is running now comes from Stream itself; the page still renders if Stream cannot be reached.
  const live = isHost ? await getCall(meeting.callId, { signal: AbortSignal.timeout(3000) }).catch(() => null) : null
  const done = meeting.recordingUrl !== null && meeting.transcriptionUrl !== null
  return (
    <main>
      <p>
        <a href="/">← meetings</a>
      </p>
      <h1>
        Meeting with {meeting.agentName} <small style={{ color: '#6b7280' }}>{meeting.callId}</small>
      </h1>
      <p>
        Status <strong data-status={meeting.status}>{meeting.status}</strong> · started {time(meeting.startedAt)} · ended {time(meeting.endedAt)}
        {meeting.durationSeconds !== null ? ` · ${meeting.durationSeconds} s` : ''}
      </p>
      <h2>People</h2>
      {participants.length === 0 ? (
        <p>Nobody has joined yet.</p>
      ) : (
        <table cellPadding={6} data-participants>
          <thead>
            <tr style={{ textAlign: 'left' }}>
              <th>Who</th>
              <th>Joined</th>
              <th>Left</th>
            </tr>
          </thead>
          <tbody>
            {participants.map((p) => (
              <tr key={`${p.userId}-${p.joinedAt}`} data-user={p.userId}>
                <td>
                  {p.userId}
                  {p.userId === meeting.agentId ? ' (agent)' : ''}
                </td>
                <td>{time(p.joinedAt)}</td>
                <td>{p.leftAt ? time(p.leftAt) : 'in the call'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Recording and transcript</h2>
      <ul>
        <li>Recording: {meeting.recordingUrl ? <a href={meeting.recordingUrl}>download</a> : 'not ready'}</li>
        <li>Transcript: {meeting.transcriptionUrl ? <a href={meeting.transcriptionUrl}>download (JSONL)</a> : 'not ready'}</li>
        <li data-processing={done ? 'done' : 'pending'}>Processing: {done ? 'done' : 'waiting for both files'}</li>
      </ul>
      {isHost && (
        <section>
          <form method="post" action={`/api/meetings/${meeting.id}/recording`} style={{ display: 'inline' }}>
            <input type="hidden" name="action" value={live?.recording ? 'stop' : 'start'} />
            <button type="submit" disabled={live === null || meeting.status === 'processing'}>
              {live?.recording ? 'Stop recording' : 'Start recording'}
            </button>
          </form>{' '}
          <form method="post" action={`/api/meetings/${meeting.id}/backfill`} style={{ display: 'inline' }}>
            <button type="submit">Repair from Stream</button>
          </form>
          <p style={{ color: '#6b7280' }}>
            {live === null ? 'Stream could not be reached.' : `Recording ${live.recording ? 'on' : 'off'}, transcription ${live.transcribing ? 'on' : 'off'}.`}
          </p>
        </section>
      )}
    </main>
  )
}
