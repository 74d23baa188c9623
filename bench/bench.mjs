// The benchmark of DESIGN §7 (issue 8): the reference school under load, on one database.
//
//   node bench/bench.mjs --server target/release/otmetka --db sqlite|postgres [--screenshots DIR]
//
// 1. `otmetka-bench generate-school` writes the reference school's import files (31 classes,
//    ~860 students, ~1 400 parents, ~57 staff: `--letters 3 --size 24-30`).
// 2. `otmetka serve` on a fresh database, the calendar fixed at 28.05.2027 12:00 (a full year),
//    with `sql_statements_header` on (every answer says how many SQL statements it issued).
// 3. A superadmin creates the school; its admin imports the ten files through the API (the
//    import of students + parents is timed: budget < 10 s).
// 4. `otmetka seed-marks` fills the year's lessons with topics, homework, marks and attendance.
// 5. 64 parents register with invite codes (for the diary scenarios).
// 6. The scenarios: request lists written as JSON lines and run by `otmetka-bench load` (a fixed
//    number of requests, a fixed concurrency, bounded in time); p50/p95/p99, throughput and
//    the SQL statements per request of each, against the budgets.
// 7. The server's peak RSS (VmHWM) after the load.
// Results: <screenshots dir>/results.json (bench/report.mjs turns both databases' results into
// BENCHMARKS.md) and a Markdown table on stdout.
//
// Environment: BENCH_TOOL (default target/release/otmetka-bench), BENCH_N (requests per latency
// scenario, default 300), BENCH_DIARY_N (requests of the 64-client scenario, default 20000),
// TEST_DATABASE_URL for PostgreSQL (an admin connection URL, like the browser tests).

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { E2E } from '../e2e/lib.mjs';

const CLOCK = '2027-05-28T12:00:00+03:00';
const UNTIL = '2027-05-28';
/** The ISO week (`2027-W21`) of a day `YYYY-MM-DD`. */
function isoWeek(day) {
  const d = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(d);
  thursday.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7));
  const jan4 = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((thursday - jan4) / 86_400_000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
const WEEK = isoWeek('2027-05-24');
const MONDAY = '2027-05-24';
const N = Number(process.env.BENCH_N || 300);
const DIARY_N = Number(process.env.BENCH_DIARY_N || 20000);
const TOOL = path.resolve(process.env.BENCH_TOOL || 'target/release/otmetka-bench');
const KINDS = ['periods', 'subjects', 'staff', 'classes', 'students', 'parents', 'courses', 'bell_schedule', 'holidays', 'timetable'];
const PASSWORD = 'bench-password-1';

const e = new E2E({ tag: 'bench', prefix: 'bench-', timeoutMs: 90 * 60_000, readyTimeoutMs: 120_000 });

/** Runs a program; throws with its output when it fails. */
function run(bin, args, { env, timeoutMs = 30 * 60_000 } = {}) {
  const r = spawnSync(bin, args, { env: env || process.env, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${path.basename(bin)} ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${path.basename(bin)} ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/**
 * Runs a long program without blocking the event loop (a blocked loop keeps fetch's idle
 * keep-alive sockets past the server's timeout, and the next request fails on a closed one).
 */
function runAsync(bin, args, { env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(bin)} ${args.join(' ')} exited ${code}:\n${out}${err}`))));
  });
}

/** A raw request to the server (for CSV bodies). */
async function post(pathname, token, body, contentType) {
  const r = await fetch(`${e.base}${pathname}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, accept: 'application/json' },
    body,
  });
  const text = await r.text();
  if (r.status !== 200 && r.status !== 201) throw new Error(`POST ${pathname} → ${r.status}: ${text.slice(0, 2000)}`);
  return JSON.parse(text);
}

/** Writes the requests as JSON lines and runs `otmetka-bench load`; returns its statistics. */
async function load(name, requests, { concurrency, warmup = 0, timeoutSecs = 180 }) {
  const dir = path.join(e.shotDir, 'requests');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.jsonl`);
  writeFileSync(file, requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const out = await runAsync(TOOL, ['load', '--base-url', e.base, '--requests', file, '--concurrency', String(concurrency),
    '--warmup', String(warmup), '--timeout-secs', String(timeoutSecs)]);
  const stats = JSON.parse(out);
  stats.rss_after_kib = rss().rss;
  e.log(`${name}: ${stats.count} requests at ${concurrency}, p50 ${stats.p50_ms} ms, p95 ${stats.p95_ms} ms, ` +
    `${stats.rps.toFixed(0)}/s, SQL ${JSON.stringify(stats.sql_statements)}, non-2xx ${JSON.stringify(stats.non_2xx)}, RSS ${(stats.rss_after_kib / 1024).toFixed(0)} MiB`);
  if (stats.ok !== stats.count) {
    // Recorded and shown as failed in the table; the other scenarios still run.
    e.log(`${name}: ${stats.count - stats.ok} requests FAILED: ${stats.first_error}`);
    results.failures.push({ name, failed: stats.count - stats.ok, first_error: stats.first_error });
  }
  return stats;
}

/** The server's current and peak resident set (KiB), from /proc. */
function rss() {
  const status = readFileSync(`/proc/${e.server.pid}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]), hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]) };
}

/** `n` items taken round-robin from `list`. */
function cycle(list, n) {
  return Array.from({ length: n }, (_, i) => list[i % list.length]);
}

const results = { db: null, machine: {}, setup: {}, scenarios: [], sql: [], rss_kib: null, failures: [] };

await e.run(async () => {
  results.db = e.kind;
  results.machine = {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model?.trim(),
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    date: new Date().toISOString().slice(0, 10),
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim(),
  };
  if (!existsSync(TOOL)) throw new Error(`${TOOL} is missing: cargo build --release -p otmetka-bench`);

  // 1. The reference school's files.
  const files = path.join(e.tmp, 'school');
  run(TOOL, ['generate-school', files, '--letters', '3', '--size', '24-30']);

  // 2. The server.
  await e.startServer({
    args: ['serve'],
    env: {
      OTMETKA_FIXED_CLOCK: CLOCK,
      OTMETKA_SQL_STATEMENTS_HEADER: 'true',
      OTMETKA_AUTH_RATE_PER_SECOND: '100000',
      OTMETKA_AUTH_RATE_BURST: '100000',
    },
  });
  const serverPid = e.server.pid;

  // 3. School, admin, import.
  e.cli(['create-superadmin', '--login', 'root', '--password-stdin'], { input: `${PASSWORD}\n` });
  const root = await e.token({ login: 'root', password: PASSWORD });
  const created = await e.api('POST', '/api/v1/schools', {
    token: root,
    expect: [201],
    body: { name: 'Эталонная школа', time_zone: 'Europe/Moscow', first_admin: { last_name: 'Админова', first_name: 'Анна' } },
  });
  const school = created.school.id;
  await e.api('POST', '/api/v1/auth/register', {
    body: { invite_code: created.admin_invite.code, login: 'admin', password: PASSWORD },
    expect: [200, 201],
  });
  const admin = await e.token({ login: 'admin', password: PASSWORD });
  const S = `/api/v1/schools/${school}`;
  const importMs = {};
  const counts = {};
  for (const kind of KINDS) {
    const file = path.join(files, `${kind}.csv`);
    if (!existsSync(file)) continue;
    const t0 = performance.now();
    const rep = await post(`${S}/import/${kind}`, admin, readFileSync(file), 'text/csv');
    importMs[kind] = performance.now() - t0;
    counts[kind] = rep.counts;
    e.log(`import ${kind}: ${importMs[kind].toFixed(0)} ms ${JSON.stringify(rep.counts)}`);
  }
  results.setup.import_ms = importMs;
  results.setup.rss_after_import_kib = rss();
  results.setup.import_counts = counts;

  // 4. A full year of marks.
  const t0 = Date.now();
  const seeded = await runAsync(e.serverBin, ['seed-marks', '--school-id', school, '--until', UNTIL], { env: { ...e.env, OTMETKA_LOG: 'warn' } });
  results.setup.seed_s = (Date.now() - t0) / 1000;
  // The summary line (the server's log lines may come first).
  results.setup.seeded = seeded.trim().split('\n').filter((l) => /\d+ lessons, \d+ marks/.test(l)).pop() ?? seeded.trim();
  results.setup.rss_after_seed_kib = rss();
  e.log(`seed-marks in ${results.setup.seed_s.toFixed(0)} s: ${seeded.trim()}`);

  // What the school holds.
  const classes = await e.api('GET', `${S}/classes`, { token: admin });
  const courses = await e.api('GET', `${S}/courses`, { token: admin });
  const periods = await e.api('GET', `${S}/periods`, { token: admin });
  const quarter = (n) => periods.find((p) => p.kind === 'quarter' && p.number === n);
  const q3 = quarter(3);
  const q4 = quarter(4);
  const students = [];
  for (const c of classes) {
    const list = await e.api('GET', `${S}/classes/${c.id}/students`, { token: admin });
    for (const s of list) students.push({ id: s.student_id, class_id: c.id, grade: c.grade });
  }
  results.setup.school = {
    classes: classes.length,
    students: students.length,
    courses: courses.length,
    parents: counts.parents ? (counts.parents.created ?? null) : null,
  };

  // 5. 64 parents with accounts: the invite sheets of the first classes from grade 2 up.
  const parents = [];
  for (const c of classes.filter((x) => x.grade >= 2)) {
    if (parents.length >= 64) break;
    const sheet = await e.api('POST', `${S}/classes/${c.id}/invite-sheet`, { token: admin, expect: [200, 201] });
    const seen = new Set();
    for (const slip of sheet.slips) {
      if (slip.role !== 'parent' || seen.has(slip.person_id) || parents.length >= 64) continue;
      seen.add(slip.person_id);
      const login = `parent${parents.length + 1}`;
      await e.api('POST', '/api/v1/auth/register', {
        body: { invite_code: slip.code, login, password: PASSWORD },
        expect: [200, 201],
      });
      const token = await e.token({ login, password: PASSWORD });
      const me = await e.api('GET', '/api/v1/me', { token });
      const child = me.memberships[0].children?.[0];
      parents.push({ token, child: child?.id ?? child?.person_id ?? child?.student_id });
    }
  }
  if (parents.length < 64 || parents.some((p) => !p.child)) {
    throw new Error(`expected 64 parents with a child, got ${parents.length}: ${JSON.stringify(parents.slice(0, 2))}`);
  }

  // The journals of quarter 3 (the longest) of whole-class courses with 5+ hours a week.
  const big = courses.filter((c) => !c.group_id && c.hours_per_week >= 5);
  const journals = [];
  for (const c of big.slice(0, 40)) {
    const j = await e.api('GET', `${S}/courses/${c.id}/journal?period_id=${q3.id}`, { token: admin });
    journals.push({ course: c, students: j.students.length, lessons: j.lessons.length });
  }
  const gridCourses = journals.filter((j) => j.students >= 28);
  const scenario = (name, budget, stats, extra = {}) => results.scenarios.push({ name, budget, ...extra, stats });

  // Journal grid: a course × quarter.
  {
    const reqs = cycle(gridCourses, N).map((j) => ({ method: 'GET', path: `${S}/courses/${j.course.id}/journal?period_id=${q3.id}`, token: admin }));
    const avg = (k) => (gridCourses.reduce((a, j) => a + j[k], 0) / gridCourses.length).toFixed(0);
    scenario('journal grid (a course, quarter 3)', { p95_ms: 50 }, await load('journal', reqs, { concurrency: 2, warmup: 10 }),
      { shape: `${gridCourses.length} courses, ${avg('students')} students × ${avg('lessons')} lessons on average` });
  }

  // Weekly diary, as the parents.
  {
    const reqs = cycle(parents, N).map((p, i) => ({ method: 'GET', path: `${S}/students/${p.child}/diary?week=${i % 2 ? WEEK : isoWeek('2027-05-17')}`, token: p.token }));
    scenario('weekly diary (a parent)', { p95_ms: 20 }, await load('diary', reqs, { concurrency: 2, warmup: 10 }));
  }

  // 30-mark batches: fresh cells of quarter 4's works, each cell written once.
  {
    const bodies = [];
    for (const c of big) {
      if (bodies.length >= N) break;
      const j = await e.api('GET', `${S}/courses/${c.id}/journal?period_id=${q4.id}`, { token: admin });
      const have = new Map(j.marks.map((m) => [`${m.work_id}/${m.student_id}`, m.version]));
      const cells = [];
      for (const l of j.lessons) {
        if (l.lesson.date > UNTIL) continue;
        for (const w of l.works) {
          for (const s of j.students) {
            cells.push({ lesson_id: l.lesson.id, work_id: w.id, student_id: s.id, value: cells.length % 3 ? '5' : '4', version: have.get(`${w.id}/${s.id}`) ?? 0 });
          }
        }
      }
      for (let i = 0; i + 30 <= cells.length && bodies.length < N; i += 30) {
        bodies.push({ method: 'POST', path: `${S}/courses/${c.id}/journal`, token: admin, body: { marks: cells.slice(i, i + 30), attendance: [] } });
      }
    }
    scenario('batch of 30 marks', { p95_ms: 50 }, await load('batch30', bodies, { concurrency: 2 }));
  }

  // The school's quarter report.
  {
    const reqs = cycle([`${S}/reports/quality?term=quarter_3`], 20).map((p) => ({ method: 'GET', path: p, token: admin }));
    scenario('quarter performance report (quality, quarter 3)', { p95_ms: 1000 }, await load('quality', reqs, { concurrency: 1, warmup: 2 }));
  }

  // Diary reads at 64 concurrent clients.
  {
    const weeks = ['2027-05-24', '2027-05-17', '2027-05-10', '2027-04-26'].map(isoWeek);
    const reqs = cycle(parents, DIARY_N).map((p, i) => ({ method: 'GET', path: `${S}/students/${p.child}/diary?week=${weeks[Math.floor(i / 64) % weeks.length]}`, token: p.token }));
    scenario('diary reads, 64 concurrent clients', { rps: 1000 }, await load('diary64', reqs, { concurrency: 64, warmup: 256, timeoutSecs: 120 }));
  }

  // The import budget: students + parents.
  results.import = { students_parents_ms: (importMs.students ?? 0) + (importMs.parents ?? 0), budget_ms: 10_000 };

  // The comparison pages of DESIGN §7 at the peer's size.
  {
    // A 28-student journal with about 25 works: the quarter whose work count is nearest to 25.
    let best = null;
    for (const c of courses.filter((x) => !x.group_id)) {
      if (best && best.diff === 0) break;
      for (const p of [quarter(1), quarter(2), q3]) {
        const j = await e.api('GET', `${S}/courses/${c.id}/journal?period_id=${p.id}`, { token: admin });
        if (j.students.length !== 28) break;
        const works = j.lessons.reduce((a, l) => a + l.works.length, 0);
        const diff = Math.abs(works - 25);
        if (!best || diff < best.diff) best = { course: c, period: p, works, students: j.students.length, lessons: j.lessons, diff, j };
      }
    }
    if (!best) throw new Error('no course with 28 students');
    const reqs = cycle([`${S}/courses/${best.course.id}/journal?period_id=${best.period.id}`], N).map((p) => ({ method: 'GET', path: p, token: admin }));
    scenario('comparison: journal grid, 28 students × 25 works', { median_ms: 7 }, await load('cmp-journal', reqs, { concurrency: 1, warmup: 20 }),
      { shape: `${best.course.class_name} ${best.course.subject_name}: ${best.students} students, ${best.works} works, ${best.lessons.length} lessons` });

    // A day's attendance of 28 students: the whole column of one lesson written in one batch.
    const att = [];
    const jq4 = await e.api('GET', `${S}/courses/${best.course.id}/journal?period_id=${q4.id}`, { token: admin });
    const jq3 = best.j;
    for (const j of [jq3, jq4]) {
      const have = new Map(j.attendance.map((a) => [`${a.lesson_id}/${a.student_id}`, a.version]));
      for (const l of j.lessons) {
        if (l.lesson.date > UNTIL) continue;
        att.push({
          method: 'POST',
          path: `${S}/courses/${best.course.id}/journal`,
          token: admin,
          body: {
            marks: [],
            attendance: j.students.map((s, k) => {
              const v = have.get(`${l.lesson.id}/${s.id}`);
              return { lesson_id: l.lesson.id, student_id: s.id, code: v === undefined ? (k % 2 ? 'оп' : 'н') : null, version: v ?? 0 };
            }),
          },
        });
      }
    }
    scenario('comparison: a day\'s attendance of 28 students (one batch)', { median_ms: 6 }, await load('cmp-attendance', att, { concurrency: 1 }),
      { shape: `${att.length} lessons of ${best.course.class_name} ${best.course.subject_name}` });

    // One student's marks page: a student of grade 2–4 (the fewest subjects), as the parent.
    const p = parents[0];
    const page = await e.api('GET', `${S}/students/${p.child}/marks?period_id=${q3.id}`, { token: p.token });
    const reqs2 = cycle([`${S}/students/${p.child}/marks?period_id=${q3.id}`], N).map((x) => ({ method: 'GET', path: x, token: p.token }));
    scenario('comparison: a student\'s marks page', { median_ms: 9 }, await load('cmp-marks', reqs2, { concurrency: 1, warmup: 20 }),
      { shape: `${page.subjects.length} subjects, ${page.subjects.reduce((a, s) => a + s.marks.length, 0)} marks` });
  }

  // SQL statements of the other page endpoints (a few requests each, one at a time).
  {
    const c = gridCourses[0].course;
    const p = parents[0];
    const cls = classes.find((x) => x.id === c.class_id) ?? classes[0];
    const pages = [
      ['me', '/api/v1/me', p.token],
      ['schedule: a class\'s week', `${S}/schedule?class_id=${cls.id}&week=${WEEK}`, admin],
      ['schedule: a student\'s day', `${S}/schedule?student_id=${p.child}&date=${UNTIL}`, p.token],
      ['recent marks', `${S}/students/${p.child}/recent-marks?limit=20`, p.token],
      ['report card', `${S}/students/${p.child}/report-card`, p.token],
      ['final-mark sheet of a course', `${S}/courses/${c.id}/final-marks`, admin],
      ['class summary (quarter 3)', `${S}/classes/${cls.id}/summary?period_id=${q3.id}`, admin],
      ['closing view (quarter 3)', `${S}/final-marks/closing?term=quarter_3`, admin],
      ['classes', `${S}/classes`, admin],
      ['courses of a class', `${S}/courses?class_id=${cls.id}`, admin],
      ['lessons of a week', `${S}/lessons?from=${MONDAY}&to=${UNTIL}&limit=100`, admin],
      ['persons (first page)', `${S}/persons?limit=50`, admin],
      ['journal-keeping control (a week)', `${S}/reports/journal-control?week=${MONDAY}`, admin],
      ['attendance report (quarter 4)', `${S}/reports/attendance`, admin],
      ['monthly activity', `${S}/reports/activity?month=2027-05`, admin],
    ];
    for (const [name, url, token] of pages) {
      const stats = await load(`sql-${results.sql.length}`, cycle([{ method: 'GET', path: url, token }], 5), { concurrency: 1, warmup: 1 });
      results.sql.push({ name, path: url.replace(S, '…').replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '{id}'), stats });
    }
  }

  // 7. Peak RSS.
  const status = readFileSync(`/proc/${serverPid}/status`, 'utf8');
  results.rss_kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  e.log(`server peak RSS ${(results.rss_kib * 1024 / 1e6).toFixed(0)} MB (${(results.rss_kib / 1024).toFixed(0)} MiB; budget < 200 MB)`);

  mkdirSync(e.shotDir, { recursive: true });
  writeFileSync(path.join(e.shotDir, 'results.json'), JSON.stringify(results, null, 2));
  console.log(`\n${e.kind}: results in ${path.join(e.shotDir, 'results.json')}`);
  if (results.failures.length > 0) {
    throw new Error(`requests failed in: ${results.failures.map((f) => f.name).join(', ')}`);
  }
});
