// P6, in a fresh process: RSS after 10k createStreamCall against the fake,
// measured after a warm-up, with a GC before each reading.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createStreamClient } = require('stream-video-native')
const [url, apiKey, apiSecret] = process.argv.slice(2)
const client = createStreamClient({ apiKey, apiSecret, baseUrl: url, timeoutMs: 30000, maxRetries: 0 })
const data = { meetingId: 'm', agentId: 'a', agentName: 'Bench' }

async function run(count, concurrency = 64) {
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      await client.createStreamCall(`rss-${i % 1000}`, 'u', data)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

const rss = () => {
  globalThis.gc()
  return process.memoryUsage().rss
}
await run(5000)
const before = rss()
await run(10000)
const after = rss()
process.send({ before, after })
