#!/usr/bin/env node
// Browser end-to-end test of final marks, period closing and the report card (issue 6, "Done
// when"): on the demo school the teacher closes the first quarter from the journal grid by
// accepting suggestions, the principal sees the closing view empty for that class, and the parent
// sees the quarter mark and prints the report card — in headless Debian Chromium.
//
//   node e2e/finals.mjs --server target/debug/otmetka --db sqlite|postgres|URL \
//                       --screenshots target/e2e/sqlite [--static-dir frontend/dist] [--keep] [--verbose] [--headed]
//
// (the options are described in e2e/lib.mjs, which also runs the server and the browser).
//
// The script starts `otmetka serve --demo --with-marks` on an empty database with the calendar
// clock fixed at Monday 26.10.2026, 15:00 in the school's zone (OTMETKA_FIXED_CLOCK): quarter 1
// ended on Saturday 24.10, the teachers' window for its final marks is open until 27.10, and the
// demo marks are seeded up to that day (no final mark of quarter 1 is set yet).
//
// Who: the demo `teacher4b` (Кузнецов Р. А., class teacher of 4Б) teaches most of 4Б's subjects;
// the other 4Б courses have teachers without accounts, so the demo `admin` sets theirs (inside
// the window the admin needs no reason). The demo `parent`'s child in 4Б is Алексей.
//
//   1. `teacher4b` signs in, opens Журнал (nav-journal), picks quarter 1 in the period picker
//      (journal-period) and opens 4Б Математика: the final column finals-head-quarter_1 is open
//      ("открыто до 27.10") and every cell shows its suggestion (data-suggested = the server's
//      `suggested`). He clicks the first student's empty final cell and presses Enter — one keystroke
//      accepts the suggestion and moves the cursor down — then presses «Принять все»
//      (finals-accept-all-quarter_1) for the rest of the column; waits until every cell is saved
//      and checks GET …/courses/{id}/final-marks: every due cell's value is its suggestion. His
//      other 4Б courses are closed the same way in the browser, with «Принять все» only. The
//      other teachers' 4Б courses get their suggestions through the API as the admin. A due
//      student without a suggestion (no marks in the quarter; none in the demo) would get н/а
//      through the API, which needs no comment, and the log says so.
//   2. `principal` signs in, opens Закрытие периода (nav-closing), picks quarter 1 and 4Б: the
//      page says every final mark is set (closing-all-set, closing-totals with data-missing 0),
//      with «only missing» off every 4Б course is a row with data-missing 0; the same as
//      GET final-marks/closing?term=quarter_1&class_id=….
//   3. `parent` signs in, opens Оценки (nav-marks) for Алексей, quarter 1: each subject's final
//      mark (marks-final-{course}) is the one set (Математика: the journal's cell); «Что если?» on
//      Математика: a hypothetical 2 of a control work (weight 3) lowers the average, and added 5s
//      of control works then raise the suggestion — each step exactly as otmetka_domain's rule
//      computed here from the marks on the page (Σ value × weight / Σ weight, rounded to two
//      decimals; the school's rounding threshold); «Сбросить» brings back today's numbers and
//      nothing is stored.
//      Then Табель (nav-report-card): the quarter 1 column has the marks; «Печать» calls
//      window.print (stubbed in the page) and the page is captured with print media; «CSV»
//      downloads a file that starts with the UTF-8 BOM and the Russian header and has the marks.
//   4. Through the API: `teacher4b` writing a quarter 2 mark is refused with
//      403 final_mark_not_open, and nothing is written.
// Every step leaves a screenshot fn-NN-step.png in the screenshot folder; on failure the pages'
// console logs and the server's log (fn-server.log) are printed, exit code 1.

import { readFileSync } from 'node:fs';

import {
  E2E, MARKS, byId, expectAttr, expectCount, expectVisible, fail, pickChild, round2, signIn, tid,
  until,
} from './lib.mjs';

// Seeding the demo marks takes about a minute on a debug build before the server answers.
const e = new E2E({ tag: 'e2e-finals', prefix: 'fn-', timeoutMs: 9 * 60_000, readyTimeoutMs: 300_000 });
const log = (...args) => e.log(...args);

/** Monday after quarter 1 (01.09–24.10.2026), inside the teachers' window (to 27.10). */
const CLOCK = '2026-10-26T15:00:00+03:00';
const TODAY = '2026-10-26';
const TERM = 'quarter_1';
const NEXT_TERM = 'quarter_2';

/** The demo accounts (README "Demo school"). */
const PASSWORD = 'otmetka-demo';
const TEACHER = { login: 'teacher4b', password: PASSWORD };
const ADMIN = { login: 'admin', password: PASSWORD };
const PRINCIPAL = { login: 'principal', password: PASSWORD };
const PARENT = { login: 'parent', password: PASSWORD };
const CLASS = '4Б';
/** The course closed with the keyboard and the button, and tried in the what-if panel. */
const SUBJECT = 'Математика';

/** Test ids (frontend/TESTIDS.md: Journal, Final marks in the journal, Period closing, Diary and marks, Report card). */
const T = {
  ...MARKS,
  navJournal: 'nav-journal',
  navClosing: 'nav-closing',
  navReportCard: 'nav-report-card',
  listPage: 'journal-list-page',
  course: (id) => `journal-course-${id}`,
  back: 'journal-back',
  period: 'journal-period',
  grid: 'journal-grid',
  title: 'journal-title',
  status: 'journal-status',
  head: (term) => `finals-head-${term}`,
  window: (term) => `finals-window-${term}`,
  acceptAll: (term) => `finals-accept-all-${term}`,
  cell: (student, term) => `finals-cell-${student}-${term}`,
  closingPage: 'closing-page',
  closingTerm: 'closing-term-select',
  closingClass: 'closing-class-select',
  closingOnlyMissing: 'closing-only-missing',
  closingBody: 'closing-body',
  closingTermText: 'closing-term',
  closingTotals: 'closing-totals',
  closingAllSet: 'closing-all-set',
  closingCourse: 'closing-course',
  closingFailing: 'closing-failing',
  closingFailingNone: 'closing-failing-none',
  children: 'schedule-children',
  child: 'schedule-child',
  reportPage: 'report-card-page',
  reportCard: (s) => `report-card-${s}`,
  reportTable: 'report-card-table',
  reportRow: 'report-card-row',
  reportPrint: 'report-card-print',
  reportCsv: 'report-card-csv',
};

/** otmetka_domain::grading::weighted_average over (numeric value or null, weight) pairs. */
function weightedAverage(marks) {
  let num = 0;
  let den = 0;
  let count = 0;
  for (const [v, w] of marks) {
    if (v !== null && Number.isFinite(v) && w > 0) {
      num += v * w;
      den += w;
      count += 1;
    }
  }
  return { average: count > 0 && den > 0 ? round2(num / den) : null, count };
}

/** otmetka_domain::grading::round_with_threshold. */
function roundWithThreshold(average, threshold) {
  if (average === null) return null;
  const whole = Math.floor(average);
  return whole + (average - whole + 1e-9 >= threshold ? 1 : 0);
}

await e.run(async () => {
  await e.startServer({ args: ['serve', '--demo', '--with-marks'], env: { OTMETKA_FIXED_CLOCK: CLOCK } });

  // ---- what the API says ----
  const [tTok, aTok, prTok, pTok] = [await e.token(TEACHER), await e.token(ADMIN), await e.token(PRINCIPAL), await e.token(PARENT)];
  const teacher = await e.me(tTok, TEACHER.login);
  const parent = await e.me(pTok, PARENT.login);
  const S = `/api/v1/schools/${parent.school_id}`;
  const kid = parent.children.find((c) => c.class_name === CLASS)
    || fail(`the demo parent has no child in ${CLASS}: ${JSON.stringify(parent.children)}`);
  const classes = await e.api('GET', `${S}/classes`, { token: aTok });
  const klass = classes.find((c) => c.name === CLASS) || fail(`no class ${CLASS} among ${classes.map((c) => c.name).join(', ')}`);
  const courses = (await e.api('GET', `${S}/courses`, { token: aTok })).filter((c) => c.class_id === klass.id || c.class_name === CLASS);
  const own = courses.filter((c) => c.teacher_ids.includes(teacher.person_id));
  const others = courses.filter((c) => !c.teacher_ids.includes(teacher.person_id));
  const math = own.find((c) => c.subject_name === SUBJECT && c.group_id === null)
    || fail(`${TEACHER.login} does not teach ${SUBJECT} ${CLASS}: ${JSON.stringify(own.map((c) => c.subject_name))}`);
  // Математика first: it is the one closed with the keyboard.
  own.sort((a, b) => (a.id === math.id ? -1 : b.id === math.id ? 1 : 0));
  log(`${CLASS}: ${courses.length} courses, ${own.length} of ${TEACHER.login} (${own.map((c) => c.subject_name).join(', ')}), ${others.length} of other teachers (${others.map((c) => `${c.subject_name}: ${c.teacher_names.join(', ') || '—'}`).join('; ')})`);

  const F = (course) => `${S}/courses/${course.id}/final-marks`;
  const sheets = {};
  for (const c of courses) {
    const sheet = await e.api('GET', F(c), { token: own.includes(c) ? tTok : aTok });
    if (sheet.today !== TODAY) fail(`GET …/final-marks: today is ${sheet.today}, expected ${TODAY} (OTMETKA_FIXED_CLOCK=${CLOCK})`);
    const term = sheet.terms.find((t) => t.term === TERM) || fail(`${c.subject_name}: no ${TERM} among ${sheet.terms.map((t) => t.term)}`);
    if (term.state !== 'open' || !term.writable || term.reason_required || term.closes_on !== '2026-10-27') {
      fail(`${c.subject_name}: ${TERM} is ${JSON.stringify(term)}, expected open until 2026-10-27, writable without a reason`);
    }
    const set = sheet.cells.filter((x) => x.term === TERM && x.value !== null);
    if (set.length) fail(`${c.subject_name}: ${set.length} ${TERM} marks are set already in the fresh demo`);
    sheets[c.id] = sheet;
  }
  const q1 = sheets[math.id].terms.find((t) => t.term === TERM);
  const next = sheets[math.id].terms.find((t) => t.term === NEXT_TERM);
  if (next?.state !== 'not_open' || next.writable) fail(`${NEXT_TERM} is ${JSON.stringify(next)}, expected not_open for the teacher`);
  const scaleLabel = (sheet, v) => sheet.scale.values.find((x) => x.value === v)?.label ?? v;

  /** Checks every due cell of TERM against its suggestion (or the substitute value); returns the cells. */
  const checkSheet = async (course, token, substitutes = {}) => {
    const sheet = await e.api('GET', F(course), { token });
    const due = sheet.cells.filter((x) => x.term === TERM && x.due);
    if (!due.length) fail(`${course.subject_name}: no student is due a ${TERM} mark`);
    for (const x of due) {
      const want = x.suggested ?? substitutes[x.student_id];
      if (x.value === null || x.value !== want) {
        fail(`GET …/courses/${course.id}/final-marks (${course.subject_name}): student ${x.student_id} has ${x.value}, suggested ${x.suggested}`);
      }
    }
    return { sheet, due };
  };

  // ---- 1. the teacher closes quarter 1 from the journal grid ----
  const tp = await e.newPage('teacher4b');
  await signIn(tp, TEACHER, 'teacher4b');
  await byId(tp, T.navJournal).click();
  await expectVisible(tp, T.listPage, 'teacher4b: the journal picker');
  await byId(tp, T.period).selectOption(q1.period_id);
  await until(() => tp.url(), (u) => new URL(u).searchParams.get('period') === q1.period_id,
    'teacher4b: the picker after choosing quarter 1', (u) => `is at ${u}`);
  for (const c of own) await expectVisible(tp, T.course(c.id), `teacher4b: ${c.subject_name} ${CLASS} in the picker`);
  await e.shot(tp, 'journal-picker-q1');

  const setInBrowser = {};
  let kidMathText = '';
  let first = true;
  for (const course of own) {
    const sheet = sheets[course.id];
    const what = `teacher4b: ${course.subject_name}`;
    if (!first) {
      await byId(tp, T.back).click();
      await expectVisible(tp, T.listPage, `${what}: back to the picker`);
    }
    await byId(tp, T.course(course.id)).click();
    await expectVisible(tp, T.grid, `${what}: the journal grid`);
    await until(() => byId(tp, T.period).inputValue(), (v) => v === q1.period_id, `${what}: the period select`,
      (v) => `has ${v}, expected quarter 1 ${q1.period_id}`);
    const head = byId(tp, T.head(TERM));
    await expectAttr(head, 'data-state', 'open', `${what}: the ${TERM} column`);
    const windowText = (await byId(tp, T.window(TERM)).innerText()).trim();
    if (windowText !== 'открыто до 27.10') fail(`${what}: the ${TERM} column's window reads «${windowText}»`);
    // The grid's rows: the journal's students of the period; every one is due a mark here.
    const journal = await e.api('GET', `${S}/courses/${course.id}/journal?period_id=${q1.period_id}`, { token: tTok });
    const rows = journal.students;
    const cellOf = (s) => sheet.cells.find((x) => x.student_id === s.id && x.term === TERM);
    for (const s of rows) {
      const x = cellOf(s) || fail(`${what}: no ${TERM} cell for ${s.last_name} in GET …/final-marks`);
      await expectAttr(byId(tp, T.cell(s.id, TERM)), 'data-suggested', x.suggested ?? '', `${what}: ${s.last_name}'s suggestion`);
    }
    // Due students with a suggestion are accepted in the grid; one without (no marks in the
    // quarter) gets н/а through the API below (н/а needs no comment); the rest are not due.
    const accepting = rows.filter((s) => cellOf(s).due && cellOf(s).suggested !== null);
    const noSuggestion = rows.filter((s) => cellOf(s).due && cellOf(s).suggested === null);
    if (!accepting.length) fail(`${what}: no due student has a suggestion`);
    const allCells = tp.locator(`[data-testid^="finals-cell-"][data-testid$="-${TERM}"]`);
    await expectCount(allCells, rows.length, `${what}: final cells of ${TERM}`);

    if (first) {
      // One keystroke: Enter on the first student's empty final cell takes the suggestion.
      const s0 = accepting[0];
      const s1 = rows[Math.min(rows.indexOf(s0) + 1, rows.length - 1)];
      const c0 = byId(tp, T.cell(s0.id, TERM));
      await c0.click();
      await expectAttr(c0, 'aria-selected', 'true', `${what}: the cursor on the first final cell`);
      await expectAttr(c0, 'data-value', '', `${what}: the first final cell before Enter`);
      const title = await c0.getAttribute('title');
      log(`${what}: ${s0.last_name} ${s0.first_name}: «${title}»`);
      await e.shot(tp, 'journal-final-column');
      await tp.keyboard.press('Enter');
      await expectAttr(byId(tp, T.cell(s1.id, TERM)), 'aria-selected', 'true', `${what}: Enter moves the cursor down`);
      await expectAttr(c0, 'data-value', cellOf(s0).suggested, `${what}: Enter accepted the suggestion`);
      await expectAttr(c0, 'data-state', 'saved', `${what}: the accepted cell`);
      const one = await until(async () => (await e.api('GET', F(course), { token: tTok })).cells
        .find((x) => x.student_id === s0.id && x.term === TERM),
      (x) => x?.value === cellOf(s0).suggested, `${what}: GET …/final-marks after Enter`, (x) => `the cell is ${JSON.stringify(x)}`);
      if (one.version !== 1 || one.set_by_name === null) fail(`${what}: the accepted cell is ${JSON.stringify(one)}`);
      const others = (await e.api('GET', F(course), { token: tTok })).cells.filter((x) => x.term === TERM && x.value !== null);
      if (others.length !== 1) fail(`${what}: after one Enter ${others.length} cells are set`);
      log(`${what}: Enter set ${s0.last_name}'s ${TERM} mark to ${one.value} (by ${one.set_by_name})`);
      await e.shot(tp, 'journal-enter-accepted');
    }

    // «Принять все»: the rest of the column in one batch.
    await byId(tp, T.acceptAll(TERM)).click();
    const status = byId(tp, T.status);
    for (const s of rows) {
      const cell = byId(tp, T.cell(s.id, TERM));
      const want = accepting.includes(s) ? cellOf(s).suggested : '';
      await expectAttr(cell, 'data-value', want, `${what}: ${s.last_name}'s final cell after «Принять все»`);
      await expectAttr(cell, 'data-state', 'saved', `${what}: ${s.last_name}'s final cell`);
    }
    for (const a of ['data-pending', 'data-failed', 'data-conflicts', 'data-held']) {
      await expectAttr(status, a, 0, `${what}: journal-status after «Принять все»`);
    }
    const statusText = (await status.innerText()).trim();
    const subs = {};
    if (noSuggestion.length) {
      const marks = noSuggestion.map((x) => {
        subs[x.id] = 'н/а';
        return { student_id: x.id, term: TERM, value: 'н/а', comment: null, version: cellOf(x).version };
      });
      await e.api('POST', F(course), { token: tTok, body: { marks } });
      log(`${what}: no suggestion (no marks) for ${noSuggestion.map((x) => x.last_name).join(', ')}: н/а set through the API`);
    }
    const { due } = await checkSheet(course, tTok, subs);
    setInBrowser[course.id] = due;
    log(`${what}: «Принять все» set ${accepting.length} of ${due.length} due ${TERM} marks = the suggestions (${[...new Set(due.map((x) => x.value))].sort().join(', ')}); status «${statusText}»`);
    if (first) {
      const kc = byId(tp, T.cell(kid.person_id, TERM));
      await expectCount(kc, 1, `${what}: ${kid.name}'s final cell`);
      kidMathText = (await kc.locator('.jf-v').innerText()).trim();
      await byId(tp, T.cell(rows[0].id, TERM)).scrollIntoViewIfNeeded();
      await e.shot(tp, 'journal-all-accepted');
    }
    first = false;
  }
  await e.shot(tp, 'journal-last-course-accepted');
  const kidMath = setInBrowser[math.id].find((x) => x.student_id === kid.person_id)
    || fail(`${kid.name} is not due a ${TERM} mark in ${SUBJECT}`);
  log(`teacher4b: ${kid.name}'s ${TERM} mark in ${SUBJECT}: «${kidMathText}»`);

  // The other teachers' courses of the class: the admin, inside the window, without a reason.
  const substituted = [];
  for (const course of others) {
    const sheet = sheets[course.id];
    const subs = {};
    const marks = sheet.cells.filter((x) => x.term === TERM && x.due && x.value === null).map((x) => {
      if (x.suggested === null) {
        subs[x.student_id] = 'н/а';
        substituted.push(`${course.subject_name}: ${x.student_id}`);
      }
      return { student_id: x.student_id, term: TERM, value: x.suggested ?? 'н/а', comment: null, version: x.version };
    });
    await e.api('POST', F(course), { token: aTok, body: { marks } });
    const { due } = await checkSheet(course, aTok, subs);
    log(`admin: ${course.subject_name} (${course.teacher_names.join(', ')}): ${due.length} ${TERM} marks set through the API`);
  }
  if (substituted.length) log(`no suggestion (no marks), set to н/а: ${substituted.join('; ')}`);
  else log('every due student of the class had a suggestion (none needed н/а)');

  // ---- 2. the principal's closing view ----
  const closing = await e.api('GET', `${S}/final-marks/closing?term=${TERM}&class_id=${klass.id}`, { token: prTok });
  if (closing.missing_marks !== 0 || closing.courses.length !== courses.length || closing.complete_courses !== courses.length
    || closing.courses.some((c) => c.missing !== 0 || c.set !== c.students)) {
    fail(`GET final-marks/closing: ${JSON.stringify({ ...closing, failing: closing.failing.length })}`);
  }
  const pr = await e.newPage('principal');
  await signIn(pr, PRINCIPAL, 'principal');
  await byId(pr, T.navClosing).click();
  await expectVisible(pr, T.closingPage, 'principal: the closing view');
  await byId(pr, T.closingTerm).selectOption(TERM);
  await until(() => pr.url(), (u) => new URL(u).searchParams.get('term') === TERM, 'principal: ?term= after choosing quarter 1', (u) => `is at ${u}`);
  await byId(pr, T.closingClass).selectOption(klass.id);
  await until(() => pr.url(), (u) => new URL(u).searchParams.get('class') === klass.id, 'principal: ?class= after choosing 4Б', (u) => `is at ${u}`);
  await expectAttr(byId(pr, T.closingTermText), 'data-term', TERM, 'principal: the closing view\'s term');
  const totals = byId(pr, T.closingTotals);
  await expectAttr(totals, 'data-missing', 0, 'principal: closing-totals');
  await expectAttr(totals, 'data-courses', courses.length, 'principal: closing-totals');
  await expectAttr(totals, 'data-complete', courses.length, 'principal: closing-totals');
  await expectVisible(pr, T.closingAllSet, 'principal: «Все итоговые отметки выставлены»');
  await expectCount(byId(pr, T.closingCourse), 0, 'principal: courses lacking marks (only missing)');
  const allSetText = (await byId(pr, T.closingAllSet).innerText()).trim();
  const totalsText = (await totals.innerText()).trim();
  log(`principal: «${(await byId(pr, T.closingTermText).innerText()).trim()}»; «${totalsText}»; «${allSetText}»`);
  await e.shot(pr, 'closing-all-set');
  await byId(pr, T.closingOnlyMissing).uncheck();
  const rowsLoc = byId(pr, T.closingCourse);
  await expectCount(rowsLoc, courses.length, 'principal: every course of 4Б with «only missing» off');
  const shown = await rowsLoc.evaluateAll((els) => els.map((el) => ({
    course: el.getAttribute('data-course-id'), cls: el.getAttribute('data-class-id'), missing: el.getAttribute('data-missing'),
    set: el.getAttribute('data-set'), students: el.getAttribute('data-students'),
  })));
  for (const r of shown) {
    const api = closing.courses.find((c) => c.course_id === r.course) || fail(`principal: row of course ${r.course} is not in the API's answer`);
    if (r.cls !== klass.id || r.missing !== '0' || r.set !== String(api.set) || r.students !== String(api.students)) {
      fail(`principal: closing row ${JSON.stringify(r)}, the API says ${JSON.stringify(api)}`);
    }
  }
  const failingRows = await tid(pr, 'closing-failing-row').count();
  if (failingRows !== closing.failing.length) fail(`principal: ${failingRows} failing rows, the API lists ${closing.failing.length}`);
  log(`principal: ${shown.length} courses of ${CLASS}, none missing; failing final marks: ${closing.failing.length}`);
  await e.shot(pr, 'closing-all-courses');

  // ---- 3. the parent: marks with the quarter mark, what-if, report card ----
  const marks = await e.api('GET', `${S}/students/${kid.person_id}/marks?period_id=${q1.period_id}`, { token: pTok });
  const pp = await e.newPage('parent');
  await signIn(pp, PARENT, 'parent');
  const shownChild = { id: kid.person_id, name: kid.name };
  await byId(pp, T.navMarks).click();
  await expectVisible(pp, T.marksPage, 'parent: the marks page');
  await pickChild(pp, shownChild, 'parent: marks');
  await byId(pp, T.marksPeriod).selectOption(q1.period_id);
  await expectAttr(byId(pp, T.marksSubjects), 'data-period-id', q1.period_id, 'parent: the marks page\'s period');
  const finalsOf = {};
  for (const c of courses) {
    const due = await e.api('GET', F(c), { token: aTok }).then((s) => s.cells.find((x) => x.student_id === kid.person_id && x.term === TERM));
    finalsOf[c.id] = due;
    const subj = marks.subjects.find((s) => s.course_id === c.id) || fail(`GET …/marks has no ${c.subject_name}`);
    if (subj.final_mark !== due.value) fail(`GET …/marks: ${c.subject_name}'s final mark ${subj.final_mark}, set ${due.value}`);
    const badge = byId(pp, T.marksFinal(c.id));
    await expectAttr(badge, 'data-value', due.value, `parent: ${c.subject_name}'s quarter mark`);
    const text = (await badge.innerText()).trim();
    if (!text.includes(scaleLabel(sheets[c.id], due.value))) fail(`parent: ${c.subject_name}'s final badge reads «${text}»`);
  }
  const mathBadge = (await byId(pp, T.marksFinal(math.id)).innerText()).trim();
  if (finalsOf[math.id].value !== kidMath.value) fail(`parent: ${SUBJECT} ${finalsOf[math.id].value} ≠ the journal's ${kidMath.value}`);
  log(`parent: ${SUBJECT} «${mathBadge}» (the journal's «${kidMathText}»), ${courses.length} subjects with their ${TERM} marks`);
  await byId(pp, T.marksSubject(math.id)).scrollIntoViewIfNeeded();
  await e.shot(pp, 'parent-marks-q1');

  // What-if on Математика: a hypothetical 2 of a control work.
  const control = marks.work_types.find((w) => w.code === 'control') || fail(`no control work type: ${marks.work_types.map((w) => w.code)}`);
  const mathSubject = byId(pp, T.marksSubject(math.id));
  const badges = await mathSubject.locator('[data-testid^="marks-mark-"]').evaluateAll((els) => els.map((el) => ({
    value: el.getAttribute('data-value'), weight: Number(el.getAttribute('data-weight')),
  })));
  const apiMath = marks.subjects.find((s) => s.course_id === math.id);
  if (badges.length !== apiMath.marks.length) fail(`parent: ${badges.length} mark badges under ${SUBJECT}, GET …/marks has ${apiMath.marks.length}`);
  const scale = marks.scales.find((s) => s.id === apiMath.scale_id) || fail(`no scale ${apiMath.scale_id} in GET …/marks`);
  const numeric = (v) => {
    const sv = scale.values.find((x) => x.value === v);
    return sv && sv.counts && sv.numeric !== null ? sv.numeric : null;
  };
  const threshold = marks.rounding_threshold;
  const real = badges.map((b) => [numeric(b.value), b.weight]);
  /** What otmetka_domain::finals::what_if gives for the page's marks plus `added` values (control works). */
  const rule = (added) => {
    const { average } = weightedAverage([...real, ...added.map((v) => [numeric(v), control.weight])]);
    return { average, suggested: roundWithThreshold(average, threshold) };
  };
  const now = rule([]);
  if (now.average !== apiMath.average) fail(`the marks on the page average ${now.average}, GET …/marks says ${apiMath.average}`);
  if (String(now.suggested) !== apiMath.suggested_final) fail(`the rule suggests ${now.suggested} from the page's marks, GET …/marks says ${apiMath.suggested_final}`);
  await expectAttr(byId(pp, T.marksAvg(math.id)), 'data-value', now.average.toFixed(2), `parent: ${SUBJECT}'s average`);
  await expectAttr(byId(pp, T.marksSuggested(math.id)), 'data-value', String(now.suggested), `parent: ${SUBJECT}'s suggestion`);
  await byId(pp, T.whatIfOpen(math.id)).click();
  await expectVisible(pp, T.whatIfValue(math.id), 'parent: the what-if panel');
  const result = byId(pp, T.whatIfResult(math.id));
  const chips = byId(pp, T.whatIfChip(math.id));
  const added = [];
  /** Adds a hypothetical control work of `value` and checks the chip and the result against the rule. */
  const addControl = async (value) => {
    await byId(pp, T.whatIfValue(math.id)).selectOption(value);
    await byId(pp, T.whatIfType(math.id)).selectOption(control.id);
    await byId(pp, T.whatIfAdd(math.id)).click();
    added.push(value);
    await expectCount(chips, added.length, 'parent: the hypothetical marks\' chips');
    await expectAttr(chips.nth(added.length - 1), 'data-value', value, 'parent: the new chip');
    await expectAttr(chips.nth(added.length - 1), 'data-weight', control.weight, 'parent: the new chip');
    const want = rule(added);
    await expectAttr(result, 'data-average', want.average.toFixed(2), `parent: what-if average with ${added.join(', ')} (Σ value × weight / Σ weight)`);
    await expectAttr(result, 'data-suggested', String(want.suggested), `parent: what-if suggestion with ${added.join(', ')} (threshold ${threshold})`);
    const text = (await result.innerText()).trim();
    const wantText = `${want.average.toFixed(2).replace('.', ',')} (сейчас ${now.average.toFixed(2).replace('.', ',')})`;
    if (!text.includes(wantText) || !text.includes(`итоговая по расчёту: ${want.suggested} (сейчас ${now.suggested})`)) {
      fail(`parent: the what-if result reads «${text}», expected ${want.average} → ${want.suggested}`);
    }
    return { ...want, text };
  };
  await expectAttr(result, 'data-average', now.average.toFixed(2), 'parent: what-if before adding');
  await expectAttr(result, 'data-suggested', String(now.suggested), 'parent: what-if before adding');
  const two = await addControl('2');
  if (two.average >= now.average) fail(`a hypothetical 2 did not lower the average: ${now.average} → ${two.average}`);
  log(`parent: what-if ${SUBJECT} + 2 ${control.short_name} ×${control.weight}: «${two.text}» (rule: ${now.average} → ${two.average}, suggestion ${now.suggested} → ${two.suggested}, threshold ${threshold})`);
  await byId(pp, T.whatIf(math.id)).scrollIntoViewIfNeeded();
  await e.shot(pp, 'parent-what-if');
  // Then hypothetical 5s of control works until the suggestion moves up.
  let up = two;
  while (up.suggested <= now.suggested) {
    if (added.length >= 10) fail(`ten hypothetical control works did not move ${SUBJECT}'s suggestion above ${now.suggested}`);
    up = await addControl('5');
  }
  log(`parent: what-if ${SUBJECT} + ${added.join(', ')} (control works): «${up.text}»`);
  await e.shot(pp, 'parent-what-if-suggestion-up');
  await byId(pp, `what-if-reset-${math.id}`).click();
  await expectCount(chips, 0, 'parent: what-if after «Сбросить»');
  await expectAttr(result, 'data-average', now.average.toFixed(2), 'parent: what-if after «Сбросить»');
  // Nothing was stored.
  const after = await e.api('GET', `${S}/students/${kid.person_id}/marks?period_id=${q1.period_id}`, { token: pTok });
  if (after.subjects.find((s) => s.course_id === math.id).marks.length !== apiMath.marks.length) fail('the what-if calculator stored a mark');

  // The report card.
  const card = await e.api('GET', `${S}/students/${kid.person_id}/report-card`, { token: pTok });
  const qi = card.terms.indexOf(TERM);
  if (qi < 0) fail(`GET …/report-card has no ${TERM}: ${card.terms}`);
  for (const c of courses) {
    const row = card.subjects.find((s) => s.subject_id === sheets[c.id].course.subject_id || s.subject_name === c.subject_name)
      || fail(`GET …/report-card has no ${c.subject_name}`);
    const want = scaleLabel(sheets[c.id], finalsOf[c.id].value);
    if (row.marks[qi] !== finalsOf[c.id].value && row.marks[qi] !== want) fail(`GET …/report-card: ${c.subject_name} ${TERM} is ${row.marks[qi]}, set ${finalsOf[c.id].value}`);
  }
  await byId(pp, T.navReportCard).click();
  await expectVisible(pp, T.reportPage, 'parent: the report card');
  await pickChild(pp, shownChild, 'parent: report card');
  const cardEl = byId(pp, T.reportCard(kid.person_id));
  await expectVisible(pp, T.reportCard(kid.person_id), `parent: ${kid.name}'s report card`);
  await expectAttr(cardEl, 'data-subjects', card.subjects.length, 'parent: the report card\'s subjects');
  await expectCount(tid(cardEl, T.reportTable).locator(`th[data-term="${TERM}"]`), 1, `parent: the ${TERM} column`);
  const cardRows = await tid(cardEl, T.reportRow).evaluateAll((els, term) => els.map((el) => ({
    subject: el.getAttribute('data-subject-id'),
    name: el.querySelector('th, td')?.textContent?.trim(),
    q1: el.querySelector(`td[data-term="${term}"]`)?.getAttribute('data-value'),
  })), TERM);
  if (cardRows.length !== card.subjects.length) fail(`parent: ${cardRows.length} report card rows, the API has ${card.subjects.length}`);
  const labelsBySubject = {};
  for (const c of courses) {
    const sid = sheets[c.id].course.subject_id;
    const want = scaleLabel(sheets[c.id], finalsOf[c.id].value);
    labelsBySubject[c.subject_name] = want;
    const r = cardRows.find((x) => x.subject === sid) || fail(`parent: no report card row for ${c.subject_name} (${sid})`);
    if (r.q1 !== want) fail(`parent: the report card's ${TERM} of ${c.subject_name} is «${r.q1}», set «${want}»`);
  }
  log(`parent: report card ${card.academic_year_name}, ${cardRows.length} subjects, ${TERM}: ${cardRows.map((r) => `${r.name} ${r.q1}`).join(', ')}`);
  await e.shot(pp, 'report-card');

  // «Печать»: window.print stubbed to count the calls; then the page as printed. On paper: the
  // card alone — no menu, no buttons, no child switcher.
  await e.printShot(pp, T.reportPrint, 'report-card-print', {
    hidden: [T.navReportCard, T.reportPrint, T.reportCsv, T.children],
    shown: cardEl,
  });

  // «CSV»: the download.
  const [download] = await Promise.all([pp.waitForEvent('download'), byId(pp, T.reportCsv).click()]);
  const file = await download.path();
  const bytes = readFileSync(file);
  if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) fail(`the CSV does not start with the UTF-8 BOM: ${bytes.subarray(0, 8).toString('hex')}`);
  const csv = bytes.subarray(3).toString('utf8');
  const lines = csv.split(/\r?\n/).filter((l) => l.length);
  const header = lines[0].split(';');
  if (header.slice(0, 5).join(';') !== 'Ученик;Класс;Учебный год;Предмет;1 четверть' || header.at(-1) !== 'Год') {
    fail(`the CSV's header is «${lines[0]}»`);
  }
  const qCol = header.indexOf('1 четверть');
  for (const [subject, want] of Object.entries(labelsBySubject)) {
    const line = lines.slice(1).map((l) => l.split(';')).find((f) => f[3] === subject) || fail(`the CSV has no line for ${subject}:\n${csv}`);
    if (line[0] !== card.student_name || line[1] !== CLASS || line[qCol] !== want) fail(`the CSV's ${subject} line is «${line.join(';')}», expected ${want} for ${TERM}`);
  }
  log(`parent: CSV «${download.suggestedFilename()}», ${bytes.length} bytes, BOM, header «${lines[0]}», ${lines.length - 1} subjects with the ${TERM} marks`);

  // ---- 4. quarter 2 is not open for the teacher yet ----
  const kidQ2 = sheets[math.id].cells.find((x) => x.student_id === kid.person_id && x.term === NEXT_TERM);
  const refused = await e.api('POST', F(math), {
    token: tTok,
    body: { marks: [{ student_id: kid.person_id, term: NEXT_TERM, value: '5', comment: null, version: kidQ2?.version ?? 0 }] },
    expect: [403],
  });
  if (refused?.code !== 'final_mark_not_open') fail(`teacher4b writing ${NEXT_TERM}: 403 with ${JSON.stringify(refused)}, expected code final_mark_not_open`);
  const q2 = (await e.api('GET', F(math), { token: tTok })).cells.find((x) => x.student_id === kid.person_id && x.term === NEXT_TERM);
  if (q2?.value != null) fail(`after the refused write ${kid.name}'s ${NEXT_TERM} mark is ${q2.value}`);
  log(`teacher4b: POST …/final-marks ${NEXT_TERM} → 403 ${refused.code} (opens ${next.opens_on}), nothing written`);
});
