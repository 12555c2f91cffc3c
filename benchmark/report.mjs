// What a benchmark prints and writes to RESULTS.md: markdown lines, tables,
// ratios against their targets (each process runs one benchmark), and the
// side-by-side passes CPU benchmarks are measured in.
import { Bench } from 'tinybench'

/** The markdown lines printed so far. */
export const report = []
/** Every ratio checked: `{ id, line, pass }`. */
export const ratios = []

export function log(line = '') {
  console.log(line)
  report.push(line)
}

export function table(title, header, rows) {
  log(`\n### ${title}\n`)
  log(`| ${header.join(' | ')} |`)
  log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`)
  for (const row of rows) log(`| ${row.join(' | ')} |`)
}

export const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2))

/** Checks `value` against `target` (a floor, or a ceiling with `'<='`) and logs the line. */
export function ratio(id, label, value, target, comparison = '>=') {
  const pass = comparison === '>=' ? value >= target : value <= target
  const line = `ratio ${id} ${label} = ${value.toFixed(3)}x (target ${comparison} ${target}x) ${pass ? 'PASS' : 'MISS'}`
  ratios.push({ id, line, pass })
  log(line)
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/**
 * Runs CPU tasks side by side in many short tinybench passes, the order
 * reversed each pass. On a shared 2-core machine one pass's speed swings by
 * up to ±30%, but the tasks of a pass see the same machine: a ratio is the
 * median of the passes' own ratios (`paired`), steadier than a ratio of two
 * long runs made one after the other. `batch` is the operations per call.
 */
export async function alternate(tasks, { batch = 1, passes, time, warmupTime }) {
  const bench = new Bench({ time, warmupTime })
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn)
  const ops = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]))
  for (let pass = 0; pass < passes; pass++) {
    await bench.run()
    for (const t of bench.tasks) ops[t.name].push(t.result.throughput.mean * batch)
    bench.tasks.reverse()
  }
  return {
    ops,
    median: Object.fromEntries(Object.entries(ops).map(([name, xs]) => [name, median(xs)])),
    paired: (a, b) => median(ops[a].map((x, i) => x / ops[b][i])),
  }
}
