// The app's Stream module: app code keeps `import { ... } from '@/lib/stream'`,
// and the work happens in the native package.
export * from 'stream-video-native'
