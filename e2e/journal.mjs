#!/usr/bin/env node
// Browser end-to-end test of the class journal, the diary and the marks page (issue 5, "Done
// when"), in headless Debian Chromium: marks and an absence typed into the journal with the
// keyboard only reach the parent's diary and marks page, with the same average.
//
//   node e2e/journal.mjs --server target/debug/otmetka --db sqlite|postgres|URL \
//                        --screenshots target/e2e/sqlite [--static-dir frontend/dist] [--keep] [--verbose] [--headed]
//
// (the options are described in e2e/lib.mjs, which also runs the server and the browser).
//
// The script starts `otmetka serve --demo` (no marks yet) on an empty database with the calendar
// clock fixed at Thursday 03.12.2026, 15:00 in the school's zone (OTMETKA_FIXED_CLOCK): inside the
// 2nd quarter, late enough in the week that the class already had three lessons of the subject.
//
// Who writes: the demo `parent` has Кирилл (1А, first graders get no marks — безотметочное
// обучение) and Алексей (4Б). The demo `teacher4b` (Кузнецов Р. А., class teacher of 4Б) teaches
// 4Б Математика and writes its journal — the child is Алексей.
//
// Through the API it takes the course's journal (the current quarter) and this week's last three
// lessons up to today, C < B < A. Then, in the browser (locale ru-RU):
//   1. `teacher4b` signs in, opens Журнал (nav-journal), picks 4Б Математика: the journal of the
//      current quarter, the cursor on today's lesson;
//   2. with the keyboard only: clicks Алексей's mark cell of lesson A, types 5 Enter (the cursor
//      moves down), 4 Enter for the next classmate, arrows up and left to lesson B, 4 Enter for
//      Алексей and 5 Enter for the classmate, arrows to lesson C's attendance column, «н» Enter
//      (a key event of the Russian layout: key «н» on KeyY) for Алексей and, one row lower, `y`
//      Enter (the same key with the Latin layout on) for another classmate; waits until every
//      cell is `saved` and checks the cells against the server's journal;
//   3. opens lesson A's header (journal-lesson-head-{id}): makes its work (created by the first
//      mark) an independent work of weight 2, saves a topic and homework (checked through the API);
//   4. reads Алексей's average from journal-avg-{id} (its text with a Russian decimal comma):
//      14/3 = 4,67 (and the classmate's 13/3), the same as the server's (GET …/journal);
//   5. `parent` signs in (a fresh browser context), opens Дневник (nav-diary), switches to
//      Алексей: this week shows the two marks typed (diary-mark-{work}, the 5 as «СР ×2»), the
//      absence «Н» (diary-att-{lesson}), lesson A's topic and homework with its due day; then
//      Оценки (nav-marks): the subject's average (marks-avg-{course} data-value) is the journal's
//      exactly, and the recent-marks feed starts with the two new marks;
//   6. through the API, `student` and the demo `teacher` (not this course's teacher) are refused
//      a journal write (403) and the marks stay as typed.
// Every step leaves a screenshot jr-NN-step.png in the screenshot folder (next to run.mjs's); on
// failure the pages' console logs and the server's log (jr-server.log) are printed, exit code 1.

import {
  DIARY, E2E, JOURNAL, MARKS, byId, expectAttr, expectCount, expectVisible, fail, nameOf,
  pickChild, pressRussian, saveLessonEditor, signIn, tid, until,
} from './lib.mjs';

const e = new E2E({ tag: 'e2e-journal', prefix: 'jr-', timeoutMs: 5 * 60_000, readyTimeoutMs: 180_000 });
const log = (...args) => e.log(...args);

/** Thursday afternoon of the 2nd quarter of the demo year, in the demo school's zone. */
const CLOCK = '2026-12-03T15:00:00+03:00';
const TODAY = '2026-12-03';
/** Monday of TODAY's ISO week, and the week as the diary names it. */
const MONDAY = '2026-11-30';
const WEEK = '2026-W49';

/** The demo accounts (README "Demo school"). */
const PASSWORD = 'otmetka-demo';
const ADMIN = { login: 'teacher4b', password: PASSWORD };
const PARENT = { login: 'parent', password: PASSWORD };
const STUDENT = { login: 'student', password: PASSWORD };
const TEACHER = { login: 'teacher', password: PASSWORD };
/** The parent's child whose journal is written, and the course. */
const CHILD_CLASS = '4Б';
const SUBJECT = 'Математика';

const TOPIC = 'e2e: Деление с остатком';
const HOMEWORK = 'e2e: с. 54, № 3 и 5';

/** Test ids (frontend/TESTIDS.md, sections Journal and Diary and marks). */
const T = { ...JOURNAL, ...DIARY, ...MARKS };

/** The grid's sub-columns as the SPA draws them: per lesson «П», then its works (or one empty). */
function columns(journal) {
  const cols = [];
  journal.lessons.forEach((l, i) => {
    cols.push({ lesson: i, slot: 'att' });
    if (l.works.length === 0) cols.push({ lesson: i, slot: 'new' });
    for (const w of [...l.works].sort((a, b) => a.position - b.position)) cols.push({ lesson: i, slot: w.id });
  });
  return cols;
}

/** The grid's cursor is on the cell with test id `id`. */
async function expectCursor(page, id, what) {
  await expectAttr(byId(page, id), 'aria-selected', 'true', `${what}: the cursor on ${id}`);
}

/** Presses `key` `n` times. */
async function pressTimes(page, key, n) {
  for (let i = 0; i < n; i += 1) await page.keyboard.press(key);
}

/** A cell is saved with `value` (its data-value) and shows `label`. */
async function expectSaved(page, id, value, label, what) {
  const cell = byId(page, id);
  await expectCount(cell, 1, `${what}: cell ${id}`);
  await expectAttr(cell, 'data-state', 'saved', `${what}: ${id}`);
  await expectAttr(cell, 'data-value', value, `${what}: ${id}`);
  const text = (await cell.innerText()).trim();
  if (text !== label) throw new Error(`${what}: cell ${id} reads «${text}», expected «${label}»`);
}

await e.run(async () => {
  await e.startServer({ args: ['serve', '--demo'], env: { OTMETKA_FIXED_CLOCK: CLOCK } });

  // ---- what the API says ----
  const [aTok, pTok, sTok, tTok] = [await e.token(ADMIN), await e.token(PARENT), await e.token(STUDENT), await e.token(TEACHER)];
  const parent = await e.me(pTok, PARENT.login);
  const S = `/api/v1/schools/${parent.school_id}`;
  const kid = parent.children.find((c) => c.class_name === CHILD_CLASS)
    || fail(`the demo parent has no child in ${CHILD_CLASS}: ${JSON.stringify(parent.children)}`);
  const courses = await e.api('GET', `${S}/courses`, { token: aTok });
  const course = courses.find((c) => c.class_name === CHILD_CLASS && c.subject_name === SUBJECT && c.group_id === null)
    || fail(`no course ${SUBJECT} in ${CHILD_CLASS} among ${courses.length} courses`);
  const teacherMe = await e.me(tTok, TEACHER.login);
  if (course.teacher_ids.includes(teacherMe.person_id)) fail(`${TEACHER.login} teaches ${SUBJECT} ${CHILD_CLASS}: the 403 check below needs a stranger`);
  const J = `${S}/courses/${course.id}/journal`;
  const before = await e.api('GET', J, { token: aTok });
  if (before.today !== TODAY) fail(`GET …/journal: today is ${before.today}, expected ${TODAY} (OTMETKA_FIXED_CLOCK=${CLOCK})`);
  const { period } = before;
  if (period.kind !== 'quarter' || !(period.starts_on <= TODAY && TODAY <= period.ends_on)) {
    fail(`GET …/journal answered period ${JSON.stringify(period)}, expected the quarter containing ${TODAY}`);
  }
  if (before.marks.length || before.attendance.length) fail(`the fresh demo journal of ${course.id} already has ${before.marks.length} marks and ${before.attendance.length} attendance cells`);

  // This week's lessons up to today: C, B, A (A the latest, where the grid's cursor starts).
  const week = before.lessons
    .map((l, i) => ({ ...l, index: i }))
    .filter((l) => l.lesson.date >= MONDAY && l.lesson.date <= TODAY && l.lesson.status === 'scheduled' && l.writable);
  if (week.length < 3) fail(`${SUBJECT} ${CHILD_CLASS} has ${week.length} writable lessons from ${MONDAY} to ${TODAY}; the scenario needs 3`);
  const [lC, lB, lA] = week.slice(-3);
  const latest = before.lessons.filter((l) => l.lesson.date <= TODAY).at(-1);
  if (latest.lesson.id !== lA.lesson.id) fail(`the latest lesson up to today is ${latest.lesson.id}, not ${lA.lesson.id}`);
  const row = before.students.findIndex((s) => s.id === kid.person_id);
  if (row < 0) fail(`${kid.name} is not among the ${before.students.length} students of the journal`);
  if (row + 2 >= before.students.length) fail(`${kid.name} is among the last two rows; the scenario needs two classmates below`);
  const child = before.students[row];
  const mate = before.students[row + 1];
  const mate2 = before.students[row + 2];
  const cols = columns(before);
  const colOf = (l, slot) => cols.findIndex((c) => c.lesson === l.index && (slot === 'att' ? c.slot === 'att' : c.slot !== 'att'));
  const [aMark, bMark, cAtt] = [colOf(lA, 'mark'), colOf(lB, 'mark'), colOf(lC, 'att')];
  log(`${kid.name} (${CHILD_CLASS}), ${SUBJECT}: lessons C ${lC.lesson.date} №${lC.lesson.lesson_number}, B ${lB.lesson.date} №${lB.lesson.lesson_number}, A ${lA.lesson.date} №${lA.lesson.lesson_number}; classmates ${nameOf(mate)}, ${nameOf(mate2)}`);

  // ---- 1. the teacher opens the journal ----
  const ap = await e.newPage('teacher4b');
  await signIn(ap, ADMIN, 'teacher4b');
  await byId(ap, T.navJournal).click();
  await expectVisible(ap, T.listPage, 'teacher4b: the journal picker');
  await expectVisible(ap, T.course(course.id), `teacher4b: ${SUBJECT} ${CHILD_CLASS} in the picker`);
  await e.shot(ap, 'journal-picker');
  await byId(ap, T.course(course.id)).click();
  await expectVisible(ap, T.grid, 'teacher4b: the journal grid');
  const title = (await byId(ap, T.title).innerText()).trim();
  if (!title.includes(SUBJECT) || !title.includes(CHILD_CLASS)) fail(`teacher4b: the journal's title reads «${title}»`);
  await until(() => byId(ap, T.period).inputValue(), (v) => v === period.id, 'teacher4b: the period select',
    (v) => `has ${v}, expected the current quarter ${period.id}`);
  const periodText = (await byId(ap, T.period).locator('option:checked').innerText()).trim();
  await expectAttr(byId(ap, T.lessonHead(lA.lesson.id)), 'data-date', lA.lesson.date, 'teacher4b: lesson A\'s header');
  // The cursor starts in the attendance column of the latest lesson up to today.
  await expectCursor(ap, T.att(before.students[0].id, lA.lesson.id), 'teacher4b: the journal as opened');
  log(`teacher4b: journal «${title}», period «${periodText}», ${before.students.length} students, ${before.lessons.length} lessons`);
  await e.shot(ap, 'journal-open');

  // ---- 2. marks and absences with the keyboard ----
  await byId(ap, T.cell(child.id, lA.lesson.id)).click();
  await expectCursor(ap, T.cell(child.id, lA.lesson.id), 'teacher4b: after clicking Алексей\'s cell of lesson A');
  const focused = await ap.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  if (focused !== T.scroll) fail(`teacher4b: after the click the focus is on ${focused}, not ${T.scroll}`);
  const kb = ap.keyboard;
  await kb.press('5');
  await e.shot(ap, 'typing-5');
  await kb.press('Enter');
  await expectCursor(ap, T.cell(mate.id, lA.lesson.id), 'teacher4b: Enter moves down');
  await kb.press('4');
  await kb.press('Enter');
  await pressTimes(ap, 'ArrowUp', 2);
  await pressTimes(ap, 'ArrowLeft', aMark - bMark);
  await expectCursor(ap, T.cell(child.id, lB.lesson.id), 'teacher4b: arrows to lesson B');
  await kb.press('4');
  await kb.press('Enter');
  await kb.press('5');
  await kb.press('Enter');
  await pressTimes(ap, 'ArrowUp', 2);
  await pressTimes(ap, 'ArrowLeft', bMark - cAtt);
  await expectCursor(ap, T.att(child.id, lC.lesson.id), 'teacher4b: arrows to lesson C\'s attendance');
  await pressRussian(ap, 'н', 'KeyY', 89);
  await kb.press('Enter');
  await kb.press('ArrowDown');
  await expectCursor(ap, T.att(mate2.id, lC.lesson.id), 'teacher4b: down to the second classmate');
  await kb.press('y'); // the same key with the Latin layout on
  await kb.press('Enter');

  const status = byId(ap, T.status);
  await expectAttr(status, 'data-pending', 0, 'teacher4b: journal-status after typing');
  await expectAttr(status, 'data-failed', 0, 'teacher4b: journal-status after typing');
  await expectAttr(status, 'data-conflicts', 0, 'teacher4b: journal-status after typing');

  // The server's journal now: lessons A and B got their first work.
  const after = await e.api('GET', J, { token: aTok });
  const workOf = (l) => after.lessons.find((x) => x.lesson.id === l.lesson.id)?.works?.[0]
    || fail(`GET …/journal: lesson ${l.lesson.id} has no work after the marks were typed`);
  const [wA, wB] = [workOf(lA), workOf(lB)];
  const markOf = (student, work) => after.marks.find((m) => m.student_id === student && m.work_id === work.id)?.value ?? null;
  const attOf = (student, l) => after.attendance.find((a) => a.student_id === student && a.lesson_id === l.lesson.id)?.code ?? null;
  const want = [[child, wA, '5'], [mate, wA, '4'], [child, wB, '4'], [mate, wB, '5']];
  for (const [s, w, v] of want) {
    if (markOf(s.id, w) !== v) fail(`GET …/journal: ${nameOf(s)} has ${markOf(s.id, w)} on work ${w.id}, typed ${v}`);
    await expectSaved(ap, T.cell(s.id, w.id), v, v, `teacher4b: ${nameOf(s)}`);
  }
  for (const s of [child, mate2]) {
    if (attOf(s.id, lC) !== 'н') fail(`GET …/journal: ${nameOf(s)}'s attendance of lesson C is ${attOf(s.id, lC)}, typed н`);
    await expectSaved(ap, T.att(s.id, lC.lesson.id), 'н', 'Н', `teacher4b: ${nameOf(s)}`);
  }
  if (after.marks.length !== 4 || after.attendance.length !== 2) {
    fail(`GET …/journal has ${after.marks.length} marks and ${after.attendance.length} attendance cells, typed 4 and 2`);
  }
  await byId(ap, T.cell(child.id, wA.id)).scrollIntoViewIfNeeded();
  await e.shot(ap, 'journal-saved');

  // A comment on Алексей's 5 (the info panel under the grid; Enter saves through the batch).
  const COMMENT = 'e2e: отличный ответ у доски';
  await byId(ap, T.cell(child.id, wA.id)).click();
  await expectVisible(ap, 'journal-comment', 'teacher4b: the comment input of a mark');
  await byId(ap, 'journal-comment').fill(COMMENT);
  await byId(ap, 'journal-comment').press('Enter');
  await until(async () => (await e.api('GET', J, { token: aTok })).marks
    .find((m) => m.student_id === child.id && m.work_id === wA.id),
  (m) => m?.comment === COMMENT && m?.value === '5',
  'teacher4b: the comment saved with the mark', (m) => `the cell is ${JSON.stringify(m)}`);
  await expectAttr(status, 'data-pending', 0, 'teacher4b: journal-status after the comment');
  await expectAttr(byId(ap, T.cell(child.id, wA.id)), 'title', COMMENT, 'teacher4b: the commented cell\'s title');

  // ---- 3. lesson A's header: its work becomes an independent work of weight 2; topic, homework ----
  const kind = before.work_types.find((t) => t.code === 'independent')
    || fail(`no work type «independent» among ${before.work_types.map((t) => t.code).join(', ')}`);
  await byId(ap, T.lessonHead(lA.lesson.id)).click();
  await expectVisible(ap, T.editor, 'teacher4b: lesson A\'s editor');
  await byId(ap, T.workType(wA.id)).selectOption(kind.id);
  await byId(ap, T.workWeight(wA.id)).fill('2');
  await byId(ap, T.workSave(wA.id)).click();
  const head = byId(ap, T.workHead(wA.id));
  await until(async () => (await head.innerText()).replace(/\s+/g, ' ').trim(), (t) => t.startsWith(kind.short_name) && t.includes('×2'),
    'teacher4b: lesson A\'s work header after the change', (t) => `reads «${t}»`);
  const work = await e.api('GET', J, { token: aTok }).then((j) => j.lessons.find((l) => l.lesson.id === lA.lesson.id).works[0]);
  if (work.id !== wA.id || work.work_type_id !== kind.id || work.weight !== 2) fail(`GET …/journal: lesson A's work is ${JSON.stringify(work)}`);
  await byId(ap, T.topic).fill(TOPIC);
  await byId(ap, T.homework).fill(HOMEWORK);
  const due = await byId(ap, T.homeworkDue).inputValue();
  if (!due || due <= lA.lesson.date) fail(`teacher4b: the homework's default due day is «${due}», expected the next lesson after ${lA.lesson.date}`);
  await e.shot(ap, 'lesson-editor');
  await saveLessonEditor(ap, 'teacher4b');
  const saved = await e.api('GET', `${S}/lessons/${lA.lesson.id}`, { token: aTok });
  if (saved.topic !== TOPIC || saved.homework !== HOMEWORK || saved.homework_due_on !== due) {
    fail(`GET …/lessons/${lA.lesson.id}: topic «${saved.topic}», homework «${saved.homework}» due ${saved.homework_due_on}; saved «${TOPIC}», «${HOMEWORK}» due ${due}`);
  }
  await expectAttr(status, 'data-pending', 0, 'teacher4b: journal-status at the end');
  await e.shot(ap, 'lesson-saved');

  // ---- 4. the averages, as the journal shows them and as the server computed them ----
  // Алексей: 5 (weight 2) and 4 (weight 1) → 14/3; the classmate: 4 (weight 2) and 5 → 13/3.
  const server = await e.api('GET', J, { token: aTok });
  const avgOf = async (s, want) => {
    const a = server.averages.find((x) => x.student_id === s.id) || fail(`GET …/journal has no average for ${nameOf(s)}`);
    if (a.average === null || Math.abs(a.average - want) > 0.006 || a.mark_count !== 2) {
      fail(`GET …/journal: ${nameOf(s)}'s average ${JSON.stringify(a)}, expected ${want.toFixed(4)} of 2 marks`);
    }
    const cell = byId(ap, T.avg(s.id));
    await expectAttr(cell, 'data-value', a.average.toFixed(2), `teacher4b: ${nameOf(s)}'s average = the server's`);
    await expectAttr(cell, 'data-count', 2, `teacher4b: ${nameOf(s)}'s mark count`);
    const value = await cell.getAttribute('data-value');
    const text = (await cell.innerText()).trim();
    if (text !== value.replace('.', ',')) fail(`teacher4b: ${nameOf(s)}'s average reads «${text}», data-value ${value} (expected a decimal comma)`);
    log(`teacher4b: ${nameOf(s)}: average «${text}» (server ${a.average}), ${a.mark_count} marks, ${a.absences} absences`);
    return { value, text, server: a };
  };
  const avg = await avgOf(child, 14 / 3);
  const mateAvg = await avgOf(mate, 13 / 3);
  // The quarter's final column shows the average its suggestion comes from: read anew after the
  // work's weight changed in step 3 (it showed the unweighted 4,50 before that was fixed).
  for (const [s, a] of [[child, avg], [mate, mateAvg]]) {
    const fin = ap.locator(`[data-testid^="finals-cell-${s.id}-quarter_"]`);
    await expectCount(fin, 1, `teacher4b: ${nameOf(s)}'s quarter cell`);
    await until(async () => (await fin.innerText()).replace(/\s+/g, ' ').trim(), (t) => t.includes(a.text),
      `teacher4b: ${nameOf(s)}'s quarter cell shows the journal's average ${a.text}`, (t) => `reads «${t}»`);
  }
  if (avg.server.absences !== 1) fail(`GET …/journal: ${nameOf(child)} has ${avg.server.absences} absences, expected 1`);
  const absText = (await byId(ap, T.abs(child.id)).innerText()).trim();
  if (absText !== '1') fail(`teacher4b: ${nameOf(child)}'s absences read «${absText}», expected 1`);
  const { value: avgValue, text: avgText } = avg;
  await byId(ap, T.avg(child.id)).scrollIntoViewIfNeeded();
  await e.shot(ap, 'journal-averages');

  // ---- 5. the parent's diary and marks ----
  const pp = await e.newPage('parent');
  await signIn(pp, PARENT, 'parent');
  await byId(pp, T.navDiary).click();
  await expectVisible(pp, T.diaryPage, 'parent: the diary');
  const shownChild = { id: child.id, name: kid.name };
  await pickChild(pp, shownChild, 'parent: diary');
  await expectAttr(byId(pp, T.diaryWeek), 'data-week', WEEK, 'parent: the diary\'s week');
  await expectVisible(pp, T.diaryLesson(lA.lesson.id), 'parent: lesson A in the diary');
  const badge = async (id, value, what) => {
    const b = byId(pp, id);
    await expectAttr(b, 'data-value', value, what);
    const text = (await b.innerText()).trim();
    if (!text.startsWith(value)) fail(`${what}: ${id} reads «${text}»`);
  };
  await badge(T.diaryMark(wA.id), '5', 'parent: lesson A\'s mark');
  await badge(T.diaryMark(wB.id), '4', 'parent: lesson B\'s mark');
  await expectAttr(byId(pp, T.diaryMark(wA.id)), 'data-weight', 2, 'parent: lesson A\'s mark');
  await expectAttr(byId(pp, T.diaryMark(wA.id)), 'data-work-type', kind.short_name, 'parent: lesson A\'s mark');
  const att = byId(pp, T.diaryAtt(lC.lesson.id));
  await expectAttr(att, 'data-code', 'н', 'parent: lesson C\'s attendance');
  const attText = (await att.innerText()).trim();
  if (attText !== 'Н') fail(`parent: lesson C's attendance badge reads «${attText}», expected «Н»`);
  const topicText = (await byId(pp, T.diaryTopic(lA.lesson.id)).innerText()).trim();
  if (!topicText.includes(TOPIC)) fail(`parent: lesson A's topic reads «${topicText}»`);
  const hw = byId(pp, T.diaryHomework(lA.lesson.id));
  await expectAttr(hw, 'data-due', due, 'parent: lesson A\'s homework');
  const hwText = (await hw.innerText()).trim();
  if (!hwText.includes(HOMEWORK)) fail(`parent: lesson A's homework reads «${hwText}»`);
  await expectCount(tid(byId(pp, T.diaryLesson(lB.lesson.id)), T.diaryMark(wB.id)), 1, 'parent: lesson B\'s mark in its row');
  log(`parent: diary ${WEEK}: marks 5 and 4, «${attText}», «${topicText}», «${hwText}»`);
  await byId(pp, T.diaryLesson(lA.lesson.id)).scrollIntoViewIfNeeded();
  await e.shot(pp, 'parent-diary');

  await byId(pp, T.navMarks).click();
  await expectVisible(pp, T.marksPage, 'parent: the marks page');
  await pickChild(pp, shownChild, 'parent: marks');
  await expectAttr(byId(pp, T.marksSubjects), 'data-period-id', period.id, 'parent: the marks page\'s period');
  const subject = byId(pp, T.marksSubject(course.id));
  await expectAttr(subject, 'data-count', 2, `parent: ${SUBJECT}'s marks in the average`);
  await expectAttr(subject, 'data-absences', 1, `parent: ${SUBJECT}'s absences`);
  const marksAvg = byId(pp, T.marksAvg(course.id));
  await expectAttr(marksAvg, 'data-value', avgValue, `parent: ${SUBJECT}'s average = the journal's`);
  const marksAvgText = (await marksAvg.innerText()).trim();
  if (marksAvgText !== avgText) fail(`parent: the average reads «${marksAvgText}», the journal «${avgText}»`);
  await expectCount(tid(subject, T.marksMark(wA.id)), 1, `parent: the 5 under ${SUBJECT}`);
  await expectCount(tid(subject, T.marksMark(wB.id)), 1, `parent: the 4 under ${SUBJECT}`);
  // The feed: the new marks first (the two typed; no other marks in the fresh demo school).
  const items = byId(pp, T.feedList).locator('[data-testid^="feed-item-"]');
  await until(() => items.count(), (n) => n >= 2, 'parent: the recent-marks feed', (n) => `${n} items`);
  const first = await items.evaluateAll((els) => els.slice(0, 2).map((el) => ({
    id: el.getAttribute('data-testid'), change: el.getAttribute('data-change'), value: el.getAttribute('data-value'),
  })));
  const expected = { [`feed-item-${wA.id}`]: '5', [`feed-item-${wB.id}`]: '4' };
  for (const it of first) {
    if (expected[it.id] !== it.value || it.change !== 'new') fail(`parent: the feed starts with ${JSON.stringify(first)}, expected the new marks ${JSON.stringify(expected)}`);
  }
  if (first[0].id === first[1].id) fail(`parent: the feed repeats ${first[0].id}`);
  log(`parent: marks ${SUBJECT} average ${marksAvgText} (= journal ${avgText}); feed starts with ${first.map((i) => i.value).join(', ')}`);
  await e.shot(pp, 'parent-marks');

  // ---- 6. a student and a stranger teacher may not write ----
  const write = { marks: [{ lesson_id: lA.lesson.id, work_id: wA.id, student_id: child.id, value: '2', version: after.marks.find((m) => m.student_id === child.id && m.work_id === wA.id).version }], attendance: [] };
  await e.api('POST', J, { token: sTok, body: write, expect: [403] });
  await e.api('POST', J, { token: tTok, body: write, expect: [403] });
  const last = await e.api('GET', J, { token: aTok });
  const still = last.marks.find((m) => m.student_id === child.id && m.work_id === wA.id)?.value;
  if (still !== '5') fail(`after the refused writes ${nameOf(child)}'s mark of lesson A is ${still}`);
  log('student and teacher of another subject: POST …/journal → 403, the mark stays 5');
});
