// One item of the queue (from <template id="queue-item">): who, its state, when, what, the
// links of what is on X, and one button per action the core allows (ItemView.actions).
import { el, fromTemplate } from '../lib/dom.js';
import { t, errorText, uiLanguage } from '../lib/i18n.js';
import { editForm, rescheduleForm, latePolicyForm, resolveBox } from './item-forms.js';

/** @typedef {import('../lib/protocol.js').ItemView} ItemView */

const STATE_KEYS = {
  scheduled: 'queueStateScheduled', sending: 'queueStateSending', sent: 'queueStateSent',
  failed: 'queueStateFailed', retry_waiting: 'queueStateRetryWaiting', needs_unlock: 'queueStateNeedsUnlock',
  needs_confirmation: 'queueStateNeedsConfirmation', cancelled: 'queueStateCancelled',
  skipped: 'queueStateSkipped',
};
/** The words and look of each action the core may offer; "resolve" has its own box. */
const ACTIONS = {
  edit: { key: 'queueEdit' },
  reschedule: { key: 'queueReschedule' },
  late_policy: { key: 'queueLatePolicy' },
  post_now: { key: 'queuePostNow' },
  retry: { key: 'queueRetry', className: 'primary' },
  cancel: { key: 'queueCancel', className: 'danger' },
  remove: { key: 'queueRemove' },
};

/**
 * "in 1:02:03" until `atMs`, on the worker's clock.
 * @param {number} atMs
 * @param {number} offset the worker's clock minus this page's
 */
export function countdown(atMs, offset) {
  const left = Math.round((atMs - Date.now() - offset) / 1000);
  if (left <= 0) return t('queueDueNow');
  const h = Math.floor(left / 3600);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  return t('queueIn', [h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`]);
}

/**
 * @param {ItemView} item
 * @param {{upcoming: boolean, offset: number, form: import('./store.js').FormKind|null, busy: boolean}} view
 */
export function itemRow(item, { upcoming, offset, form, busy }) {
  const kind = item.state.kind;
  const li = fromTemplate('queue-item');
  li.dataset.id = String(item.id);
  li.dataset.kind = kind;
  const dates = new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeStyle: 'short' });
  li.querySelector('.account').textContent = item.username ? `@${item.username}` : item.account_id;
  const state = t(STATE_KEYS[kind] ?? 'queueStateScheduled');
  li.querySelector('.state').textContent = item.late ? t('queueStateWithLate', [state]) : state;
  const meta = li.querySelector('.meta');
  if (upcoming) {
    meta.append(el('span', { textContent: t('queueDueAt', [dates.format(item.due_at_ms)]) }));
    const at = item.wake_at_ms;
    if (at != null) meta.append(el('span', { className: 'countdown', textContent: countdown(at, offset), dataset: { at: String(at) } }));
  } else if (item.state.kind === 'sent') {
    meta.append(el('span', { textContent: t('queueSentAt', [dates.format(item.state.at_ms)]) }));
  }
  const lateness = item.lateness;
  if (lateness) {
    const key = kind === 'skipped' ? 'queueLateSkipped' : item.posted.length ? 'queueLateWent' : 'queueLateWaiting';
    const minutes = String(Math.floor(lateness.late_by_ms / 60_000));
    meta.append(el('span', { className: 'lateness', textContent: t(key, [dates.format(lateness.due_at_ms), dates.format(lateness.actual_ms), minutes]) }));
  }
  if (item.posts.length > 1) meta.append(el('span', { textContent: t('queueThreadOf', [String(item.posts.length)]) }));
  const images = item.posts.reduce((n, p) => n + p.media.length, 0);
  if (images) meta.append(el('span', { textContent: t('queueMediaCount', [String(images)]) }));
  li.querySelector('.text').textContent = item.posts[0]?.text ?? '';

  if (item.state.kind === 'retry_waiting') {
    li.append(el('p', { className: 'hint', textContent: t('queueRetryReason', [errorText({ code: item.state.code })]) }));
  }
  if (item.state.kind === 'failed') li.append(el('p', { className: 'error', textContent: errorText({ code: item.state.code }) }));
  if (item.actions.includes('resolve')) li.append(resolveBox(item, busy));
  for (const p of item.posted) {
    if (p.url) li.append(el('p', {}, el('a', { href: p.url, target: '_blank', rel: 'noopener', textContent: t('queueOpenPost') })));
  }
  const buttons = item.actions.filter((a) => a in ACTIONS).map((action) => {
    const { className = '' } = ACTIONS[action];
    // A late post that asks first is skipped with "Skip" (it is cancelled, not sent).
    const askedLate = item.state.kind === 'needs_confirmation' && item.state.reason === 'late';
    const key = askedLate && action === 'cancel' ? 'queueSkip' : ACTIONS[action].key;
    return el('button', {
      type: 'button', className, textContent: t(key), disabled: busy, dataset: { action },
      attrs: action === 'edit' || action === 'reschedule' || action === 'late_policy' ? { 'aria-expanded': String(form === action) } : {},
    });
  });
  if (buttons.length) li.append(el('div', { className: 'actions' }, ...buttons));
  if (form === 'edit') li.append(editForm(item, busy));
  if (form === 'reschedule') li.append(rescheduleForm(item, busy));
  if (form === 'late_policy') li.append(latePolicyForm(item, busy));
  return li;
}
