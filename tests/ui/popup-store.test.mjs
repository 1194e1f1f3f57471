// The popup's store, without a browser: the transitions a user sees (the draft back after
// unlock, a failed post kept and resumable, discard, schedule, a lock from elsewhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, initialState, reduce, composerLocked, currentAccount } from '../../extension/popup/store.js';

const account = (id, extra = {}) => ({
  id, label: id, premium: false, is_default: false, status: { state: 'verified', at_ms: 1 },
  display_state: 'verified', masked: { api_key: 'abcd…', access_token: '1234…' }, ...extra,
});
const vault = (unlocked, accounts = [account('a'), account('b')]) => ({
  exists: true, unlocked, settings: { autolock: '60', share_page_link: true, notify_sent: false, hold_late: false },
  accounts: unlocked ? accounts : [], default_id: unlocked ? 'b' : null,
});
const run = (...actions) => actions.reduce(reduce, initialState());

test('unlocking picks the default account and asks for focus in the text', () => {
  const s = run({ type: 'vault', vault: vault(false) }, { type: 'vault', vault: vault(true) });
  assert.equal(s.draft.account_id, 'b');
  assert.equal(currentAccount(s)?.id, 'b');
  assert.equal(s.focusText, true);
});

test('the stored draft comes back after unlock, with a failure the core says is resumable', () => {
  const resumable = { code: 'post_outcome_unknown', step: 1, steps: 2, resumable: true, posted: [{ id: '1' }] };
  const s = run(
    { type: 'vault', vault: vault(true) },
    { type: 'draft_loaded', draft: { account_id: 'a', posts: [{ text: 'one', media: [] }, { text: 'two', media: [] }], updated_ms: 5 }, resumable, shared: false },
  );
  assert.deepEqual(s.draft.posts.map((p) => p.text), ['one', 'two']);
  assert.equal(s.draft.account_id, 'a');
  assert.equal(s.failure?.error.code, 'post_outcome_unknown');
  assert.equal(composerLocked(s), true, 'a post in doubt keeps the composer read-only');
});

test('a stored draft for an account that is gone falls back to the default', () => {
  const s = run(
    { type: 'vault', vault: vault(true) },
    { type: 'draft_loaded', draft: { account_id: 'gone', posts: [{ text: 'x', media: [] }], updated_ms: 5 }, resumable: null, shared: false },
  );
  assert.equal(s.draft.account_id, 'b');
});

test('typing changes the text without a structural revision; adding a post bumps it', () => {
  const start = run({ type: 'vault', vault: vault(true) });
  const typed = reduce(start, { type: 'text', index: 0, text: 'hello' });
  assert.equal(typed.draft.rev, start.draft.rev, 'a keystroke must not rebuild the list (focus would be lost)');
  assert.equal(typed.dirty, true);
  const added = reduce(typed, { type: 'add_post' });
  assert.notEqual(added.draft.rev, typed.draft.rev);
  assert.deepEqual(added.draft.posts.map((p) => p.text), ['hello', '']);
  const removed = reduce(added, { type: 'remove_post', index: 0 });
  assert.deepEqual(removed.draft.posts.map((p) => p.text), ['']);
  const none = reduce(reduce(start, { type: 'remove_post', index: 0 }), { type: 'text', index: 0, text: 'x' });
  assert.equal(none.draft.posts.length, 1, 'removing the only post leaves one empty post');
});

test('split keeps the first post\'s images on the first part', () => {
  let s = run({ type: 'vault', vault: vault(true) }, { type: 'text', index: 0, text: 'long' });
  s = reduce(s, { type: 'media_added', index: 0, media: [{ media_id: 'm1', alt: '' }] });
  s = reduce(s, { type: 'split', parts: ['1/2 lo', '2/2 ng'] });
  assert.deepEqual(s.draft.posts.map((p) => p.media.length), [1, 0]);
});

test('a failed send keeps the draft and the failure; a resumable one locks the composer', () => {
  let s = run({ type: 'vault', vault: vault(true) }, { type: 'text', index: 0, text: 'hi' }, { type: 'send_started', step: 0 });
  assert.equal(composerLocked(s), true);
  assert.equal(s.progress?.active, true);
  s = reduce(s, { type: 'send_failed', error: { code: 'x_rate_limited' }, steps: 1 });
  assert.equal(s.sending, false);
  assert.equal(s.draft.posts[0].text, 'hi');
  assert.equal(composerLocked(s), false, 'a plain failure can be edited and posted again');
  s = reduce(s, { type: 'send_failed', error: { code: 'x_server_error', step: 1, resumable: true }, steps: 2 });
  assert.equal(composerLocked(s), true, 'the rest of a thread continues from the outbox, not from edits');
});

test('a refused "it is on X" link keeps the failure it answers', () => {
  let s = run({ type: 'vault', vault: vault(true) }, { type: 'send_failed', error: { code: 'post_outcome_unknown', resumable: true }, steps: 1 });
  const failure = s.failure;
  s = reduce(reduce(s, { type: 'send_started', step: 0 }), { type: 'decision_refused', error: { code: 'post_url_invalid' } });
  assert.equal(s.failure, failure);
  assert.equal(s.decisionError?.code, 'post_url_invalid');
});

test('posted, discarded and scheduled all start the composer over, keeping the account', () => {
  const base = run({ type: 'vault', vault: vault(true) }, { type: 'account', id: 'a' }, { type: 'text', index: 0, text: 'hi' });
  const posted = reduce(base, { type: 'posted', posted: [{ id: '9' }], username: 'me' });
  assert.equal(posted.draft.posts[0].text, '');
  assert.equal(posted.draft.account_id, 'a');
  assert.equal(posted.result?.kind, 'posted');
  assert.equal(posted.dirty, false);
  const reset = reduce(reduce(base, { type: 'send_failed', error: { code: 'x', resumable: true }, steps: 2 }), { type: 'reset' });
  assert.equal(reset.failure, null);
  assert.equal(reset.draft.posts[0].text, '');
  assert.equal(reset.draft.account_id, 'a');
});

test('locked elsewhere: nothing of the draft stays on screen', () => {
  const s = run({ type: 'vault', vault: vault(true) }, { type: 'text', index: 0, text: 'secret plan' }, { type: 'vault', vault: vault(false) });
  assert.equal(s.draft.posts[0].text, '');
  assert.equal(s.failure, null);
});

test('a post another popup finished clears this one and says so', () => {
  let s = run({ type: 'vault', vault: vault(true) }, { type: 'watch', progress: { active: true, step: 0, steps: 1 } });
  assert.equal(s.sending, true);
  s = reduce(s, { type: 'watch_ended', cleared: true });
  assert.equal(s.sending, false);
  assert.equal(s.result?.kind, 'posted_elsewhere');
});

test('subscribers see each change once, with the state before it', () => {
  const store = createStore();
  const seen = [];
  store.subscribe((s, prev) => seen.push([prev.tab, s.tab]));
  store.dispatch({ type: 'tab', tab: 'sent' });
  store.dispatch(/** @type {any} */ ({ type: 'unknown' }));
  assert.deepEqual(seen, [['compose', 'sent']]);
});
