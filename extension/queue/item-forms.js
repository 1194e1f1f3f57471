// The forms under an item: its text (one field per post of the thread, each post's images
// kept), a new time, and the answer to "did it go out?". Their buttons carry data-form
// (save, close) or data-resolve (posted, send); queue/main.js sends them to the effects.
import { el } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { localDateTimeInput, timeZone } from '../lib/format.js';
import { latePolicyFields } from '../lib/late-policy.js';

/** @typedef {import('../lib/protocol.js').ItemView} ItemView */

const REASON_KEYS = {
  unknown_outcome: 'scheduleReasonUnknownOutcome', late: 'scheduleReasonLate',
  reply_target_unknown: 'scheduleReasonReplyTargetUnknown',
};

/** "Save" (or "Reschedule") and "Discard changes". @param {string} saveKey @param {boolean} busy */
function formButtons(saveKey, busy) {
  return el('div', { className: 'actions' },
    el('button', { type: 'submit', className: 'primary', textContent: t(saveKey), disabled: busy, attrs: { 'aria-busy': String(busy) } }),
    el('button', { type: 'button', textContent: t('queueCancelEdit'), dataset: { form: 'close' } }));
}

/**
 * One textarea per post; the posts already on X (the core's fixed_steps) are read-only.
 * @param {ItemView} item
 * @param {boolean} busy
 */
export function editForm(item, busy) {
  const n = item.posts.length;
  const fixed = item.fixed_steps;
  const fields = item.posts.flatMap((post, i) => {
    const id = `edit-${item.id}-${i}`;
    const label = n > 1 ? t('queueEditStepLabel', [String(i + 1), String(n)]) : t('queueEditLabel');
    return [el('label', { htmlFor: id, textContent: label }), el('textarea', { id, value: post.text, readOnly: i < fixed, autocomplete: 'off', dataset: { step: String(i) } })];
  });
  return el('form', { className: 'inline', dataset: { form: 'edit', id: String(item.id) } }, ...fields, formButtons('queueSave', busy));
}

/** @param {ItemView} item @param {boolean} busy */
export function rescheduleForm(item, busy) {
  const id = `when-${item.id}`;
  const value = localDateTimeInput(Math.max(item.due_at_ms, Date.now() + 60_000));
  return el('form', { className: 'inline', dataset: { form: 'reschedule', id: String(item.id) } },
    el('label', { htmlFor: id, textContent: t('queueNewTimeIn', [timeZone()]) }),
    el('input', { id, type: 'datetime-local', value, required: true }),
    formButtons('queueReschedule', busy));
}

/** The late-policy fields of each open late-policy form, read when it is submitted. */
const latePolicies = new WeakMap();

/** The item's own late policy, or "use my default". @param {ItemView} item @param {boolean} busy */
export function latePolicyForm(item, busy) {
  const box = el('div');
  const fields = latePolicyFields(box, { id: `late-${item.id}`, labelKey: 'latePolicyLabel', withDefault: true });
  if (item.late_policy) fields.set(item.late_policy);
  const form = el('form', { className: 'inline', dataset: { form: 'late_policy', id: String(item.id) } }, box, formButtons('queueSave', busy));
  latePolicies.set(form, fields.get);
  return form;
}

/**
 * The policy a late-policy form holds (null: the default setting's).
 * @param {HTMLFormElement} form
 * @returns {import('../lib/protocol.js').LatePolicy|null}
 */
export function latePolicyOf(form) {
  return latePolicies.get(form)?.() ?? null;
}

/**
 * Why the item waits for the user, and the answers the core accepts (ItemView.resolutions):
 * "it was posted" (with its link or id, pasted as is) and "send it".
 * @param {ItemView} item
 * @param {boolean} busy
 */
export function resolveBox(item, busy) {
  const reason = item.state.kind === 'needs_confirmation' ? item.state.reason : 'unknown_outcome';
  const accepts = item.resolutions;
  const box = el('div', { className: 'resolve' }, el('p', { className: 'hint', textContent: t(REASON_KEYS[reason] ?? 'scheduleReasonUnknownOutcome') }));
  const actions = el('div', { className: 'actions' });
  if (accepts.includes('posted')) {
    const id = `post-id-${item.id}`;
    box.append(el('label', { htmlFor: id, textContent: t('queuePostIdLabel') }),
      el('input', { id, type: 'text', autocomplete: 'off', spellcheck: false, required: item.post_ref_required }));
    actions.append(el('button', { type: 'button', textContent: t('queueItWasPosted'), disabled: busy, dataset: { resolve: 'posted' } }));
  }
  if (accepts.includes('send')) {
    actions.append(el('button', { type: 'button', className: 'primary', textContent: t('queueSendIt'), disabled: busy, dataset: { resolve: 'send' } }));
  }
  box.append(actions);
  return box;
}
