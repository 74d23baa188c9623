// What every browser end-to-end scenario of Otmetka needs: the command line, a fresh database,
// the server on a free loopback port (its environment, start, readiness, stop), API calls,
// headless Debian Chromium with pages that record their console, numbered screenshots, and a
// run that always cleans up and, on failure, reports the pages' console logs and the server log.
//
// A scenario script:
//
//   const e = new E2E({ tag: 'e2e', prefix: '' });
//   await e.run(async () => {
//     await e.startServer();               // or { args: ['serve', '--demo'], env: {...} }
//     const page = await e.newPage('admin');
//     ...
//     await e.shot(page, 'step-name');     // <shot dir>/<prefix>NN-step-name.png
//   });                                    // exits 0 or 1
//
// A second server process on the same database (several instances, e2e/instances.mjs):
// `const b = await e.startInstance('b', { env })` (its own port, log <prefix>server-b.log; stopped
// and reported with the run), and `e.api(method, path, { base: b.base, ... })` calls it.
//
// Command line (every scenario):
//   --server BIN       the `otmetka` binary (required)
//   --db sqlite        a fresh SQLite file in a temporary folder;
//   --db postgres      a fresh database created (and dropped afterwards) through TEST_DATABASE_URL,
//                      an admin connection URL such as postgres://otmetka:otmetka@127.0.0.1:5432/postgres;
//   --db URL           that database as it is (not dropped);
//   --screenshots DIR  default target/e2e/<sqlite|postgres>;
//   --static-dir DIR   the built SPA (default frontend/dist);
//   --chromium PATH    default $CHROMIUM or /usr/bin/chromium;
//   --keep             keep the temporary folder (and the PostgreSQL database); --headed; --verbose (print the console log).

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

/** How long one browser action or wait may take. */
export const ACTION_TIMEOUT_MS = 20_000;

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- page helpers ---------------------------------------------------------------------------

export const byId = (page, id) => page.getByTestId(id);

/** Waits until the page has left `pathname` (client-side navigation included). */
export async function waitLeft(page, pathname) {
  await page.waitForFunction((p) => window.location.pathname !== p, pathname);
}

/** Waits until the page is at `pathname` (client-side navigation included). */
export async function waitAt(page, pathname, what) {
  try {
    await page.waitForFunction((p) => window.location.pathname === p, pathname);
  } catch (e) {
    throw new Error(`${what}: expected to be at ${pathname}, still at ${page.url()}: ${e.message.split('\n')[0]}`);
  }
}

export async function expectVisible(page, id, what) {
  try {
    await byId(page, id).first().waitFor({ state: 'visible' });
  } catch (e) {
    throw new Error(`${what}: [data-testid=${id}] did not become visible (at ${page.url()}): ${e.message.split('\n')[0]}`);
  }
}

/**
 * Polls `read()` until `ok(value)` holds (within the action timeout) and returns the value;
 * otherwise throws "`what`: `describe(last value)`".
 */
export async function until(read, ok, what, describe = (v) => `got ${JSON.stringify(v)}`) {
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  let value;
  for (;;) {
    value = await read();
    if (ok(value)) return value;
    if (Date.now() >= deadline) throw new Error(`${what}: ${describe(value)}`);
    await sleep(200);
  }
}

export async function expectCount(locator, n, what) {
  await until(() => locator.count(), (c) => c === n, what, (c) => `expected ${n}, found ${c}`);
}

/** An attribute of the first element with test id `id` becomes `want`. */
export async function expectAttr(locator, attr, want, what) {
  return until(() => locator.first().getAttribute(attr), (v) => v === String(want), what,
    (v) => `${attr} is ${JSON.stringify(v)}, expected ${JSON.stringify(String(want))}`);
}

/** Test ids of the login form (frontend/TESTIDS.md). */
const LOGIN = { input: 'login-input', password: 'password-input', submit: 'login-submit', logout: 'logout' };

/** Signs in through the login form and waits for a signed-in page. */
export async function signIn(page, who, what) {
  await page.goto('/login');
  await expectVisible(page, LOGIN.input, `${what}: login form`);
  await byId(page, LOGIN.input).fill(who.login);
  await byId(page, LOGIN.password).fill(who.password);
  await byId(page, LOGIN.submit).click();
  await expectVisible(page, LOGIN.logout, `${what}: signed-in page after login`);
}

// ---- scenario helpers -----------------------------------------------------------------------

/** Elements with test id `id` (and more attributes) inside `scope`. */
export const tid = (scope, id, attrs = '') => scope.locator(`[data-testid="${id}"]${attrs}`);

/** Throws `msg`: `x || fail('…')`. */
export const fail = (msg) => { throw new Error(msg); };

/** "Фамилия Имя" of a person of the API (a journal student, a person). */
export const nameOf = (s) => `${s.last_name} ${s.first_name}`;

/** otmetka_domain::grading::round2: two decimals, half away from zero. */
export const round2 = (x) => Math.round(x * 100 + (x >= 0 ? 1e-9 : -1e-9)) / 100;

/** The headers of an API call: JSON accepted, the bearer token, the type of a JSON body. */
export function apiHeaders({ token, json = false, more = {} } = {}) {
  const headers = { accept: 'application/json', ...more };
  if (token) headers.authorization = `Bearer ${token}`;
  if (json) headers['content-type'] = 'application/json';
  return headers;
}

const cdpSessions = new WeakMap();

/**
 * A key of the Russian ЙЦУКЕН layout as a real keyboard sends it (`key` «н» on the physical
 * `code` KeyY, virtual key 89): Playwright's keyboard would send the Latin key.
 */
export async function pressRussian(page, key, code, vk) {
  if (!cdpSessions.has(page)) cdpSessions.set(page, await page.context().newCDPSession(page));
  const cdp = cdpSessions.get(page);
  const base = { key, code, windowsVirtualKeyCode: vk, nativeVirtualKeyCode: vk };
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...base, text: key, unmodifiedText: key });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...base });
}

/** Switches the page's child switcher (schedule-children) to `child` unless it shows them already. */
export async function pickChild(page, child, what) {
  await expectVisible(page, 'schedule-children', `${what}: the child switcher`);
  const link = tid(byId(page, 'schedule-children'), 'schedule-child', `[data-person-id="${child.id}"]`);
  await expectCount(link, 1, `${what}: ${child.name} in the child switcher`);
  if ((await link.getAttribute('aria-current')) !== 'page') await link.click();
  await expectAttr(link, 'aria-current', 'page', `${what}: ${child.name} chosen`);
}

/** Saves the journal's open lesson editor (topic, homework) and waits until it closes. */
export async function saveLessonEditor(page, what) {
  await byId(page, 'journal-content-save').click();
  try {
    await byId(page, 'journal-lesson-editor').waitFor({ state: 'detached' });
  } catch {
    const err = byId(page, 'journal-content-error');
    fail(`${what}: the lesson editor did not close after saving (${(await err.count()) ? (await err.innerText()).trim() : 'no error shown'})`);
  }
}

// ---- test ids shared by the scenarios (frontend/TESTIDS.md) -------------------------------

/** The invite-code registration form and the home page it lands on. */
export const REGISTER = {
  inviteCode: 'invite-code-input',
  inviteCheck: 'invite-check',
  invitePreview: 'invite-preview',
  inviteSchool: 'invite-school',
  inviteRole: 'invite-role',
  invitePerson: 'invite-person',
  registerLogin: 'register-login',
  registerPassword: 'register-password',
  registerPassword2: 'register-password2',
  registerSubmit: 'register-submit',
  homePage: 'home-page',
  whoami: 'whoami',
};

/** The journal: the course picker, the grid, the lesson editor, the final-mark columns. */
export const JOURNAL = {
  navJournal: 'nav-journal',
  listPage: 'journal-list-page',
  course: (id) => `journal-course-${id}`,
  back: 'journal-back',
  journalPage: 'journal-page',
  title: 'journal-title',
  period: 'journal-period',
  scroll: 'journal-scroll',
  grid: 'journal-grid',
  status: 'journal-status',
  lessonHead: (id) => `journal-lesson-head-${id}`,
  cell: (student, workOrLesson) => `journal-cell-${student}-${workOrLesson}`,
  att: (student, lesson) => `journal-att-${student}-${lesson}`,
  avg: (student) => `journal-avg-${student}`,
  abs: (student) => `journal-abs-${student}`,
  conflict: 'journal-conflict',
  keepMine: 'journal-keep-mine',
  takeTheirs: 'journal-take-theirs',
  editor: 'journal-lesson-editor',
  topic: 'journal-topic',
  homework: 'journal-homework',
  homeworkDue: 'journal-homework-due',
  workHead: (id) => `journal-work-head-${id}`,
  workType: (id) => `journal-work-type-${id}`,
  workWeight: (id) => `journal-work-weight-${id}`,
  workSave: (id) => `journal-work-save-${id}`,
  finalsHead: (term) => `finals-head-${term}`,
  finalsCell: (student, term) => `finals-cell-${student}-${term}`,
};

/** The diary of a student (a parent’s child). */
export const DIARY = {
  navDiary: 'nav-diary',
  diaryPage: 'diary-page',
  diaryWeek: 'diary-week',
  diaryDays: 'diary-days',
  diaryLesson: (lesson) => `diary-lesson-${lesson}`,
  diaryMark: (work) => `diary-mark-${work}`,
  diaryAtt: (lesson) => `diary-att-${lesson}`,
  diaryTopic: (lesson) => `diary-topic-${lesson}`,
  diaryHomework: (lesson) => `diary-homework-${lesson}`,
};

/** The marks page of a student: subjects, averages, final marks, the feed, «Что если?». */
export const MARKS = {
  navMarks: 'nav-marks',
  marksPage: 'marks-page',
  marksPeriod: 'marks-period',
  marksSubjects: 'marks-subjects',
  marksSubject: (course) => `marks-subject-${course}`,
  marksAvg: (course) => `marks-avg-${course}`,
  marksFinal: (course) => `marks-final-${course}`,
  marksSuggested: (course) => `marks-suggested-${course}`,
  marksMark: (work) => `marks-mark-${work}`,
  feedList: 'feed-list',
  whatIf: (course) => `what-if-${course}`,
  whatIfOpen: (course) => `what-if-open-${course}`,
  whatIfValue: (course) => `what-if-value-${course}`,
  whatIfType: (course) => `what-if-type-${course}`,
  whatIfAdd: (course) => `what-if-add-${course}`,
  whatIfChip: (course) => `what-if-chip-${course}`,
  whatIfResult: (course) => `what-if-result-${course}`,
};

// ---- one run --------------------------------------------------------------------------------

export class E2E {
  /**
   * @param {object} o
   * @param {string} o.tag       log prefix, e.g. `e2e` → `e2e[sqlite]: …`
   * @param {string} [o.prefix]  prefix of this scenario's files in the screenshot folder, so that
   *                             scenarios sharing the folder do not remove each other's files
   * @param {number} [o.timeoutMs]       the whole run (default 5 minutes)
   * @param {number} [o.readyTimeoutMs]  the server's start (default 90 s)
   */
  constructor({ tag, prefix = '', timeoutMs = 5 * 60_000, readyTimeoutMs = 90_000 }) {
    const { values } = parseArgs({
      options: {
        server: { type: 'string' },
        db: { type: 'string', default: 'sqlite' },
        screenshots: { type: 'string' },
        'static-dir': { type: 'string', default: 'frontend/dist' },
        chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
        keep: { type: 'boolean', default: false },
        headed: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
      },
    });
    this.opts = values;
    this.tag = tag;
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
    this.readyTimeoutMs = readyTimeoutMs;
    if (!values.server) this.usage('--server is required');
    if (values.db === 'postgres' && !process.env.TEST_DATABASE_URL) {
      this.usage('--db postgres needs TEST_DATABASE_URL (an admin connection URL); `just pg` prints one');
    }
    this.kind = values.db === 'sqlite' || values.db.startsWith('sqlite:') ? 'sqlite' : 'postgres';
    this.shotDir = path.resolve(values.screenshots || `target/e2e/${this.kind}`);
    this.serverBin = path.resolve(values.server);
    this.staticDir = path.resolve(values['static-dir']);
    this.serverLogPath = path.join(this.shotDir, `${prefix}server.log`);
    this.tmp = mkdtempSync(path.join(tmpdir(), 'otmetka-e2e-'));
    this.base = '';
    this.env = null;
    this.server = null;
    this.serverExited = null;
    this.createdDb = null;
    /** Further server processes on the run's database (`startInstance`). */
    this.instances = [];
    this.browser = null;
    this.consoleLog = [];
    this.pages = {};
    this.shotNo = 0;
    this.cleaned = false;
  }

  usage(msg) {
    console.error(`${this.tag}: ${msg}\nusage: node ${path.relative(process.cwd(), process.argv[1])} --server BIN --db sqlite|postgres|URL --screenshots DIR [--static-dir DIR] [--keep]`);
    process.exit(2);
  }

  log(...args) {
    console.log(`${this.tag}[${this.kind}]:`, ...args);
  }

  /** Removes this scenario's own files (and only those) from the screenshot folder. */
  clearShots() {
    mkdirSync(this.shotDir, { recursive: true });
    const p = this.prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const mine = new RegExp(`^${p}(\\d\\d-.*|failure-.*)\\.png$|^${p}server\\.log$`);
    for (const f of readdirSync(this.shotDir)) {
      if (mine.test(f)) rmSync(path.join(this.shotDir, f), { force: true });
    }
  }

  // ---- database -----------------------------------------------------------------------------

  psql(adminUrl, sql) {
    const r = spawnSync('psql', [adminUrl, '-v', 'ON_ERROR_STOP=1', '-qtAc', sql], { encoding: 'utf8' });
    if (r.error) throw new Error(`psql: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`psql failed (${sql}): ${r.stderr.trim()}`);
    return r.stdout.trim();
  }

  /** The database URL of this run: a new SQLite file, a new PostgreSQL database, or --db URL. */
  prepareDatabase() {
    const { db } = this.opts;
    if (db === 'sqlite') return `sqlite://${path.join(this.tmp, 'otmetka.db')}?mode=rwc`;
    if (db !== 'postgres') return db;
    const admin = process.env.TEST_DATABASE_URL;
    const name = `otmetka_e2e_${Date.now()}_${process.pid}`;
    this.psql(admin, `CREATE DATABASE ${name}`);
    this.createdDb = { admin, name };
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return url.toString();
  }

  // ---- server -------------------------------------------------------------------------------

  static freePort() {
    return new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address();
        srv.close(() => resolve(port));
      });
    });
  }

  /** The environment of every `otmetka` command of this run: nothing from the caller's config. */
  serverEnv(bind, dbUrl, extra) {
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('OTMETKA_')) delete env[k];
    delete env.DATABASE_URL;
    return {
      ...env,
      OTMETKA_BIND: bind,
      OTMETKA_DATABASE_URL: dbUrl,
      OTMETKA_DATA_DIR: path.join(this.tmp, 'data'),
      OTMETKA_STATIC_DIR: this.staticDir,
      OTMETKA_COOKIE_SECURE: 'false',
      OTMETKA_LOG: process.env.E2E_SERVER_LOG || 'info',
      NO_COLOR: '1',
      ...extra,
    };
  }

  /**
   * Prepares the database, starts `otmetka ARGS` on a free port with the run's environment plus
   * `env`, and waits for `GET /api/v1/ready`. Sets `this.base` (`http://127.0.0.1:PORT`).
   */
  async startServer({ args = ['serve'], env = {} } = {}) {
    const dbUrl = this.prepareDatabase();
    const port = await E2E.freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.env = this.serverEnv(`127.0.0.1:${port}`, dbUrl, env);
    const extra = Object.entries(env).map(([k, v]) => `${k}=${v} `).join('');
    this.log(`${extra}${this.serverBin} ${args.join(' ')} on ${this.base}, database ${dbUrl.replace(/\/\/[^@/]*@/, '//…@')}`);
    const out = createWriteStream(this.serverLogPath);
    const server = spawn(this.serverBin, args, { env: this.env, cwd: this.tmp, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.server = server;
    // The server runs in its own process group; whatever ends this process (even a crash or a
    // broken pipe) takes the server along instead of leaving it running.
    process.on('exit', () => {
      if (server.exitCode === null && server.signalCode === null) {
        try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    });
    server.stdout.pipe(out, { end: false });
    server.stderr.pipe(out, { end: false });
    this.serverExited = new Promise((resolve) => {
      server.on('exit', (code, signal) => resolve({ code, signal }));
      server.on('error', (err) => resolve({ code: null, signal: null, err }));
    });
    await this.waitReady();
  }

  /** Waits for `GET /api/v1/ready` of the server (default: the one of `startServer`). */
  async waitReady({ base = this.base, exited: serverExited = this.serverExited, name = 'server' } = {}) {
    const started = Date.now();
    const deadline = started + this.readyTimeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const exited = await Promise.race([serverExited, sleep(0).then(() => null)]);
      if (exited) throw new Error(`the ${name} exited before it was ready (${JSON.stringify(exited)})`);
      try {
        // A server still seeding has bound its port but does not answer yet.
        const r = await fetch(`${base}/api/v1/ready`, { signal: AbortSignal.timeout(5000) });
        if (r.ok) {
          this.log(`${name} ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
          return;
        }
        last = `${r.status} ${await r.text()}`;
      } catch (e) {
        last = e.cause?.code || e.name || e.message;
      }
      await sleep(250);
    }
    throw new Error(`GET ${base}/api/v1/ready did not answer 200 within ${this.readyTimeoutMs / 1000} s (last: ${last})`);
  }

  /**
   * Starts one more `otmetka ARGS` process on the run's database (after `startServer`), as
   * another instance behind a load balancer would run: its own free port and log
   * `<prefix>server-NAME.log`, the run's environment (the same database and data dir, hence the
   * same generated JWT secret) plus `env`; waits for `GET /api/v1/ready`. `cleanup` stops it and
   * `report` prints its log. Returns `{ name, base, logPath, process, exited, stop() }`.
   */
  async startInstance(name, { args = ['serve'], env = {} } = {}) {
    if (!this.env) throw new Error('startInstance: call startServer first');
    const port = await E2E.freePort();
    const base = `http://127.0.0.1:${port}`;
    const instEnv = { ...this.serverEnv(`127.0.0.1:${port}`, this.env.OTMETKA_DATABASE_URL, {}), ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete instEnv[k];
    const extra = Object.entries(env).map(([k, v]) => `${k}=${v ?? '(unset)'} `).join('');
    this.log(`instance ${name}: ${extra}${this.serverBin} ${args.join(' ')} on ${base}`);
    const logPath = path.join(this.shotDir, `${this.prefix}server-${name}.log`);
    const out = createWriteStream(logPath);
    const child = spawn(this.serverBin, args, { env: instEnv, cwd: this.tmp, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    process.on('exit', () => {
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve({ code, signal }));
      child.on('error', (err) => resolve({ code: null, signal: null, err }));
    });
    const inst = {
      name, base, logPath, process: child, exited,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
        if (!(await Promise.race([exited, sleep(5000).then(() => null)]))) {
          try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
          await exited;
        }
      },
    };
    this.instances.push(inst);
    await this.waitReady({ base, exited, name: `instance ${name}` });
    return inst;
  }

  async stopServer() {
    const { server } = this;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
    const done = await Promise.race([this.serverExited, sleep(5000).then(() => null)]);
    if (!done) {
      try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
      await this.serverExited;
    }
  }

  /** Runs another `otmetka` command against the run's database (after `startServer`). */
  cli(args, { input } = {}) {
    const r = spawnSync(this.serverBin, args, { env: this.env, cwd: this.tmp, input, encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw new Error(`otmetka ${args[0]}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`otmetka ${args[0]} exited ${r.status}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  // ---- API ----------------------------------------------------------------------------------

  /** A JSON call to the server; any status outside `expect` throws with the answer. */
  async api(method, pathname, { token, body, expect = [200], base = this.base } = {}) {
    const headers = apiHeaders({ token, json: body !== undefined });
    const r = await fetch(`${base}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (!expect.includes(r.status)) {
      throw new Error(`${method} ${base === this.base ? '' : base}${pathname} → ${r.status} (expected ${expect.join('/')}): ${text}`);
    }
    try { return text ? JSON.parse(text) : null; } catch { return text; }
  }

  /** `POST /auth/login` → the access token. */
  async token(who) {
    const tok = await this.api('POST', '/api/v1/auth/login', { body: { login: who.login, password: who.password } });
    if (!tok?.access_token) throw new Error(`login ${who.login} answered without access_token: ${JSON.stringify(tok)}`);
    return tok.access_token;
  }

  /** A file of the API (CSV, XLSX) with the bearer token: `{ headers, bytes }`; not 200 throws. */
  async apiFile(pathname, token) {
    const r = await fetch(`${this.base}${pathname}`, { headers: apiHeaders({ token, more: { accept: '*/*' } }) });
    const bytes = Buffer.from(await r.arrayBuffer());
    if (r.status !== 200) fail(`GET ${pathname} → ${r.status}: ${bytes.toString('utf8')}`);
    return { headers: r.headers, bytes };
  }

  /** The account's membership in its (only) school (`GET /me`). */
  async me(token, login) {
    const m = (await this.api('GET', '/api/v1/me', { token }))?.memberships?.[0];
    if (!m?.school_id) fail(`GET /me of ${login} has no membership: ${JSON.stringify(m)}`);
    return m;
  }

  /**
   * `otmetka create-superadmin`, then the superadmin creates a school through the API:
   * `POST /schools`'s answer (`school`, `admin_invite.code`).
   */
  async createSchool(superadmin, { name, firstAdmin, timeZone = 'Europe/Moscow' }) {
    this.cli(['create-superadmin', '--login', superadmin.login, '--password-stdin'], { input: `${superadmin.password}\n` });
    const created = await this.api('POST', '/api/v1/schools', {
      token: await this.token(superadmin),
      expect: [201],
      body: { name, time_zone: timeZone, first_admin: firstAdmin },
    });
    if (!created?.admin_invite?.code) fail(`POST /schools answered without admin_invite.code: ${JSON.stringify(created)}`);
    return created;
  }

  // ---- browser ------------------------------------------------------------------------------

  async launchBrowser() {
    this.browser = await chromium.launch({
      executablePath: this.opts.chromium,
      headless: !this.opts.headed,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  }

  /** A page in a browser context of its own (its own cookies), locale ru-RU, logging to the report. */
  async newPage(ctxName) {
    if (!this.browser) await this.launchBrowser();
    const context = await this.browser.newContext({
      locale: 'ru-RU',
      viewport: { width: 1280, height: 860 },
      baseURL: this.base,
    });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    const page = await context.newPage();
    const log = this.consoleLog;
    page.on('console', (m) => log.push(`[${ctxName}] console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[${ctxName}] pageerror: ${e.stack || e.message}`));
    page.on('requestfailed', (r) => log.push(`[${ctxName}] requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) log.push(`[${ctxName}] http ${r.status()}: ${r.request().method()} ${r.url()}`);
    });
    this.pages[ctxName] = page;
    return page;
  }

  /**
   * «Печать»: stubs window.print, clicks `button`, expects one call, and captures the page with
   * print media as `step`: the `hidden` test ids are not on paper, `shown` (a locator) is.
   */
  async printShot(page, button, step, { hidden, shown }) {
    await page.evaluate(() => {
      window.__printCalls = 0;
      window.print = () => { window.__printCalls += 1; };
    });
    await byId(page, button).click();
    await until(() => page.evaluate(() => window.__printCalls), (n) => n === 1, `${step}: «Печать» calls window.print once`, (n) => `${n} calls`);
    await page.emulateMedia({ media: 'print' });
    for (const id of hidden) {
      await until(() => byId(page, id).first().isVisible(), (v) => !v, `${step}: print media hides ${id}`, () => 'still visible');
    }
    if (!(await shown.isVisible())) fail(`${step}: the printed part is not visible with print media`);
    await this.shot(page, step);
    await page.emulateMedia({ media: 'screen' });
  }

  /** A full-page screenshot `<prefix>NN-step.png`. */
  async shot(page, step) {
    this.shotNo += 1;
    const file = path.join(this.shotDir, `${this.prefix}${String(this.shotNo).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: true });
    this.log(`✓ ${step}`);
  }

  // ---- the run ------------------------------------------------------------------------------

  async cleanup() {
    if (this.cleaned) return;
    this.cleaned = true;
    try { if (this.browser) await this.browser.close(); } catch { /* ignore */ }
    for (const inst of this.instances) await inst.stop();
    await this.stopServer();
    if (this.createdDb && this.opts.keep) {
      this.log(`kept the database ${this.createdDb.name} (drop it with: psql -c 'DROP DATABASE ${this.createdDb.name} WITH (FORCE)')`);
    } else if (this.createdDb) {
      try {
        this.psql(this.createdDb.admin, `DROP DATABASE IF EXISTS ${this.createdDb.name} WITH (FORCE)`);
      } catch (e) {
        console.error(`${this.tag}[${this.kind}]: could not drop ${this.createdDb.name}: ${e.message}`);
      }
    }
    if (!this.opts.keep) rmSync(this.tmp, { recursive: true, force: true });
    else this.log(`kept ${this.tmp}`);
  }

  async report(err) {
    const who = `${this.tag}[${this.kind}]`;
    console.error(`\n${who}: FAILED: ${err?.stack || err}`);
    for (const [name, page] of Object.entries(this.pages)) {
      try {
        const file = path.join(this.shotDir, `${this.prefix}failure-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.error(`${who}: ${name} page at ${page.url()}, screenshot ${file}`);
      } catch { /* page gone */ }
    }
    if (this.consoleLog.length) {
      console.error(`\n---- browser console (${this.consoleLog.length} lines) ----`);
      console.error(this.consoleLog.join('\n'));
    }
    try {
      const lines = readFileSync(this.serverLogPath, 'utf8').trimEnd().split('\n');
      console.error(`\n---- server log, last ${Math.min(lines.length, 80)} of ${lines.length} lines (${this.serverLogPath}) ----`);
      console.error(lines.slice(-80).join('\n'));
    } catch { /* no log */ }
    for (const inst of this.instances) {
      try {
        const lines = readFileSync(inst.logPath, 'utf8').trimEnd().split('\n');
        console.error(`\n---- instance ${inst.name} (${inst.base}) log, last ${Math.min(lines.length, 80)} of ${lines.length} lines (${inst.logPath}) ----`);
        console.error(lines.slice(-80).join('\n'));
      } catch { /* no log */ }
    }
  }

  /**
   * Runs the scenario within the run's time limit, fails it on an uncaught page error, always
   * cleans up, prints the summary line and exits (0 passed, 1 failed, 130 interrupted).
   */
  async run(scenario) {
    for (const sig of ['SIGINT', 'SIGTERM']) {
      process.on(sig, async () => {
        await this.cleanup();
        process.exit(130);
      });
    }
    const watchdog = setTimeout(async () => {
      await this.report(new Error(`the whole run took longer than ${this.timeoutMs / 1000} s`));
      await this.cleanup();
      process.exit(1);
    }, this.timeoutMs);

    let failed = false;
    try {
      this.clearShots();
      await scenario();
      // A panic in the wasm module shows up as a page error even when the flow went on.
      const pageErrors = this.consoleLog.filter((l) => l.includes('] pageerror: '));
      if (pageErrors.length) throw new Error(`the pages reported ${pageErrors.length} uncaught error(s):\n${pageErrors.join('\n')}`);
      if (this.opts.verbose) console.log(this.consoleLog.join('\n'));
      this.log(`passed; screenshots in ${this.shotDir}`);
    } catch (err) {
      failed = true;
      await this.report(err);
    } finally {
      clearTimeout(watchdog);
      await this.cleanup();
    }
    console.log(`${this.tag}: ${failed ? '0 passed, 1 failed' : '1 passed, 0 failed'}`);
    process.exit(failed ? 1 : 0);
  }
}
