// One cold start, in this fresh process: `node cold-start.mjs <url> ours|node-sdk <key> <secret>`.
// Prints where the time goes, in ms: loading the package (for ours: the
// binary's dlopen and init, then the JS modules), making a client, and the
// first call (ours: createStreamCall; node-sdk: call.getOrCreate).
import { createRequire } from 'node:module'

const require = createRequire(new URL('../index.js', import.meta.url))
const [url, which, apiKey, apiSecret] = process.argv.slice(2)
const times = {}
let t = performance.now()
const lap = (name) => {
  const now = performance.now()
  times[name] = now - t
  t = now
}
const data = { meetingId: 'm', agentId: 'a', agentName: 'Cold' }
const id = `cold-${process.pid}`
if (which === 'ours') {
  require(`./stream-video-native.${process.platform === 'linux' ? `linux-${process.arch}-gnu` : `${process.platform}-${process.arch}`}.node`)
  lap('binary')
  const { createStreamClient } = require('stream-video-native')
  lap('modules')
  const client = createStreamClient({ apiKey, apiSecret, baseUrl: url })
  lap('client')
  await client.createStreamCall(id, 'u', data)
  lap('first call')
} else {
  const { StreamClient } = require('@stream-io/node-sdk')
  lap('modules')
  const client = new StreamClient(apiKey, apiSecret, { basePath: url })
  lap('client')
  await client.video.call('default', id).getOrCreate({ data: { created_by_id: 'u', custom: data } })
  lap('first call')
}
process.stdout.write(JSON.stringify(times))
