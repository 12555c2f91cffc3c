'use client'
// Demo sign-in (POST /api/session, on only with DEMO_LOGIN=1) and sign-out.
// In your app, your auth library's components take their place.
import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { post } from './post'

export function SignIn() {
  const router = useRouter()
  const [failure, setFailure] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  return (
    <form
      className="stack"
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        const userId = String(new FormData(e.currentTarget).get('userId') ?? '')
        const done = await post('/api/session', { userId })
        setBusy(false)
        if (!done.ok) return setFailure(done.failure)
        setFailure(null)
        router.refresh()
      }}
    >
      <label htmlFor="sign-in-user">Your user id</label>
      <div className="row">
        <input id="sign-in-user" name="userId" type="text" required pattern="[A-Za-z0-9_\-]{1,64}" placeholder="host-1" autoComplete="username" />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </div>
      {failure && (
        <p className="error" role="alert">
          {failure}
        </p>
      )}
    </form>
  )
}

export function SignOut() {
  const router = useRouter()
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        await fetch('/api/session', { method: 'DELETE' })
        router.push('/')
        router.refresh()
      }}
    >
      Sign out
    </button>
  )
}
