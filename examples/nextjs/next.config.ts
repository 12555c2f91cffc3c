import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // Native addons are loaded from node_modules at run time, never bundled.
  serverExternalPackages: ['stream-video-native', 'better-sqlite3'],
  // This app lives inside the package's repository; it is its own root.
  turbopack: { root: __dirname },
}

export default nextConfig
