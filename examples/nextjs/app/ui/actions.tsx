'use client'
// The meeting's controls: each a small form or button over one API route,
// showing the API's error (code, request id) where it happened.
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { post } from './post'

function useAction() {
  const router = useRouter()
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const run = async <T,>(url: string, body?: unknown, then?: (data: T) => void) => {
    setBusy(true)
    const done = await post<T>(url, body)
    setBusy(false)
    if (!done.ok) return setFailure(done.failure)
    setFailure(null)
    if (then) then(done.data)
    else router.refresh()
  }
  const shown = failure && (
    <p className="error" role="alert">
      {failure}
    </p>
  )
  return { run, busy, shown, router }
}

/** A button that POSTs `body` to `url`, then refreshes the page. */
export function ActionButton(props: { url: string; body?: unknown; label: string; variant?: 'secondary' | 'danger'; disabled?: boolean; confirm?: string }) {
  const { run, busy, shown } = useAction()
  return (
    <span>
      <button
        type="button"
        className={props.variant}
        disabled={busy || props.disabled}
        onClick={() => {
          if (props.confirm && !window.confirm(props.confirm)) return
          void run(props.url, props.body)
        }}
      >
        {props.label}
      </button>
      {shown}
    </span>
  )
}

export function NewMeeting() {
  const { run, busy, shown, router } = useAction()
  return (
    <div>
      <button
        type="button"
        disabled={busy}
        onClick={() => run<{ meeting: { id: string } }>('/api/meetings', {}, (data) => router.push(`/meetings/${data.meeting.id}`))}
      >
        New meeting
      </button>
      {shown}
    </div>
  )
}

export function InviteGuest({ meetingId }: { meetingId: string }) {
  const { run, busy, shown } = useAction()
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault()
        const form = e.currentTarget
        const data = new FormData(form)
        const name = String(data.get('name') ?? '').trim()
        void run(`/api/meetings/${meetingId}/guests`, { userId: String(data.get('userId') ?? '').trim(), ...(name ? { name } : {}) }).then(() => form.reset())
      }}
    >
      <div className="row">
        <label htmlFor="guest-id" style={{ minWidth: '5rem' }}>
          Guest id
        </label>
        <input id="guest-id" name="userId" type="text" required pattern="[A-Za-z0-9_\-]{1,64}" placeholder="guest-1" />
      </div>
      <div className="row">
        <label htmlFor="guest-name" style={{ minWidth: '5rem' }}>
          Name
        </label>
        <input id="guest-name" name="name" type="text" placeholder="optional" />
      </div>
      <button type="submit" disabled={busy}>
        Invite
      </button>
      {shown}
    </form>
  )
}

/** Fetches a join token (`url`), shows it and copies it to the clipboard. */
export function CopyToken({ url, label }: { url: string; label: string }) {
  const { run, busy, shown } = useAction()
  const [token, setToken] = useState<string | null>(null)
  const [copied, setCopied] = useState(false)
  return (
    <div className="stack">
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() =>
          run<{ token: string }>(url, {}, async (data) => {
            setToken(data.token)
            setCopied(
              await navigator.clipboard?.writeText(data.token).then(
                () => true,
                () => false,
              ),
            )
          })
        }
      >
        {label}
      </button>
      {token && (
        <>
          <code className="token" data-token>
            {token}
          </code>
          <p className="note" role="status">
            {copied ? 'Copied to the clipboard.' : 'Select the token to copy it.'} It opens this meeting only, for two hours.
          </p>
        </>
      )}
      {shown}
    </div>
  )
}

/** Demo (emulator only): one person of the meeting joins, speaks or leaves. */
export function Person({ meetingId, userId, label, inCall }: { meetingId: string; userId: string; label: string; inCall: boolean }) {
  const { run, busy, shown } = useAction()
  const url = `/api/meetings/${meetingId}/simulate`
  const field = `say-${userId}`
  return (
    <div className="stack" data-person={userId}>
      <div className="row">
        <strong>{label}</strong>
        <span className="muted">{inCall ? 'in the call' : 'not in the call'}</span>
      </div>
      <div className="row">
        <button type="button" className="secondary" disabled={busy || inCall} onClick={() => run(url, { userId, action: 'join' })}>
          Join
        </button>
        <button type="button" className="secondary" disabled={busy || !inCall} onClick={() => run(url, { userId, action: 'leave' })}>
          Leave
        </button>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault()
          const form = e.currentTarget
          const text = String(new FormData(form).get('text') ?? '')
          void run(url, { userId, action: 'say', text }).then(() => form.reset())
        }}
      >
        <label htmlFor={field} className="muted">
          Say
        </label>
        <input id={field} name="text" type="text" required maxLength={500} disabled={!inCall} placeholder={inCall ? 'Say something' : 'Join first'} />
        <button type="submit" disabled={busy || !inCall}>
          Speak
        </button>
      </form>
      {shown}
    </div>
  )
}
