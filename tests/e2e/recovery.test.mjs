// A trap in the core (a panic: release builds abort) while it holds the vault's write lock.
// Without recovery the lock stays held for the worker's life and every vault change hangs. The
// background abandons the trapped instance and starts the spare one (fresh locks and guards,
// the same stored state); a trap of the spare too stops the core and tells the user.
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

async function trap(page) {
  // It never answers: the core traps before it can.
  await page.evaluate(() => { chrome.runtime.sendMessage({ type: 'test_trap' }).catch(() => {}); });
  await page.waitForTimeout(300);
}

test('a trap holding the vault lock: the spare core takes over; a second trap stops and tells', async () => {
  const page = await browser.context.newPage();
  await page.goto(browser.url('options.html'));
  assert.ok((await ask(page, 'vault_create', { passphrase: PASSPHRASE })).ok);
  const added = await ask(page, 'account_add', { label: '', keys: keysOf(accountByUsername('keypost_demo')) });
  assert.ok(added.ok, JSON.stringify(added.error));
  const id = added.ok.account.id;

  await trap(page);
  // The vault's write lock the trapped instance held is not the new instance's: a change goes
  // through at once, and the session (in storage.session) is still unlocked.
  const changed = await within(5_000, ask(page, 'account_set_default', { id }), 'a vault change after the trap');
  assert.ok(changed.ok, JSON.stringify(changed.error));
  assert.equal(changed.ok.default_id, id);
  const status = await within(5_000, ask(page, 'vault_status'), 'vault_status');
  assert.equal(status.ok?.unlocked, true);
  assert.equal((await within(5_000, ask(page, 'account_set_default', { id }), 'a second change')).ok?.default_id, id);

  // The spare traps too: every message now answers "internal" and a notification says so.
  await trap(page);
  const answer = await within(5_000, ask(page, 'vault_status'), 'the stopped core');
  assert.equal(answer.error?.code, 'internal');
  const notes = await browser.worker.evaluate(() => chrome.notifications.getAll());
  assert.ok(Object.keys(notes).includes('core_trap'), JSON.stringify(notes));
});
