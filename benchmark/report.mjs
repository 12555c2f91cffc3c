// What a benchmark prints and writes to RESULTS.md: markdown lines, tables,
// ratios against their targets (each process runs one benchmark), and the
// side-by-side passes CPU benchmarks are measured in.

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
 * Runs CPU tasks side by side in many short passes, in the opposite order
 * each pass, after one warm-up pass. On a shared 2-core machine one pass's
 * speed swings by up to ±30%, but the tasks of a pass see the same machine:
 * a ratio is the median of the passes' own ratios (`paired`), steadier than
 * a ratio of two long runs made one after the other. Each task (sync or
 * async) does `batch` operations per call and is called for `time` ms.
 */
export async function alternate(tasks, { batch = 1, passes, time }) {
  const names = Object.keys(tasks)
  const ops = Object.fromEntries(names.map((name) => [name, []]))
  for (let pass = -1; pass < passes; pass++) {
    for (const name of pass % 2 ? names : [...names].reverse()) {
      const fn = tasks[name]
      let calls = 0
      const started = performance.now()
      let elapsed = 0
      while (elapsed < time) {
        const result = fn()
        if (result instanceof Promise) await result
        calls++
        elapsed = performance.now() - started
      }
      if (pass >= 0) ops[name].push((calls * batch * 1000) / elapsed)
    }
  }
  return {
    ops,
    median: Object.fromEntries(names.map((name) => [name, median(ops[name])])),
    paired: (a, b) => median(ops[a].map((x, i) => x / ops[b][i])),
  }
}
