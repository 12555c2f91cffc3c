import type { ReactNode } from 'react'
import { cookies } from 'next/headers'
import { verify } from '@/lib/session'
import { SignOut } from './ui/session'
import './globals.css'

export const metadata = { title: 'Meetings', description: 'Video meetings on Stream Video, with their recordings and transcripts' }
export const viewport = { width: 'device-width', initialScale: 1 }

export default async function RootLayout({ children }: { children: ReactNode }) {
  const cookie = (await cookies()).get('session')?.value
  const session = cookie ? verify(cookie) : null
  return (
    <html lang="en">
      <body>
        <header className="top">
          <a className="brand" href="/">
            Meetings
          </a>
          {session && (
            <div className="row">
              <span className="muted" data-signed-in={session.userId}>
                Signed in as <strong>{session.userId}</strong>
              </span>
              <SignOut />
            </div>
          )}
        </header>
        {children}
      </body>
    </html>
  )
}
