// Turns the results of bench/bench.mjs (target/bench/<db>/results.json) into the Markdown tables
// of BENCHMARKS.md (between `<!-- bench:begin -->` and `<!-- bench:end -->`) and prints them with
// every budget line and its figure.
//
//   node bench/report.mjs [--dir target/bench] [--write BENCHMARKS.md]

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { dir: { type: 'string', default: 'target/bench' }, write: { type: 'string' } } });
const dbs = ['sqlite', 'postgres'].filter((d) => existsSync(path.join(values.dir, d, 'results.json')));
if (dbs.length === 0) {
  console.error(`no results in ${values.dir}/{sqlite,postgres}/results.json: run \`./x bench\` first`);
  process.exit(1);
}
const R = Object.fromEntries(dbs.map((d) => [d, JSON.parse(readFileSync(path.join(values.dir, d, 'results.json'), 'utf8'))]));
const NAME = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Whether a scenario's statistics meet its budget, and the budget's words. */
function verdict(budget, s) {
  if (budget.p95_ms !== undefined) return [s.p95_ms < budget.p95_ms, `p95 < ${budget.p95_ms} ms`];
  if (budget.median_ms !== undefined) return [s.p50_ms <= budget.median_ms, `median ≤ ${budget.median_ms} ms`];
  if (budget.rps !== undefined) return [s.rps >= budget.rps, `≥ ${budget.rps} req/s`];
  return [true, '—'];
}

const lines = [];
const first = R[dbs[0]];
const m = first.machine;
lines.push(`Machine: ${m.cpus} × ${m.cpu}, ${m.memory_gib} GiB RAM, ${m.os}; the server and the load generator on the same host (loopback); PostgreSQL 15 on the same host. Measured on ${m.date} at commit ${m.commit}.`);
lines.push('');
for (const d of dbs) {
  const s = R[d].setup;
  lines.push(`- ${NAME[d]}: ${s.school.classes} classes, ${s.school.students} students, ${s.school.courses} courses; ${s.seeded.replace(/\.$/, "")} (\`seed-marks\` in ${s.seed_s.toFixed(0)} s).`);
}
lines.push('');
lines.push('| scenario | budget | ' + dbs.map((d) => `${NAME[d]} p50 / p95 / p99 (ms) | req/s | SQL per request | met`).join(' | ') + ' |');
lines.push('|---|---|' + dbs.map(() => '---:|---:|---:|:-:').join('|') + '|');
const names = first.scenarios.map((x) => x.name);
for (const name of names) {
  const cells = [];
  let budgetText = '';
  for (const d of dbs) {
    const sc = R[d].scenarios.find((x) => x.name === name);
    if (!sc) { cells.push('— | — | — | —'); continue; }
    const [met, words] = verdict(sc.budget, sc.stats);
    const ok = met && sc.stats.ok === sc.stats.count;
    budgetText = words;
    const st = sc.stats;
    const sql = st.sql_statements ? (st.sql_statements.min === st.sql_statements.max ? `${st.sql_statements.median}` : `${st.sql_statements.min}–${st.sql_statements.max}`) : '—';
    cells.push(`${ms(st.p50_ms)} / ${ms(st.p95_ms)} / ${ms(st.p99_ms)} | ${st.rps.toFixed(0)} | ${sql} | ${ok ? 'yes' : '**no**'}`);
  }
  lines.push(`| ${name} | ${budgetText} | ${cells.join(' | ')} |`);
}
const imp = (d) => R[d].import;
lines.push(`| import of students + parents (${first.setup.import_counts?.students ? Object.values(first.setup.import_counts.students).reduce((a, b) => a + b, 0) : '?'} + ${first.setup.import_counts?.parents ? Object.values(first.setup.import_counts.parents).reduce((a, b) => a + b, 0) : '?'} rows, one request each) | < 10 s | ` +
  dbs.map((d) => `${(imp(d).students_parents_ms / 1000).toFixed(2)} s | — | — | ${imp(d).students_parents_ms < imp(d).budget_ms ? 'yes' : '**no**'}`).join(' | ') + ' |');
lines.push(`| server peak RSS (VmHWM) after all scenarios | < 200 MB | ` +
  // The budget is in MB (10⁶ bytes); VmHWM is in KiB.
  dbs.map((d) => `${(R[d].rss_kib * 1024 / 1e6).toFixed(0)} MB (${(R[d].rss_kib / 1024).toFixed(0)} MiB) | — | — | ${R[d].rss_kib * 1024 < 200e6 ? 'yes' : '**no**'}`).join(' | ') + ' |');
lines.push('');
lines.push('Shapes: ' + first.scenarios.filter((x) => x.shape).map((x) => `${x.name}: ${x.shape}`).join('; ') + '.');
lines.push('');
lines.push('SQL statements per request of the other pages (warm; budget ≤ 5 for a page):');
lines.push('');
lines.push('| page | endpoint | ' + dbs.map((d) => NAME[d]).join(' | ') + ' |');
lines.push('|---|---|' + dbs.map(() => '---:').join('|') + '|');
for (const row of first.sql) {
  const cells = dbs.map((d) => {
    const r = R[d].sql.find((x) => x.name === row.name);
    const s = r?.stats.sql_statements;
    return s ? (s.min === s.max ? `${s.median}` : `${s.min}–${s.max}`) : '—';
  });
  lines.push(`| ${row.name} | \`${row.path}\` | ${cells.join(' | ')} |`);
}
const table = lines.join('\n');
console.log(table);
if (values.write) {
  const md = readFileSync(values.write, 'utf8');
  const a = md.indexOf('<!-- bench:begin -->');
  const b = md.indexOf('<!-- bench:end -->');
  if (a < 0 || b < 0) throw new Error(`${values.write} has no <!-- bench:begin --> … <!-- bench:end --> markers`);
  writeFileSync(values.write, `${md.slice(0, a)}<!-- bench:begin -->\n${table}\n${md.slice(b)}`);
  console.error(`written into ${values.write}`);
}
