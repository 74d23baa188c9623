#!/usr/bin/env node
// End-to-end test of two Otmetka instances on one PostgreSQL database (issue 8, part 4), as two
// servers behind a load balancer would run. No browser: everything goes through the API.
//
//   node e2e/instances.mjs --server target/debug/otmetka --db postgres|URL \
//                          --screenshots target/e2e/postgres [--keep]
//
// (the options are described in e2e/lib.mjs). SQLite is refused: one SQLite file is not meant to
// be shared by several servers.
//
// Instance A is `otmetka serve --demo` on a fresh database (migrates, seeds the demo school);
// when it is ready, instance B is `otmetka serve` on the same database with the same data dir
// (so it reads the JWT secret A generated there, `<data dir>/jwt-secret`) on its own port. Both
// have the calendar clock fixed at Thursday 03.12.2026, 15:00 in the school's zone. Then:
//   1. sessions: `teacher4b` signs in on A; the access token works on B (GET /me); the refresh
//      cookie is rotated through B and the new access token works on A; a sign-out on B ends the
//      session for A at once (both access tokens 401, the refresh token 401 on A, the session gone
//      from the sessions list read through A); a refresh token rotated on A and presented again
//      on B is a reuse, which ends that sign-in everywhere;
//      a third instance C with a data dir of its own (so another generated secret) rejects A's
//      access token: the secret must be shared;
//   2. journal: a mark of 4Б Математика written through A (POST …/journal) is read through B at
//      once with its version; A changes it again; B writing with the version it read → 412
//      `version_mismatch` with A's cell in `current`, and the mark stays A's;
//   3. the admin's changes on A are seen on B at once: the school's name and edit window (B's
//      journal turns an older lesson read-only and refuses teacher4b's write: 403
//      `edit_window_closed`), a subject created by an import with an Idempotency-Key, whose
//      retry through B gets the stored answer (the import did not run twice) and whose reuse
//      with another body through B is 409;
//   4. what each instance keeps to itself: 5 failed sign-ins of `principal` on A lock that login
//      on A (429 with Retry-After, even with the right password) but not on B, which signs
//      `principal` in and counts its own 5 failures before it answers 429 too; a flood of
//      /auth requests on A runs into A's rate limiter (429) while B still answers normally.
// The servers' logs are ii-server.log (A), ii-server-b.log and ii-server-c.log in the screenshot
// folder; on failure both are printed and the exit code is 1.

import { rmSync } from 'node:fs';
import { E2E, apiHeaders, fail, sleep } from './lib.mjs';

const e = new E2E({ tag: 'e2e-instances', prefix: 'ii-', timeoutMs: 5 * 60_000, readyTimeoutMs: 180_000 });
const log = (...args) => e.log(...args);
if (e.kind !== 'postgres') {
  rmSync(e.tmp, { recursive: true, force: true });
  e.usage('two instances need a shared PostgreSQL database: --db postgres (or a postgres:// URL)');
}

/** Thursday afternoon of the 2nd quarter of the demo year, in the demo school's zone. */
const CLOCK = '2026-12-03T15:00:00+03:00';
const TODAY = '2026-12-03';
/** Monday of TODAY's ISO week. */
const MONDAY = '2026-11-30';

/** The demo accounts (README "Demo school"). */
const PASSWORD = 'otmetka-demo';
const TEACHER = { login: 'teacher4b', password: PASSWORD };
const ADMIN = { login: 'admin', password: PASSWORD };
const PRINCIPAL = { login: 'principal', password: PASSWORD };
const CLASS = '4Б';
const SUBJECT = 'Математика';
/** `login_failures_per_account` (default). */
const ACCOUNT_LIMIT = 5;

const eq = (got, want, what) => {
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
};

/**
 * A raw call to one instance: `{ status, body, headers, refresh }` (`refresh`: the value of the
 * `otmetka_refresh` cookie set by the answer, '' when it clears it, undefined when untouched).
 */
async function call(inst, method, pathname, { token, cookie, body, raw, contentType, headers: more = {} } = {}) {
  const headers = apiHeaders({ token, more });
  if (cookie !== undefined) headers.cookie = `otmetka_refresh=${cookie}`;
  let payload;
  if (raw !== undefined) {
    payload = raw;
    headers['content-type'] = contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const r = await fetch(`${inst.base}${pathname}`, { method, headers, body: payload });
  const text = await r.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  let refresh;
  for (const c of r.headers.getSetCookie()) {
    const m = /^otmetka_refresh=([^;]*)/.exec(c);
    if (m) refresh = m[1];
  }
  return { status: r.status, body: parsed, headers: r.headers, refresh, text };
}

/** `call` that insists on `status` (a number or a list). */
async function expectStatus(inst, method, pathname, status, what, opts = {}) {
  const want = [status].flat();
  const r = await call(inst, method, pathname, opts);
  if (!want.includes(r.status)) fail(`${what}: ${method} ${inst.name} ${pathname} → ${r.status} (expected ${want.join('/')}): ${r.text.slice(0, 400)}`);
  return r;
}

/** Signs in on `inst`: `{ access, refresh, sid }`. */
async function signIn(inst, who, what = `${who.login} signs in on ${inst.name}`) {
  const r = await expectStatus(inst, 'POST', '/api/v1/auth/login', 200, what, { body: { login: who.login, password: who.password } });
  if (!r.body?.access_token || !r.refresh) fail(`${what}: no access token or refresh cookie: ${r.text}`);
  const me = await expectStatus(inst, 'GET', '/api/v1/me', 200, `${what}: GET /me`, { token: r.body.access_token });
  return { access: r.body.access_token, refresh: r.refresh, sid: me.body.session_id, me: me.body };
}

/** The problem's `code` is `code`. */
function expectCode(r, code, what) {
  if (r.body?.code !== code) fail(`${what}: answered ${r.status} with code ${JSON.stringify(r.body?.code)}, expected ${code}: ${r.text.slice(0, 400)}`);
}

await e.run(async () => {
  // ---- the two instances ----
  await e.startServer({ args: ['serve', '--demo'], env: { OTMETKA_FIXED_CLOCK: CLOCK } });
  const A = { name: 'A', base: e.base };
  const B = await e.startInstance('b', { env: { OTMETKA_FIXED_CLOCK: CLOCK } });
  B.name = 'B';
  log(`A ${A.base} and B ${B.base} share the database and the data dir ${e.env.OTMETKA_DATA_DIR}`);

  // ---- 1. sessions ----
  const t1 = await signIn(A, TEACHER);
  const onB = await expectStatus(B, 'GET', '/api/v1/me', 200, 'A\'s access token on B', { token: t1.access });
  eq(onB.body.login, TEACHER.login, 'GET /me on B with A\'s access token: login');
  eq(onB.body.session_id, t1.sid, 'GET /me on B with A\'s access token: session');
  const school = t1.me.memberships[0]?.school_id || fail(`${TEACHER.login} has no school: ${JSON.stringify(t1.me)}`);
  const S = `/api/v1/schools/${school}`;

  const rB = await expectStatus(B, 'POST', '/api/v1/auth/refresh', 200, 'A\'s refresh cookie through B', { cookie: t1.refresh });
  if (!rB.body?.access_token || !rB.refresh || rB.refresh === t1.refresh) fail(`refresh through B: no new access token or cookie: ${rB.text}`);
  const t1b = { access: rB.body.access_token, refresh: rB.refresh };
  const meA = await expectStatus(A, 'GET', '/api/v1/me', 200, 'B\'s new access token on A', { token: t1b.access });
  eq(meA.body.session_id, t1.sid, 'GET /me on A with the token refreshed on B: the same session');
  log(`sessions: signed in on A (session ${t1.sid}), GET /me on B 200, refreshed on B, B's token on A 200`);

  // A second sign-in on A lists both sessions through B.
  const t2 = await signIn(A, TEACHER, 'teacher4b signs in again on A');
  const listB = await expectStatus(B, 'GET', '/api/v1/me/sessions', 200, 'sessions through B', { token: t2.access });
  const ids = (l) => l.map((s) => s.id).sort();
  eq(ids(listB.body), [t1.sid, t2.sid].sort(), 'GET /me/sessions through B: both sessions made on A');
  eq(listB.body.find((s) => s.current)?.id, t2.sid, 'GET /me/sessions through B: the current session');

  const out = await expectStatus(B, 'POST', '/api/v1/auth/logout', 204, 'sign-out on B', { cookie: t1b.refresh, token: t1b.access });
  eq(out.refresh, '', 'sign-out on B clears the refresh cookie');
  for (const [tok, which] of [[t1b.access, 'refreshed'], [t1.access, 'first']]) {
    const r = await expectStatus(A, 'GET', '/api/v1/me', 401, `the ${which} access token on A after the sign-out on B`, { token: tok });
    expectCode(r, 'session_revoked', `the ${which} access token on A after the sign-out on B`);
  }
  const rA = await expectStatus(A, 'POST', '/api/v1/auth/refresh', 401, 'the refresh token on A after the sign-out on B', { cookie: t1b.refresh });
  expectCode(rA, 'refresh_token_invalid', 'the refresh token on A after the sign-out on B');
  const listA = await expectStatus(A, 'GET', '/api/v1/me/sessions', 200, 'sessions through A', { token: t2.access });
  eq(ids(listA.body), [t2.sid], 'GET /me/sessions through A after the sign-out on B');
  log('sessions: signed out on B → on A both access tokens 401 session_revoked, the refresh token 401, the session gone from the list');

  // Reuse detection: rotate on A, present the old token on B → the whole sign-in ends.
  const t3 = await signIn(B, TEACHER, 'teacher4b signs in on B');
  const r3 = await expectStatus(A, 'POST', '/api/v1/auth/refresh', 200, 'B\'s refresh cookie through A', { cookie: t3.refresh });
  const reused = await expectStatus(B, 'POST', '/api/v1/auth/refresh', 401, 'the rotated refresh token again on B', { cookie: t3.refresh });
  expectCode(reused, 'refresh_token_reused', 'the rotated refresh token again on B');
  const after = await expectStatus(A, 'POST', '/api/v1/auth/refresh', 401, 'the newest refresh token on A after the reuse on B', { cookie: r3.refresh });
  expectCode(after, 'refresh_token_invalid', 'the newest refresh token on A after the reuse on B');
  await expectStatus(A, 'GET', '/api/v1/me', 401, 'the access token on A after the reuse on B', { token: r3.body.access_token });
  await expectStatus(B, 'GET', '/api/v1/me', 200, 'the other session still works on B', { token: t2.access });
  log('sessions: a refresh token rotated on A and presented again on B → 401 refresh_token_reused, the sign-in ended on A too');

  // A third instance with a data dir of its own generates another secret: A's tokens are refused.
  const C = await e.startInstance('c', { env: { OTMETKA_FIXED_CLOCK: CLOCK, OTMETKA_DATA_DIR: `${e.env.OTMETKA_DATA_DIR}-c` } });
  C.name = 'C';
  const onC = await expectStatus(C, 'GET', '/api/v1/me', 401, 'A\'s access token on C (another JWT secret)', { token: t2.access });
  expectCode(onC, 'token_invalid', 'A\'s access token on C (another JWT secret)');
  await signIn(C, ADMIN, 'admin signs in on C');
  await C.stop();
  log('secret: an instance with another data dir (another generated JWT secret) answers 401 token_invalid to A\'s token');

  // ---- 2. the journal ----
  const teacher = await signIn(A, TEACHER, 'teacher4b signs in on A for the journal');
  const courses = await e.api('GET', `${S}/courses`, { token: teacher.access });
  const course = courses.find((c) => c.class_name === CLASS && c.subject_name === SUBJECT && c.group_id === null)
    || fail(`no course ${SUBJECT} ${CLASS} among ${courses.length}`);
  const J = `${S}/courses/${course.id}/journal`;
  const j0 = await e.api('GET', J, { token: teacher.access });
  eq(j0.today, TODAY, 'GET …/journal on A: today');
  const writable = j0.lessons.filter((l) => l.lesson.date <= TODAY && l.lesson.status === 'scheduled' && l.writable);
  const lesson = writable.at(-1)?.lesson || fail(`${SUBJECT} ${CLASS}: no writable lesson up to ${TODAY}`);
  const older = writable.filter((l) => l.lesson.date < MONDAY).at(-1)?.lesson || fail(`${SUBJECT} ${CLASS}: no writable lesson before ${MONDAY}`);
  const student = j0.students[0];
  const cellOf = (j, work) => j.marks.find((m) => m.student_id === student.id && m.work_id === work) || null;

  const w1 = await e.api('POST', J, { token: teacher.access, body: { marks: [{ lesson_id: lesson.id, student_id: student.id, value: '5', version: 0 }], attendance: [] } });
  const work = w1.works[0]?.id || w1.marks[0]?.work_id || fail(`POST …/journal on A created no work: ${JSON.stringify(w1)}`);
  const v1 = w1.marks.find((m) => m.student_id === student.id)?.version ?? fail(`POST …/journal on A: no cell in ${JSON.stringify(w1)}`);
  const teacherB = await signIn(B, TEACHER, 'teacher4b signs in on B for the journal');
  const jB = await e.api('GET', J, { token: teacherB.access, base: B.base });
  const seen = cellOf(jB, work);
  eq([seen?.value, seen?.version], ['5', v1], `GET …/journal on B right after A wrote 5 (lesson ${lesson.date})`);
  if (!jB.lessons.find((l) => l.lesson.id === lesson.id)?.works?.some((w) => w.id === work)) fail('GET …/journal on B: the work A created is missing');
  log(`journal: A wrote 5 for ${student.last_name} on ${lesson.date} (version ${v1}); B reads 5, version ${seen.version}`);

  // A changes the mark again; B writes with the version it read.
  const w2 = await e.api('POST', J, { token: teacher.access, body: { marks: [{ lesson_id: lesson.id, work_id: work, student_id: student.id, value: '4', version: v1 }], attendance: [] } });
  const v2 = w2.marks[0].version;
  if (!(v2 > v1)) fail(`POST …/journal on A: the version went from ${v1} to ${v2}`);
  const stale = await expectStatus(B, 'POST', J, 412, 'B writes with the version it read', {
    token: teacherB.access,
    body: { marks: [{ lesson_id: lesson.id, work_id: work, student_id: student.id, value: '3', version: seen.version }], attendance: [] },
  });
  expectCode(stale, 'version_mismatch', 'B writes with the version it read');
  const cur = stale.body.current?.marks?.find((m) => m.student_id === student.id && m.work_id === work);
  eq([cur?.value, cur?.version], ['4', v2], '412 on B: the current cell');
  for (const inst of [A, B]) {
    const j = await e.api('GET', J, { token: inst === A ? teacher.access : teacherB.access, base: inst.base });
    const c = cellOf(j, work);
    eq([c?.value, c?.version], ['4', v2], `GET …/journal on ${inst.name} after B's stale write`);
  }
  log(`journal: A changed it to 4 (version ${v2}); B's write of 3 with version ${seen.version} → 412 version_mismatch, current 4 v${v2}; both read 4`);

  // ---- 3. the admin's changes on A, seen on B ----
  const admin = await signIn(A, ADMIN, 'admin signs in on A');
  const settings = await e.api('GET', `${S}/settings`, { token: admin.access });
  const name = `${settings.name} (e2e instances)`;
  const put = await e.api('PUT', `${S}/settings`, { token: admin.access, body: { ...settings, name, edit_window_days: 1 } });
  eq([put.name, put.edit_window_days], [name, 1], 'PUT …/settings on A');
  const setB = await e.api('GET', `${S}/settings`, { token: teacherB.access, base: B.base });
  eq([setB.name, setB.edit_window_days], [name, 1], 'GET …/settings on B right after the change on A');
  const meB = await e.api('GET', '/api/v1/me', { token: teacherB.access, base: B.base });
  eq(meB.memberships[0].school_name, name, 'GET /me on B: the school\'s name');
  const jW = await e.api('GET', J, { token: teacherB.access, base: B.base });
  eq(jW.lessons.find((l) => l.lesson.id === older.id)?.writable, false, `GET …/journal on B: the lesson of ${older.date} with a 1-day edit window`);
  const closed = await expectStatus(B, 'POST', J, 403, `teacher4b writes the lesson of ${older.date} on B`, {
    token: teacherB.access,
    body: { marks: [{ lesson_id: older.id, student_id: student.id, value: '5', version: 0 }], attendance: [] },
  });
  expectCode(closed, 'edit_window_closed', `teacher4b writes the lesson of ${older.date} on B`);
  await e.api('PUT', `${S}/settings`, { token: admin.access, body: settings });
  const jO = await e.api('GET', J, { token: teacherB.access, base: B.base });
  eq(jO.lessons.find((l) => l.lesson.id === older.id)?.writable, true, `GET …/journal on B: the lesson of ${older.date} after the window is lifted on A`);
  eq((await e.api('GET', `${S}/settings`, { token: teacherB.access, base: B.base })).name, settings.name, 'GET …/settings on B after the name is restored on A');
  log(`settings: A renamed the school and set a 1-day edit window → B at once: the name, the lesson of ${older.date} read-only, 403 edit_window_closed; restored on A → B writable again`);

  // A subject imported on A with an Idempotency-Key; the retry through B gets the stored answer.
  const SUBJ = 'Астрономия (e2e)';
  const csv = `name,short_name\n${SUBJ},Астр\n`;
  const KEY = `e2e-instances-${Date.now()}`;
  const imp = { token: admin.access, raw: csv, contentType: 'text/csv', headers: { 'idempotency-key': KEY } };
  const first = await expectStatus(A, 'POST', `${S}/import/subjects`, 200, 'import of a subject on A', imp);
  eq([first.body.committed, first.body.counts.created], [true, 1], 'import of a subject on A');
  const subjectsB = await e.api('GET', `${S}/subjects`, { token: teacherB.access, base: B.base });
  const subj = subjectsB.filter((s) => s.name === SUBJ);
  eq(subj.map((s) => s.short_name), ['Астр'], `GET …/subjects on B right after the import on A: ${SUBJ}`);
  const retry = await expectStatus(B, 'POST', `${S}/import/subjects`, 200, 'the same import with the same Idempotency-Key on B', imp);
  eq(retry.body, first.body, 'the retry on B answers the stored answer of A (created 1, not unchanged 1)');
  const other = await expectStatus(B, 'POST', `${S}/import/subjects`, 409, 'the Idempotency-Key with another body on B', { ...imp, raw: `name,short_name\n${SUBJ},Аст\n` });
  eq(other.status, 409, 'the Idempotency-Key with another body on B');
  const subjectsA = await e.api('GET', `${S}/subjects`, { token: admin.access });
  eq(subjectsA.filter((s) => s.name === SUBJ).map((s) => s.short_name), ['Астр'], `GET …/subjects on A after the retries: ${SUBJ} once, unchanged`);
  log(`subjects: «${SUBJ}» imported on A is listed on B at once; B's retry with the key → A's stored answer (created 1), another body → 409`);

  // ---- 4. per instance: failed-login counters and the /auth rate limiter ----
  const wrong = { login: PRINCIPAL.login, password: 'wrong-password' };
  for (let i = 1; i <= ACCOUNT_LIMIT; i += 1) {
    const r = await expectStatus(A, 'POST', '/api/v1/auth/login', 401, `failed sign-in ${i} of principal on A`, { body: wrong });
    expectCode(r, 'invalid_credentials', `failed sign-in ${i} of principal on A`);
  }
  const lockedA = await expectStatus(A, 'POST', '/api/v1/auth/login', 429, `principal on A after ${ACCOUNT_LIMIT} failures there (right password)`, { body: PRINCIPAL });
  const retryAfter = Number(lockedA.headers.get('retry-after'));
  if (!(retryAfter >= 1 && retryAfter <= 60)) fail(`429 on A: Retry-After is ${lockedA.headers.get('retry-after')}`);
  await signIn(B, PRINCIPAL, `principal on B after ${ACCOUNT_LIMIT} failures on A`);
  for (let i = 1; i <= ACCOUNT_LIMIT; i += 1) {
    await expectStatus(B, 'POST', '/api/v1/auth/login', 401, `failed sign-in ${i} of principal on B`, { body: wrong });
  }
  await expectStatus(B, 'POST', '/api/v1/auth/login', 429, `principal on B after ${ACCOUNT_LIMIT} failures there`, { body: PRINCIPAL });
  await expectStatus(A, 'POST', '/api/v1/auth/login', 429, 'principal still locked on A', { body: PRINCIPAL });
  log(`throttling: ${ACCOUNT_LIMIT} failed sign-ins of principal on A → 429 on A (Retry-After ${retryAfter}) while B signs principal in; B locks only after its own ${ACCOUNT_LIMIT} failures (2 × ${ACCOUNT_LIMIT} in all)`);

  // The /auth request-rate limiter (burst 30, 5/s per client IP by default), flooded on A.
  let n = 0;
  let limited = null;
  while (n < 200 && !limited) {
    n += 1;
    const r = await call(A, 'POST', '/api/v1/auth/refresh');
    if (r.status === 429) limited = r;
    else if (r.status !== 401) fail(`flood on A: POST /auth/refresh without a cookie → ${r.status}: ${r.text}`);
  }
  if (!limited) fail(`flood on A: ${n} requests to /auth/refresh, none limited (429)`);
  const bFine = await expectStatus(B, 'POST', '/api/v1/auth/refresh', 401, 'B right after A rate-limited the client');
  expectCode(bFine, 'refresh_token_invalid', 'B right after A rate-limited the client');
  await signIn(B, TEACHER, 'teacher4b on B while A rate-limits the client');
  // A's bucket refills (one request per 200 ms by default).
  await sleep(1500);
  await expectStatus(A, 'POST', '/api/v1/auth/refresh', 401, 'A after its rate limiter refilled');
  const wait = limited.headers.get('retry-after') ?? limited.headers.get('x-ratelimit-after') ?? '–';
  log(`rate limit: the ${n}th /auth request on A → 429 from A's limiter (retry after ${wait} s); B answered 401 and signed in at the same time`);
});
