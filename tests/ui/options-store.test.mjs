// The options page's store (extension/options/store.js), without a browser: the transitions
// a person notices, driven by the actions the effects dispatch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce, panes, createStore } from '../../extension/options/store.js';

/** @type {import('../../extension/lib/protocol.js').Settings} */
const settings = { autolock: '60', share_page_link: true, notify_sent: false, hold_late: false };
const account = (id, extra = {}) => ({
  id, label: '', premium: false, is_default: id === 'a', display_state: 'verified',
  status: { state: 'verified', at_ms: 1 }, masked: { api_key: 'abcd…', access_token: '1234…' },
  user: { id: '1', name: id, username: `user_${id}` }, ...extra,
});
const status = (exists, unlocked, accounts = []) => ({ exists, unlocked, settings, accounts: unlocked ? accounts : [], default_id: null });
const run = (...actions) => actions.reduce(reduce, initialState());

test('nothing shows before the core answers; no vault shows the setup only', () => {
  assert.deepEqual(Object.values(panes(initialState())).filter(Boolean), []);
  const p = panes(run({ type: 'vault', status: status(false, false) }));
  assert.deepEqual(p, { setup: true, unlock: false, accounts: false, settings: false, lock: false, editor: false });
});

test('locked shows the unlock form; unlocking shows the accounts and settings', () => {
  const locked = run({ type: 'vault', status: status(true, false) });
  assert.equal(panes(locked).unlock, true);
  assert.equal(panes(locked).accounts, false);
  const open = reduce(locked, { type: 'vault', status: status(true, true, [account('a')]), message: null });
  assert.deepEqual(panes(open), { setup: false, unlock: false, accounts: true, settings: true, lock: true, editor: false });
  assert.deepEqual(open.vault.accounts.map((a) => a.id), ['a']);
  assert.equal(open.message, null);
});

test('an open vault without accounts opens the form for the first one', () => {
  const s = run({ type: 'vault', status: status(true, true, []) });
  assert.equal(s.editor.id, 'new');
  assert.equal(panes(s).editor, true);
});

test('the account form opens, reopens afresh, and closes', () => {
  let s = run({ type: 'vault', status: status(true, true, [account('a')]) });
  s = reduce(s, { type: 'editorOpen', id: 'a' });
  assert.equal(s.editor.id, 'a');
  const first = s.editor.opened;
  s = reduce(s, { type: 'editorOpen', id: 'a' });
  assert.ok(s.editor.opened > first, 'opening again fills the form afresh');
  s = reduce(s, { type: 'editorClose' });
  assert.equal(s.editor, null);
  assert.equal(panes(s).editor, false);
});

test('a save in flight, a refusal, then a save: the form keeps the refusal until the next try', () => {
  let s = run({ type: 'vault', status: status(true, true, [account('a')]) }, { type: 'editorOpen', id: 'a' });
  s = reduce(s, { type: 'editorBusy', sent: ['api_secret'] });
  assert.equal(s.editor.busy, true);
  s = reduce(s, { type: 'editorFailed', error: { code: 'x_unauthorized' } });
  assert.deepEqual([s.editor.busy, s.editor.error.code, s.editor.sent], [false, 'x_unauthorized', ['api_secret']]);
  s = reduce(s, { type: 'editorBusy', sent: [] });
  assert.equal(s.editor.error, null, 'the marks clear on resubmit');
  const saved = reduce(s, {
    type: 'accountSaved', id: 'a', note: { kind: 'ok', key: 'verifiedAs', args: ['user_a'] },
    status: status(true, true, [account('a', { label: 'Main' })]),
  });
  assert.equal(saved.editor, null);
  assert.equal(saved.vault.accounts[0].label, 'Main');
  assert.deepEqual(saved.notes, { a: { kind: 'ok', key: 'verifiedAs', args: ['user_a'] } });
});

test('locked elsewhere: the accounts, the form and the half-typed passphrase change go', () => {
  let s = run(
    { type: 'vault', status: status(true, true, [account('a')]) },
    { type: 'editorOpen', id: 'new' }, { type: 'editorBusy', sent: [] },
    { type: 'verifyStart', id: 'a' },
  );
  const done = s.passphrase.done;
  s = reduce(s, { type: 'locked' });
  assert.equal(panes(s).unlock, true);
  assert.deepEqual([s.vault.accounts, s.editor, s.notes, s.verifying], [[], null, {}, {}]);
  assert.ok(s.passphrase.done > done, 'the passphrase fields are emptied');
  // The add that was on its way answers "locked": the page stays on the unlock form.
  assert.equal(reduce(s, { type: 'editorFailed', error: { code: 'locked' } }), s);
  assert.equal(reduce(s, { type: 'editorOpen', id: 'new' }), s);
  assert.equal(reduce(s, { type: 'locked' }), s);
});

test('an account removed elsewhere closes its form', () => {
  let s = run({ type: 'vault', status: status(true, true, [account('a'), account('b')]) }, { type: 'editorOpen', id: 'b' });
  s = reduce(s, { type: 'vault', status: status(true, true, [account('a')]) });
  assert.equal(s.editor, null);
});

test('verify: "Verifying…" under the account, then the answer; other lines go with the redraw', () => {
  let s = run({ type: 'vault', status: status(true, true, [account('a'), account('b')]) });
  s = reduce(s, { type: 'verifyStart', id: 'b' });
  s = reduce(s, { type: 'verifyStart', id: 'a' });
  assert.deepEqual(s.notes.a, { kind: 'note', key: 'verifying' });
  assert.equal(s.verifying.a, true);
  s = reduce(s, { type: 'verifyDone', id: 'a', note: { kind: 'error', error: { code: 'offline' } }, status: status(true, true, [account('a'), account('b')]) });
  assert.deepEqual(Object.keys(s.notes), ['a']);
  assert.equal(s.notes.a.error.code, 'offline');
  assert.deepEqual(s.verifying, { b: true });
});

test('a saved setting keeps the accounts\' lines and says "Saved"', () => {
  let s = run({ type: 'vault', status: status(true, true, [account('a')]) });
  s = reduce(s, { type: 'verifyDone', id: 'a', note: { kind: 'ok', key: 'verifiedAs' }, status: null });
  s = reduce(s, { type: 'vault', status: { ...status(true, true, [account('a')]), settings: { ...settings, autolock: '5' } }, keepNotes: true, message: { kind: 'note', key: 'settingsSaved' } });
  assert.equal(s.vault.settings.autolock, '5');
  assert.equal(s.notes.a.key, 'verifiedAs');
  assert.equal(s.message.key, 'settingsSaved');
});

test('setup: a refusal shows, the busy state ends with the vault', () => {
  let s = run({ type: 'vault', status: status(false, false) }, { type: 'setupFailed', error: { code: 'passphrase_mismatch' } });
  assert.equal(s.setup.error.code, 'passphrase_mismatch');
  s = reduce(s, { type: 'setupBusy' });
  assert.deepEqual(s.setup, { busy: true, error: null });
  s = reduce(s, { type: 'vault', status: status(true, true, []), message: null });
  assert.deepEqual(s.setup, { busy: false, error: null });
  assert.equal(panes(s).setup, false);
  assert.equal(s.editor.id, 'new');
});

test('passphrase change: refusals name the field; success empties the form and says so', () => {
  let s = run({ type: 'vault', status: status(true, true, [account('a')]) });
  s = reduce(s, { type: 'passphraseFailed', error: { code: 'passphrase_mismatch' }, field: 'confirm' });
  assert.equal(s.passphrase.field, 'confirm');
  s = reduce(s, { type: 'strength', which: 'change', result: { score: 4 } });
  s = reduce(s, { type: 'passphraseBusy' });
  assert.deepEqual([s.passphrase.busy, s.passphrase.error], [true, null]);
  const done = s.passphrase.done;
  s = reduce(s, { type: 'passphraseChanged', kept: null });
  assert.equal(s.passphrase.done, done + 1);
  assert.equal(s.strength.change, null);
  assert.equal(s.message.key, 'passphraseChanged');
  // What opened with neither key was kept: the note says how much of each.
  s = reduce(s, { type: 'passphraseChanged', kept: ['5', '0', '1'] });
  assert.deepEqual([s.message.key, s.message.args], ['passphraseChangedKept', ['5', '0', '1']]);
});

test('a core that did not load is the damaged state', () => {
  assert.equal(run({ type: 'damaged' }).damaged, true);
});

test('the store calls its subscribers with the new and the previous state, only on a change', () => {
  const store = createStore();
  const calls = [];
  const stop = store.subscribe((next, prev) => calls.push([prev.vault, next.vault?.exists]));
  store.dispatch({ type: 'vault', status: status(true, false) });
  store.dispatch(/** @type {any} */ ({ type: 'no such action' }));
  store.dispatch({ type: 'locked' }); // already locked: no change
  assert.deepEqual(calls, [[null, true]]);
  stop();
  store.dispatch({ type: 'damaged' });
  assert.equal(calls.length, 1);
  assert.equal(store.getState().damaged, true);
});
