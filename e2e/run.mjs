#!/usr/bin/env node
// Browser end-to-end test of Otmetka: one school admin's first day, in headless Debian Chromium.
//
//   node e2e/run.mjs --server target/debug/otmetka --db sqlite|postgres|URL \
//                    --screenshots target/e2e/sqlite [--static-dir frontend/dist] [--keep] [--verbose] [--headed]
//
// (the options are described in e2e/lib.mjs).
//
// The script starts `otmetka serve` on a free loopback port with a temporary data dir, creates a
// superadmin with `otmetka create-superadmin`, creates a school through the API and takes the first
// admin's invite code. Then, in the browser (locale ru-RU): registers with the code, lands on the
// home page, sees its session, logs in from a second browser context, revokes that session from
// the first, switches the language to English and back, logs out and logs in again.
// Every step leaves a screenshot NN-step.png in the screenshot folder; on failure the pages'
// console logs and the server's log are printed, and the exit code is 1. The server is always
// stopped, the temporary folder removed (unless --keep) and a created database dropped.
// The run's machinery (options, database, server, browser, screenshots, report) is e2e/lib.mjs;
// e2e/timetable.mjs is the second scenario, e2e/journal.mjs the third.

import { readFileSync } from 'node:fs';
import {
  ACTION_TIMEOUT_MS, E2E, REGISTER, byId, expectCount, expectVisible, signIn, sleep, until,
  waitLeft,
} from './lib.mjs';

const e = new E2E({ tag: 'e2e' });
const log = (...args) => e.log(...args);

/** Test ids (frontend/TESTIDS.md). */
const T = {
  ...REGISTER,
  loginSubmit: 'login-submit',
  membershipRoles: 'membership-roles',
  navSessions: 'nav-sessions',
  sessionsList: 'sessions-list',
  sessionsCount: 'sessions-count',
  sessionRow: 'session-row',
  revokeSession: 'revoke-session',
  revokeOthers: 'revoke-others',
  loginInput: 'login-input',
  logout: 'logout',
  langEn: 'lang-en',
  langRu: 'lang-ru',
};

/** SPA routes. */
const ROUTES = { register: '/register', sessions: '/sessions' };

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

// ---- helpers of this scenario ---------------------------------------------------------------

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

/** The sessions page's counter says `n` (data-count), when the page has one. */
async function expectSessionCount(page, n) {
  const el = byId(page, T.sessionsCount);
  if ((await el.count()) === 0) return;
  await until(() => el.first().getAttribute('data-count'), (c) => c === String(n),
    'sessions counter', (c) => `says ${c}, expected ${n}`);
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

await e.run(async () => {
  await e.startServer();

  const created = await e.createSchool(SUPERADMIN, {
    name: SCHOOL_NAME,
    firstAdmin: { last_name: 'Петрова', first_name: 'Анна', middle_name: 'Сергеевна' },
  });
  const code = created.admin_invite.code;
  log(`school ${created.school?.id} created, admin invite ${code}`);

  // 1. Register with the invite code.
  const p1 = await e.newPage('first');
  await p1.goto(ROUTES.register);
  await expectVisible(p1, T.inviteCode, 'register page');
  await e.shot(p1, 'register-page');

  await byId(p1, T.inviteCode).fill(code);
  await byId(p1, T.inviteCheck).click();
  await expectVisible(p1, T.invitePreview, 'invite preview');
  const school = await byId(p1, T.inviteSchool).innerText();
  if (!school.includes(SCHOOL_NAME)) throw new Error(`invite preview shows school «${school}», expected «${SCHOOL_NAME}»`);
  const role = await byId(p1, T.inviteRole).getAttribute('data-role');
  if (role !== 'admin') throw new Error(`invite preview shows role ${role}, expected admin`);
  await expectVisible(p1, T.registerLogin, 'invite preview: registration form');
  await e.shot(p1, 'invite-preview');

  await byId(p1, T.registerLogin).fill(ADMIN.login);
  await byId(p1, T.registerPassword).fill(ADMIN.password);
  await byId(p1, T.registerPassword2).fill(ADMIN.password);
  await e.shot(p1, 'register-filled');
  await byId(p1, T.registerSubmit).click();
  await expectVisible(p1, T.homePage, 'home page after registration (auto-login)');
  await waitLeft(p1, ROUTES.register);
  const who = (await byId(p1, T.whoami).innerText()).trim();
  if (who !== ADMIN.login) throw new Error(`signed in as «${who}», expected «${ADMIN.login}»`);
  await byId(p1, T.membershipRoles).first().waitFor({ state: 'visible' });
  const roles = (await byId(p1, T.membershipRoles).first().getAttribute('data-roles')) || '';
  if (!roles.split(' ').includes('admin')) throw new Error(`home page lists roles «${roles}», expected admin`);
  await e.shot(p1, 'home-after-register');

  // 2. My sessions: one, the current one.
  await byId(p1, T.navSessions).click();
  await expectVisible(p1, T.sessionsList, 'sessions page');
  const rows = byId(p1, T.sessionRow);
  await rows.first().waitFor({ state: 'visible' });
  const n0 = await rows.count();
  await expectSessionCount(p1, n0);
  await expectOneCurrent(rows, 'sessions after registering');
  const idsBefore = await sessionIds(p1);
  await e.shot(p1, 'sessions-one');

  // 3. A second session from another browser, then revoke it from the first.
  const p2 = await e.newPage('second');
  await signIn(p2, ADMIN, 'second browser');
  await e.shot(p2, 'second-browser-signed-in');

  await p1.reload();
  await expectVisible(p1, T.sessionsList, 'sessions page (reloaded)');
  await expectCount(rows, n0 + 1, 'sessions after the second login');
  await expectSessionCount(p1, n0 + 1);
  await expectOneCurrent(rows, 'sessions after the second login');
  await e.shot(p1, 'sessions-two');
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
  await e.shot(p1, 'sessions-revoked');

  // The revoked browser can no longer refresh its access token.
  const refreshStatus = await p2.evaluate(async () => {
    const r = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' });
    return r.status;
  });
  if (refreshStatus !== 401) throw new Error(`POST /api/v1/auth/refresh from the revoked browser → ${refreshStatus}, expected 401`);
  await p2.reload();
  await expectVisible(p2, T.loginInput, 'revoked browser after reload shows the login form');
  await e.shot(p2, 'second-browser-revoked');

  // 4. English once, then back to Russian.
  await expectLabel(p2, 'ru', 'by default');
  await byId(p2, T.langEn).click();
  await expectLabel(p2, 'en', 'after choosing English');
  await e.shot(p2, 'login-english');
  await byId(p2, T.langRu).click();
  await expectLabel(p2, 'ru', 'after choosing Russian again');

  // 5. Log out, see the login form, log in again with the new credentials.
  await byId(p1, T.logout).first().click();
  await expectVisible(p1, T.loginInput, 'after logout');
  await e.shot(p1, 'logged-out');
  await signIn(p1, ADMIN, 'login again');
  await e.shot(p1, 'home-after-login');
  await p1.goto(ROUTES.sessions);
  await expectVisible(p1, T.sessionsList, 'sessions page after the new login');
  await rows.first().waitFor({ state: 'visible' });
  await expectOneCurrent(rows, 'sessions after logout and a new login');
  await e.shot(p1, 'sessions-final');
});
