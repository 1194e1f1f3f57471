// The queue view's store (extension/queue/store.js), without a browser: what a person sees
// change when the queue moves, when they open a form, and when an action is answered.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, reduce, shown, createStore } from '../../extension/queue/store.js';

const item = (id, kind = 'scheduled', extra = {}) => ({
  id, account_id: 'a', state: { kind, at_ms: 1 }, due_at_ms: 2_000_000, late: false, attempts: 0,
  posts: [{ text: `post ${id}`, media: [] }], posted: [], history: [], actions: ['edit', 'reschedule', 'cancel'],
  resolutions: [], post_ref_required: false, fixed_steps: 0, ...extra,
});
const list = (upcoming, past = [], now = 1_000_000) => ({ now_ms: now, upcoming, past, needs_user: 0 });
const run = (...actions) => actions.reduce(reduce, initialState());

test('an answer is drawn, with the worker\'s clock offset for the countdowns', () => {
  const s = run({ type: 'listed', list: list([item(1)], [item(2, 'sent')], 1_005_000), pageNowMs: 1_000_000 });
  assert.deepEqual(shown(s).upcoming.map((i) => i.id), [1]);
  assert.deepEqual(shown(s).past.map((i) => i.id), [2]);
  assert.equal(s.offset, 5000);
  assert.deepEqual(shown(initialState()).upcoming, []);
});

test('a refresh while a form is open does not redraw under the user; closing draws it', () => {
  let s = run({ type: 'listed', list: list([item(1), item(3)]), pageNowMs: 0 }, { type: 'open', id: 1, form: 'edit' });
  assert.deepEqual(s.editing, { id: 1, form: 'edit', busy: false });
  const drawn = s.list;
  const newer = list([item(1, 'scheduled', { posts: [{ text: 'changed elsewhere', media: [] }] }), item(3)]);
  s = reduce(s, { type: 'listed', list: newer, pageNowMs: 0 });
  assert.equal(s.list, drawn, 'redrawn under the user');
  assert.equal(s.pending, newer);
  assert.equal(s.editing.id, 1);
  s = reduce(s, { type: 'close' });
  assert.equal(s.list, newer);
  assert.deepEqual([s.pending, s.editing], [null, null]);
});

test('opening another form draws the answer kept meanwhile', () => {
  let s = run({ type: 'listed', list: list([item(1), item(3)]), pageNowMs: 0 }, { type: 'open', id: 1, form: 'reschedule' });
  const newer = list([item(1), item(3)]);
  s = reduce(s, { type: 'listed', list: newer, pageNowMs: 0 });
  s = reduce(s, { type: 'open', id: 3, form: 'edit' });
  assert.equal(s.list, newer);
  assert.equal(s.editing.id, 3);
});

test('the item being edited went away elsewhere: its form closes and the queue is drawn', () => {
  let s = run({ type: 'listed', list: list([item(1)]), pageNowMs: 0 }, { type: 'open', id: 1, form: 'edit' });
  s = reduce(s, { type: 'listed', list: list([], [item(1, 'cancelled')]), pageNowMs: 0 });
  assert.equal(s.editing.id, 1, 'a cancelled item is still there: the form stays');
  s = reduce(s, { type: 'listed', list: list([]), pageNowMs: 0 });
  assert.equal(s.editing, null);
  assert.deepEqual(shown(s).upcoming, []);
});

test('a form for an item that is not shown does not open', () => {
  const s = run({ type: 'listed', list: list([item(1)]), pageNowMs: 0 });
  assert.equal(reduce(s, { type: 'open', id: 9, form: 'edit' }), s);
  assert.equal(reduce(initialState(), { type: 'open', id: 1, form: 'edit' }).editing, null);
});

test('a save on its way, then done: the form closes and the page says "Done."', () => {
  let s = run({ type: 'listed', list: list([item(1)]), pageNowMs: 0 }, { type: 'open', id: 1, form: 'reschedule' });
  s = reduce(s, { type: 'acting', id: 1 });
  assert.deepEqual([s.acting, s.editing.busy], [1, true]);
  s = reduce(s, { type: 'acted', id: 1 });
  assert.deepEqual([s.acting, s.editing], [null, null]);
  assert.deepEqual(s.message, { kind: 'ok', key: 'queueDone' });
});

test('a refused save keeps its form open (with what was typed) and shows why', () => {
  let s = run({ type: 'listed', list: list([item(1)]), pageNowMs: 0 }, { type: 'open', id: 1, form: 'edit' }, { type: 'acting', id: 1 });
  s = reduce(s, { type: 'acted', id: 1, error: { code: 'schedule_posted_step_changed' } });
  assert.deepEqual(s.editing, { id: 1, form: 'edit', busy: false });
  assert.equal(s.message.error.code, 'schedule_posted_step_changed');
});

test('an action on another item while a form is open closes the form', () => {
  let s = run({ type: 'listed', list: list([item(1), item(2)]), pageNowMs: 0 }, { type: 'open', id: 1, form: 'edit' });
  s = reduce(s, { type: 'acting', id: 2 });
  assert.equal(s.editing.busy, false, 'the open form is not the busy one');
  s = reduce(s, { type: 'acted', id: 2, error: { code: 'schedule_illegal_transition' } });
  assert.equal(s.editing, null);
  assert.equal(s.message.kind, 'error');
});

test('a failed read says why; a core that did not load is the damaged state', () => {
  assert.equal(run({ type: 'failed', error: { code: 'offline' } }).message.error.code, 'offline');
  assert.equal(run({ type: 'damaged' }).damaged, true);
});

test('the store notifies only on a change', () => {
  const store = createStore();
  let calls = 0;
  store.subscribe(() => { calls += 1; });
  store.dispatch({ type: 'close' });
  store.dispatch({ type: 'listed', list: list([]), pageNowMs: 1_000_000 });
  assert.equal(calls, 1);
});

// The countdown's words (the locale's keys stand in for the words here).
before(() => {
  globalThis.chrome = /** @type {any} */ ({
    i18n: {
      getMessage: (key, args = []) => [key, ...[].concat(args)].join(' '),
      getUILanguage: () => 'en',
    },
  });
});

test('the countdown counts to the worker\'s time, then says "due now"', async () => {
  const { countdown } = await import('../../extension/queue/item-row.js');
  const now = Date.now();
  assert.equal(countdown(now + 65_000, 0), 'queueIn 1:05');
  assert.equal(countdown(now + 3_723_000, 0), 'queueIn 1:02:03');
  assert.equal(countdown(now + 65_000, 70_000), 'queueDueNow');
});
