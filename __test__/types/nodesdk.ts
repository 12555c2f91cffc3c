// The node-sdk surface as a TypeScript app written for @stream-io/node-sdk uses it.
import { StreamClient, StreamError } from 'stream-video-native/node-sdk'

const client = new StreamClient('key', 'secret', { basePath: 'http://127.0.0.1:1', timeout: 5000 })

export async function usage(): Promise<void> {
  const call = client.video.call('default', 'abc')
  const created = await call.getOrCreate({
    data: { created_by_id: 'ada', members: [{ user_id: 'bob', role: 'host' }], custom: { topic: 'x' }, settings_override: { recording: { mode: 'auto-on' } } },
  })
  const createdAt: Date = created.call.created_at
  const status: number = created.metadata.responseCode
  await call.startRecording({ recording_type: 'composite' }, { signal: AbortSignal.timeout(100) })
  await client.upsertUsers([{ id: 'ada', name: 'Ada', custom: { team: 'x' } }])
  const users = await client.queryUsers({ payload: { filter_conditions: { id: { $in: ['ada'] } } } })
  const token: string = client.generateUserToken({ user_id: 'ada', validity_in_seconds: 60 })
  const valid: boolean = client.verifyWebhook('{}', 'signature')
  // @ts-expect-error node-sdk's other methods are not part of this surface
  client.video.listCallTypes()
  // @ts-expect-error verifyWebhook is a boolean, not a Promise (the forgery trap)
  await client.verifyWebhook('{}', 'signature').then(() => true)
  try {
    await call.end()
  } catch (e) {
    if (e instanceof StreamError) {
      const code: number | undefined = e.code
      console.log(code, e.errorCode, e.metadata.rateLimit?.rateLimitRemaining)
    }
  }
  console.log(createdAt, status, users.users.length, token, valid)
}
