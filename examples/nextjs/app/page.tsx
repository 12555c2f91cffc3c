import { cookies } from 'next/headers'
import { meetingsFor } from '@/lib/meetings'
import { verify } from '@/lib/session'
import { NewMeeting } from './ui/actions'
import { duration, secondsBetween, STATUS_WORDS } from './ui/format'
import { SignIn } from './ui/session'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

export default async function MeetingsPage() {
  const cookie = (await cookies()).get('session')?.value
  const session = cookie ? verify(cookie) : null
  if (!session) {
    return (
      <main>
        <h1>Meetings</h1>
        <section className="panel stack" aria-labelledby="sign-in">
          <h2 id="sign-in">Sign in</h2>
          {process.env.DEMO_LOGIN === '1' ? (
            <>
              <p className="muted">Demo sign-in: any user id, no password. Your app signs people in with its auth library instead.</p>
              <SignIn />
            </>
          ) : (
            <p>Sign in with your identity provider to see your meetings.</p>
          )}
        </section>
      </main>
    )
  }
  const meetings = await meetingsFor(session.userId)
  return (
    <main>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>Your meetings</h1>
        <NewMeeting />
      </div>
      {meetings.length === 0 ? (
        <section className="empty stack">
          <h2>No meetings yet</h2>
          <p className="muted">
            Create one with <strong>New meeting</strong>: you and the AI agent get a Stream call that records and transcribes itself. Then invite guests and
            share their join tokens.
          </p>
        </section>
      ) : (
        <ul className="meetings stack">
          {meetings.map((m) => (
            <li key={m.id} className="panel meeting-card" data-meeting-id={m.id}>
              <div>
                <a href={`/meetings/${m.id}`}>
                  <strong>Meeting with {m.agentName}</strong>
                </a>
                <div className="muted">
                  {m.hostUserId === session.userId ? 'You host' : `Hosted by ${m.hostUserId}`} · created{' '}
                  {new Date(m.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC
                </div>
              </div>
              <div className="row">
                <span className={`badge ${m.status}`} data-status={m.status} title={STATUS_WORDS[m.status]}>
                  {m.status}
                </span>
                <span className="muted">{duration(m.durationSeconds ?? (m.status === 'active' ? secondsBetween(m.startedAt, null) : null))}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </main>
  )
}
