import { cookies } from 'next/headers'
import { meetingsFor, type MeetingStatus } from '@/lib/meetings'
import { verify } from '@/lib/session'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const COLORS: Record<MeetingStatus, string> = { scheduled: '#6b7280', active: '#15803d', processing: '#b45309' }

function duration(seconds: number | null): string {
  if (seconds === null) return '—'
  const m = Math.floor(seconds / 60)
  return `${m}:${String(seconds % 60).padStart(2, '0')}`
}

export default async function MeetingsPage() {
  const cookie = (await cookies()).get('session')?.value
  const session = cookie ? verify(cookie) : null
  if (!session) {
    return (
      <main>
        <h1>Meetings</h1>
        <p>Sign in to see your meetings.</p>
      </main>
    )
  }
  const meetings = await meetingsFor(session.userId)
  return (
    <main>
      <h1>Meetings of {session.userId}</h1>
      {meetings.length === 0 ? (
        <p>No meetings yet. Create one with POST /api/meetings.</p>
      ) : (
        <table cellPadding={8} style={{ borderCollapse: 'collapse' }}>
          <thead>
            <tr style={{ textAlign: 'left', borderBottom: '1px solid #ccc' }}>
              <th>Meeting</th>
              <th>Agent</th>
              <th>Status</th>
              <th>Duration</th>
              <th>Recording</th>
              <th>Transcript</th>
            </tr>
          </thead>
          <tbody>
            {meetings.map((m) => (
              <tr key={m.id} data-meeting-id={m.id} style={{ borderBottom: '1px solid #eee' }}>
                <td>
                  <a href={`/meetings/${m.id}`}>{m.callId}</a>
                </td>
                <td>{m.agentName}</td>
                <td>
                  <span data-status={m.status} style={{ color: COLORS[m.status], fontWeight: 600 }}>
                    {m.status}
                  </span>
                </td>
                <td>{duration(m.durationSeconds)}</td>
                <td>{m.recordingUrl ? <a href={m.recordingUrl}>recording</a> : '—'}</td>
                <td>{m.transcriptionUrl ? <a href={m.transcriptionUrl}>transcript</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  )
}
