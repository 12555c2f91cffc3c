import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // `NEXT_OUTPUT=standalone next build` (the Dockerfile): a self-contained server in
  // .next/standalone, with the platform binary traced into its node_modules.
  ...(process.env.NEXT_OUTPUT === 'standalone' ? { output: 'standalone' as const } : {}),
  // Native addons are loaded from node_modules at run time, never bundled.
  serverExternalPackages: ['stream-video-native', 'better-sqlite3'],
  // This app lives inside the package's repository; it is its own root.
  turbopack: { root: __dirname },
}

export default nextConfig
