#!/usr/bin/env node
// Browser end-to-end test of Otmetka: one school admin's first day, in headless Debian Chromium.
//
//   node e2e/run.mjs --server target/debug/otmetka --db sqlite|postgres|URL \
//                    --screenshots target/e2e/sqlite [--static-dir frontend/dist] [--keep] [--verbose] [--headed]
//
// --db sqlite     a fresh SQLite file in a temporary folder;
// --db postgres   a fresh database created (and dropped afterwards) through TEST_DATABASE_URL,
//                 an admin connection URL such as postgres://otmetka:otmetka@127.0.0.1:5432/postgres;
// --db URL        that database as it is (not dropped).
//
// The script starts `otmetka serve` on a free loopback port with a temporary data dir, creates a
// superadmin with `otmetka create-superadmin`, creates a school through the API and takes the first
// admin's invite code. Then, in the browser (locale ru-RU): registers with the code, lands on the
// home page, sees its session, logs in from a second browser context, revokes that session from
// the first, switches the language to English and back, logs out and logs in again.
// Every step leaves a screenshot NN-step.png in the screenshot folder; on failure the pages'
// console logs and the server's log are printed, and the exit code is 1. The server is always
// stopped, the temporary folder removed (unless --keep) and a created database dropped.

import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

// ---- settings -------------------------------------------------------------------------------

const { values: opts } = parseArgs({
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
if (!opts.server) usage('--server is required');
if (opts.db === 'postgres' && !process.env.TEST_DATABASE_URL) {
  usage('--db postgres needs TEST_DATABASE_URL (an admin connection URL); `just pg` prints one');
}

const kind = opts.db === 'sqlite' || opts.db.startsWith('sqlite:') ? 'sqlite' : 'postgres';
const shotDir = path.resolve(opts.screenshots || `target/e2e/${kind}`);
const serverBin = path.resolve(opts.server);
const staticDir = path.resolve(opts['static-dir']);

/** Test ids (frontend/TESTIDS.md). */
const T = {
  loginInput: 'login-input',
  passwordInput: 'password-input',
  loginSubmit: 'login-submit',
  inviteCode: 'invite-code-input',
  inviteCheck: 'invite-check',
  invitePreview: 'invite-preview',
  inviteSchool: 'invite-school',
  inviteRole: 'invite-role',
  registerLogin: 'register-login',
  registerPassword: 'register-password',
  registerPassword2: 'register-password2',
  registerSubmit: 'register-submit',
  homePage: 'home-page',
  whoami: 'whoami',
  membershipRoles: 'membership-roles',
  navSessions: 'nav-sessions',
  sessionsList: 'sessions-list',
  sessionsCount: 'sessions-count',
  sessionRow: 'session-row',
  revokeSession: 'revoke-session',
  revokeOthers: 'revoke-others',
  logout: 'logout',
  langEn: 'lang-en',
  langRu: 'lang-ru',
};

/** SPA routes. */
const ROUTES = { register: '/register', login: '/login', sessions: '/sessions' };

const SUPERADMIN = { login: 'root', password: 'e2e-Root-Passw0rd!' };
const SCHOOL_NAME = 'МБОУ «Школа № 1 (e2e)»';
const ADMIN = { login: 'zavuch.e2e', password: 'Gjhnatkm-2024-e2e' };

/** The SPA's labels, to check the language switch by the real text. */
function label(lang, key, fallback) {
  try {
    const file = new URL(`../frontend/locales/${lang}.json`, import.meta.url);
    return JSON.parse(readFileSync(file, 'utf8'))[key] ?? fallback;
  } catch {
    return fallback;
  }
}
const LOGIN_SUBMIT = { ru: label('ru', 'login_submit', null), en: label('en', 'login_submit', null) };

const ACTION_TIMEOUT_MS = 20_000;
const WHOLE_RUN_TIMEOUT_MS = 5 * 60_000;

// ---- state for cleanup ----------------------------------------------------------------------

const tmp = mkdtempSync(path.join(tmpdir(), 'otmetka-e2e-'));
let server = null;
let serverExited = null;
const serverLogPath = path.join(shotDir, 'server.log');
let createdDb = null;
let browser = null;
const consoleLog = [];
let shotNo = 0;
const pages = {};

function usage(msg) {
  console.error(`e2e: ${msg}\nusage: node e2e/run.mjs --server BIN --db sqlite|postgres|URL --screenshots DIR [--static-dir DIR] [--keep]`);
  process.exit(2);
}

function log(...args) {
  console.log(`e2e[${kind}]:`, ...args);
}

// ---- database -------------------------------------------------------------------------------

function psql(adminUrl, sql) {
  const r = spawnSync('psql', [adminUrl, '-v', 'ON_ERROR_STOP=1', '-qtAc', sql], { encoding: 'utf8' });
  if (r.error) throw new Error(`psql: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`psql failed (${sql}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

function prepareDatabase() {
  if (opts.db === 'sqlite') return `sqlite://${path.join(tmp, 'otmetka.db')}?mode=rwc`;
  if (opts.db !== 'postgres') return opts.db;
  const admin = process.env.TEST_DATABASE_URL;
  const name = `otmetka_e2e_${Date.now()}_${process.pid}`;
  psql(admin, `CREATE DATABASE ${name}`);
  createdDb = { admin, name };
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

// ---- server ---------------------------------------------------------------------------------

function freePort() {
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
function serverEnv(bind, dbUrl) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('OTMETKA_')) delete env[k];
  delete env.DATABASE_URL;
  return {
    ...env,
    OTMETKA_BIND: bind,
    OTMETKA_DATABASE_URL: dbUrl,
    OTMETKA_DATA_DIR: path.join(tmp, 'data'),
    OTMETKA_STATIC_DIR: staticDir,
    OTMETKA_COOKIE_SECURE: 'false',
    OTMETKA_LOG: process.env.E2E_SERVER_LOG || 'info',
    NO_COLOR: '1',
  };
}

function startServer(env) {
  const out = createWriteStream(serverLogPath);
  server = spawn(serverBin, ['serve'], { env, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  server.stdout.pipe(out, { end: false });
  server.stderr.pipe(out, { end: false });
  serverExited = new Promise((resolve) => {
    server.on('exit', (code, signal) => resolve({ code, signal }));
    server.on('error', (err) => resolve({ code: null, signal: null, err }));
  });
}

async function waitReady(base) {
  const deadline = Date.now() + 90_000;
  let last = '';
  while (Date.now() < deadline) {
    const exited = await Promise.race([serverExited, sleep(0).then(() => null)]);
    if (exited) throw new Error(`the server exited before it was ready (${JSON.stringify(exited)})`);
    try {
      const r = await fetch(`${base}/api/v1/ready`);
      if (r.ok) return;
      last = `${r.status} ${await r.text()}`;
    } catch (e) {
      last = e.cause?.code || e.message;
    }
    await sleep(250);
  }
  throw new Error(`GET /api/v1/ready did not answer 200 within 90 s (last: ${last})`);
}

async function stopServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
  const done = await Promise.race([serverExited, sleep(5000).then(() => null)]);
  if (!done) {
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
    await serverExited;
  }
}

function createSuperadmin(env) {
  const r = spawnSync(serverBin, ['create-superadmin', '--login', SUPERADMIN.login, '--password-stdin'], {
    env, cwd: tmp, input: `${SUPERADMIN.password}\n`, encoding: 'utf8', timeout: 60_000,
  });
  if (r.error) throw new Error(`create-superadmin: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`otmetka create-superadmin exited ${r.status}:\n${r.stdout}${r.stderr}`);
  }
}

// ---- API ------------------------------------------------------------------------------------

async function api(base, method, pathname, { token, body, expect = [200] } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${base}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!expect.includes(r.status)) {
    throw new Error(`${method} ${pathname} → ${r.status} (expected ${expect.join('/')}): ${text}`);
  }
  try { return text ? JSON.parse(text) : null; } catch { return text; }
}

// ---- browser helpers ------------------------------------------------------------------------

async function newPage(ctxName) {
  const context = await browser.newContext({
    locale: 'ru-RU',
    viewport: { width: 1280, height: 860 },
    baseURL: base,
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  page.on('console', (m) => consoleLog.push(`[${ctxName}] console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLog.push(`[${ctxName}] pageerror: ${e.stack || e.message}`));
  page.on('requestfailed', (r) => consoleLog.push(`[${ctxName}] requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleLog.push(`[${ctxName}] http ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  pages[ctxName] = page;
  return page;
}

async function shot(page, step) {
  shotNo += 1;
  const file = path.join(shotDir, `${String(shotNo).padStart(2, '0')}-${step}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`✓ ${step}`);
}

const byId = (page, id) => page.getByTestId(id);

/** Waits until the page has left `pathname` (client-side navigation included). */
async function waitLeft(page, pathname) {
  await page.waitForFunction((p) => window.location.pathname !== p, pathname);
}

async function expectVisible(page, id, what) {
  try {
    await byId(page, id).first().waitFor({ state: 'visible' });
  } catch (e) {
    throw new Error(`${what}: [data-testid=${id}] did not become visible (at ${page.url()}): ${e.message.split('\n')[0]}`);
  }
}

async function expectCount(locator, n, what) {
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  let c = -1;
  while (Date.now() < deadline) {
    c = await locator.count();
    if (c === n) return;
    await sleep(200);
  }
  throw new Error(`${what}: expected ${n}, found ${c}`);
}

/** A session row is the current one when it says so: data-current="true" or a "current" badge. */
async function isCurrentRow(row) {
  const attr = await row.getAttribute('data-current');
  if (attr !== null) return attr === 'true';
  const text = (await row.innerText()).toLowerCase();
  return /текущ|this device|current/.test(text);
}

/** The data-session-id of every listed session. */
function sessionIds(page) {
  return page.evaluate((id) => [...document.querySelectorAll(`[data-testid="${id}"]`)]
    .map((r) => r.getAttribute('data-session-id')), T.sessionRow);
}

/** Exactly one of the rows is the current session. */
async function expectOneCurrent(rows, what) {
  const n = await rows.count();
  let current = 0;
  for (let i = 0; i < n; i += 1) if (await isCurrentRow(rows.nth(i))) current += 1;
  if (current !== 1) throw new Error(`${what}: ${current} of ${n} session rows are marked current, expected exactly 1`);
}

async function login(page, who, what) {
  await page.goto(ROUTES.login);
  await expectVisible(page, T.loginInput, `${what}: login form`);
  await byId(page, T.loginInput).fill(who.login);
  await byId(page, T.passwordInput).fill(who.password);
  await byId(page, T.loginSubmit).click();
  await expectVisible(page, T.logout, `${what}: signed-in page after login`);
}

/** The sessions page's counter says `n` (data-count), when the page has one. */
async function expectSessionCount(page, n) {
  const el = byId(page, T.sessionsCount);
  if ((await el.count()) === 0) return;
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  let c = null;
  while (Date.now() < deadline) {
    c = await el.first().getAttribute('data-count');
    if (c === String(n)) return;
    await sleep(200);
  }
  throw new Error(`sessions counter says ${c}, expected ${n}`);
}

/** The login button is labelled in `lang`: the locale file's text, or at least the right script. */
async function expectLabel(page, lang, when) {
  const want = LOGIN_SUBMIT[lang];
  const ok = (t) => (want ? t.trim() === want : lang === 'ru' ? /[\u0400-\u04FF]/.test(t) : /^[\x20-\x7E]+$/.test(t.trim()));
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  let text = '';
  while (Date.now() < deadline) {
    text = await byId(page, T.loginSubmit).innerText();
    if (ok(text)) {
      const pressed = await byId(page, lang === 'ru' ? T.langRu : T.langEn).getAttribute('aria-pressed');
      if (pressed === null || pressed === 'true') {
        log(`login button ${when}: «${text.trim()}»`);
        return;
      }
    }
    await sleep(200);
  }
  throw new Error(`login button ${when} reads «${text}», expected ${want ? `«${want}»` : `${lang} text`} (and lang-${lang} pressed)`);
}

// ---- the scenario ---------------------------------------------------------------------------

let base = '';

async function scenario() {
  // Only this script's own files are removed from the folder.
  mkdirSync(shotDir, { recursive: true });
  for (const f of readdirSync(shotDir)) {
    if (/^(\d\d-.*|failure-.*)\.png$|^server\.log$/.test(f)) rmSync(path.join(shotDir, f), { force: true });
  }

  const dbUrl = prepareDatabase();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = serverEnv(`127.0.0.1:${port}`, dbUrl);
  log(`server ${serverBin} on ${base}, database ${dbUrl.replace(/\/\/[^@/]*@/, '//…@')}`);
  startServer(env);
  await waitReady(base);

  createSuperadmin(env);
  const tok = await api(base, 'POST', '/api/v1/auth/login', { body: SUPERADMIN });
  if (!tok?.access_token) throw new Error(`login answered without access_token: ${JSON.stringify(tok)}`);
  const created = await api(base, 'POST', '/api/v1/schools', {
    token: tok.access_token,
    expect: [201],
    body: {
      name: SCHOOL_NAME,
      time_zone: 'Europe/Moscow',
      first_admin: { last_name: 'Петрова', first_name: 'Анна', middle_name: 'Сергеевна' },
    },
  });
  const code = created?.admin_invite?.code;
  if (!code) throw new Error(`POST /api/v1/schools answered without admin_invite.code: ${JSON.stringify(created)}`);
  log(`school ${created.school?.id} created, admin invite ${code}`);

  browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: !opts.headed,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });

  // 1. Register with the invite code.
  const p1 = await newPage('first');
  await p1.goto(ROUTES.register);
  await expectVisible(p1, T.inviteCode, 'register page');
  await shot(p1, 'register-page');

  await byId(p1, T.inviteCode).fill(code);
  await byId(p1, T.inviteCheck).click();
  await expectVisible(p1, T.invitePreview, 'invite preview');
  const school = await byId(p1, T.inviteSchool).innerText();
  if (!school.includes(SCHOOL_NAME)) throw new Error(`invite preview shows school «${school}», expected «${SCHOOL_NAME}»`);
  const role = await byId(p1, T.inviteRole).getAttribute('data-role');
  if (role !== 'admin') throw new Error(`invite preview shows role ${role}, expected admin`);
  await expectVisible(p1, T.registerLogin, 'invite preview: registration form');
  await shot(p1, 'invite-preview');

  await byId(p1, T.registerLogin).fill(ADMIN.login);
  await byId(p1, T.registerPassword).fill(ADMIN.password);
  await byId(p1, T.registerPassword2).fill(ADMIN.password);
  await shot(p1, 'register-filled');
  await byId(p1, T.registerSubmit).click();
  await expectVisible(p1, T.homePage, 'home page after registration (auto-login)');
  await waitLeft(p1, ROUTES.register);
  const who = (await byId(p1, T.whoami).innerText()).trim();
  if (who !== ADMIN.login) throw new Error(`signed in as «${who}», expected «${ADMIN.login}»`);
  await byId(p1, T.membershipRoles).first().waitFor({ state: 'visible' });
  const roles = (await byId(p1, T.membershipRoles).first().getAttribute('data-roles')) || '';
  if (!roles.split(' ').includes('admin')) throw new Error(`home page lists roles «${roles}», expected admin`);
  await shot(p1, 'home-after-register');

  // 2. My sessions: one, the current one.
  await byId(p1, T.navSessions).click();
  await expectVisible(p1, T.sessionsList, 'sessions page');
  const rows = byId(p1, T.sessionRow);
  await rows.first().waitFor({ state: 'visible' });
  const n0 = await rows.count();
  await expectSessionCount(p1, n0);
  await expectOneCurrent(rows, 'sessions after registering');
  const idsBefore = await sessionIds(p1);
  await shot(p1, 'sessions-one');

  // 3. A second session from another browser, then revoke it from the first.
  const p2 = await newPage('second');
  await login(p2, ADMIN, 'second browser');
  await shot(p2, 'second-browser-signed-in');

  await p1.reload();
  await expectVisible(p1, T.sessionsList, 'sessions page (reloaded)');
  await expectCount(rows, n0 + 1, 'sessions after the second login');
  await expectSessionCount(p1, n0 + 1);
  await expectOneCurrent(rows, 'sessions after the second login');
  await shot(p1, 'sessions-two');
  // The second browser's session is the row whose id was not listed before.
  const fresh = (await sessionIds(p1)).filter((id) => !idsBefore.includes(id));
  if (fresh.length !== 1) throw new Error(`expected one new session row, found ${fresh.length}: ${fresh.join(', ')}`);
  const otherId = fresh[0];
  const other = p1.locator(`[data-testid="${T.sessionRow}"][data-session-id="${otherId}"]`);
  if (await isCurrentRow(other)) throw new Error('the second browser\'s session is marked current in the first browser');
  await other.getByTestId(T.revokeSession).click();
  await expectCount(rows, n0, 'sessions after revoking the other one');
  await expectSessionCount(p1, n0);
  await expectOneCurrent(rows, 'sessions after revoking the other one');
  if ((await sessionIds(p1)).includes(otherId)) throw new Error(`the revoked session ${otherId} is still listed`);
  await shot(p1, 'sessions-revoked');

  // The revoked browser can no longer refresh its access token.
  const refreshStatus = await p2.evaluate(async () => {
    const r = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' });
    return r.status;
  });
  if (refreshStatus !== 401) throw new Error(`POST /api/v1/auth/refresh from the revoked browser → ${refreshStatus}, expected 401`);
  await p2.reload();
  await expectVisible(p2, T.loginInput, 'revoked browser after reload shows the login form');
  await shot(p2, 'second-browser-revoked');

  // 4. English once, then back to Russian.
  await expectLabel(p2, 'ru', 'by default');
  await byId(p2, T.langEn).click();
  await expectLabel(p2, 'en', 'after choosing English');
  await shot(p2, 'login-english');
  await byId(p2, T.langRu).click();
  await expectLabel(p2, 'ru', 'after choosing Russian again');

  // 5. Log out, see the login form, log in again with the new credentials.
  await byId(p1, T.logout).first().click();
  await expectVisible(p1, T.loginInput, 'after logout');
  await shot(p1, 'logged-out');
  await login(p1, ADMIN, 'login again');
  await shot(p1, 'home-after-login');
  await p1.goto(ROUTES.sessions);
  await expectVisible(p1, T.sessionsList, 'sessions page after the new login');
  await rows.first().waitFor({ state: 'visible' });
  await expectOneCurrent(rows, 'sessions after logout and a new login');
  await shot(p1, 'sessions-final');
}

// ---- main -----------------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  try { if (browser) await browser.close(); } catch { /* ignore */ }
  await stopServer();
  if (createdDb) {
    try {
      psql(createdDb.admin, `DROP DATABASE IF EXISTS ${createdDb.name} WITH (FORCE)`);
    } catch (e) {
      console.error(`e2e[${kind}]: could not drop ${createdDb.name}: ${e.message}`);
    }
  }
  if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
  else log(`kept ${tmp}`);
}

async function report(err) {
  console.error(`\ne2e[${kind}]: FAILED: ${err?.stack || err}`);
  for (const [name, page] of Object.entries(pages)) {
    try {
      const file = path.join(shotDir, `failure-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.error(`e2e[${kind}]: ${name} page at ${page.url()}, screenshot ${file}`);
    } catch { /* page gone */ }
  }
  if (consoleLog.length) {
    console.error(`\n---- browser console (${consoleLog.length} lines) ----`);
    console.error(consoleLog.join('\n'));
  }
  try {
    const lines = readFileSync(serverLogPath, 'utf8').trimEnd().split('\n');
    console.error(`\n---- server log, last ${Math.min(lines.length, 80)} of ${lines.length} lines (${serverLogPath}) ----`);
    console.error(lines.slice(-80).join('\n'));
  } catch { /* no log */ }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}

const watchdog = setTimeout(async () => {
  await report(new Error(`the whole run took longer than ${WHOLE_RUN_TIMEOUT_MS / 1000} s`));
  await cleanup();
  process.exit(1);
}, WHOLE_RUN_TIMEOUT_MS);

let failed = false;
try {
  await scenario();
  // A panic in the wasm module shows up as a page error even when the flow went on.
  const pageErrors = consoleLog.filter((l) => l.includes('] pageerror: '));
  if (pageErrors.length) throw new Error(`the pages reported ${pageErrors.length} uncaught error(s):\n${pageErrors.join('\n')}`);
  if (opts.verbose) console.log(consoleLog.join('\n'));
  log(`passed; screenshots in ${shotDir}`);
} catch (err) {
  failed = true;
  await report(err);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
console.log(`e2e: ${failed ? '0 passed, 1 failed' : '1 passed, 0 failed'}`);
process.exit(failed ? 1 : 0);
