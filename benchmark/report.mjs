// What a benchmark prints and writes to RESULTS.md: markdown lines, tables,
// and ratios against their targets (each process runs one benchmark).

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
