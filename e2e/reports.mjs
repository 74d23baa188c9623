#!/usr/bin/env node
// Browser end-to-end test of the reports (issue 7, "Done when"): on the demo school with marks
// the principal reads the quarter's performance and quality by class (chart and table, the same
// numbers as the API and its CSV), downloads the XLSX, walks the weekly journal-keeping control
// back a week and drills into a course's lessons without a topic; a teacher sees only her own
// control rows and a parent has no reports — in headless Debian Chromium.
//
//   node e2e/reports.mjs --server target/debug/otmetka --db sqlite|postgres|URL \
//                        --screenshots target/e2e/sqlite [--static-dir frontend/dist] [--keep] [--verbose] [--headed]
//
// (the options are described in e2e/lib.mjs, which also runs the server and the browser).
//
// The script starts `otmetka serve --demo --with-marks` on an empty database with the calendar
// clock fixed at Friday 27.11.2026, 12:00 Moscow time (OTMETKA_FIXED_CLOCK): quarter 1
// (01.09–24.10) is closed and the seed has set its final marks, so its quality report counts
// final marks only; the current week is 23.–29.11 (ISO week 48). The demo leaves gaps for the
// control: about one course in eleven has no topics, no attendance and late marks in its last
// two weeks.
//
//   1. `principal` signs in, opens «Отчёты» (nav-reports), then «Успеваемость и качество»
//      (reports-card-quality) and picks quarter 1 (quality-term): the term reads «1 четверть»
//      without «предварительно» and without a banner (basis final, as the API says); the chart
//      chart-quality-by-class has one bar pair per class of the API's report (quality = series
//      0, pass rate = series 1, the tooltips with the API's numbers); the «По классам» table
//      (report-table-classes) has a row per class and the school's total row, and for two
//      classes and the school row the pass rate, quality, СОУ and average read as the API's
//      numbers with a decimal comma.
//   2. «XLSX» (export-xlsx): the download is a ZIP (PK header) named …xlsx, not empty, with one
//      worksheet per quality table; `GET …/reports/quality.csv?term=quarter_1&table=classes`
//      (BOM, `;`) has the same numbers as the JSON for a class, and its lines of the two classes
//      are cell for cell the rows on the screen.
//   3. «← Все отчёты», «Контроль ведения журнала» (reports-card-control): the server's week
//      23.11–29.11 (week 48) is shown; control-prev-week opens 16.11–22.11 (?week=2026-11-16):
//      the teachers' and the courses' tables have the API's rows
//      (`GET …/reports/journal-control?week=2026-11-16`) and chart-control-scores a bar per
//      teacher with a score. The course row with the most lessons without a topic in the API is
//      found in the courses table by its index (data-row), its «Без темы» cell reads the API's
//      number, and a click on it opens the drill-down control-detail with issue without_topic:
//      exactly the lessons of `GET …/journal-control/courses/{id}?week=2026-11-16&issue=without_topic`
//      (count, ids, dates and numbers, in order, each «нет темы»), with the link to the course's
//      journal (control-journal), which opens that journal.
//   4. `teacher` (Абдуллаева С. Ш.) signs in: «Отчёты» has no activity card; the control of the
//      current week shows one teacher row (hers) and exactly her course rows, as
//      `GET …/reports/journal-control` answers her and as the principal's report holds for her.
//      `parent` gets no nav-reports, /reports shows no-access, the API answers 403 forbidden.
// Every step leaves a screenshot rp-NN-step.png in the screenshot folder; on failure the pages'
// console logs and the server's log (rp-server.log) are printed, exit code 1.

import { readFileSync } from 'node:fs';

import {
  E2E, byId, expectAttr, expectCount, expectVisible, fail, signIn, tid, until, waitAt,
} from './lib.mjs';

// Seeding the demo marks takes about a minute on a debug build before the server answers.
const e = new E2E({ tag: 'e2e-reports', prefix: 'rp-', timeoutMs: 9 * 60_000, readyTimeoutMs: 300_000 });
const log = (...args) => e.log(...args);

/** Friday of ISO week 48; quarter 1 ended on 24.10 and its final marks are set. */
const CLOCK = '2026-11-27T12:00:00+03:00';
const TERM = 'quarter_1';
const TERM_TITLE = '1 четверть';
const THIS_WEEK = '2026-11-23';
const THIS_WEEK_LABEL = '23.11–29.11.2026, неделя 48';
const WEEK = '2026-11-16';
const WEEK_LABEL = '16.11–22.11.2026, неделя 47';

/** The demo accounts (README "Demo school"). */
const PASSWORD = 'otmetka-demo';
const PRINCIPAL = { login: 'principal', password: PASSWORD };
const TEACHER = { login: 'teacher', password: PASSWORD };
const PARENT = { login: 'parent', password: PASSWORD };

/** Columns of the quality tables (otmetka_domain::reports::quality_tables). */
const COL = { pass: 'Успеваемость, %', quality: 'Качество, %', sou: 'СОУ, %', avg: 'Средний балл' };
/** The control tables' column of lessons without a topic (control_tables). */
const COL_NO_TOPIC = 'Без темы';

/** Test ids (frontend/TESTIDS.md: Reports, Journal-keeping control). */
const T = {
  navReports: 'nav-reports',
  navDiary: 'nav-diary',
  reportsPage: 'reports-page',
  cardQuality: 'reports-card-quality',
  cardControl: 'reports-card-control',
  cardActivity: 'reports-card-activity',
  reportsBack: 'reports-back',
  qualityPage: 'quality-page',
  qualityTerm: 'quality-term',
  qualityTermTitle: 'quality-term-title',
  qualityPreliminary: 'quality-preliminary',
  qualityBanner: 'quality-banner',
  qualityTab: (k) => `quality-tab-${k}`,
  chartQuality: 'chart-quality-by-class',
  table: (k) => `report-table-${k}`,
  exportXlsx: 'export-xlsx',
  exportError: 'export-error',
  controlPage: 'control-page',
  controlPrev: 'control-prev-week',
  controlWeek: 'control-week',
  controlWeekLabel: 'control-week-label',
  controlSettings: 'control-settings',
  controlTeachers: 'control-teachers',
  controlCourses: 'control-courses',
  chartScores: 'chart-control-scores',
  controlDetail: 'control-detail',
  controlDetailBody: 'control-detail-body',
  controlIssue: 'control-issue',
  controlLessonsCount: 'control-lessons-count',
  controlLesson: 'control-lesson',
  controlJournal: 'control-journal',
  journalGrid: 'journal-grid',
  noAccess: 'no-access',
};

/** A number as ReportCell::display shows it: fixed decimals, a decimal comma; empty for null. */
const num = (v, decimals) => (v === null || v === undefined ? '' : v.toFixed(decimals).replace('.', ','));

/** The quality columns of a row of the API's report, as the table shows them. */
const qualityTexts = (row) => ({
  [COL.pass]: num(row.stats.pass_rate, 1),
  [COL.quality]: num(row.stats.quality, 1),
  [COL.sou]: num(row.stats.sou, 1),
  [COL.avg]: num(row.stats.average, 2),
});

/** The cells of a rendered report table's rows: [{ row: data-row, cells: { label: text } , list }]. */
async function tableRows(page, key) {
  return byId(page, T.table(key)).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    row: Number(tr.getAttribute('data-row')),
    cls: tr.getAttribute('class') || '',
    list: [...tr.children].map((c) => c.textContent.trim()),
    cells: Object.fromEntries([...tr.children].map((c) => [c.getAttribute('data-label'), c.textContent.trim()])),
  })));
}

await e.run(async () => {
  await e.startServer({ args: ['serve', '--demo', '--with-marks'], env: { OTMETKA_FIXED_CLOCK: CLOCK } });

  // ---- what the API says ----
  const [prTok, tTok, pTok] = [await e.token(PRINCIPAL), await e.token(TEACHER), await e.token(PARENT)];
  const principal = await e.me(prTok, PRINCIPAL.login);
  const teacher = await e.me(tTok, TEACHER.login);
  const S = `/api/v1/schools/${principal.school_id}`;
  const R = `${S}/reports`;
  const quality = await e.api('GET', `${R}/quality?term=${TERM}`, { token: prTok });
  if (quality.term !== TERM || quality.term_title !== TERM_TITLE) fail(`GET …/quality?term=${TERM}: term ${quality.term} «${quality.term_title}»`);
  if (quality.basis !== 'final') fail(`GET …/quality?term=${TERM}: basis ${quality.basis}, expected final (the seed sets quarter 1's final marks)`);
  if (!quality.school) fail('GET …/quality: the principal gets no school row');
  if (quality.classes.length < 2) fail(`GET …/quality: ${quality.classes.length} classes`);
  const preliminary = [quality.school, ...quality.classes].filter((r) => r.suggested_marks > 0);
  if (preliminary.length) fail(`GET …/quality: suggested marks in ${preliminary.map((r) => r.label).join(', ')}`);
  log(`GET …/quality?term=${TERM}: basis ${quality.basis}, ${quality.classes.length} classes, school: pass rate ${quality.school.stats.pass_rate} %, quality ${quality.school.stats.quality} %, СОУ ${quality.school.stats.sou} %, average ${quality.school.stats.average}`);

  // ---- 1. the principal: quality by class for quarter 1 ----
  const pp = await e.newPage('principal');
  await signIn(pp, PRINCIPAL, 'principal');
  await byId(pp, T.navReports).click();
  await expectVisible(pp, T.reportsPage, 'principal: the reports index');
  for (const id of [T.cardQuality, 'reports-card-attendance', T.cardControl, T.cardActivity]) {
    await expectVisible(pp, id, `principal: the reports index's card ${id}`);
  }
  await e.shot(pp, 'reports-index');

  await byId(pp, T.cardQuality).click();
  await waitAt(pp, '/reports/quality', 'principal: «Успеваемость и качество»');
  await expectVisible(pp, T.qualityPage, 'principal: the quality page');
  await byId(pp, T.qualityTerm).selectOption(TERM);
  await until(() => pp.url(), (u) => new URL(u).searchParams.get('term') === TERM,
    'principal: the URL after choosing quarter 1', (u) => `is at ${u}`);
  await until(() => byId(pp, T.qualityTerm).inputValue(), (v) => v === TERM, 'principal: the term select', (v) => `has «${v}»`);
  await until(async () => (await byId(pp, T.qualityTermTitle).innerText()).trim(), (t) => t === TERM_TITLE,
    'principal: the term title (basis final: no «предварительно»)', (t) => `reads «${t}»`);
  await expectCount(byId(pp, T.qualityPreliminary), 0, 'principal: «предварительно» on a final report');
  await expectCount(byId(pp, T.qualityBanner), 0, 'principal: the preliminary banner on a final report');
  await expectAttr(byId(pp, T.qualityTab('classes')), 'aria-selected', 'true', 'principal: the «По классам» tab');

  // The chart: a bar pair per class (quality = series 0, pass rate = series 1).
  const chart = byId(pp, T.chartQuality);
  await expectVisible(pp, T.chartQuality, 'principal: the chart by class');
  await expectCount(chart.locator('svg[role="img"]'), 1, 'principal: the chart\'s SVG');
  await expectCount(chart.locator('.chart-empty'), 0, 'principal: «Нет данных» in the chart');
  const withBoth = quality.classes.filter((c) => c.stats.quality !== null && c.stats.pass_rate !== null);
  if (withBoth.length !== quality.classes.length) fail(`GET …/quality: classes without metrics: ${quality.classes.filter((c) => !withBoth.includes(c)).map((c) => c.label)}`);
  await expectCount(chart.locator('g.chart-bar'), 2 * quality.classes.length, `principal: bars of ${quality.classes.length} classes × 2`);
  const bars = await chart.locator('g.chart-bar').evaluateAll((gs) => gs.map((g) => ({
    category: Number(g.getAttribute('data-category')),
    series: Number(g.getAttribute('data-series')),
    title: g.querySelector('title')?.textContent?.trim(),
    height: Number(g.querySelector('rect')?.getAttribute('height')) || 0,
    width: Number(g.querySelector('rect')?.getAttribute('width')) || 0,
  })));
  quality.classes.forEach((c, i) => {
    for (const [series, name, value] of [[0, 'Качество, %', c.stats.quality], [1, 'Успеваемость, %', c.stats.pass_rate]]) {
      const bar = bars.find((b) => b.category === i && b.series === series) || fail(`principal: no bar for ${c.label} series ${series}`);
      const want = `${c.label} — ${name}: ${num(value, 1)}%`;
      if (bar.title !== want) fail(`principal: the bar of ${c.label} series ${series} says «${bar.title}», expected «${want}»`);
      if (value > 0 && !(bar.height > 0 && bar.width > 0)) fail(`principal: the bar «${want}» is ${bar.width}×${bar.height}`);
    }
  });
  const legend = (await chart.innerText()).replace(/\s+/g, ' ');
  for (const name of ['Качество, %', 'Успеваемость, %']) if (!legend.includes(name)) fail(`principal: the chart's legend lacks «${name}»: «${legend}»`);

  // The table: a row per class, the school's total last; two classes and the school as the API.
  const classesTable = byId(pp, T.table('classes'));
  await expectAttr(classesTable, 'data-rows', quality.classes.length + 1, 'principal: the «По классам» table');
  const screenRows = await tableRows(pp, 'classes');
  if (screenRows.length !== quality.classes.length + 1) fail(`principal: ${screenRows.length} rows in «По классам», the API has ${quality.classes.length} classes + the school`);
  const last = screenRows.at(-1);
  if (last.row !== quality.classes.length || !last.cls.includes('row-total') || last.list[0] !== 'Школа') {
    fail(`principal: the last row of «По классам» is ${JSON.stringify(last)}, expected the school's total`);
  }
  const picked = [quality.classes[0], quality.classes[Math.floor(quality.classes.length / 2)]];
  const checked = [];
  for (const [row, index] of [[picked[0], quality.classes.indexOf(picked[0])], [picked[1], quality.classes.indexOf(picked[1])], [quality.school, quality.classes.length]]) {
    const r = screenRows.find((x) => x.row === index) || fail(`principal: no row ${index} (${row.label}) in «По классам»`);
    if (r.list[0] !== row.label) fail(`principal: row ${index} of «По классам» is «${r.list[0]}», the API's ${row.label}`);
    const want = qualityTexts(row);
    for (const [col, text] of Object.entries(want)) {
      if (r.cells[col] !== text) fail(`principal: «По классам» ${row.label} ${col} reads «${r.cells[col]}», GET …/quality says ${text}`);
    }
    checked.push(`${row.label}: ${Object.values(want).join(' / ')}`);
  }
  log(`principal: ${TERM_TITLE}, basis final, chart ${bars.length} bars (${quality.classes.length} classes), «По классам» pass rate / quality / СОУ / average = API: ${checked.join('; ')}`);
  await e.shot(pp, 'quality-q1-by-class');

  // ---- 2. the exports ----
  const [download] = await Promise.all([pp.waitForEvent('download'), byId(pp, T.exportXlsx).first().click()]);
  const xlsxName = download.suggestedFilename();
  const xlsx = readFileSync(await download.path());
  if (!xlsxName.endsWith('.xlsx')) fail(`the XLSX download is named «${xlsxName}»`);
  if (!(xlsx.length > 0)) fail('the XLSX download is empty');
  if (!(xlsx[0] === 0x50 && xlsx[1] === 0x4b && xlsx[2] === 0x03 && xlsx[3] === 0x04)) fail(`the XLSX is not a ZIP: ${xlsx.subarray(0, 8).toString('hex')}`);
  // The ZIP's entry names are stored uncompressed: one worksheet per quality table.
  const text = xlsx.toString('latin1');
  if (!text.includes('xl/workbook.xml')) fail('the XLSX has no xl/workbook.xml');
  const sheets = new Set([...text.matchAll(/xl\/worksheets\/sheet(\d+)\.xml/g)].map((m) => m[1]));
  if (sheets.size !== 5) fail(`the XLSX has ${sheets.size} worksheets, expected 5 (classes, grades, subjects, teachers, courses)`);
  await expectCount(byId(pp, T.exportError), 0, 'principal: an export error after the XLSX');
  log(`principal: XLSX «${xlsxName}», ${xlsx.length} bytes, ZIP with ${sheets.size} worksheets`);

  const { headers: csvHeaders, bytes: csvBytes } = await e.apiFile(`${R}/quality.csv?term=${TERM}&table=classes`, prTok);
  if (!(csvBytes[0] === 0xef && csvBytes[1] === 0xbb && csvBytes[2] === 0xbf)) fail(`quality.csv does not start with the UTF-8 BOM: ${csvBytes.subarray(0, 8).toString('hex')}`);
  const csvLines = csvBytes.subarray(3).toString('utf8').split(/\r?\n/).filter((l) => l.length).map((l) => l.split(';'));
  const header = csvLines[0];
  if (header[0] !== 'Класс') fail(`quality.csv's header is «${header.join(';')}»`);
  if (csvLines.length !== quality.classes.length + 2) fail(`quality.csv has ${csvLines.length - 1} lines, expected ${quality.classes.length} classes + the school`);
  for (const row of picked) {
    const line = csvLines.find((l) => l[0] === row.label) || fail(`quality.csv has no line for ${row.label}`);
    for (const [col, want] of Object.entries(qualityTexts(row))) {
      const i = header.indexOf(col);
      if (i < 0) fail(`quality.csv has no column «${col}»: ${header.join(';')}`);
      if (line[i] !== want) fail(`quality.csv ${row.label} ${col} is «${line[i]}», GET …/quality says ${want}`);
    }
    const onScreen = screenRows.find((x) => x.list[0] === row.label).list;
    if (onScreen.join(';') !== line.join(';')) fail(`quality.csv's ${row.label} «${line.join(';')}» ≠ the screen's «${onScreen.join(';')}»`);
  }
  log(`principal: quality.csv (${csvHeaders.get('content-type')}) ${picked.map((r) => r.label).join(', ')} = JSON = screen, cell for cell`);
  await e.shot(pp, 'quality-xlsx-downloaded');

  // ---- 3. the journal-keeping control, a week back, a drill-down ----
  const control = await e.api('GET', `${R}/journal-control?week=${WEEK}`, { token: prTok });
  if (control.from !== WEEK) fail(`GET …/journal-control?week=${WEEK}: from ${control.from}`);
  const scored = control.teachers.filter((t) => t.counts.score !== null);
  const withoutTopic = control.courses.map((c, i) => ({ c, i })).filter(({ c }) => c.counts.without_topic > 0);
  if (!withoutTopic.length) fail(`GET …/journal-control?week=${WEEK}: no course has a lesson without a topic (the demo leaves gaps)`);
  // The course with most lessons without a topic (the first of those).
  const { c: target, i: targetRow } = withoutTopic.reduce((a, b) => (b.c.counts.without_topic > a.c.counts.without_topic ? b : a));
  const detailApi = await e.api('GET', `${R}/journal-control/courses/${target.course_id}?week=${WEEK}&issue=without_topic`, { token: prTok });
  if (detailApi.lessons.length !== target.counts.without_topic) {
    fail(`GET …/journal-control/courses/${target.course_id}: ${detailApi.lessons.length} lessons without a topic, the control row says ${target.counts.without_topic}`);
  }
  log(`GET …/journal-control?week=${WEEK}: ${control.teachers.length} teachers (${scored.length} scored), ${control.courses.length} course rows, ${withoutTopic.length} with lessons without a topic; drilling into row ${targetRow}: ${target.teacher_name}, ${target.class_name} ${target.subject_name} (${target.counts.without_topic} of ${target.counts.lessons_held})`);

  await byId(pp, T.reportsBack).first().click();
  await expectVisible(pp, T.reportsPage, 'principal: back to the reports index');
  await byId(pp, T.cardControl).click();
  await waitAt(pp, '/reports/control', 'principal: «Контроль ведения журнала»');
  await expectVisible(pp, T.controlPage, 'principal: the control page');
  // The server's week under the fixed clock (the browser's own date may differ).
  await expectAttr(byId(pp, T.controlWeekLabel), 'data-week', THIS_WEEK, 'principal: the control\'s current week');
  await expectVisible(pp, T.controlTeachers, 'principal: the teachers\' table of the current week');
  const thisLabel = (await byId(pp, T.controlWeekLabel).innerText()).trim();
  if (thisLabel !== THIS_WEEK_LABEL) fail(`principal: the week reads «${thisLabel}», expected «${THIS_WEEK_LABEL}»`);
  await expectAttr(byId(pp, T.controlSettings), 'data-min-marks', control.min_marks, 'principal: M of the control');
  await expectAttr(byId(pp, T.controlSettings), 'data-late-days', control.late_days, 'principal: D of the control');
  await e.shot(pp, 'control-this-week');

  await byId(pp, T.controlPrev).click();
  await until(() => pp.url(), (u) => new URL(u).searchParams.get('week') === WEEK,
    'principal: the URL after «предыдущая неделя»', (u) => `is at ${u}`);
  await expectAttr(byId(pp, T.controlWeekLabel), 'data-week', WEEK, 'principal: the week after «предыдущая неделя»');
  await expectAttr(byId(pp, T.controlWeek), 'data-iso-week', '2026-W47', 'principal: the week picker');
  const weekLabel = (await byId(pp, T.controlWeekLabel).innerText()).trim();
  if (weekLabel !== WEEK_LABEL) fail(`principal: the week reads «${weekLabel}», expected «${WEEK_LABEL}»`);
  await expectAttr(byId(pp, T.table('teachers')), 'data-rows', control.teachers.length, `principal: the teachers of ${WEEK}`);
  await expectAttr(byId(pp, T.table('courses')), 'data-rows', control.courses.length, `principal: the course rows of ${WEEK}`);
  // The teachers' names and scores as the API gives them. The label follows the URL at once
  // while the tables keep the previous week's report until the new one has loaded: wait for it.
  const teacherTexts = control.teachers.map((t) => `${t.teacher_name}: ${num(t.counts.score, 1)}`);
  await until(async () => (await tableRows(pp, 'teachers')).map((r) => `${r.list[0]}: ${r.cells['Балл']}`),
    (rows) => JSON.stringify(rows) === JSON.stringify(teacherTexts),
    `principal: the teachers' names and scores of ${WEEK} as GET …/journal-control`,
    (rows) => `the first differing row reads «${rows.find((r, i) => r !== teacherTexts[i])}», the API «${teacherTexts[rows.findIndex((r, i) => r !== teacherTexts[i])]}»`);
  const courseTexts = control.courses.map((c) => `${c.teacher_name} | ${c.class_name} | ${c.subject_name} | ${c.counts.lessons_held} | ${c.counts.without_topic}`);
  await until(async () => (await tableRows(pp, 'courses')).map((r) => r.list.slice(0, 5).join(' | ')),
    (rows) => JSON.stringify(rows) === JSON.stringify(courseTexts),
    `principal: the course rows of ${WEEK} as GET …/journal-control`,
    (rows) => `the first differing row reads «${rows.find((r, i) => r !== courseTexts[i])}», the API «${courseTexts[rows.findIndex((r, i) => r !== courseTexts[i])]}»`);
  const scoreChart = byId(pp, T.chartScores);
  await expectVisible(pp, T.chartScores, 'principal: the scores chart');
  await expectCount(scoreChart.locator('.chart-empty'), 0, 'principal: «Нет данных» in the scores chart');
  await expectCount(scoreChart.locator('g.chart-bar'), scored.length, `principal: the scores chart's bars (${scored.length} teachers with a score)`);
  // Lowest first: the bars' values (their tooltips «name — …: 80,4») are the API's scores, sorted.
  const barValues = await scoreChart.locator('g.chart-bar title').allTextContents();
  const wantScores = scored.map((t) => t.counts.score).sort((a, b) => a - b).map((v) => num(v, 1));
  const gotScores = barValues.map((t) => t.split(': ').at(-1).trim());
  if (JSON.stringify(gotScores) !== JSON.stringify(wantScores)) fail(`principal: the scores chart shows ${gotScores.join(' ')}, the API's scores sorted are ${wantScores.join(' ')}`);
  await e.shot(pp, 'control-week-47');

  // The target row's «Без темы» number: a click opens the lessons without a topic.
  const courseRow = byId(pp, T.table('courses')).locator(`tbody tr[data-row="${targetRow}"]`);
  const rowCells = await courseRow.locator('th, td').allInnerTexts();
  if (rowCells[0].trim() !== target.teacher_name || rowCells[1].trim() !== target.class_name || rowCells[2].trim() !== target.subject_name) {
    fail(`principal: courses' row ${targetRow} reads «${rowCells.slice(0, 3).join(' | ')}», the API ${target.teacher_name} | ${target.class_name} | ${target.subject_name}`);
  }
  const noTopicCell = courseRow.locator(`td[data-label="${COL_NO_TOPIC}"]`);
  const noTopicText = (await noTopicCell.innerText()).trim();
  if (noTopicText !== String(target.counts.without_topic)) fail(`principal: «${COL_NO_TOPIC}» of row ${targetRow} reads «${noTopicText}», the API ${target.counts.without_topic}`);
  await noTopicCell.click();
  await expectVisible(pp, T.controlDetail, 'principal: the drill-down after a click on «Без темы»');
  await until(() => pp.url(), (u) => {
    const q = new URL(u).searchParams;
    return q.get('course') === target.course_id && q.get('issue') === 'without_topic' && q.get('week') === WEEK;
  }, 'principal: the URL of the drill-down', (u) => `is at ${u}`);
  const detail = byId(pp, T.controlDetail);
  await expectAttr(detail, 'data-course-id', target.course_id, 'principal: the drill-down\'s course');
  await expectAttr(detail, 'data-issue', 'without_topic', 'principal: the drill-down\'s issue');
  await until(() => byId(pp, T.controlIssue).inputValue(), (v) => v === 'without_topic', 'principal: the issue picker', (v) => `has «${v}»`);
  const body = byId(pp, T.controlDetailBody);
  await expectAttr(body, 'data-issue', 'without_topic', 'principal: the drill-down body\'s issue');
  await expectAttr(body, 'data-lessons', detailApi.lessons.length, 'principal: the drill-down\'s lessons');
  await expectAttr(byId(pp, T.controlLessonsCount), 'data-count', detailApi.lessons.length, 'principal: the drill-down\'s lesson count');
  const lessons = await tid(body, T.controlLesson).evaluateAll((trs) => trs.map((tr) => ({
    id: tr.getAttribute('data-lesson-id'),
    date: tr.getAttribute('data-date'),
    number: tr.getAttribute('data-lesson-number'),
    hasTopic: tr.getAttribute('data-has-topic'),
    text: tr.textContent.replace(/\s+/g, ' ').trim(),
  })));
  if (lessons.length !== detailApi.lessons.length) fail(`principal: ${lessons.length} lessons in the drill-down, the API ${detailApi.lessons.length}`);
  detailApi.lessons.forEach((l, i) => {
    const s = lessons[i];
    const ddmm = `${l.date.slice(8, 10)}.${l.date.slice(5, 7)}`;
    if (s.id !== l.lesson_id || s.date !== l.date || s.number !== String(l.lesson_number)) {
      fail(`principal: drill-down lesson ${i + 1} is ${JSON.stringify(s)}, the API ${l.lesson_id} ${l.date} №${l.lesson_number}`);
    }
    if (s.hasTopic !== 'false' || !s.text.includes('нет темы') || !s.text.includes(ddmm)) fail(`principal: drill-down lesson ${i + 1} reads «${s.text}»`);
    if (l.date < WEEK || l.date > control.to) fail(`GET …/courses/${target.course_id}: lesson ${l.date} outside ${WEEK}–${control.to}`);
  });
  // The journal link of the course's lessons.
  const journalLink = tid(body, T.controlJournal);
  await expectCount(journalLink, 1, 'principal: the drill-down\'s journal link');
  const href = await journalLink.getAttribute('href');
  const wantHref = `/journal/${target.course_id}?school=${principal.school_id}`;
  if (href !== wantHref) fail(`principal: the journal link is «${href}», expected «${wantHref}»`);
  log(`principal: «${COL_NO_TOPIC}» ${target.class_name} ${target.subject_name} → ${lessons.length} lessons ${lessons.map((l) => `${l.date} №${l.number}`).join(', ')} = API, journal link ${href}`);
  await detail.scrollIntoViewIfNeeded();
  await e.shot(pp, 'control-detail-without-topic');
  await journalLink.click();
  await waitAt(pp, `/journal/${target.course_id}`, 'principal: the journal link of the drill-down');
  await expectVisible(pp, T.journalGrid, 'principal: the course\'s journal from the drill-down');
  await e.shot(pp, 'control-detail-journal');

  // ---- 4. a teacher sees her own rows; a parent has no reports ----
  const mine = await e.api('GET', `${R}/journal-control`, { token: tTok });
  if (mine.from !== THIS_WEEK) fail(`GET …/journal-control as ${TEACHER.login}: week ${mine.from}, expected ${THIS_WEEK}`);
  if (mine.teachers.length !== 1 || mine.teachers[0].teacher_id !== teacher.person_id) {
    fail(`GET …/journal-control as ${TEACHER.login}: teachers ${JSON.stringify(mine.teachers.map((t) => t.teacher_name))}, expected hers only`);
  }
  if (!mine.courses.length || mine.courses.some((c) => c.teacher_id !== teacher.person_id)) {
    fail(`GET …/journal-control as ${TEACHER.login}: course rows ${JSON.stringify(mine.courses.map((c) => [c.teacher_name, c.class_name]))}`);
  }
  const all = await e.api('GET', `${R}/journal-control`, { token: prTok });
  const hers = all.courses.filter((c) => c.teacher_id === teacher.person_id);
  if (JSON.stringify(hers) !== JSON.stringify(mine.courses)) {
    fail(`${TEACHER.login}'s course rows differ from the principal's rows of her: ${hers.map((c) => c.key)} vs ${mine.courses.map((c) => c.key)}`);
  }
  if (all.courses.length <= mine.courses.length) fail(`the principal's control has ${all.courses.length} course rows, the teacher's ${mine.courses.length}`);

  const tp = await e.newPage('teacher');
  await signIn(tp, TEACHER, 'teacher');
  await byId(tp, T.navReports).click();
  await expectVisible(tp, T.reportsPage, 'teacher: the reports index');
  await expectVisible(tp, T.cardControl, 'teacher: the control card');
  await expectCount(byId(tp, T.cardActivity), 0, 'teacher: the activity card (the admin\'s and the principal\'s only)');
  await byId(tp, T.cardControl).click();
  await waitAt(tp, '/reports/control', 'teacher: «Контроль ведения журнала»');
  await expectAttr(byId(tp, T.controlWeekLabel), 'data-week', THIS_WEEK, 'teacher: the control\'s current week');
  await expectAttr(byId(tp, T.table('teachers')), 'data-rows', 1, 'teacher: the teachers\' table');
  await expectAttr(byId(tp, T.table('courses')), 'data-rows', mine.courses.length, 'teacher: the courses\' table');
  const tTeachers = await tableRows(tp, 'teachers');
  if (tTeachers.length !== 1 || tTeachers[0].list[0] !== mine.teachers[0].teacher_name) fail(`teacher: the teachers' table reads ${JSON.stringify(tTeachers.map((r) => r.list[0]))}`);
  const tCourses = await tableRows(tp, 'courses');
  if (tCourses.length !== mine.courses.length) fail(`teacher: ${tCourses.length} course rows, the API ${mine.courses.length}`);
  for (const r of tCourses) {
    const c = mine.courses[r.row] || fail(`teacher: course row ${r.row} is not in the API`);
    const want = [c.teacher_name, c.class_name, c.subject_name, String(c.counts.lessons_held), String(c.counts.without_topic)];
    if (r.list.slice(0, 5).join(' | ') !== want.join(' | ')) fail(`teacher: course row ${r.row} reads «${r.list.slice(0, 5).join(' | ')}», the API «${want.join(' | ')}»`);
  }
  await expectCount(byId(tp, T.chartScores).locator('g.chart-bar'), mine.teachers[0].counts.score === null ? 0 : 1, 'teacher: her score\'s bar');
  log(`teacher: control ${THIS_WEEK}: 1 teacher row (${mine.teachers[0].teacher_name}, score ${mine.teachers[0].counts.score}), ${tCourses.length} course rows (${mine.courses.map((c) => c.class_name).join(', ')}) = GET …/journal-control as her = the principal's rows of her (of ${all.courses.length})`);
  await e.shot(tp, 'teacher-control');

  const refused = await e.api('GET', `${R}/quality?term=${TERM}`, { token: pTok, expect: [403] });
  if (refused?.code !== 'forbidden') fail(`parent: GET …/quality → 403 with ${JSON.stringify(refused)}, expected code forbidden`);
  const pp2 = await e.newPage('parent');
  await signIn(pp2, PARENT, 'parent');
  await expectVisible(pp2, T.navDiary, 'parent: the menu');
  await expectCount(byId(pp2, T.navReports), 0, 'parent: «Отчёты» in the menu');
  await pp2.goto('/reports');
  await expectVisible(pp2, T.noAccess, 'parent: /reports');
  await expectCount(byId(pp2, T.reportsPage), 0, 'parent: the reports index');
  await e.shot(pp2, 'parent-no-access');
  await pp2.goto('/reports/control');
  await expectVisible(pp2, T.noAccess, 'parent: /reports/control');
  await expectCount(byId(pp2, T.controlPage), 0, 'parent: the control page');
  log('parent: no «Отчёты» in the menu, /reports and /reports/control show no-access, GET …/quality → 403 forbidden');
});
