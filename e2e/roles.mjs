#!/usr/bin/env node
// Browser end-to-end test of a FRESH school's first weeks, role by role (not the demo school): the
// admin imports the school through the import page and prints invite slips, the teacher registers
// with a slip and keeps the journal (marks, attendance, topic, homework, the quarter mark), the
// parent of two children registers with a slip and reads the diary and the marks, two browsers
// writing the same journal cell see the conflict, and the sessions page and logout — in headless
// Debian Chromium.
//
//   node e2e/roles.mjs --server target/debug/otmetka --db sqlite|postgres|URL \
//                      --screenshots target/e2e/sqlite [--static-dir frontend/dist] [--keep] [--verbose] [--headed]
//
// (the options are described in e2e/lib.mjs, which also runs the server and the browser).
//
// The script starts `otmetka serve` (no demo) on an empty database with the calendar clock fixed
// at Monday 21.12.2026, 15:00 Moscow time (OTMETKA_FIXED_CLOCK): a school day of quarter 2
// (05.11–26.12) with lessons, inside the teachers' window for quarter 2's final marks
// (19.12–29.12).
//
//   1. admin: `otmetka create-superadmin`, the superadmin creates the school through the API and
//      takes the first admin's invite code; the admin registers with it in the browser, opens
//      Импорт (nav-import) and imports the ten fixture files of crates/api/tests/fixtures/school/
//      in the page's order (periods … timetable) through the page's own file input: choose the
//      kind, set the file, «Проверить» (a dry run: no errors), «Загрузить» (committed; the counts
//      are the rows of the file, no error); GET …/classes then has the file's 20 classes. Nobody
//      in parents.csv has two children, so the admin links Михайлова Марьям (P00001, mother of
//      Кирилл, 1А) to Алексей (S00180, 4Б) on his card (Люди → «Добавить родителя») — what the
//      demo does with SECOND_CHILD — checked through GET …/guardians.
//      Then invites: the card of Кузнецов Р. А. (T0011, class teacher of 4Б, teaches its
//      Математика) issues a teacher's code and shows its printable slip (person-invite, the
//      invite-slip; «Печать» stubbed, the page captured with print media); the class page of 4Б
//      issues the class's invite sheet (sheet-slip per student and parent; «Печать» stubbed, print
//      media) and the parent's code is read from Михайлова Марьям's slip; Приглашения (active)
//      counts the sheet's codes and the teacher's, whose row (on the last page) ends with the
//      slip's last two characters.
//   2. teacher (a second browser context): registers with the slip's code, opens Сегодня
//      (nav-today: Monday's lessons, the 4Б Математика ones among them), follows a lesson's
//      «Журнал →» to 4Б Математика (quarter 2, the cursor on today's last lesson A), types with
//      the keyboard Алексей's 5 and a classmate's 4 on lesson A, Алексей's 4 on lesson B (the
//      one before), «н» (Russian layout) for another classmate on lesson B, saves lesson A's topic
//      and homework, and types 5 Enter into Алексей's quarter 2 final cell
//      (finals-cell-{id}-quarter_2), whose suggestion is already the 5 of the marks just typed:
//      each value checked through GET …/journal, GET …/lessons/{id} and GET …/final-marks; the
//      average cell (4,50) = the server's.
//   3. parent (a third context): registers with the slip's code, the home page lists both
//      children; Дневник: switches to Кирилл (1А: his week's lessons as GET …/diary) and to
//      Алексей (the two marks, the topic and the homework of lesson A); Оценки: Математика's
//      average = the journal's = GET …/students/{id}/marks, the quarter mark 5, and «Что если?»
//      with a hypothetical 2 of a control work (the average as Σ value × weight / Σ weight,
//      computed here).
//   4. conflict: a second browser of the teacher opens the same journal; the first browser saves
//      a 3 in a classmate's cell; the second, still holding the old version, types a 2 in the
//      same cell: the server answers 412 and the page shows it (the cell's data-state="conflict",
//      journal-conflict with theirs and mine, journal-status data-conflicts=1); «Взять
//      сохранённое» takes the 3 and the cell is saved again; the server kept the 3.
//   5. the parent opens Сеансы (nav-sessions): the browser's session (current) and the script's
//      API login, as GET /me/sessions; logs out (the login form; the browser's refresh cookie no
//      longer works: 401, and only the API's session is left).
// Every step leaves a screenshot rl-NN-step.png in the screenshot folder; on failure the pages'
// console logs and the server's log (rl-server.log) are printed, exit code 1.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  DIARY, E2E, JOURNAL, MARKS, REGISTER, byId, expectAttr, expectCount, expectVisible, fail, nameOf,
  pickChild, pressRussian, round2, saveLessonEditor, signIn, tid, until,
} from './lib.mjs';

const e = new E2E({ tag: 'e2e-roles', prefix: 'rl-', timeoutMs: 6 * 60_000, readyTimeoutMs: 120_000 });
const log = (...args) => e.log(...args);

/** Monday of quarter 2's last full week: lessons today, the quarter 2 window open (19.12–29.12). */
const CLOCK = '2026-12-21T15:00:00+03:00';
const TODAY = '2026-12-21';
const WEEK = '2026-W52';
const TERM = 'quarter_2';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../crates/api/tests/fixtures/school');
/** The import page's order (frontend/src/import.rs ImportKind::ALL, README "Importing"). */
const KINDS = ['periods', 'subjects', 'staff', 'classes', 'students', 'parents', 'courses', 'bell_schedule', 'holidays', 'timetable'];

const SUPERADMIN = { login: 'root', password: 'e2e-Root-Passw0rd!' };
const SCHOOL_NAME = 'МБОУ «Школа № 7 (e2e roles)»';
const ADMIN = { login: 'admin.roles', password: 'Gjhnatkm-2024-roles' };
const TEACHER = { login: 'kuznetsov.roles', password: 'Ex-Ehbnthm-2024' };
const PARENT = { login: 'mikhailova.roles', password: 'Vfvf-Lytdybr-2024' };

/** Who: the teacher, the parent and her two children (the second linked by the admin). */
const TEACHER_EXT = 'T0011';
const PARENT_EXT = 'P00001';
const FIRST_CHILD_EXT = 'S00001'; // Кирилл, 1А
const SECOND_CHILD_EXT = 'S00180'; // Алексей, 4Б
const CLASS = '4Б';
const SUBJECT = 'Математика';
const TOPIC = 'e2e: Письменное деление на двузначное число';
const HOMEWORK = 'e2e: с. 88, № 4 и 7';

/** Test ids (frontend/TESTIDS.md). */
const T = {
  ...REGISTER,
  ...JOURNAL,
  ...DIARY,
  ...MARKS,
  logout: 'logout',
  loginInput: 'login-input',
  navImport: 'nav-import',
  navPersons: 'nav-persons',
  navClasses: 'nav-classes',
  navInvites: 'nav-invites',
  navToday: 'nav-today',
  navSessions: 'nav-sessions',
  importPage: 'import-page',
  importKind: 'import-kind',
  importFile: 'import-file',
  importFileInfo: 'import-file-info',
  importCheck: 'import-check',
  importChecked: 'import-checked',
  importRejected: 'import-rejected',
  importError: 'import-error',
  importCommit: 'import-commit',
  importDone: 'import-done',
  importTotal: 'import-total',
  personsPage: 'persons-page',
  personsSearch: 'persons-search',
  personLink: 'person-link',
  personRow: 'person-row',
  personPage: 'person-page',
  personName: 'person-name',
  linkOpen: 'link-open',
  parentSearch: 'parent-search',
  parentPick: 'parent-pick',
  linkRelation: 'link-relation',
  linkSubmit: 'link-submit',
  guardianRow: 'guardian-row',
  personInvite: 'person-invite',
  personInviteRole: 'person-invite-role',
  personInviteIssue: 'person-invite-issue',
  slip: 'invite-slip',
  slipPerson: 'slip-person',
  slipRole: 'slip-role',
  slipCode: 'slip-code',
  slipChild: 'slip-child',
  slipUrl: 'slip-url',
  slipPrint: 'slip-print',
  slipDone: 'slip-done',
  classLink: 'class-link',
  classRow: 'class-row',
  classPage: 'class-page',
  sheetOpen: 'invite-sheet-open',
  sheetIssue: 'invite-sheet-issue',
  sheet: 'invite-sheet',
  sheetCount: 'sheet-count',
  sheetSlip: 'sheet-slip',
  sheetPrint: 'sheet-print',
  invitesPage: 'invites-page',
  inviteStateFilter: 'invite-state-filter',
  inviteRow: 'invite-row',
  todayPage: 'today-page',
  todayDate: 'today-date',
  todayLessons: 'today-lessons',
  lesson: 'lesson',
  lessonJournal: 'lesson-journal',
  children: 'children',
  child: 'child',
  scheduleChildren: 'schedule-children',
  scheduleChild: 'schedule-child',
  sessionsList: 'sessions-list',
  sessionsCount: 'sessions-count',
  sessionRow: 'session-row',
};

/** Rows of a fixture CSV (without the header). */
const fixtureRows = (kind) => readFileSync(path.join(FIXTURES, `${kind}.csv`), 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim()).length;

/** Registers `who` with an invite code in `page` (the /register page) and lands on the home page. */
async function register(page, code, who, role, what) {
  await page.goto(`/register?code=${encodeURIComponent(code)}`);
  await expectVisible(page, T.inviteCode, `${what}: the register page`);
  const prefilled = await byId(page, T.inviteCode).inputValue();
  if (prefilled.replace(/-/g, '').toUpperCase() !== code.replace(/-/g, '').toUpperCase()) fail(`${what}: ?code= prefilled «${prefilled}», expected ${code}`);
  await byId(page, T.inviteCheck).click();
  await expectVisible(page, T.invitePreview, `${what}: the invite preview`);
  await expectAttr(byId(page, T.inviteRole), 'data-role', role, `${what}: the invite's role`);
  const person = (await byId(page, T.invitePerson).innerText()).trim();
  await byId(page, T.registerLogin).fill(who.login);
  await byId(page, T.registerPassword).fill(who.password);
  await byId(page, T.registerPassword2).fill(who.password);
  await e.shot(page, `${what}-register`);
  await byId(page, T.registerSubmit).click();
  await expectVisible(page, T.homePage, `${what}: the home page after registering`);
  const login = (await byId(page, T.whoami).innerText()).trim();
  if (login !== who.login) fail(`${what}: signed in as «${login}», expected ${who.login}`);
  log(`${what}: registered as ${who.login} (${person}, ${role})`);
  return person;
}

await e.run(async () => {
  await e.startServer({ env: { OTMETKA_FIXED_CLOCK: CLOCK } });

  // ---- 1. admin: the school, the import, the second child, the invite slips ----
  const created = await e.createSchool(SUPERADMIN, {
    name: SCHOOL_NAME,
    firstAdmin: { last_name: 'Сидорова', first_name: 'Елена', middle_name: 'Викторовна' },
  });
  const adminCode = created.admin_invite.code;
  const schoolId = created.school.id;
  const S = `/api/v1/schools/${schoolId}`;
  log(`school ${schoolId} created, admin invite ${adminCode}`);

  const ap = await e.newPage('admin');
  await register(ap, adminCode, ADMIN, 'admin', 'admin');
  const aTok = await e.token(ADMIN);

  // The import page, kind by kind in the page's order.
  await byId(ap, T.navImport).click();
  await expectVisible(ap, T.importPage, 'admin: the import page');
  const order = await byId(ap, T.importKind).locator('option').evaluateAll((els) => els.map((o) => o.value));
  if (order.join(',') !== KINDS.join(',')) fail(`admin: the import page offers ${order.join(', ')}, expected ${KINDS.join(', ')}`);
  for (const kind of KINDS) {
    const what = `admin: import ${kind}`;
    const rows = fixtureRows(kind);
    await byId(ap, T.importKind).selectOption(kind);
    await byId(ap, T.importFile).setInputFiles(path.join(FIXTURES, `${kind}.csv`));
    await expectAttr(byId(ap, T.importFileInfo), 'data-rows', rows, `${what}: the chosen file's rows`);
    await byId(ap, T.importCheck).click();
    try {
      await Promise.race([
        byId(ap, T.importChecked).waitFor({ state: 'visible', timeout: 90_000 }),
        byId(ap, T.importRejected).waitFor({ state: 'visible', timeout: 90_000 }).then(() => fail(`${what}: the dry run found errors`)),
        byId(ap, T.importError).waitFor({ state: 'visible', timeout: 90_000 }).then(async () => fail(`${what}: ${(await byId(ap, T.importError).innerText()).trim()}`)),
      ]);
    } catch (err) {
      fail(`${what}: the dry run did not pass: ${err.message.split('\n')[0]}`);
    }
    await expectAttr(byId(ap, T.importTotal), 'data-dry-run', 'true', `${what}: the dry run's report`);
    await expectAttr(byId(ap, T.importTotal), 'data-count', rows, `${what}: the dry run's rows`);
    if (kind === 'students') await e.shot(ap, 'import-students-checked');
    await byId(ap, T.importCommit).click();
    await byId(ap, T.importDone).waitFor({ state: 'visible', timeout: 120_000 });
    await expectAttr(byId(ap, T.importTotal), 'data-committed', 'true', `${what}: committed`);
    await expectAttr(byId(ap, T.importTotal), 'data-count', rows, `${what}: the committed rows`);
    const chips = Object.fromEntries(await byId(ap, 'import-count').evaluateAll((els) => els.map((el) => [el.getAttribute('data-outcome'), Number(el.getAttribute('data-count'))])));
    if (chips.error !== 0 || chips.created + (chips.updated ?? 0) + (chips.unchanged ?? 0) !== rows) fail(`${what}: the committed report counts ${JSON.stringify(chips)} for ${rows} rows`);
    log(`${what}: ${rows} rows committed (${JSON.stringify(chips)})`);
    if (kind === 'timetable') await e.shot(ap, 'import-timetable-done');
  }
  // What the server has now.
  const classes = await e.api('GET', `${S}/classes`, { token: aTok });
  if (classes.length !== fixtureRows('classes')) fail(`GET …/classes: ${classes.length} classes, imported ${fixtureRows('classes')}`);
  const klass = classes.find((c) => c.name === CLASS) || fail(`no class ${CLASS}`);
  const findPerson = async (kind, ext) => {
    const page = await e.api('GET', `${S}/persons?kind=${kind}&q=${ext}`, { token: aTok });
    return page.find((p) => p.external_id === ext) || fail(`GET …/persons?q=${ext}: not found`);
  };
  const teacherP = await findPerson('staff', TEACHER_EXT);
  const parentP = await findPerson('parent', PARENT_EXT);
  const kid1 = await findPerson('student', FIRST_CHILD_EXT);
  const kid2 = await findPerson('student', SECOND_CHILD_EXT);
  const courses = await e.api('GET', `${S}/courses`, { token: aTok });
  const course = courses.find((c) => c.class_id === klass.id && c.subject_name === SUBJECT && c.group_id === null)
    || fail(`no course ${SUBJECT} ${CLASS}`);
  if (!course.teacher_ids.includes(teacherP.id)) fail(`${TEACHER_EXT} does not teach ${SUBJECT} ${CLASS}: ${JSON.stringify(course)}`);

  // The second child: Михайлова Марьям becomes Алексей's parent too (his card, «Добавить родителя»).
  await byId(ap, T.navPersons).click();
  await expectVisible(ap, T.personsPage, 'admin: the people page');
  await byId(ap, T.personsSearch).fill(SECOND_CHILD_EXT);
  await byId(ap, T.personsSearch).press('Enter');
  await expectCount(byId(ap, T.personRow), 1, `admin: people found by ${SECOND_CHILD_EXT}`);
  await byId(ap, T.personLink).first().click();
  await expectVisible(ap, T.personPage, 'admin: Алексей\'s card');
  await byId(ap, T.linkOpen).click();
  await byId(ap, T.parentSearch).fill(PARENT_EXT);
  const pick = tid(ap, T.parentPick, `[data-person-id="${parentP.id}"]`);
  await expectCount(pick, 1, `admin: ${PARENT_EXT} among the parents found`);
  await pick.click();
  await byId(ap, T.linkRelation).fill('мать');
  await e.shot(ap, 'link-second-child');
  await byId(ap, T.linkSubmit).click();
  await expectCount(tid(ap, T.guardianRow, `[data-person-id="${parentP.id}"]`), 1, 'admin: the new parent on Алексей\'s card');
  const guardians = await e.api('GET', `${S}/persons/${kid2.id}/guardians`, { token: aTok });
  if (!JSON.stringify(guardians).includes(parentP.id)) fail(`GET …/persons/${kid2.id}/guardians lacks ${parentP.id}: ${JSON.stringify(guardians)}`);
  log(`admin: ${PARENT_EXT} linked to ${SECOND_CHILD_EXT} (now the parent of ${FIRST_CHILD_EXT} and ${SECOND_CHILD_EXT})`);

  // The teacher's slip, from the teacher's card.
  await ap.goto(`/persons/${teacherP.id}?school=${schoolId}`);
  await expectVisible(ap, T.personInvite, 'admin: the invite block of the teacher\'s card');
  await expectAttr(byId(ap, T.personInviteRole), 'data-role', 'teacher', 'admin: the teacher\'s card offers');
  await byId(ap, T.personInviteIssue).click();
  await expectVisible(ap, T.slip, 'admin: the teacher\'s invite slip');
  const teacherCode = (await byId(ap, T.slipCode).innerText()).trim();
  const slipPerson = (await byId(ap, T.slipPerson).innerText()).trim();
  if (!/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(teacherCode)) fail(`admin: the teacher's slip shows code «${teacherCode}»`);
  if (!slipPerson.startsWith(`${teacherP.last_name} ${teacherP.first_name}`)) fail(`admin: the teacher's slip is for «${slipPerson}»`);
  const slipUrl = (await byId(ap, T.slipUrl).innerText()).trim();
  if (!slipUrl.endsWith(`/register?code=${teacherCode}`)) fail(`admin: the slip's URL is «${slipUrl}»`);
  log(`admin: teacher slip «${slipPerson}» ${teacherCode}`);
  await e.shot(ap, 'teacher-slip');
  await e.printShot(ap, T.slipPrint, 'teacher-slip-print', { hidden: [T.slipPrint, T.navImport, T.personName], shown: byId(ap, T.slip).first() });
  await byId(ap, T.slipDone).click();

  // The class's invite sheet: a slip per student and parent of 4Б.
  await byId(ap, T.navClasses).click();
  await tid(ap, T.classRow, `[data-class-id="${klass.id}"]`).getByTestId(T.classLink).click();
  await expectVisible(ap, T.classPage, `admin: the class page of ${CLASS}`);
  await byId(ap, T.sheetOpen).click();
  await byId(ap, T.sheetIssue).click();
  await expectVisible(ap, T.sheet, `admin: ${CLASS}'s invite sheet`);
  const slips = await byId(ap, T.sheetSlip).evaluateAll((els) => els.map((el) => {
    const f = (id) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
    return { role: el.getAttribute('data-role'), person: f('slip-person'), child: f('slip-child'), code: f('slip-code') };
  }));
  const count = Number(await byId(ap, T.sheetCount).getAttribute('data-count'));
  if (count !== slips.length) fail(`admin: the sheet counts ${count} codes and shows ${slips.length} slips`);
  const parentName = `${parentP.last_name} ${parentP.first_name}`;
  const parentSlip = slips.find((s) => s.role === 'parent' && s.person?.startsWith(parentName))
    || fail(`admin: no parent slip of ${parentName} on the sheet: ${JSON.stringify(slips.filter((s) => s.role === 'parent').map((s) => s.person))}`);
  if (!parentSlip.child?.includes(kid2.first_name)) fail(`admin: ${parentName}'s slip is for the child «${parentSlip.child}»`);
  const parentCode = parentSlip.code;
  log(`admin: ${CLASS} sheet: ${slips.length} slips (${slips.filter((s) => s.role === 'student').length} students); parent slip «${parentSlip.person}» of «${parentSlip.child}» ${parentCode}`);
  await e.shot(ap, 'class-invite-sheet');
  await e.printShot(ap, T.sheetPrint, 'class-invite-sheet-print', { hidden: [T.sheetPrint, T.navImport], shown: byId(ap, T.sheetSlip).first() });

  // Приглашения: both codes are active.
  await byId(ap, T.navInvites).click();
  await expectVisible(ap, T.invitesPage, 'admin: the invites page');
  await byId(ap, T.inviteStateFilter).selectOption('active');
  await expectVisible(ap, T.inviteRow, 'admin: active invites');
  // The sheet's codes and the teacher's; the teacher's, the oldest, is on the last page.
  await expectAttr(byId(ap, 'invites-count'), 'data-count', slips.length + 1, 'admin: active invites');
  const pages = Number(await byId(ap, 'pager').getAttribute('data-pages'));
  for (let i = 1; i < pages; i += 1) {
    await byId(ap, 'pager-next').click();
    await expectAttr(byId(ap, 'pager'), 'data-page', i + 1, 'admin: the invites\' pager');
  }
  const rows = await byId(ap, T.inviteRow).evaluateAll((els) => els.map((el) => ({
    state: el.getAttribute('data-state'),
    name: el.querySelector('[data-testid="invite-person-name"]')?.textContent?.trim(),
    hint: el.querySelector('[data-testid="invite-code-hint"]')?.textContent?.trim(),
  })));
  const teacherRow = rows.find((r) => r.name?.startsWith(`${teacherP.last_name} ${teacherP.first_name}`));
  if (!teacherRow || teacherRow.state !== 'active' || !teacherRow.hint?.endsWith(teacherCode.slice(-2))) fail(`admin: the invites page lists the teacher's invite as ${JSON.stringify(teacherRow)}`);
  await e.shot(ap, 'invites-active');

  // ---- 2. teacher: registers, Сегодня, the journal ----
  const tp = await e.newPage('teacher');
  await register(tp, teacherCode, TEACHER, 'teacher', 'teacher');
  const tTok = await e.token(TEACHER);
  await byId(tp, T.navToday).click();
  await expectVisible(tp, T.todayPage, 'teacher: Сегодня');
  await expectAttr(byId(tp, T.todayDate), 'data-date', TODAY, 'teacher: Сегодня\'s date');
  const J = `${S}/courses/${course.id}/journal`;
  const before = await e.api('GET', J, { token: tTok });
  if (before.today !== TODAY || before.period.kind !== 'quarter') fail(`GET …/journal: today ${before.today}, period ${JSON.stringify(before.period)}`);
  const upToToday = before.lessons.map((l, i) => ({ ...l, index: i })).filter((l) => l.lesson.date <= TODAY && l.lesson.status === 'scheduled' && l.writable);
  if (upToToday.length < 2) fail(`${SUBJECT} ${CLASS} has ${upToToday.length} writable lessons up to ${TODAY}`);
  const [lB, lA] = upToToday.slice(-2);
  if (lA.lesson.date !== TODAY) fail(`the last lesson up to today is on ${lA.lesson.date}, expected ${TODAY}`);
  const todayCards = tid(byId(tp, T.todayLessons), T.lesson);
  const cardA = tid(byId(tp, T.todayLessons), T.lesson, `[data-lesson-id="${lA.lesson.id}"]`);
  await expectCount(cardA, 1, `teacher: lesson A (${SUBJECT} ${CLASS} №${lA.lesson.lesson_number}) on Сегодня`);
  log(`teacher: Сегодня ${TODAY}: ${await todayCards.count()} lessons; ${SUBJECT} ${CLASS} lessons B ${lB.lesson.date} №${lB.lesson.lesson_number}, A ${lA.lesson.date} №${lA.lesson.lesson_number}`);
  await e.shot(tp, 'teacher-today');
  await cardA.getByTestId(T.lessonJournal).click();
  await expectVisible(tp, T.grid, 'teacher: the journal grid from Сегодня');
  const title = (await byId(tp, T.title).innerText()).trim();
  if (!title.includes(SUBJECT) || !title.includes(CLASS)) fail(`teacher: the journal's title reads «${title}»`);
  await until(() => byId(tp, T.period).inputValue(), (v) => v === '' || v === before.period.id, 'teacher: the period select', (v) => `has ${v}`);

  const row = before.students.findIndex((s) => s.id === kid2.id);
  if (row < 0 || row + 2 >= before.students.length) fail(`${kid2.last_name} is row ${row} of ${before.students.length}`);
  const child = before.students[row];
  const mate = before.students[row + 1];
  const mate2 = before.students[row + 2];
  const kb = tp.keyboard;
  const cellA = (s) => T.cell(s.id, lA.works[0]?.id ?? lA.lesson.id);
  const cellB = (s) => T.cell(s.id, lB.works[0]?.id ?? lB.lesson.id);
  await byId(tp, cellA(child)).click();
  await expectAttr(byId(tp, cellA(child)), 'aria-selected', 'true', 'teacher: the cursor on Алексей\'s cell of lesson A');
  await kb.press('5');
  await kb.press('Enter');
  await expectAttr(byId(tp, cellA(mate)), 'aria-selected', 'true', 'teacher: Enter moves down');
  await kb.press('4');
  await kb.press('Enter');
  await byId(tp, cellB(child)).click();
  await kb.press('4');
  await kb.press('Enter');
  await byId(tp, T.att(mate2.id, lB.lesson.id)).click();
  await pressRussian(tp, 'н', 'KeyY', 89);
  await kb.press('Enter');
  const status = byId(tp, T.status);
  await expectAttr(status, 'data-pending', 0, 'teacher: journal-status after typing');
  await expectAttr(status, 'data-failed', 0, 'teacher: journal-status after typing');
  await expectAttr(status, 'data-conflicts', 0, 'teacher: journal-status after typing');
  const after = await e.api('GET', J, { token: tTok });
  const workOf = (l) => after.lessons.find((x) => x.lesson.id === l.lesson.id)?.works?.[0] || fail(`lesson ${l.lesson.id} has no work after typing`);
  const [wA, wB] = [workOf(lA), workOf(lB)];
  const markOf = (j, s, w) => j.marks.find((m) => m.student_id === s.id && m.work_id === w.id) ?? null;
  for (const [s, w, v] of [[child, wA, '5'], [mate, wA, '4'], [child, wB, '4']]) {
    if (markOf(after, s, w)?.value !== v) fail(`GET …/journal: ${nameOf(s)} has ${markOf(after, s, w)?.value} on work ${w.id}, typed ${v}`);
    await expectAttr(byId(tp, T.cell(s.id, w.id)), 'data-state', 'saved', `teacher: ${nameOf(s)}'s cell`);
    await expectAttr(byId(tp, T.cell(s.id, w.id)), 'data-value', v, `teacher: ${nameOf(s)}'s cell`);
  }
  const att = after.attendance.find((a) => a.student_id === mate2.id && a.lesson_id === lB.lesson.id);
  if (att?.code !== 'н') fail(`GET …/journal: ${nameOf(mate2)}'s attendance of lesson B is ${JSON.stringify(att)}, typed н`);
  await expectAttr(byId(tp, T.att(mate2.id, lB.lesson.id)), 'data-value', 'н', `teacher: ${nameOf(mate2)}'s attendance`);
  log(`teacher: typed ${nameOf(child)} 5 (A) and 4 (B), ${nameOf(mate)} 4 (A), ${nameOf(mate2)} н (B) — as GET …/journal`);
  await e.shot(tp, 'teacher-journal-marks');

  // Topic and homework of lesson A.
  await byId(tp, T.lessonHead(lA.lesson.id)).click();
  await expectVisible(tp, T.editor, 'teacher: lesson A\'s editor');
  await byId(tp, T.topic).fill(TOPIC);
  await byId(tp, T.homework).fill(HOMEWORK);
  const due = await byId(tp, T.homeworkDue).inputValue();
  await e.shot(tp, 'teacher-lesson-editor');
  await saveLessonEditor(tp, 'teacher');
  const content = await e.api('GET', `${S}/lessons/${lA.lesson.id}`, { token: tTok });
  if (content.topic !== TOPIC || content.homework !== HOMEWORK || (due && content.homework_due_on !== due)) {
    fail(`GET …/lessons/${lA.lesson.id}: «${content.topic}», «${content.homework}» due ${content.homework_due_on}`);
  }

  // The quarter mark in the final column.
  const F = `${S}/courses/${course.id}/final-marks`;
  const sheet = await e.api('GET', F, { token: tTok });
  const term = sheet.terms.find((t) => t.term === TERM) || fail(`GET …/final-marks has no ${TERM}`);
  if (term.state !== 'open' || !term.writable) fail(`${TERM} is ${JSON.stringify(term)}, expected open for the teacher`);
  const kidCell = sheet.cells.find((x) => x.student_id === child.id && x.term === TERM) || fail(`no ${TERM} cell of ${nameOf(child)}`);
  if (kidCell.suggested !== '5') fail(`GET …/final-marks: ${nameOf(child)}'s suggestion is ${kidCell.suggested} (average ${kidCell.average}), expected 5 from 5 and 4`);
  await expectAttr(byId(tp, T.finalsHead(TERM)), 'data-state', 'open', `teacher: the ${TERM} column`);
  const fcell = byId(tp, T.finalsCell(child.id, TERM));
  await expectAttr(fcell, 'data-suggested', '5', `teacher: ${nameOf(child)}'s final cell`);
  await fcell.click();
  await expectAttr(fcell, 'aria-selected', 'true', 'teacher: the cursor on the final cell');
  await kb.press('5');
  await kb.press('Enter');
  await expectAttr(fcell, 'data-state', 'saved', `teacher: ${nameOf(child)}'s ${TERM} mark`);
  await expectAttr(fcell, 'data-value', '5', `teacher: ${nameOf(child)}'s ${TERM} mark`);
  const finals = await e.api('GET', F, { token: tTok });
  const setCell = finals.cells.find((x) => x.student_id === child.id && x.term === TERM);
  if (setCell?.value !== '5') fail(`GET …/final-marks: ${nameOf(child)}'s ${TERM} mark is ${setCell?.value}, typed 5`);
  // The average: 5 and 4 of weight 1 → 4,50, as the server computed it.
  const server = (await e.api('GET', J, { token: tTok })).averages.find((a) => a.student_id === child.id);
  if (!server || server.average === null || Math.abs(server.average - 4.5) > 0.001 || server.mark_count !== 2) fail(`GET …/journal: ${nameOf(child)}'s average ${JSON.stringify(server)}, expected 4.5 of 2`);
  const avgCell = byId(tp, T.avg(child.id));
  await expectAttr(avgCell, 'data-value', server.average.toFixed(2), `teacher: ${nameOf(child)}'s average = the server's`);
  const journalAvgText = (await avgCell.innerText()).trim();
  if (journalAvgText !== server.average.toFixed(2).replace('.', ',')) fail(`teacher: the average reads «${journalAvgText}»`);
  log(`teacher: topic, homework (due ${content.homework_due_on}) saved; ${TERM} mark 5 (suggested 5); average «${journalAvgText}» = the server's ${server.average}`);
  await fcell.scrollIntoViewIfNeeded();
  await e.shot(tp, 'teacher-quarter-mark');

  // ---- 3. parent: registers, two children, the diary, the marks, what-if ----
  const pp = await e.newPage('parent');
  await register(pp, parentCode, PARENT, 'parent', 'parent');
  const pTok = await e.token(PARENT);
  const homeKids = await byId(pp, T.child).evaluateAll((els) => els.map((el) => el.getAttribute('data-person-id')));
  if (homeKids.length !== 2 || !homeKids.includes(kid1.id) || !homeKids.includes(kid2.id)) fail(`parent: the home page lists children ${JSON.stringify(homeKids)}, expected ${kid1.id} and ${kid2.id}`);
  await e.shot(pp, 'parent-home-two-children');
  await byId(pp, T.navDiary).click();
  await expectVisible(pp, T.diaryPage, 'parent: the diary');
  const switchTo = (kid, what) => pickChild(pp, { id: kid.id, name: kid.first_name }, what);
  await expectCount(tid(byId(pp, T.scheduleChildren), T.scheduleChild), 2, 'parent: two children in the switcher');
  await switchTo(kid1, 'parent: diary');
  await expectAttr(byId(pp, T.diaryWeek), 'data-week', WEEK, 'parent: the diary\'s week (Кирилл)');
  const diary1 = await e.api('GET', `${S}/students/${kid1.id}/diary?week=${WEEK}`, { token: pTok });
  const lessons1 = diary1.days.reduce((n, d) => n + d.lessons.length, 0);
  await expectAttr(byId(pp, T.diaryDays), 'data-count', lessons1, 'parent: Кирилл\'s lessons this week');
  await e.shot(pp, 'parent-diary-first-child');
  await switchTo(kid2, 'parent: diary');
  await expectAttr(byId(pp, T.diaryWeek), 'data-week', WEEK, 'parent: the diary keeps the week');
  await expectVisible(pp, T.diaryLesson(lA.lesson.id), 'parent: lesson A in Алексей\'s diary');
  await expectAttr(byId(pp, T.diaryMark(wA.id)), 'data-value', '5', 'parent: lesson A\'s mark');
  await expectAttr(byId(pp, T.diaryMark(wB.id)), 'data-value', '4', 'parent: lesson B\'s mark');
  const topicText = (await byId(pp, T.diaryTopic(lA.lesson.id)).innerText()).trim();
  if (!topicText.includes(TOPIC)) fail(`parent: lesson A's topic reads «${topicText}»`);
  const hwText = (await byId(pp, T.diaryHomework(lA.lesson.id)).innerText()).trim();
  if (!hwText.includes(HOMEWORK)) fail(`parent: lesson A's homework reads «${hwText}»`);
  await expectAttr(byId(pp, T.diaryHomework(lA.lesson.id)), 'data-due', content.homework_due_on, 'parent: the homework\'s due day');
  log(`parent: diary ${WEEK}: Кирилл ${lessons1} lessons; Алексей 5 and 4, «${topicText}», «${hwText}»`);
  await byId(pp, T.diaryLesson(lA.lesson.id)).scrollIntoViewIfNeeded();
  await e.shot(pp, 'parent-diary-second-child');

  await byId(pp, T.navMarks).click();
  await expectVisible(pp, T.marksPage, 'parent: the marks page');
  await switchTo(kid2, 'parent: marks');
  const marks = await e.api('GET', `${S}/students/${kid2.id}/marks`, { token: pTok });
  const subj = marks.subjects.find((s) => s.course_id === course.id) || fail(`GET …/marks has no ${SUBJECT}`);
  if (subj.average !== server.average) fail(`GET …/students/${kid2.id}/marks: ${SUBJECT} average ${subj.average}, the journal's ${server.average}`);
  if (subj.final_mark !== '5') fail(`GET …/marks: ${SUBJECT}'s final mark ${subj.final_mark}, set 5`);
  await expectAttr(byId(pp, T.marksSubjects), 'data-period-id', before.period.id, 'parent: the marks page\'s period');
  const marksAvg = byId(pp, T.marksAvg(course.id));
  await expectAttr(marksAvg, 'data-value', server.average.toFixed(2), `parent: ${SUBJECT}'s average = the API's`);
  const marksAvgText = (await marksAvg.innerText()).trim();
  if (marksAvgText !== journalAvgText) fail(`parent: the average reads «${marksAvgText}», the journal «${journalAvgText}»`);
  await expectAttr(byId(pp, T.marksFinal(course.id)), 'data-value', '5', `parent: ${SUBJECT}'s quarter mark`);
  await expectAttr(byId(pp, T.marksSubject(course.id)), 'data-count', 2, `parent: ${SUBJECT}'s marks`);
  log(`parent: Оценки ${SUBJECT}: average «${marksAvgText}» (journal «${journalAvgText}», API ${subj.average}), quarter mark 5`);
  await e.shot(pp, 'parent-marks');

  // «Что если?»: a hypothetical 2 of a control work.
  const control = marks.work_types.find((w) => w.code === 'control') || fail('no control work type');
  await byId(pp, T.whatIfOpen(course.id)).click();
  await expectVisible(pp, T.whatIfValue(course.id), 'parent: the what-if panel');
  await byId(pp, T.whatIfValue(course.id)).selectOption('2');
  await byId(pp, T.whatIfType(course.id)).selectOption(control.id);
  await byId(pp, T.whatIfAdd(course.id)).click();
  await expectCount(byId(pp, T.whatIfChip(course.id)), 1, 'parent: the hypothetical mark\'s chip');
  const whatIf = round2((5 + 4 + 2 * control.weight) / (2 + control.weight));
  const result = byId(pp, T.whatIfResult(course.id));
  await expectAttr(result, 'data-average', whatIf.toFixed(2), `parent: what-if with a 2 of weight ${control.weight}`);
  const resultText = (await result.innerText()).trim();
  if (!resultText.includes(whatIf.toFixed(2).replace('.', ','))) fail(`parent: the what-if result reads «${resultText}»`);
  log(`parent: «Что если?» + 2 ${control.short_name} ×${control.weight}: «${resultText}»`);
  await byId(pp, T.whatIf(course.id)).scrollIntoViewIfNeeded();
  await e.shot(pp, 'parent-what-if');

  // ---- 4. conflict: two browsers of the teacher write the same cell ----
  const tp2 = await e.newPage('teacher-2');
  await signIn(tp2, TEACHER, 'teacher-2');
  await tp2.goto(`/journal/${course.id}?school=${schoolId}`);
  await expectVisible(tp2, T.grid, 'teacher-2: the same journal');
  const target = T.cell(mate2.id, wA.id);
  await expectAttr(byId(tp2, target), 'data-value', '', 'teacher-2: the empty cell as loaded');
  // The first browser saves a 3.
  await byId(tp, target).click();
  await kb.press('3');
  await kb.press('Enter');
  await expectAttr(byId(tp, target), 'data-state', 'saved', 'teacher: the 3 saved');
  await expectAttr(byId(tp, target), 'data-value', '3', 'teacher: the 3 saved');
  const v1 = markOf(await e.api('GET', J, { token: tTok }), mate2, wA);
  if (v1?.value !== '3') fail(`GET …/journal: the cell is ${JSON.stringify(v1)} after the first browser's 3`);
  // The second browser, still holding version 0, types a 2 there.
  await byId(tp2, target).click();
  await tp2.keyboard.press('2');
  await tp2.keyboard.press('Enter');
  await expectAttr(byId(tp2, target), 'data-state', 'conflict', 'teacher-2: the stale write');
  await expectAttr(byId(tp2, T.status), 'data-conflicts', 1, 'teacher-2: journal-status');
  await byId(tp2, target).click();
  await expectVisible(tp2, T.conflict, 'teacher-2: the conflict alert of the cell');
  const conflictText = (await byId(tp2, T.conflict).innerText()).replace(/\s+/g, ' ').trim();
  if (!/«3»[^«]*«2»/.test(conflictText)) fail(`teacher-2: the conflict alert reads «${conflictText}», expected theirs 3 and mine 2`);
  const statusText = (await byId(tp2, T.status).innerText()).replace(/\s+/g, ' ').trim();
  log(`teacher-2: 412 shown: cell conflict, «${conflictText}», status «${statusText}»`);
  await e.shot(tp2, 'conflict-shown');
  await byId(tp2, T.takeTheirs).click();
  await expectAttr(byId(tp2, target), 'data-state', 'saved', 'teacher-2: after «take theirs»');
  await expectAttr(byId(tp2, target), 'data-value', '3', 'teacher-2: after «take theirs»');
  await expectAttr(byId(tp2, T.status), 'data-conflicts', 0, 'teacher-2: journal-status after «take theirs»');
  const v2 = markOf(await e.api('GET', J, { token: tTok }), mate2, wA);
  if (v2?.value !== '3' || v2.version !== v1.version) fail(`GET …/journal: the cell is ${JSON.stringify(v2)} after the conflict, expected the first browser's ${JSON.stringify(v1)}`);
  await e.shot(tp2, 'conflict-resolved');

  // ---- 5. sessions and logout ----
  await byId(pp, T.navSessions).click();
  await expectVisible(pp, T.sessionsList, 'parent: the sessions page');
  // The browser's session and the one this script signed in with through the API.
  const sessions = await e.api('GET', '/api/v1/me/sessions', { token: pTok });
  const listed = Array.isArray(sessions) ? sessions : sessions.items ?? sessions.sessions;
  if (listed?.length !== 2) fail(`GET /me/sessions of the parent lists ${JSON.stringify(sessions)}, expected the browser's and the API's`);
  await expectAttr(byId(pp, T.sessionsCount), 'data-count', listed.length, 'parent: the sessions page = GET /me/sessions');
  await expectCount(byId(pp, T.sessionRow), listed.length, 'parent: session rows');
  await expectCount(tid(pp, T.sessionRow, '[data-current="true"]'), 1, 'parent: exactly one current session');
  await e.shot(pp, 'parent-sessions');
  await byId(pp, T.logout).first().click();
  await expectVisible(pp, T.loginInput, 'parent: the login form after logout');
  const refresh = await pp.evaluate(async () => (await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' })).status);
  if (refresh !== 401) fail(`parent: POST /auth/refresh after logout → ${refresh}, expected 401`);
  const left = await e.api('GET', '/api/v1/me/sessions', { token: pTok });
  const leftList = Array.isArray(left) ? left : left.items ?? left.sessions;
  if (leftList?.length !== 1) fail(`GET /me/sessions after the browser's logout lists ${JSON.stringify(left)}, expected only the API's`);
  log('parent: Сеансы = GET /me/sessions (2, one current); logged out: the refresh cookie is refused (401), the browser\'s session is gone');
  await e.shot(pp, 'parent-logged-out');
});
