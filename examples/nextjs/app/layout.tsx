import type { ReactNode } from 'react'

export const metadata = { title: 'Meetings', description: 'Video meetings on Stream Video' }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem', color: '#1b1b1f' }}>{children}</body>
    </html>
  )
}
