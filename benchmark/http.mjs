// What the HTTP benchmarks share: the Stream emulator in its own process
// (`fake-server.mjs`), and a closed-loop load generator that measures
// throughput, latency percentiles, and the CPU the fake and this process spent.
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

/** Starts the fake; `cpu()` resolves to its CPU time so far in ms. */
export async function startFake(apiKey, apiSecret) {
  const server = fork(join(here, 'fake-server.mjs'), [apiKey, apiSecret], { stdio: 'inherit' })
  const { url } = await new Promise((resolve) => server.once('message', resolve))
  const cpu = () =>
    new Promise((resolve) => {
      server.once('message', ({ cpu }) => resolve((cpu.user + cpu.system) / 1000))
      server.send('cpu')
    })
  return { url, cpu, stop: () => server.kill() }
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/**
 * `count` calls of `fn(id)`, `concurrency` at a time. Returns calls/s, p50 and
 * p99 in ms, the fake's busy share of one core, and this process's CPU µs per call.
 */
export async function load(fake, fn, count, concurrency) {
  const latencies = new Float64Array(count)
  let next = 0
  const fakeBefore = await fake.cpu()
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  const worker = async () => {
    while (next < count) {
      const i = next++
      const t0 = performance.now()
      await fn(`bench-${i % 1000}`)
      latencies[i] = performance.now() - t0
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsedMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  const serverBusy = ((await fake.cpu()) - fakeBefore) / elapsedMs
  const sorted = [...latencies].sort((a, b) => a - b)
  return {
    rps: count / (elapsedMs / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    serverBusy,
    cpuUsPerCall: (cpu.user + cpu.system) / count,
  }
}
