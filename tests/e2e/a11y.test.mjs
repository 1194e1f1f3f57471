// Accessibility, end to end: axe-core (WCAG 2.0 A and AA, 2.1 AA) on every page of the
// extension in each of its states, in English and in Simplified Chinese, each in the light and
// the dark color scheme; no violation is allowed. One browser per language (its UI language is
// fixed at launch, and the zh-CN run asserts that Chromium really runs in Chinese: Debian's
// Chromium needs chromium-l10n for that, installed by scripts/tools.sh), the color scheme
// switched per page with emulateMedia. States, in the order a person meets them:
//   options: setup (no vault; then with an error shown), accounts, the account editor, locked
//   popup: locked, the composer with an account (schedule box open), sent; the composer window
//   queue.html with a scheduled post
// axe is injected by evaluating its source in the page (the pages' CSP refuses inline
// <script> tags, page.evaluate is not subject to it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { accountByUsername } from '../sandbox/accounts.mjs';
import { sandbox, launch, freshProfile, removeProfile, ask, keysOf, PASSPHRASES } from './harness.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const SCHEMES = ['light', 'dark'];
// A passphrase the final profile scan (tests/e2e-final) looks for.
const PASSPHRASE = PASSPHRASES.popup;

const message = (lang, key) => {
  for (const file of ['core', 'options', 'popup', 'compose', 'schedule']) {
    const m = JSON.parse(readFileSync(`extension/_locales/${lang}/${file}.json`, 'utf8'))[key]?.message;
    if (m) return m;
  }
  throw new Error(`no ${lang} message ${key}`);
};

let sb;
const profiles = [];
const browsers = [];

before(async () => {
  sb = await sandbox();
});

after(async () => {
  for (const b of browsers) await b.context.close().catch(() => {});
  await sb?.close();
  for (const p of profiles) removeProfile(p);
});

// Runs axe on the page in both color schemes; returns one readable line per violation node.
async function audit(page, state) {
  const found = [];
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    // Let the new colours apply before axe reads computed styles.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    if (!(await page.evaluate(() => typeof globalThis.axe === 'object'))) await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async (tags) => {
      // @ts-ignore: axe is the global the injected source defines
      const result = await globalThis.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      }));
    }, TAGS);
    for (const v of violations) {
      for (const n of v.nodes) {
        found.push(`${state} [${colorScheme}] ${v.id} (${v.impact}): ${v.help}\n      at ${n.target}\n      ${String(n.summary).replace(/\n/g, '\n      ')}`);
      }
    }
  }
  return found;
}

// One language: the whole walk through the pages, every state audited in both schemes.
async function walk(t, lang) {
  const profile = freshProfile();
  profiles.push(profile);
  const browser = await launch(profile, { lang });
  browsers.push(browser);
  const locale = lang === 'en-US' ? 'en' : 'zh_CN';
  const problems = [];
  const check = async (page, state) => {
    const found = await audit(page, state);
    problems.push(...found);
    await t.test(`${state}: no axe violation (light and dark)`, () => {
      assert.deepEqual(found, [], `axe violations:\n  ${found.join('\n  ')}`);
    });
  };

  // Setup: the options page opens by itself on install.
  const options = browser.firstRunPage ?? await browser.context.newPage();
  options.setDefaultTimeout(15_000);
  if (!browser.firstRunPage) await options.goto(browser.url('options.html'));
  await options.locator('#setup').waitFor({ state: 'visible' });
  // The page really runs in this language, so the two runs are not English twice.
  const uiLanguage = await options.evaluate(() => chrome.i18n.getUILanguage());
  assert.equal(uiLanguage, lang, `Chromium runs in ${uiLanguage}, not ${lang}: is Debian's chromium-l10n installed? (scripts/tools.sh)`);
  assert.equal((await options.locator('#setup-heading').textContent()).trim(), message(locale, 'setupHeading'));
  await check(options, 'options: setup');
  // An error shown: the passphrase refused (the error colour on the page's background).
  await options.locator('#setup-form button[type=submit]').click();
  await options.locator('#setup-error').waitFor({ state: 'visible' });
  await check(options, 'options: setup with an error');

  // A vault with one account: the accounts list.
  assert.ok((await ask(options, 'vault_create', { passphrase: PASSPHRASE })).ok);
  const added = await ask(options, 'account_add', { label: '', keys: keysOf(accountByUsername('keypost_demo')), premium: false });
  assert.ok(added.ok, JSON.stringify(added.error));
  await options.reload();
  await options.locator('#account-list li.account').first().waitFor({ state: 'visible' });
  await options.locator('#settings').waitFor({ state: 'visible' });
  await check(options, 'options: accounts');

  // The account editor.
  await options.locator('#add-account').click();
  await options.locator('#account-editor').waitFor({ state: 'visible' });
  await check(options, 'options: account editor');

  // A scheduled post, shown in the queue view.
  const due = Date.now() + 3_600_000;
  const scheduled = await ask(options, 'schedule_add', {
    account_id: added.ok.account.id, posts: [{ text: 'a11y: a post for later', media: [] }], due_at_ms: due,
  });
  assert.ok(scheduled.ok, JSON.stringify(scheduled.error));
  const queue = await browser.context.newPage();
  queue.setDefaultTimeout(15_000);
  await queue.goto(browser.url('queue.html'));
  await queue.locator(`#upcoming li.item[data-id="${scheduled.ok.id}"]`).waitFor();
  await check(queue, 'queue: a scheduled post');

  // The popup, unlocked: the composer with the account, its schedule box open.
  const popup = await browser.context.newPage();
  popup.setDefaultTimeout(15_000);
  await popup.setViewportSize({ width: 420, height: 900 });
  await popup.goto(browser.url('popup.html'));
  await popup.locator('#text-0').waitFor();
  await popup.fill('#text-0', 'Checking the composer with axe');
  await popup.locator('#schedule-box summary').click();
  await popup.locator('#schedule-at').waitFor({ state: 'visible' });
  await check(popup, 'popup: composer');
  await popup.locator('#tab-sent').click();
  await popup.locator('#sent').waitFor({ state: 'visible' });
  await check(popup, 'popup: sent');

  // The composer window (opened instead of the popup where Chrome cannot show one).
  const win = await browser.context.newPage();
  win.setDefaultTimeout(15_000);
  await win.setViewportSize({ width: 460, height: 680 });
  await win.goto(browser.url('popup.html?window=1'));
  await win.locator('#text-0').waitFor();
  await check(win, 'composer window');

  // Locked: the popup and the options page each ask for the passphrase.
  assert.equal((await ask(options, 'vault_lock')).ok.unlocked, false);
  await popup.reload();
  await popup.locator('#unlock').waitFor({ state: 'visible' });
  await check(popup, 'popup: locked');
  await options.reload();
  await options.locator('#unlock').waitFor({ state: 'visible' });
  await check(options, 'options: locked');

  for (const p of [queue, popup, win]) await p.close();
  return problems;
}

test('axe finds no violation in English, light and dark', async (t) => {
  const started = Date.now();
  await walk(t, 'en-US');
  console.log(`English: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('axe finds no violation in Simplified Chinese, light and dark', async (t) => {
  const started = Date.now();
  await walk(t, 'zh-CN');
  console.log(`Simplified Chinese: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
