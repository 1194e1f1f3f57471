// The queue view: upcoming scheduled posts with a live countdown, and the past (sent with
// links, failed with the reason, posts whose outcome needs the user). Every decision is the
// core's (schedule_list, ItemView.actions); this page draws it.
//
//   DOM events ──► effects (the only callers of the core) ──► dispatch(action)
//   the `queue` key in storage.local changed ──► effects.refresh()
//   store.reduce(state, action) ──► the lists render (state, prev)
import { $ } from '../lib/dom.js';
import { t, localize } from '../lib/i18n.js';
import { timeZone } from '../lib/format.js';
import { showDamaged } from '../lib/core.js';
import { createStore, shown } from './store.js';
import { createEffects } from './effects.js';
import { mountLists } from './lists.js';
import { countdown } from './item-row.js';
import { latePolicyOf } from './item-forms.js';
import { mountImport } from './import.js';
import { mountSlots } from './slots.js';
import { mountWeek } from './week.js';
import { mountSeries } from './series.js';

localize();
$('time-zone').textContent = t('queueTimeZone', [timeZone()]);
const store = createStore();
const fx = createEffects(store);
const render = mountLists();
store.subscribe((state, prev) => {
  if (!state.damaged) render(state, prev);
  else if (!prev.damaged) showDamaged(/** @type {HTMLElement} */ (document.querySelector('main')));
});

mountImport();
mountSlots();
mountSeries();
const week = mountWeek();
$('open-options').addEventListener('click', () => fx.openOptions());
for (const id of ['upcoming-more', 'past-more']) $(id).addEventListener('click', () => void fx.more());

/** @param {string} id */
const itemOf = (id) => [...shown(store.getState()).upcoming, ...shown(store.getState()).past].find((i) => String(i.id) === id);

// One listener per list for every button and form of its items.
for (const list of [$('upcoming'), $('past')]) {
  list.addEventListener('click', (/** @type {MouseEvent} */ e) => {
    const button = /** @type {HTMLElement|null} */ (/** @type {Element} */ (e.target).closest('button'));
    const li = /** @type {HTMLElement|null|undefined} */ (button?.closest('li.item'));
    const item = li && itemOf(li.dataset.id ?? '');
    if (!button || !item) return;
    const { action, resolve, form } = button.dataset;
    if (action === 'edit' || action === 'reschedule' || action === 'late_policy') store.dispatch({ type: 'open', id: item.id, form: action });
    else if (action) fx.simple(action, item.id);
    else if (form === 'close') store.dispatch({ type: 'close' });
    else if (resolve === 'send') fx.resolve(item.id, { kind: 'send' });
    else if (resolve === 'posted') {
      const input = /** @type {HTMLInputElement} */ (li.querySelector('input[id^="post-id-"]'));
      fx.resolve(item.id, { kind: 'posted', postRef: input.value });
    }
  });
  list.addEventListener('submit', (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.target);
    const item = itemOf(form.dataset.id ?? '');
    if (!item) return;
    if (form.dataset.form === 'edit') {
      const texts = [...form.querySelectorAll('textarea')].map((a) => /** @type {HTMLTextAreaElement} */ (a).value);
      fx.edit(item.id, item.posts.map((post, i) => ({ text: texts[i] ?? post.text, media: post.media })));
    } else if (form.dataset.form === 'late_policy') {
      fx.latePolicy(item.id, latePolicyOf(form));
    } else if (form.dataset.form === 'reschedule') {
      const input = /** @type {HTMLInputElement} */ (form.querySelector('input[type=datetime-local]'));
      fx.reschedule(item.id, new Date(input.value).getTime()); // read in the local zone
    }
  });
}

// Escape closes an open form, as "Discard changes" does.
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && store.getState().editing) store.dispatch({ type: 'close' });
});

// The worker changes the queue on its own; storage tells the page when.
chrome.storage.local.onChanged.addListener((changes) => {
  if (changes.queue) {
    fx.refresh();
    void week();
  }
});
setInterval(() => {
  const { offset } = store.getState();
  for (const span of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.countdown[data-at]'))) {
    span.textContent = countdown(Number(span.dataset.at), offset);
  }
}, 1000);
await fx.refresh();
