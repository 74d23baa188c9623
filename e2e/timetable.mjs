#!/usr/bin/env node
// Browser end-to-end test of the timetable (issue 4, "Done when"), in headless Debian Chromium:
// after seeding the demo school, a teacher opens "Today" and sees their lessons; the admin assigns
// a substitute; the substitute sees the lesson on their "Today".
//
//   node e2e/timetable.mjs --server target/debug/otmetka --db sqlite|postgres|URL \
//                          --screenshots target/e2e/sqlite [--static-dir frontend/dist] [--keep] [--verbose] [--headed]
//
// (the options are described in e2e/lib.mjs, which also runs the server and the browser).
//
// The script starts `otmetka serve --demo` on an empty database with the calendar clock fixed at a
// Monday morning of the demo year (OTMETKA_FIXED_CLOCK, below), so that "today" is that Monday in
// the school's zone (Europe/Moscow). Through the API it checks that every class has lessons that
// day and takes the facts the browser must show. Then, in the browser (locale ru-RU):
//   a. `teacher` (Абдуллаева С. Ш.) signs in, lands on /today, and sees exactly the lessons of
//      GET …/schedule?teacher_id=<her>&today=true (count, order, first lesson's class and subject);
//   b. `admin` opens Редактор расписания → Замены, records Абдуллаева absent that day, opens one
//      of her lessons, sees the free teachers of GET …/lessons/{id}/free-teachers offered, picks
//      Алиева П. А. (`classteacher`), saves, and sees the lesson covered (also checked through the
//      API);
//   c. `classteacher` signs in, lands on /today and sees that lesson marked as her substitution
//      (`lesson-badge` data-kind="covering"); Абдуллаева's "Today" marks it as covered.
// Every step leaves a screenshot tt-NN-step.png in the screenshot folder (next to run.mjs's); on
// failure the pages' console logs and the server's log (tt-server.log) are printed, exit code 1.

import {
  E2E, byId, expectAttr, expectCount, expectVisible, fail, signIn, tid, until, waitAt,
} from './lib.mjs';

const e = new E2E({ tag: 'e2e-timetable', prefix: 'tt-', timeoutMs: 5 * 60_000, readyTimeoutMs: 180_000 });
const log = (...args) => e.log(...args);

/** A Monday morning in the demo year, in the demo school's zone. */
const CLOCK = '2026-11-30T09:00:00+03:00';
const DAY = '2026-11-30';

/** The demo accounts (README "Demo school"). */
const PASSWORD = 'otmetka-demo';
const TEACHER = { login: 'teacher', password: PASSWORD };
const ADMIN = { login: 'admin', password: PASSWORD };
const CLASSTEACHER = { login: 'classteacher', password: PASSWORD };
const ABSENCE_REASON = 'e2e: больничный';

/** Test ids (frontend/TESTIDS.md). */
const T = {
  todayPage: 'today-page',
  todayDate: 'today-date',
  todayCount: 'today-count',
  todayLessons: 'today-lessons',
  lesson: 'lesson',
  lessonClass: 'lesson-class',
  lessonSubject: 'lesson-subject',
  lessonBadge: 'lesson-badge',
  navTimetable: 'nav-timetable',
  gridPage: 'tt-grid-page',
  tabSubstitutions: 'tt-tab-substitutions',
  subsPage: 'tt-subs-page',
  absenceNew: 'tt-absence-new',
  noAbsences: 'tt-no-absences',
  absenceForm: 'tt-absence-form',
  absenceTeacher: 'tt-absence-teacher',
  absenceStarts: 'tt-absence-starts',
  absenceReason: 'tt-absence-reason',
  absenceSave: 'tt-absence-save',
  absenceLessons: 'tt-absence-lessons',
  absenceLessonsTable: 'tt-absence-lessons-table',
  absenceRow: 'tt-absence-row',
  lessonRow: 'tt-lesson-row',
  lessonSub: 'tt-lesson-sub',
  lessonSubstitute: 'tt-lesson-substitute',
  lessonDialog: 'tt-lesson-dialog',
  subTeacher: 'tt-sub-teacher',
  subFree: 'tt-sub-free',
  subSave: 'tt-sub-save',
  dialogError: 'tt-lesson-dialog-error',
};

/** The account's membership in its (only) school: school id, person id and name. */
async function whoIs(token, login) {
  const m = await e.me(token, login);
  if (!m.person_id) fail(`GET /me of ${login}: the membership has no person: ${JSON.stringify(m)}`);
  return { school: m.school_id, person: m.person_id, name: m.person_name };
}

/** A teacher's lessons today through the API (the same request the "Today" page makes). */
async function todayOf(token, school, person, login) {
  const s = await e.api('GET', `/api/v1/schools/${school}/schedule?teacher_id=${person}&today=true`, { token });
  if (s.today !== DAY) throw new Error(`GET …/schedule of ${login}: today is ${s.today}, expected ${DAY} (OTMETKA_FIXED_CLOCK=${CLOCK})`);
  return s.days.flatMap((d) => d.lessons);
}

/** The "Today" page shows exactly `lessons`, in that order; returns its lesson cards. */
async function expectToday(page, lessons, who) {
  await expectVisible(page, T.todayPage, `${who}: Today page`);
  await expectAttr(byId(page, T.todayDate), 'data-date', DAY, `${who}: today-date`);
  if (lessons.length === 0) throw new Error(`${who}: the API lists no lessons today; the scenario needs some`);
  await expectVisible(page, T.todayLessons, `${who}: today's lessons`);
  const cards = tid(byId(page, T.todayLessons), T.lesson);
  await expectCount(cards, lessons.length, `${who}: lesson cards on Today (the API lists ${lessons.length})`);
  const held = lessons.filter((l) => l.status !== 'cancelled').length;
  await expectAttr(byId(page, T.todayCount), 'data-count', held, `${who}: today-count`);
  const shown = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-lesson-id')));
  const want = lessons.map((l) => l.id);
  if (shown.join() !== want.join()) throw new Error(`${who}: Today lists lessons ${shown.join(', ')}, the API ${want.join(', ')}`);
  const first = lessons[0];
  const cls = (await tid(cards.first(), T.lessonClass).innerText()).trim();
  const subject = (await tid(cards.first(), T.lessonSubject).innerText()).trim();
  if (!cls.startsWith(first.class_name)) throw new Error(`${who}: the first lesson's class reads «${cls}», the API says ${first.class_name}`);
  if (subject !== first.subject_name) throw new Error(`${who}: the first lesson's subject reads «${subject}», the API says ${first.subject_name}`);
  log(`${who}: Today shows ${lessons.length} lessons, first ${first.lesson_number}: ${cls} · ${subject}`);
  return cards;
}

/** The card of lesson `id` carries a badge of `kind` (and `kind` in its data-marks). */
async function expectBadge(page, id, kind, who) {
  const card = tid(byId(page, T.todayLessons), T.lesson, `[data-lesson-id="${id}"]`);
  await expectCount(card, 1, `${who}: card of lesson ${id} on Today`);
  const marks = (await card.getAttribute('data-marks')) || '';
  if (!marks.split(' ').includes(kind)) throw new Error(`${who}: lesson ${id} has data-marks «${marks}», expected ${kind}`);
  const badge = tid(card, T.lessonBadge, `[data-kind="${kind}"]`);
  await expectCount(badge, 1, `${who}: «${kind}» badge on lesson ${id}`);
  log(`${who}: lesson ${id} badge «${(await badge.innerText()).trim()}»`);
}

await e.run(async () => {
  await e.startServer({ args: ['serve', '--demo'], env: { OTMETKA_FIXED_CLOCK: CLOCK } });

  // ---- what the API says ----
  const [tTok, aTok, cTok] = [await e.token(TEACHER), await e.token(ADMIN), await e.token(CLASSTEACHER)];
  const teacher = await whoIs(tTok, TEACHER.login);
  const sub = await whoIs(cTok, CLASSTEACHER.login);
  const { school } = teacher;
  const S = `/api/v1/schools/${school}`;

  // The seed gave every class of the year dated lessons; each has some on this Monday.
  const classes = await e.api('GET', `${S}/classes`, { token: aTok });
  const dayLessons = await e.api('GET', `${S}/lessons?from=${DAY}&to=${DAY}&limit=500`, { token: aTok });
  const without = classes.filter((c) => !dayLessons.some((l) => l.class_id === c.id)).map((c) => c.name);
  if (classes.length === 0 || without.length) {
    throw new Error(`after seed-demo, ${classes.length} classes; without lessons on ${DAY}: ${without.join(', ') || '—'}`);
  }
  log(`${classes.length} classes, ${dayLessons.length} lessons on ${DAY}`);

  const mine = await todayOf(tTok, school, teacher.person, TEACHER.login);
  // The lesson to cover: the first of hers that Алиева is free for.
  let chosen = null;
  let free = [];
  for (const l of mine.filter((x) => x.status === 'scheduled')) {
    free = await e.api('GET', `${S}/lessons/${l.id}/free-teachers`, { token: aTok });
    if (free.some((t) => t.id === sub.person)) { chosen = l; break; }
  }
  if (!chosen) throw new Error(`${sub.name} is free for none of ${teacher.name}'s ${mine.length} lessons on ${DAY}`);
  if (free.some((t) => t.id === teacher.person)) throw new Error(`free-teachers of lesson ${chosen.id} offers its own teacher`);
  log(`lesson to cover: ${chosen.lesson_number}. ${chosen.class_name} ${chosen.subject_name} (${chosen.id}); ${free.length} teachers free`);

  // ---- a. the teacher's Today ----
  const tp = await e.newPage('teacher');
  await signIn(tp, TEACHER, 'teacher');
  await waitAt(tp, '/today', 'teacher after signing in');
  await expectToday(tp, mine, 'teacher');
  await e.shot(tp, 'teacher-today');

  // ---- b. the admin records the absence and assigns the substitute ----
  const ap = await e.newPage('admin');
  await signIn(ap, ADMIN, 'admin');
  await byId(ap, T.navTimetable).click();
  await expectVisible(ap, T.gridPage, 'admin: timetable editor');
  await byId(ap, T.tabSubstitutions).click();
  await expectVisible(ap, T.subsPage, 'admin: substitutions page');
  await expectVisible(ap, T.absenceNew, 'admin: new absence button');
  // The list of absences has loaded (none yet), so its reload after saving is the newest answer.
  await expectVisible(ap, T.noAbsences, 'admin: the (empty) list of absences');
  await e.shot(ap, 'admin-substitutions');

  await byId(ap, T.absenceNew).click();
  await expectVisible(ap, T.absenceForm, 'admin: absence form');
  await expectCount(byId(ap, T.absenceTeacher).locator(`option[value="${teacher.person}"]`), 1,
    `admin: ${teacher.name} among the absence form's teachers`);
  await byId(ap, T.absenceTeacher).selectOption(teacher.person);
  await byId(ap, T.absenceStarts).fill(DAY);
  await byId(ap, T.absenceReason).fill(ABSENCE_REASON);
  await e.shot(ap, 'absence-form');
  await byId(ap, T.absenceSave).click();
  await expectVisible(ap, T.absenceLessonsTable, 'admin: the saved absence\'s lessons');
  const panel = byId(ap, T.absenceLessons);
  const rows = tid(panel, T.lessonRow);
  await expectCount(rows, mine.length, `admin: lessons of the absence (${teacher.name} has ${mine.length} on ${DAY})`);
  const absenceId = await panel.getAttribute('data-absence-id');
  const absenceRow = tid(ap, T.absenceRow, `[data-absence-id="${absenceId}"]`);
  await expectAttr(absenceRow, 'data-covered', 0, 'admin: the absence row before the substitute');
  await e.shot(ap, 'absence-lessons');

  const row = tid(panel, T.lessonRow, `[data-lesson-id="${chosen.id}"]`);
  await expectCount(row, 1, `admin: row of lesson ${chosen.id}`);
  await tid(row, T.lessonSub).click();
  const dialog = byId(ap, T.lessonDialog);
  await expectVisible(ap, T.lessonDialog, 'admin: substitute dialog');
  await expectVisible(ap, T.subFree, 'admin: the free teachers, counted');
  await expectAttr(byId(ap, T.subFree), 'data-count', free.length, 'admin: free teachers in the dialog');
  const offered = await tid(dialog, T.subTeacher).locator('option').evaluateAll(
    (opts) => opts.map((o) => o.value).filter((v) => v !== ''));
  const wanted = free.map((t) => t.id);
  if ([...offered].sort().join() !== [...wanted].sort().join()) {
    throw new Error(`admin: the dialog offers ${offered.length} teachers, free-teachers lists ${wanted.length}: ${offered.join(', ')} vs ${wanted.join(', ')}`);
  }
  await tid(dialog, T.subTeacher).selectOption(sub.person);
  await e.shot(ap, 'substitute-dialog');
  await tid(dialog, T.subSave).click();
  try {
    await dialog.waitFor({ state: 'detached' });
  } catch {
    const err = tid(ap, T.dialogError);
    const msg = (await err.count()) ? `${await err.getAttribute('data-code')}: ${await err.innerText()}` : 'no error shown';
    throw new Error(`admin: the substitute dialog did not close after saving (${msg})`);
  }
  await expectAttr(row, 'data-has-substitute', 'true', 'admin: the lesson row after saving');
  await until(async () => (await tid(row, T.lessonSubstitute).innerText()).trim(), (t) => t.includes(sub.name),
    'admin: the substitute cell', (t) => `reads «${t}», expected ${sub.name}`);
  await expectAttr(absenceRow, 'data-covered', 1, 'admin: the absence row after the substitute');
  const saved = await e.api('GET', `${S}/lessons/${chosen.id}`, { token: aTok });
  if (saved.substitute_id !== sub.person) throw new Error(`GET …/lessons/${chosen.id}: substitute_id ${saved.substitute_id}, expected ${sub.person}`);
  await e.shot(ap, 'substitute-assigned');

  // ---- c. the substitute's Today ----
  const subLessons = await todayOf(cTok, school, sub.person, CLASSTEACHER.login);
  if (!subLessons.some((l) => l.id === chosen.id)) throw new Error(`GET …/schedule of ${CLASSTEACHER.login} today does not list the covered lesson ${chosen.id}`);
  const cp = await e.newPage('classteacher');
  await signIn(cp, CLASSTEACHER, 'classteacher');
  await waitAt(cp, '/today', 'classteacher after signing in');
  await expectToday(cp, subLessons, 'classteacher');
  await expectBadge(cp, chosen.id, 'covering', 'classteacher');
  await tid(byId(cp, T.todayLessons), T.lesson, `[data-lesson-id="${chosen.id}"]`).scrollIntoViewIfNeeded();
  await e.shot(cp, 'classteacher-today');

  // The absent teacher's Today says who covers her lesson.
  await tp.reload();
  await expectToday(tp, await todayOf(tTok, school, teacher.person, TEACHER.login), 'teacher (reloaded)');
  await expectBadge(tp, chosen.id, 'covered', 'teacher');
  await e.shot(tp, 'teacher-today-covered');
});
