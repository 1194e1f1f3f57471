// The vault and the accounts, end to end, through the real options page as a person uses it:
// first-run setup, adding and diagnosing accounts against the X sandbox, lock and unlock, a
// stopped service worker, auto-lock, a browser restart, a passphrase change, backups into a
// fresh profile, the upgrade of an older record's KDF parameters; and at the end, a scan of
// every byte of every profile directory used for any key or passphrase.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountByUsername } from '../sandbox/accounts.mjs';
import {
  sandbox, launch, freshProfile, removeProfile, ask, stopWorkers, currentWorker, scanForSecrets,
} from './harness.mjs';

// The strings a person reads, from the English locale the test browser runs in.
const EN = {
  ...JSON.parse(readFileSync('extension/_locales/en/core.json', 'utf8')),
  ...JSON.parse(readFileSync('extension/_locales/en/options.json', 'utf8')),
  ...JSON.parse(readFileSync('extension/_locales/en/vault.json', 'utf8')),
};
function msg(key, args = []) {
  const m = EN[key]?.message;
  assert.ok(m, `no English text for ${key}`);
  return m.replace(/\$(\d)/g, (_, n) => args[Number(n) - 1] ?? '');
}

const PASS1 = 'maple orbit candle frost quiver';
const PASS2 = 'lantern harbour velvet thistle 88';
const WRONG_PASS = 'definitely not the passphrase 42';
// tests/data/vault-v1.json: made once with KdfParams::OWASP_MIN (19456 KiB, t=2, p=1) and this
// passphrase (see tests/keypost/vault.rs, FROZEN_PASSPHRASE). Its account holds these four keys.
const FROZEN_PASS = 'Frozen fixture: caf\u00e9 2026, never regenerate';
const FROZEN_KEYS = {
  api_key: 'xvz1evFS4wEEPTGEFPHBog',
  api_secret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
  access_token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
  access_token_secret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
};
// The parameters this build gives new and upgraded records (TARGET_KDF in msg_vault.rs).
const TARGET_KDF = { m: 47104, t: 3, p: 1 };

const keysOf = (a) => ({
  api_key: a.apiKey, api_secret: a.apiSecret,
  access_token: a.accessToken, access_token_secret: a.accessTokenSecret,
});
const demo = accountByUsername('keypost_demo');
const second = accountByUsername('keypost_second');
const readonly = accountByUsername('keypost_readonly');
const nocredits = accountByUsername('keypost_nocredits');
const unenrolled = accountByUsername('keypost_unenrolled');
const WRONG_SECRET = `${demo.apiSecret.slice(0, -6)}Zz9Qx7`;
const WRONG_TOKEN_SECRET = `${demo.accessTokenSecret.slice(0, -6)}Qq3Ww1`;

// Everything that must never reach the disk, whatever happened in between.
const SECRETS = [
  ...[demo, second, readonly, nocredits, unenrolled].flatMap((a) => Object.values(keysOf(a))),
  ...Object.values(FROZEN_KEYS),
  WRONG_SECRET, WRONG_TOKEN_SECRET,
  PASS1, PASS2, WRONG_PASS, FROZEN_PASS,
];

const FIELD_LABELS = {
  api_key: 'API Key', api_secret: 'API Secret',
  access_token: 'Access Token', access_token_secret: 'Access Token Secret',
};

let sb;
const profiles = [];
const work = mkdtempSync(join(tmpdir(), 'keypost-vault-e2e-'));
let A; // the browser in use: {context, worker, extensionId, url}
const browsers = []; // every browser launched, closed at the end whatever happened
let page; // its options page
let backupPath;

before(async () => {
  sb = await sandbox();
});

async function start(profile) {
  const browser = await launch(profile);
  browsers.push(browser);
  return browser;
}

after(async () => {
  for (const b of browsers) await b.context.close().catch(() => {});
  await sb?.close();
  for (const p of profiles) removeProfile(p);
  rmSync(work, { recursive: true, force: true });
});

// ----- helpers -----

// The options tab Chrome opened by itself on install.
async function optionsTabOpenedOnInstall(browser, waitMs = 15_000) {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const tab = browser.context.pages().find((p) => p.url() === browser.url('options.html'));
    if (tab) return tab;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

const section = (id) => page.locator(`#${id}`);
const visible = (locator) => locator.waitFor({ state: 'visible' });
const hidden = (locator) => locator.waitFor({ state: 'hidden' });
const text = async (locator) => (await locator.textContent()).trim();

async function accountHandles() {
  return page.locator('#account-list li.account .handle').allTextContents();
}
function accountItem(username) {
  return page.locator('#account-list li.account', { has: page.locator('.handle', { hasText: `@${username}` }) });
}
async function requestCount() {
  // X's API traffic only, not the avatars the page fetches whenever it redraws.
  const log = await (await fetch(`${sb.url}/__sandbox/requests`)).json();
  return log.filter((r) => r.path.startsWith('/2/')).length;
}

// Fills the account form; a field given as undefined is left empty.
async function fillAccount(keys, label) {
  const editor = section('account-editor');
  await visible(editor);
  if (label !== undefined) await editor.getByLabel('Label (optional)').fill(label);
  for (const [field, name] of Object.entries(FIELD_LABELS)) {
    await editor.getByLabel(name, { exact: true }).fill(keys[field] ?? '');
  }
}

// Submits the account form with Enter and waits until the core has answered.
async function submitAccount() {
  const editor = section('account-editor');
  await editor.getByLabel('Access Token Secret', { exact: true }).press('Enter');
  await page.waitForFunction(() => {
    const b = document.getElementById('account-save');
    return !b.disabled && document.getElementById('account-progress').hidden;
  });
}

// A refusal from the account form: the message shown, and proof that nothing changed.
async function expectRefusal({ keys, before, fieldErrors = {}, error, reachesX }) {
  const sent = await requestCount();
  await fillAccount(keys);
  await submitAccount();
  const shown = await text(section('account-error'));
  assert.ok(shown.includes(error), `expected "${error}" in "${shown}"`);
  for (const [field, expected] of Object.entries(fieldErrors)) {
    const el = page.locator(`#err-${field}`);
    await visible(el);
    assert.equal(await text(el), expected);
    assert.equal(await page.locator(`#acc-${field}`).getAttribute('aria-invalid'), 'true');
  }
  // A form problem is caught before any request; an X refusal costs exactly one.
  assert.equal(await requestCount() - sent, reachesX ? 1 : 0);
  assert.deepEqual(await accountHandles(), before);
  const status = await ask(page, 'vault_status');
  assert.deepEqual(status.ok.accounts.map((a) => a.user?.username), before.map((h) => h.slice(1)));
}

async function unlockWith(passphrase) {
  const form = section('unlock');
  await visible(form);
  await form.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await form.getByLabel('Passphrase', { exact: true }).press('Enter');
}

async function worker(browser) {
  await ask(page, 'status'); // wakes a stopped worker
  return currentWorker(browser.context);
}

// ----- the tests, in the order a person meets these screens -----

test('first run: the options page opens by itself on install and asks for a passphrase', async () => {
  const profile = freshProfile();
  profiles.push(profile);
  A = await start(profile);
  page = await optionsTabOpenedOnInstall(A);
  assert.ok(page, 'no options tab appeared after installing');
  page.setDefaultTimeout(10_000);
  await visible(section('setup'));
  assert.equal(await section('unlock').isVisible(), false);
  assert.equal(await section('accounts').isVisible(), false);
  // The two-sentence explanation of where the keys come from comes with the account form.
  assert.ok((await text(section('setup'))).includes(msg('setupIntro')));
});

test('setup refuses an empty and a mismatched passphrase, shows strength, then creates the vault', async () => {
  const setup = section('setup');
  const pass = setup.getByLabel('Passphrase', { exact: true });
  const confirm = setup.getByLabel('Type the passphrase again', { exact: true });
  const create = setup.getByRole('button', { name: 'Create the encrypted vault' });
  // Secrets are masked, with a labelled show toggle.
  assert.equal(await pass.getAttribute('type'), 'password');
  assert.equal(await confirm.getAttribute('type'), 'password');

  await create.click();
  assert.equal(await text(page.locator('#setup-error')), msg('err_empty_passphrase'));
  assert.equal((await ask(page, 'vault_status')).ok.exists, false);

  await pass.pressSequentially('1234');
  await page.locator('#setup-strength', { hasText: msg('strength0') }).waitFor();
  await pass.fill('');
  await pass.pressSequentially(PASS1);
  await page.locator('#setup-strength', { hasText: msg('strengthLabel', [msg('strength4')]) }).waitFor();
  assert.equal(await page.locator('#setup-meter').evaluate((m) => m.value), 4);

  await setup.getByRole('button', { name: 'Show Passphrase', exact: true }).click();
  assert.equal(await pass.getAttribute('type'), 'text');
  assert.equal(await page.locator('button.reveal[data-for="setup-pass"]').getAttribute('aria-pressed'), 'true');
  await setup.getByRole('button', { name: 'Hide Passphrase', exact: true }).click();
  assert.equal(await pass.getAttribute('type'), 'password');

  // The core's floor: a 4-character passphrase and password1234 are refused, with a message
  // saying how to make it stronger, and no vault is made.
  for (const [weak, code] of [['abcd', 'err_passphrase_too_short'], ['password1234', 'err_passphrase_too_weak']]) {
    await pass.fill(weak);
    await confirm.fill(weak);
    await confirm.press('Enter');
    await page.locator('#setup-error', { hasText: msg(code) }).waitFor();
    assert.equal((await ask(page, 'vault_status')).ok.exists, false);
  }
  // The page rates a passphrase with the core's pure function, without asking the worker.
  const rated = await page.evaluate(async () => {
    const core = await import(chrome.runtime.getURL('pkg/keypost.js'));
    await core.default({ module_or_path: chrome.runtime.getURL('pkg/keypost_bg.wasm') });
    return ['abcd', 'password1234', 'maple orbit candle frost quiver'].map((p) => core.passphrase_strength(p));
  });
  assert.deepEqual(rated.map((r) => [r.acceptable, r.refusal]), [
    [false, 'passphrase_too_short'],
    [false, 'passphrase_too_weak'],
    [true, null],
  ]);
  assert.equal(rated[1].hint, 'passphrase_common');
  await pass.fill(PASS1);

  await confirm.fill(`${PASS1}x`);
  await confirm.press('Enter');
  assert.equal(await text(page.locator('#setup-error')), msg('err_passphrase_mismatch'));
  assert.equal((await ask(page, 'vault_status')).ok.exists, false);

  await confirm.fill(PASS1);
  await confirm.press('Enter');
  // The first-account form follows at once, with the portal link and the two sentences.
  await visible(section('account-editor'));
  await hidden(section('setup'));
  assert.equal(await text(page.locator('#editor-heading')), msg('addAccount'));
  assert.ok((await text(section('account-editor'))).includes(msg('keysWhere')));
  const portal = section('account-editor').getByRole('link', { name: msg('keysPortal') });
  assert.match(await portal.getAttribute('href'), /^https:\/\/developer\.x\.com\//);
  assert.equal(await section('account-editor').getByRole('button', { name: 'Cancel' }).isVisible(), false);
  const status = (await ask(page, 'vault_status')).ok;
  assert.equal(status.exists && status.unlocked, true);
  const record = JSON.parse(await A.worker.evaluate(async () => (await chrome.storage.local.get('vault')).vault));
  assert.deepEqual(record.kdf, { alg: 'argon2id', ...TARGET_KDF });
});

test('add the first account: its avatar and @username appear, keys shown only masked', async () => {
  for (const [field] of Object.entries(FIELD_LABELS)) {
    assert.equal(await page.locator(`#acc-${field}`).getAttribute('type'), 'password');
  }
  await fillAccount(keysOf(demo), 'Main');
  await submitAccount();
  const item = accountItem('keypost_demo');
  await visible(item);
  assert.equal(await text(item.locator('.message')), msg('verifiedAs', ['keypost_demo']));
  assert.equal(await text(item.locator('.status')), msg('statusVerified'));
  assert.equal(await item.getAttribute('data-state'), 'verified');
  // The avatar is the one X reports, and it loaded.
  const avatar = item.locator('img.avatar');
  assert.equal(await avatar.getAttribute('src'), `${sb.url.replace(/\/$/, '')}/avatars/${demo.id}.png`);
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await avatar.elementHandle());
  // At most the first four characters of a key, and never a whole key, anywhere on the page.
  assert.ok((await text(item)).includes(msg('maskedKeys', [`${demo.apiKey.slice(0, 4)}…`, `${demo.accessToken.slice(0, 4)}…`])));
  // (The Access Token's first digits are the public user id, so look for the ends of keys.)
  const html = await page.content();
  for (const k of Object.values(keysOf(demo))) assert.ok(!html.includes(k.slice(-12)));
  // The form is closed and its fields emptied.
  await hidden(section('account-editor'));
  assert.equal(await page.locator('#acc-api_secret').inputValue(), '');
});

test('wrong input is refused with a message that says what to fix, and changes nothing', async () => {
  await page.getByRole('button', { name: 'Add an account' }).click();
  await visible(section('account-editor'));
  const before = ['@keypost_demo'];
  const s = keysOf(second);

  // A field left empty: named in the message.
  await expectRefusal({
    keys: { ...s, api_secret: undefined }, before,
    fieldErrors: { api_secret: msg('problem_missing', ['API Secret']) },
    error: msg('err_form_invalid'), reachesX: false,
  });
  // The Access Token pasted into the API Key field.
  await expectRefusal({
    keys: { ...s, api_key: s.access_token }, before,
    fieldErrors: { api_key: `${msg('problem_looks_like_access_token')} ${msg('problem_same_value', ['API Key', 'Access Token'])}` },
    error: msg('err_form_invalid'), reachesX: false,
  });
  // The same value in two fields.
  await expectRefusal({
    keys: { ...s, api_secret: s.api_key }, before,
    fieldErrors: { api_key: msg('problem_same_value', ['API Key', 'API Secret']) },
    error: msg('err_form_invalid'), reachesX: false,
  });
  // The API Key and its secret swapped: X says 401, and the page says which two to swap back.
  await expectRefusal({
    keys: { ...s, api_key: s.api_secret, api_secret: s.api_key }, before,
    error: `${msg('err_x_unauthorized')} ${msg('likely_api_key_secret_swapped')}`, reachesX: true,
  });
  // A wrong secret: X's 401, with what to re-check.
  await expectRefusal({ keys: { ...s, api_secret: WRONG_SECRET }, before, error: msg('err_x_unauthorized'), reachesX: true });
  assert.match(msg('err_x_unauthorized'), /Re-copy all four from the same app/);
  // The fields keep what was typed so it can be fixed, and the field marks clear on resubmit.
  assert.equal(await page.locator('#acc-api_secret').inputValue(), WRONG_SECRET);
  // "Show" reveals a key (it stays revealed until the form is saved; the profile scan at the
  // end proves that Chrome wrote it nowhere meanwhile).
  await section('account-editor').getByRole('button', { name: 'Show API Secret', exact: true }).click();
  assert.equal(await page.locator('#acc-api_secret').getAttribute('type'), 'text');
  assert.equal(await page.locator('#err-api_key').isVisible(), false);
});

test('keys pasted with spaces, tabs, newlines and quotes are trimmed and accepted', async () => {
  const s = keysOf(second);
  await fillAccount({
    api_key: `  ${s.api_key}\n`,
    api_secret: `"${s.api_secret}"`,
    access_token: `\t'${s.access_token}' `,
    access_token_secret: ` \u201c${s.access_token_secret}\u201d\r\n`,
  }, '');
  await submitAccount();
  await visible(accountItem('keypost_second'));
  assert.equal(await page.locator('#acc-api_secret').getAttribute('type'), 'password');
  assert.deepEqual(await accountHandles(), ['@keypost_demo', '@keypost_second']);
  // What was saved is the trimmed key: it verifies again through the Verify button.
  const item = accountItem('keypost_second');
  await item.getByRole('button', { name: 'Verify' }).click();
  await item.locator('.message', { hasText: msg('verifiedAs', ['keypost_second']) }).waitFor();
});

test('the second account becomes the default', async () => {
  const item = accountItem('keypost_second');
  assert.equal(await accountItem('keypost_demo').locator('.badge').textContent(), msg('defaultAccount'));
  await item.getByRole('button', { name: 'Make default' }).click();
  await visible(item.locator('.badge'));
  assert.equal(await accountItem('keypost_demo').locator('.badge').count(), 0);
  assert.equal(await accountItem('keypost_demo').getByRole('button', { name: 'Make default' }).count(), 1);
  const status = (await ask(page, 'vault_status')).ok;
  assert.equal(status.accounts.find((a) => a.is_default).user.username, 'keypost_second');
});

test('edit: a wrong Access Token Secret is refused (401) and the saved keys keep working; rotating back verifies', async () => {
  const item = accountItem('keypost_demo');
  await item.getByRole('button', { name: 'Edit' }).click();
  await visible(section('account-editor'));
  assert.equal(await text(page.locator('#editor-heading')), msg('editAccount', ['@keypost_demo']));
  assert.equal(await page.locator('#acc-label').inputValue(), 'Main');
  // Saved keys are never shown back, only their first four characters.
  assert.equal(await page.locator('#acc-api_key').inputValue(), '');
  assert.equal(await page.locator('#acc-api_key').getAttribute('placeholder'), msg('keepCurrent', [`${demo.apiKey.slice(0, 4)}…`]));
  const tokenSecret = section('account-editor').getByLabel('Access Token Secret', { exact: true });
  await tokenSecret.fill(WRONG_TOKEN_SECRET);
  await submitAccount();
  const shown = await text(section('account-error'));
  assert.ok(shown.startsWith(msg('err_x_unauthorized')), shown);
  assert.ok(shown.includes(msg('keysNotChanged', ['Access Token Secret'])), shown);
  await section('account-editor').getByRole('button', { name: 'Cancel' }).click();
  await hidden(section('account-editor'));
  // The saved keys still work.
  await item.getByRole('button', { name: 'Verify' }).click();
  await item.locator('.message', { hasText: msg('verifiedAs', ['keypost_demo']) }).waitFor();
  // Rotate back to the right value: verified with X again.
  const sent = await requestCount();
  await item.getByRole('button', { name: 'Edit' }).click();
  await tokenSecret.fill(demo.accessTokenSecret);
  await submitAccount();
  await item.locator('.message', { hasText: msg('verifiedAs', ['keypost_demo']) }).waitFor();
  assert.equal(await requestCount() - sent, 1);
  // A label change alone does not call X.
  await item.getByRole('button', { name: 'Edit' }).click();
  await page.locator('#acc-label').fill('Main account');
  await page.locator('#acc-label').press('Enter');
  await item.locator('.message', { hasText: msg('settingsSaved') }).waitFor();
  assert.equal(await requestCount() - sent, 1);
  assert.ok((await text(item.locator('strong'))).includes('Main account'));
});

test('a read-only token shows the read-only warning; no credits and not enrolled get their messages', async () => {
  await page.getByRole('button', { name: 'Add an account' }).click();
  await fillAccount(keysOf(readonly), '');
  await submitAccount();
  const item = accountItem('keypost_readonly');
  await visible(item);
  assert.equal(await text(item.locator('.message')), msg('warn_read_only'));
  assert.equal(await text(item.locator('.status')), msg('statusReadOnly'));
  assert.equal(await item.getAttribute('data-state'), 'read_only');

  const before = ['@keypost_demo', '@keypost_second', '@keypost_readonly'];
  await page.getByRole('button', { name: 'Add an account' }).click();
  await expectRefusal({ keys: keysOf(nocredits), before, error: msg('err_x_credits_depleted'), reachesX: true });
  await expectRefusal({ keys: keysOf(unenrolled), before, error: msg('err_x_client_not_enrolled'), reachesX: true });
  await section('account-editor').getByRole('button', { name: 'Cancel' }).click();
});

test('remove asks for confirmation; declining keeps the account', async () => {
  const item = accountItem('keypost_readonly');
  const dialogs = [];
  const answer = (accept) => page.once('dialog', async (d) => {
    dialogs.push(d.message());
    await (accept ? d.accept() : d.dismiss());
  });
  answer(false);
  await item.getByRole('button', { name: 'Remove' }).click();
  await page.waitForFunction(() => true); // the dialog was answered before the page ran on
  assert.deepEqual(dialogs, [msg('confirmRemove', ['@keypost_readonly'])]);
  assert.equal(await item.count(), 1);
  answer(true);
  await item.getByRole('button', { name: 'Remove' }).click();
  await hidden(item);
  assert.equal(dialogs.length, 2);
  assert.deepEqual(await accountHandles(), ['@keypost_demo', '@keypost_second']);
});

test('a wrong passphrase gives its message and stays locked; the right one unlocks', async () => {
  await page.getByRole('button', { name: 'Lock now' }).click();
  await visible(section('unlock'));
  assert.equal(await section('accounts').isVisible(), false);
  assert.equal((await ask(page, 'account_verify', { id: 'x' })).error.code, 'locked');
  await unlockWith(WRONG_PASS);
  await page.locator('#unlock-error', { hasText: msg('err_vault_wrong_passphrase') }).waitFor();
  assert.equal((await ask(page, 'vault_status')).ok.unlocked, false);
  assert.equal(await section('accounts').isVisible(), false);
  await unlockWith(PASS1);
  await visible(section('accounts'));
  assert.deepEqual(await accountHandles(), ['@keypost_demo', '@keypost_second']);
  assert.equal(await page.locator('#unlock-pass').inputValue(), '');
});

test('a stopped service worker keeps the session unlocked', async () => {
  // A mark in the worker's globals: a restarted worker starts without it.
  await (await worker(A)).evaluate(() => { globalThis.keypostTestMark = 1; });
  await stopWorkers(A.context, page);
  await page.reload();
  await visible(section('accounts'));
  assert.equal(await section('unlock').isVisible(), false);
  assert.deepEqual(await accountHandles(), ['@keypost_demo', '@keypost_second']);
  // The data key lives in storage.session; the passphrase is nowhere in it.
  const w = await worker(A);
  assert.equal(await w.evaluate(() => globalThis.keypostTestMark), undefined, 'the worker did not restart');
  const session = await w.evaluate(() => chrome.storage.session.get(null));
  assert.deepEqual(Object.keys(session).sort(), ['session', 'session_active', 'vault_state']);
  assert.deepEqual({ ...session.vault_state, rev: 0 }, { exists: true, unlocked: true, rev: 0 });
  assert.deepEqual(Object.keys(session.session), ['dek']);
  assert.ok(!JSON.stringify(session).includes(PASS1));
});

test('auto-lock: 5 minutes arms the alarm, an old session locks; "only on restart" has no alarm', async () => {
  await page.getByLabel('Lock automatically after inactivity').selectOption('5');
  await page.locator('#page-message', { hasText: msg('settingsSaved') }).waitFor();
  let w = await worker(A);
  const alarm = await w.evaluate(() => chrome.alarms.get('autolock'));
  const now = Date.now();
  assert.ok(alarm, 'no autolock alarm');
  assert.ok(alarm.scheduledTime > now + 4 * 60_000 && alarm.scheduledTime <= now + 5 * 60_000 + 1000,
    `alarm in ${Math.round((alarm.scheduledTime - now) / 1000)} s`);
  assert.equal((await ask(page, 'vault_status')).ok.settings.autolock, '5');

  // Six minutes without activity (the alarm may be late or lost: the next use still locks).
  await w.evaluate(async () => {
    const { session_active: last } = await chrome.storage.session.get('session_active');
    await chrome.storage.session.set({ session_active: Number(last) - 6 * 60_000 });
  });
  await page.reload();
  await visible(section('unlock'));
  assert.equal(await section('accounts').isVisible(), false);
  w = await worker(A);
  // Nothing of the session is left: only the record that tells the pages it is locked.
  const locked = await w.evaluate(() => chrome.storage.session.get(null));
  assert.deepEqual(Object.keys(locked), ['vault_state']);
  assert.deepEqual({ ...locked.vault_state, rev: 0 }, { exists: true, unlocked: false, rev: 0 });
  assert.equal(await w.evaluate(() => chrome.alarms.get('autolock')), undefined);

  await unlockWith(PASS1);
  await visible(section('accounts'));
  await page.getByLabel('Lock automatically after inactivity').selectOption('restart');
  await page.locator('#page-message', { hasText: msg('settingsSaved') }).waitFor();
  w = await worker(A);
  assert.equal(await w.evaluate(() => chrome.alarms.get('autolock')), undefined);
  assert.equal(await page.getByLabel('Lock automatically after inactivity').inputValue(), 'restart');
});

test('passphrase change: the old one stops working, the new one works, the accounts stay', async () => {
  const settings = section('settings');
  const w = await worker(A);
  const stored = async () => JSON.parse(await w.evaluate(async () => (await chrome.storage.local.get('vault')).vault));
  const before = await stored();
  // The floor applies to a change too: refused, with its message, and the record is untouched.
  for (const [weak, code] of [['abcd', 'err_passphrase_too_short'], ['password1234', 'err_passphrase_too_weak']]) {
    await settings.getByLabel('Current passphrase', { exact: true }).fill(PASS1);
    await settings.getByLabel('New passphrase', { exact: true }).fill(weak);
    await settings.getByLabel('Type the passphrase again', { exact: true }).fill(weak);
    await settings.getByLabel('Type the passphrase again', { exact: true }).press('Enter');
    await page.locator('#passphrase-error', { hasText: msg(code) }).waitFor();
    assert.deepEqual(await stored(), before);
  }
  await settings.getByLabel('Current passphrase', { exact: true }).fill(WRONG_PASS);
  await settings.getByLabel('New passphrase', { exact: true }).fill(PASS2);
  await settings.getByLabel('Type the passphrase again', { exact: true }).fill(`${PASS2}!`);
  await settings.getByLabel('Type the passphrase again', { exact: true }).press('Enter');
  assert.equal(await text(page.locator('#passphrase-error')), msg('err_passphrase_mismatch'));
  await settings.getByLabel('Type the passphrase again', { exact: true }).fill(PASS2);
  await settings.getByLabel('Type the passphrase again', { exact: true }).press('Enter');
  await page.locator('#passphrase-error', { hasText: msg('err_vault_wrong_passphrase') }).waitFor();
  await settings.getByLabel('Current passphrase', { exact: true }).fill(PASS1);
  await settings.getByLabel('Current passphrase', { exact: true }).press('Enter');
  await page.locator('#page-message', { hasText: msg('passphraseChanged') }).waitFor();
  assert.equal(await settings.getByLabel('New passphrase', { exact: true }).inputValue(), '');
  // A new data key: the wrapped key and the accounts ciphertext both changed, one generation on.
  const after = await stored();
  assert.equal(after.v, 2);
  assert.equal(after.gen, before.gen + 1);
  assert.notEqual(after.wrapped_dek.ct, before.wrapped_dek.ct);
  assert.notEqual(after.accounts.ct, before.accounts.ct);

  await page.getByRole('button', { name: 'Lock now' }).click();
  await unlockWith(PASS1);
  await page.locator('#unlock-error', { hasText: msg('err_vault_wrong_passphrase') }).waitFor();
  await unlockWith(PASS2);
  await visible(section('accounts'));
  assert.deepEqual(await accountHandles(), ['@keypost_demo', '@keypost_second']);
});

test('export: the backup file is the encrypted record', async () => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export an encrypted backup' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^keypost-vault-\d{4}-\d{2}-\d{2}\.json$/);
  backupPath = join(work, download.suggestedFilename());
  await download.saveAs(backupPath);
  const backup = readFileSync(backupPath, 'utf8');
  const record = JSON.parse(backup);
  assert.deepEqual(Object.keys(record).sort(), ['accounts', 'gen', 'kdf', 'salt', 'v', 'wrapped_dek']);
  assert.equal(record.v, 2);
  assert.deepEqual(record.kdf, { alg: 'argon2id', ...TARGET_KDF });
  for (const s of SECRETS) assert.ok(!backup.includes(s));
  await page.locator('#page-message', { hasText: msg('backupExported', [download.suggestedFilename()]) }).waitFor();
});

test('the settings show how much of the storage quota Keypost uses', async () => {
  const used = page.locator('#storage-used');
  await used.waitFor();
  const shown = await text(used);
  const [kb, quota, percent] = shown.match(/\d+/g).map(Number);
  const real = await (await worker(A)).evaluate(() => chrome.storage.local.getBytesInUse(null));
  assert.ok(Math.abs(kb - Math.round(real / 1024)) <= 2, `${shown} vs ${real} bytes`);
  assert.equal(quota, 10240);
  assert.ok(percent >= 0 && percent <= 100);
});

test('a browser restart locks; the passphrase unlocks the same accounts', async () => {
  const profile = profiles[0];
  // The browser is closed while a typed passphrase is shown in clear: Chrome keeps a page's
  // state for session restore, and must have kept no secret field's value (profile scan below).
  const settings = section('settings');
  await settings.getByLabel('Current passphrase', { exact: true }).fill(PASS2);
  await settings.getByRole('button', { name: 'Show Current passphrase', exact: true }).click();
  assert.equal(await page.locator('#pass-old').getAttribute('type'), 'text');
  await page.waitForTimeout(1500); // longer than Chrome's delay before it records page state
  await A.context.close();
  A = await start(profile);
  // An extension loaded from the command line is installed again at each launch, so its
  // options tab may open by itself; a person would open it from the menu otherwise.
  page = await optionsTabOpenedOnInstall(A, 3000);
  if (!page) {
    page = await A.context.newPage();
    await page.goto(A.url('options.html'));
  }
  page.setDefaultTimeout(10_000);
  await visible(section('unlock'));
  assert.equal((await ask(page, 'vault_status')).ok.unlocked, false);
  await unlockWith(PASS2);
  await visible(section('accounts'));
  assert.deepEqual(await accountHandles(), ['@keypost_demo', '@keypost_second']);
  assert.equal(await page.getByLabel('Lock automatically after inactivity').inputValue(), 'restart');
  await A.context.close();
  A = null;
});

test('import into a fresh profile: a non-vault file is refused, the backup unlocks with its passphrase', async () => {
  const profile = freshProfile();
  profiles.push(profile);
  A = await start(profile);
  page = await optionsTabOpenedOnInstall(A);
  assert.ok(page, 'no options tab appeared after installing');
  page.setDefaultTimeout(10_000);
  await visible(section('setup'));

  const notVault = join(work, 'notes.json');
  writeFileSync(notVault, 'These are my notes, not a vault.\n');
  const pick = async (path, button) => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button.click()]);
    await chooser.setFiles(path);
  };
  await pick(notVault, section('setup').getByRole('button', { name: 'Import a backup' }));
  await page.locator('#page-message', { hasText: msg('err_vault_malformed') }).waitFor();
  assert.equal((await ask(page, 'vault_status')).ok.exists, false);
  await visible(section('setup'));

  await pick(backupPath, section('setup').getByRole('button', { name: 'Import a backup' }));
  await page.locator('#page-message', { hasText: msg('backupImported') }).waitFor();
  await visible(section('unlock'));
  await unlockWith(PASS1);
  await page.locator('#unlock-error', { hasText: msg('err_vault_wrong_passphrase') }).waitFor();
  await unlockWith(PASS2);
  await visible(section('accounts'));
  assert.deepEqual(await accountHandles(), ['@keypost_demo', '@keypost_second']);
  // The accounts came with their keys: they verify here too.
  const item = accountItem('keypost_demo');
  await item.getByRole('button', { name: 'Verify' }).click();
  await item.locator('.message', { hasText: msg('verifiedAs', ['keypost_demo']) }).waitFor();
});

test('replacing a vault needs the backup\'s passphrase; the old vault is kept and restorable; an older record is upgraded at unlock', async () => {
  const frozen = join(work, 'vault-v1.json');
  writeFileSync(frozen, readFileSync('tests/data/vault-v1.json'));
  const json = readFileSync(frozen, 'utf8');
  assert.deepEqual(JSON.parse(json).kdf, { alg: 'argon2id', m: 19456, t: 2, p: 1 });
  const w = await worker(A);
  const stored = async () => JSON.parse(await w.evaluate(async () => (await chrome.storage.local.get('vault')).vault));
  const before = await stored();
  // Through the page: after the replace confirmation it asks for the backup's passphrase; a
  // wrong one is refused by the core and nothing changes.
  /** @type {string[][]} */
  const dialogs = [];
  let backupPass = WRONG_PASS;
  /** @param {import('playwright-core').Dialog} d */
  const onDialog = async (d) => {
    dialogs.push([d.type(), d.message()]);
    await d.accept();
  };
  page.on('dialog', onDialog);
  const importThroughPage = async () => {
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      section('settings').getByRole('button', { name: 'Import a backup' }).click(),
    ]);
    await chooser.setFiles(frozen);
    // The backup's passphrase is asked in the page's own dialog, in a masked field.
    const field = page.getByLabel(msg('importPassphrase'), { exact: true });
    await field.waitFor();
    assert.equal(await field.getAttribute('type'), 'password');
    assert.equal(await field.getAttribute('autocomplete'), 'off');
    await field.fill(backupPass);
    await page.locator('#import-pass-ok').click();
  };
  await importThroughPage();
  await page.locator('#page-message', { hasText: msg('err_vault_wrong_passphrase') }).waitFor();
  assert.deepEqual(dialogs, [['confirm', msg('confirmReplaceVault')]]);
  assert.equal(await page.inputValue('#import-pass'), '', 'the backup passphrase stays in the page');
  assert.deepEqual(await stored(), before);
  assert.equal((await ask(page, 'vault_status')).ok.previous, null);
  // Without a passphrase the core refuses to replace at all.
  const bare = await ask(page, 'vault_import', { json, replace: true });
  assert.equal(bare.error?.code, 'vault_import_passphrase_required');
  // A backup asking for 1 GiB: refused at once with its own code.
  const huge = JSON.stringify({ ...JSON.parse(json), kdf: { alg: 'argon2id', m: 1048576, t: 2, p: 1 } });
  const started = Date.now();
  const refused = await ask(page, 'vault_import', { json: huge, replace: true, passphrase: FROZEN_PASS });
  assert.equal(refused.error?.code, 'vault_kdf_out_of_bounds');
  assert.equal(refused.error?.why, 'memory_too_high');
  assert.ok(Date.now() - started < 2000, 'the refusal took a derivation');
  assert.deepEqual(await stored(), before);
  // The right one: the backup replaces the vault, the old one is kept.
  backupPass = FROZEN_PASS;
  await importThroughPage();
  await page.locator('#page-message', { hasText: msg('backupImported') }).waitFor();
  page.off('dialog', onDialog);
  await visible(section('unlock'));
  const imported = (await ask(page, 'vault_status')).ok;
  assert.equal(imported.unlocked, false);
  assert.equal(typeof imported.previous?.replaced_ms, 'number');
  assert.equal(imported.previous.expires_ms, null);
  assert.deepEqual((await stored()).kdf, { alg: 'argon2id', m: 19456, t: 2, p: 1 });
  await unlockWith(FROZEN_PASS);
  await visible(section('accounts'));
  const after = await stored();
  assert.deepEqual(after.kdf, { alg: 'argon2id', ...TARGET_KDF });
  assert.equal(after.v, 2);
  assert.notEqual(after.salt, JSON.parse(json).salt);
  // The upgraded record holds the same account and still opens with the same passphrase.
  assert.deepEqual(await page.locator('#account-list li.account strong').allTextContents(), ['Main']);
  await page.getByRole('button', { name: 'Lock now' }).click();
  await unlockWith(FROZEN_PASS);
  await visible(section('accounts'));
  // The new vault was unlocked: the kept one now has an end date, and can be exported...
  const status = (await ask(page, 'vault_status')).ok;
  assert.equal(typeof status.previous?.expires_ms, 'number');
  assert.ok(status.previous.expires_ms - Date.now() > 6.9 * 24 * 3600 * 1000);
  const exported = await ask(page, 'vault_export_previous');
  assert.deepEqual(JSON.parse(exported.ok.json), before);
  // ...and restored through the page: the vault from before the import is back (locked), with
  // its accounts.
  await section('settings').getByRole('button', { name: msg('previousVaultRestore') }).click();
  await page.locator('#page-message', { hasText: msg('previousVaultRestored') }).waitFor();
  await visible(section('unlock'));
  const restored = { ok: (await ask(page, 'vault_status')).ok };
  assert.equal(restored.ok.unlocked, false);
  assert.deepEqual(await stored(), before);
  assert.equal(typeof restored.ok.previous?.replaced_ms, 'number', 'the replaced import is kept in turn');
  await unlockWith(PASS2);
  await visible(section('accounts'));
  assert.deepEqual(await accountHandles(), ['@keypost_demo', '@keypost_second']);
  assert.ok((await ask(page, 'vault_discard_previous')).ok.previous === null);
  assert.equal((await ask(page, 'vault_restore_previous')).error?.code, 'vault_no_previous');
  await A.context.close();
  A = null;
});

test('no profile file holds any key or passphrase, in UTF-8 or UTF-16', () => {
  const { files, bytes, hits } = scanForSecrets(profiles, SECRETS);
  console.log(`scanned ${files} files, ${bytes} bytes in ${profiles.length} profiles for ${SECRETS.length} secrets`);
  assert.ok(files > 50 && bytes > 1_000_000, 'the profiles look empty: nothing was scanned');
  // Only positions are reported, never the secrets themselves.
  assert.deepEqual(hits, [], 'a secret was found (file, and which needle by number)');
});
