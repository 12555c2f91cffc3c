import { cookies } from 'next/headers'
import { notFound } from 'next/navigation'
import { getCall, readTranscript, type TranscriptSegment } from '@/lib/stream'
import { emulatorUrl } from '@/lib/emulator'
import { guestsOf, meetingFor, participantsOf } from '@/lib/meetings'
import { verify } from '@/lib/session'
import { ActionButton, CopyToken, InviteGuest, Person } from '../../ui/actions'
import { clock, duration, secondsBetween, STATUS_WORDS } from '../../ui/format'
import { LiveUpdates } from '../../ui/live'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** The transcript's turns, read on the server (bounded: 4 MiB, 5 s); the reason when it cannot be read. */
async function turnsOf(url: string | null): Promise<{ turns: TranscriptSegment[] } | { problem: string } | null> {
  if (!url) return null
  try {
    return { turns: await readTranscript(url, { maxBytes: 4 * 1024 * 1024, signal: AbortSignal.timeout(5000) }) }
  } catch (e) {
    return { problem: `The transcript could not be read (${(e as { code?: string }).code ?? 'error'}).` }
  }
}

/** `m:ss` into the meeting: from its start for clock times, from zero for offsets. */
function at(ms: number, startedAt: string | null): string {
  const origin = ms > 1e12 && startedAt ? Date.parse(startedAt) : 0
  return duration(Math.max(0, Math.round((ms - origin) / 1000)))
}

/**
 * One meeting: status, people in and out, the recording and the transcript's
 * turns; for the host, the controls (recording, transcription, end, repair),
 * invitations and join tokens, and with the emulator, the people themselves.
 */
export default async function MeetingPage({ params }: { params: Promise<{ id: string }> }) {
  const cookie = (await cookies()).get('session')?.value
  const session = cookie ? verify(cookie) : null
  const meeting = session ? await meetingFor(session.userId, (await params).id) : undefined
  if (!session || !meeting) notFound()
  const isHost = meeting.hostUserId === session.userId
  const [participants, guests, transcript, emulator, live] = await Promise.all([
    participantsOf(meeting.id),
    guestsOf(meeting.id),
    turnsOf(meeting.transcriptionUrl),
    isHost ? emulatorUrl() : null,
    // What runs now comes from Stream itself; the page still renders if Stream cannot be reached.
    isHost ? getCall(meeting.callId, { signal: AbortSignal.timeout(3000) }).catch(() => null) : null,
  ])
  const names = new Map<string, string>([
    [meeting.hostUserId, `${meeting.hostUserId} (host)`],
    [meeting.agentId, `${meeting.agentName} (agent)`],
    ...guests.map((g): [string, string] => [g.userId, g.name ? `${g.name} (${g.userId})` : g.userId]),
  ])
  const nameOf = (id: string) => names.get(id) ?? id
  const inCall = new Set(participants.filter((p) => p.joinedAt && !p.leftAt).map((p) => p.userId))
  const over = meeting.status === 'processing' || meeting.status === 'ready'
  const seconds = meeting.durationSeconds ?? (meeting.status === 'active' ? secondsBetween(meeting.startedAt, null) : null)
  const base = `/api/meetings/${meeting.id}`
  return (
    <main>
      <p>
        <a href="/">← All meetings</a>
      </p>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>Meeting with {meeting.agentName}</h1>
        <LiveUpdates meetingId={meeting.id} done={meeting.status === 'ready'} />
      </div>
      <section className="panel" aria-labelledby="status">
        <h2 id="status" className="row">
          Status{' '}
          <span className={`badge ${meeting.status}`} data-status={meeting.status}>
            {meeting.status}
          </span>
        </h2>
        <p data-status-words>{STATUS_WORDS[meeting.status]}.</p>
        <p className="muted">
          Started {clock(meeting.startedAt)} · ended {clock(meeting.endedAt)} · duration <span data-duration>{duration(seconds)}</span> · call{' '}
          <code>{meeting.callId}</code>
        </p>
      </section>

      <div className="grid">
        <section className="panel" aria-labelledby="people">
          <h2 id="people">People</h2>
          {participants.length === 0 ? (
            <p className="muted">
              {meeting.status === 'scheduled'
                ? 'Nobody has joined yet. When people join the call, they appear here with their times.'
                : 'No joins were reported for this meeting.'}
            </p>
          ) : (
            <table data-participants>
              <thead>
                <tr>
                  <th scope="col">Who</th>
                  <th scope="col">Joined</th>
                  <th scope="col">Left</th>
                </tr>
              </thead>
              <tbody>
                {participants.map((p) => (
                  <tr key={`${p.userId}-${p.joinedAt}-${p.leftAt}`} data-user={p.userId}>
                    <td>{nameOf(p.userId)}</td>
                    <td>{clock(p.joinedAt)}</td>
                    <td>{p.leftAt ? clock(p.leftAt) : <strong>in the call</strong>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {guests.length > 0 && <p className="muted">Invited: {guests.map((g) => nameOf(g.userId)).join(', ')}.</p>}
        </section>

        {isHost && (
          <section className="panel stack" aria-labelledby="controls">
            <h2 id="controls">Controls</h2>
            <p className="muted" data-live-state>
              {live === null
                ? 'Stream could not be reached.'
                : `Recording ${live.recording ? 'on' : 'off'} · transcription ${live.transcribing ? 'on' : 'off'}.`}
            </p>
            <div className="row">
              <ActionButton
                url={`${base}/recording`}
                body={{ action: live?.recording ? 'stop' : 'start' }}
                label={live?.recording ? 'Stop recording' : 'Start recording'}
                variant="secondary"
                disabled={live === null || over}
              />
              <ActionButton
                url={`${base}/transcription`}
                body={{ action: live?.transcribing ? 'stop' : 'start' }}
                label={live?.transcribing ? 'Stop transcription' : 'Start transcription'}
                variant="secondary"
                disabled={live === null || over}
              />
            </div>
            <div className="row">
              <ActionButton url={`${base}/end`} label="End meeting" variant="danger" disabled={over} />
              <ActionButton url={`${base}/backfill`} label="Repair from Stream" variant="secondary" />
            </div>
            <p className="muted">Repair reads the call, its recordings and transcripts from Stream: use it when webhooks were lost.</p>
          </section>
        )}
      </div>

      {isHost && (
        <div className="grid">
          <section className="panel stack" aria-labelledby="invite">
            <h2 id="invite">Invite a guest</h2>
            <InviteGuest meetingId={meeting.id} />
          </section>
          <section className="panel stack" aria-labelledby="tokens">
            <h2 id="tokens">Join tokens</h2>
            <p className="muted">
              What a video client joins this call with (Stream Video SDK, <code>call.join()</code>).
            </p>
            <CopyToken url={`${base}/token`} label="Copy my join token" />
            {guests.map((g) => (
              <CopyToken key={g.userId} url={`${base}/guests/${encodeURIComponent(g.userId)}/token`} label={`Copy ${g.name ?? g.userId}'s join token`} />
            ))}
          </section>
        </div>
      )}

      {isHost && emulator && !over && (
        <section className="panel" aria-labelledby="simulate">
          <h2 id="simulate">Simulate the call</h2>
          <p className="muted">
            Stream here is the package's emulator: do what each person's video client would. Joining starts the session (and its recording and transcription);
            what people say lands in the transcript; when the last human leaves, the app ends the call.
          </p>
          <div className="grid">
            {[meeting.hostUserId, meeting.agentId, ...guests.map((g) => g.userId)].map((id) => (
              <Person key={id} meetingId={meeting.id} userId={id} label={nameOf(id)} inCall={inCall.has(id)} />
            ))}
          </div>
        </section>
      )}

      <div className="grid">
        <section className="panel stack" aria-labelledby="recording">
          <h2 id="recording">Recording</h2>
          {meeting.recordingUrl ? (
            <>
              {/* biome-ignore lint/a11y/useMediaCaption: the transcript below is the meeting's text */}
              <video controls preload="metadata" src={meeting.recordingUrl} data-recording />
              <a href={meeting.recordingUrl}>Download the recording</a>
            </>
          ) : (
            <p className="muted">{over ? 'On the way: Stream is processing it.' : 'Appears here after the meeting.'}</p>
          )}
        </section>
        <section className="panel stack" aria-labelledby="transcript">
          <h2 id="transcript">Transcript</h2>
          {transcript === null ? (
            <p className="muted">{over ? 'On the way: Stream is processing it.' : 'Appears here after the meeting.'}</p>
          ) : 'problem' in transcript ? (
            <p className="error">{transcript.problem}</p>
          ) : transcript.turns.length === 0 ? (
            <p className="muted">Nobody said anything while it was transcribed.</p>
          ) : (
            <ol className="turns" data-transcript>
              {transcript.turns.map((turn) => (
                <li key={`${turn.start}-${turn.speakerId}-${turn.text}`} data-speaker={turn.speakerId}>
                  <span className="who">{nameOf(turn.speakerId)}</span>
                  <time>{at(turn.start, meeting.startedAt)}</time>
                  <p style={{ margin: '0.2rem 0 0' }}>{turn.text}</p>
                </li>
              ))}
            </ol>
          )}
          {meeting.transcriptionUrl && <a href={meeting.transcriptionUrl}>Download the transcript (JSONL)</a>}
        </section>
      </div>
    </main>
  )
}
