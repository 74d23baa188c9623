// Benchmark of the reports (issue 7, DESIGN §7: the school's quarter performance report < 1 s).
//
// Starts `otmetka serve --demo --with-marks` on a fresh database with the calendar at the end of
// the school year (OTMETKA_FIXED_CLOCK=2027-05-28), so the demo journal holds a full year of
// lessons, marks, attendance and final marks of quarters 1–3; then asks each report RUNS times
// (after two warm-up requests) as the principal, one request at a time, and prints the median,
// p95 and the slowest time per report as a Markdown table. Not part of the test command.
//
//   BENCH_RUNS=20 node bench/reports.mjs --server target/release/otmetka --db sqlite|postgres
//
// PostgreSQL needs TEST_DATABASE_URL (an admin connection URL), like the browser tests.

import { E2E } from '../e2e/lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS || 20);
const CLOCK = '2027-05-28T12:00:00+03:00';

const e = new E2E({ tag: 'bench', prefix: 'bench-', timeoutMs: 40 * 60_000, readyTimeoutMs: 30 * 60_000 });

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

await e.run(async () => {
  const t0 = Date.now();
  await e.startServer({ args: ['serve', '--demo', '--with-marks'], env: { OTMETKA_FIXED_CLOCK: CLOCK } });
  e.log(`demo school with a full year seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const token = await e.token({ login: 'principal', password: 'otmetka-demo' });
  const me = await e.api('GET', '/api/v1/me', { token });
  const school = me.memberships[0].school_id;
  const base = `/api/v1/schools/${school}/reports`;
  const scenarios = [
    ['quality, quarter 3 (final marks)', `${base}/quality?term=quarter_3`],
    ['quality, quarter 4 (suggestions from the averages)', `${base}/quality?term=quarter_4`],
    ['quality, year (suggestions from the quarter marks)', `${base}/quality?term=year`],
    ['quality, quarter 3, XLSX', `${base}/quality.xlsx?term=quarter_3`],
    ['attendance, the whole year', `${base}/attendance?from=2026-09-01&to=2027-05-28`],
    ['attendance, quarter 4', `${base}/attendance`],
    ['journal-keeping control, a week', `${base}/journal-control?week=2027-05-24`],
    ['monthly activity', `${base}/activity?month=2027-05`],
  ];
  const rows = [];
  for (const [name, url] of scenarios) {
    const times = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const started = performance.now();
      const r = await fetch(`${e.base}${url}`, { headers: { authorization: `Bearer ${token}` } });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
      if (i >= 2) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    rows.push([name, percentile(times, 50), percentile(times, 95), times[times.length - 1]]);
    e.log(`${name}: median ${percentile(times, 50).toFixed(0)} ms`);
  }
  const counts = await e.api('GET', `${base}/quality?term=quarter_3`, { token });
  console.log(`\n${e.kind}: ${counts.school.stats.students} students, ${counts.courses.length} courses; ${RUNS} runs each\n`);
  console.log('| report | median, ms | p95, ms | max, ms |');
  console.log('|---|---:|---:|---:|');
  for (const [name, p50, p95, max] of rows) {
    console.log(`| ${name} | ${p50.toFixed(0)} | ${p95.toFixed(0)} | ${max.toFixed(0)} |`);
  }
});
