// A trap in the core (a panic: release builds abort) while it holds the vault's write lock.
// Without recovery the lock stays held for the worker's life and every vault change hangs. The
// background restarts the extension once, so the next page finds a fresh core; a second trap
// within a minute is not restarted again (no loop) and the user is told.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accountByUsername } from '../sandbox/accounts.mjs';
import { sandbox, launch, freshProfile, removeProfile, ask, keysOf, PASSPHRASES } from './harness.mjs';

const PASSPHRASE = PASSPHRASES.recovery;
let sb, browser, profile;

before(async () => {
  sb = await sandbox();
  profile = freshProfile();
  browser = await launch(profile);
});

after(async () => {
  await browser?.context.close();
  await sb?.close();
  removeProfile(profile);
});

const within = (ms, promise, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)),
]);

async function extensionPage() {
  const page = await browser.context.newPage();
  await page.goto(browser.url('options.html'));
  return page;
}

async function trap(page) {
  // It never answers: the core traps before it can.
  await page.evaluate(() => { chrome.runtime.sendMessage({ type: 'test_trap' }).catch(() => {}); });
}

test('a trap holding the vault lock restarts the core once; a second one within a minute stops and tells', async () => {
  let page = browser.firstRunPage ?? (await extensionPage());
  assert.ok((await ask(page, 'vault_create', { passphrase: PASSPHRASE })).ok);
  const added = await ask(page, 'account_add', { label: '', keys: keysOf(accountByUsername('keypost_demo')) });
  assert.ok(added.ok, JSON.stringify(added.error));
  const id = added.ok.account.id;

  const restarted = browser.context.waitForEvent('serviceworker', { timeout: 20_000 });
  await trap(page);
  const worker = await restarted;
  assert.ok(worker.url().endsWith('/background.js'));

  // A fresh core: it answers, and the vault's write lock is free (the restart locked it).
  page = await extensionPage();
  const status = await within(5_000, ask(page, 'vault_status'), 'vault_status');
  assert.equal(status.ok?.unlocked, false);
  assert.ok((await within(10_000, ask(page, 'vault_unlock', { passphrase: PASSPHRASE }), 'unlock')).ok);
  const changed = await within(5_000, ask(page, 'account_set_default', { id }), 'a vault change');
  assert.ok(changed.ok, JSON.stringify(changed.error));
  assert.equal(changed.ok.default_id, id);

  // Again within a minute: no second restart; every message answers "internal" and a
  // notification says what happened.
  await trap(page);
  const answer = await within(5_000, (async () => {
    for (;;) {
      const a = await ask(page, 'vault_status');
      if (a.error) return a;
      await page.waitForTimeout(100);
    }
  })(), 'the stopped core');
  assert.equal(answer.error.code, 'internal');
  const notes = await worker.evaluate(() => chrome.notifications.getAll());
  assert.ok(Object.keys(notes).includes('core_trap'), JSON.stringify(notes));
});
