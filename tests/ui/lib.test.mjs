// The page library without a browser: the message client, the vault watch and formatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installChrome } from './fake-chrome.mjs';

/** @type {{answer: (message: any) => Promise<any>}} */
const fake = { answer: async () => ({ ok: {} }) };
const chrome = installChrome({ answer: (m) => fake.answer(m) });
const { ask, onLocked } = await import('../../extension/lib/rpc.js');
const { watchVault } = await import('../../extension/lib/vault-watch.js');
const { accountStatusText, handleOf, localDateTimeInput, postUrl, verifyResult } = await import('../../extension/lib/format.js');
const { errorText } = await import('../../extension/lib/i18n.js');

test('ask sends {type, ...fields} and gives back the answer', async () => {
  fake.answer = async (m) => ({ ok: { echoed: m.id } });
  const answer = await ask('account_verify', { id: 'acc1' });
  assert.deepEqual(chrome.sent.at(-1), { type: 'account_verify', id: 'acc1' });
  assert.deepEqual(answer, { ok: { echoed: 'acc1' } });
});

test('a worker that cannot answer is an internal error, never a throw', async () => {
  fake.answer = async () => { throw new Error('Could not establish connection'); };
  assert.deepEqual(await ask('vault_status'), { error: { code: 'internal' } });
  fake.answer = async () => undefined;
  assert.deepEqual(await ask('vault_status'), { error: { code: 'internal' } });
});

test('onLocked fires once per locked answer, and stops after unsubscribing', async () => {
  let fired = 0;
  const stop = onLocked(() => { fired += 1; });
  fake.answer = async () => ({ error: { code: 'locked' } });
  await ask('draft_get');
  fake.answer = async () => ({ error: { code: 'x_unauthorized' } });
  await ask('draft_get');
  assert.equal(fired, 1);
  stop();
  fake.answer = async () => ({ error: { code: 'locked' } });
  await ask('draft_get');
  assert.equal(fired, 1);
});

test('the vault watch wakes only when the worker announces the vault created, unlocked or locked', () => {
  const seen = [];
  const stop = watchVault((s) => seen.push(s.unlocked));
  const state = (oldValue, newValue) => chrome.message({ announce: 'vault_state', oldValue, newValue });
  chrome.message({ type: 'draft_save', draft: {} }); // another page's request to the worker
  chrome.message({ announce: 'post_progress', newValue: { active: true } }); // not the vault
  state({ exists: true, unlocked: false, rev: 1 }, { exists: true, unlocked: true, rev: 2 });
  state({ exists: true, unlocked: true, rev: 2 }, { exists: true, unlocked: true, rev: 3 });
  // Only the extension itself announces: a message from elsewhere changes nothing.
  chrome.message({ announce: 'vault_state', oldValue: null, newValue: { exists: false, unlocked: false, rev: 9 } }, { id: 'another-extension' });
  state({ exists: true, unlocked: true, rev: 3 }, { exists: true, unlocked: false, rev: 4 });
  stop();
  state({ exists: true, unlocked: false, rev: 4 }, { exists: true, unlocked: true, rev: 5 });
  assert.deepEqual(seen, [true, false]);
});

const account = (extra) => ({
  id: 'a', label: 'Work', premium: false, is_default: true, status: { state: 'verified', at_ms: 1 },
  display_state: 'verified', masked: { api_key: 'abcd…', access_token: '1234…' }, ...extra,
});

test('an account is shown by handle, else label, with the state the core gave', () => {
  assert.equal(handleOf(account({ user: { id: '1', name: 'N', username: 'keypost' } })), '@keypost');
  assert.equal(handleOf(account({})), 'Work');
  assert.match(accountStatusText(account({ display_state: 'read_only' })), /read/i);
  const attention = accountStatusText(account({ display_state: 'needs_attention', status: { state: 'needs_attention', code: 'x_unauthorized', at_ms: 1 } }));
  assert.ok(attention.includes(errorText({ code: 'x_unauthorized' })), attention);
});

test('verify results read as a user expects', () => {
  assert.equal(verifyResult({ ok: { account: account({ user: { id: '1', name: 'N', username: 'me' } }) } }).kind, 'ok');
  assert.match(verifyResult({ ok: { account: account({ user: { id: '1', name: 'N', username: 'me' } }) } }).text, /@?me/);
  assert.equal(verifyResult({ error: { code: 'offline' } }).kind, 'error');
});

test('an unknown error code falls back to the generic sentence, never to an empty one', () => {
  assert.ok(errorText({ code: 'no_such_code_anywhere' }).length > 0);
  assert.equal(errorText({ code: 'no_such_code_anywhere' }), errorText({ code: 'internal' }));
});

test('datetime-local values are in the user\'s zone, with or without seconds', () => {
  const ms = new Date(2031, 0, 31, 9, 5, 7).getTime();
  assert.equal(localDateTimeInput(ms), '2031-01-31T09:05');
  assert.equal(localDateTimeInput(ms, { seconds: true }), '2031-01-31T09:05:07');
});

test('a post link uses the URL X gave, else the handle', () => {
  assert.equal(postUrl({ id: '5', url: 'https://x.com/a/status/5' }, 'b'), 'https://x.com/a/status/5');
  assert.equal(postUrl({ id: '5' }, 'b'), 'https://x.com/b/status/5');
});

test('a limit the core names in its refusal is the number the message shows', () => {
  assert.equal(errorText({ code: 'slot_too_many', index: 28, count: 29, max: 28 }), 'An account can have at most 28 slots.');
  assert.match(errorText({ code: 'slot_none_free', weeks: 12 }), /^Every slot of the next 12 weeks /);
});

// The session area holds the data key while unlocked: no page may listen to it (or to
// storage.onChanged, which carries every area's changes), so no page ever receives the key.
test('no page listens to storage changes of the session area', async () => {
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const root = new URL('../../extension/', import.meta.url);
  /** @param {URL} dir @returns {string[]} */
  const scripts = (dir) => readdirSync(dir).flatMap((name) => {
    const path = new URL(name, dir);
    if (statSync(path).isDirectory()) return scripts(new URL(`${name}/`, dir));
    return name.endsWith('.js') ? [path.pathname] : [];
  });
  const pages = scripts(root).filter((p) => !p.endsWith('/background.js') && !p.includes('/pkg/'));
  assert.ok(pages.length > 20, `the page scripts were found (${pages.length})`);
  for (const path of pages) {
    const text = readFileSync(path, 'utf8');
    assert.ok(!/chrome\.storage\.(onChanged|session)/.test(text), `${path} listens to or reads storage.session`);
  }
});
