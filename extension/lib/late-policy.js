// The late-policy fields (a choice, and the minutes of "skip if too late"), drawn the same way
// in the composer's schedule box (per post, with "use my default") and in the options page
// (the default). The core validates and applies the policy; this only reads and shows it.
import { el, show } from './dom.js';
import { t } from './i18n.js';

/** @typedef {import('./protocol.js').LatePolicy} LatePolicy */

/** Minutes a new "skip if too late" starts with. */
const DEFAULT_SKIP_MINUTES = 30;
const CHOICES = /** @type {const} */ ([
  ['post_late', 'latePolicyPostLate'], ['ask', 'latePolicyAsk'], ['skip_after', 'latePolicySkip'],
]);

/**
 * Fills `box` with a labelled choice and, for "skip", a labelled minutes field.
 * @param {HTMLElement} box
 * @param {{id: string, labelKey: string, withDefault: boolean, onChange?: () => void}} options
 * @returns {{get: () => LatePolicy|null, set: (policy: LatePolicy) => void}}
 */
export function latePolicyFields(box, { id, labelKey, withDefault, onChange }) {
  const choice = /** @type {HTMLSelectElement} */ (el('select', { id },
    ...(withDefault ? [el('option', { value: '', textContent: t('latePolicyUseDefault') })] : []),
    ...CHOICES.map(([value, key]) => el('option', { value, textContent: t(key) }))));
  const minutes = /** @type {HTMLInputElement} */ (el('input', {
    id: `${id}-minutes`, type: 'number', min: '1', max: '10080', step: '1', value: String(DEFAULT_SKIP_MINUTES),
  }));
  const minutesBox = el('div', { hidden: true },
    el('label', { htmlFor: minutes.id, textContent: t('latePolicyMinutes') }), minutes);
  box.replaceChildren(el('label', { htmlFor: id, textContent: t(labelKey) }), choice, minutesBox);
  const changed = () => {
    show(minutesBox, choice.value === 'skip_after');
    onChange?.();
  };
  choice.addEventListener('change', changed);
  minutes.addEventListener('change', changed);
  return {
    get() {
      if (choice.value === 'skip_after') return { kind: 'skip_after', minutes: Number(minutes.value) || DEFAULT_SKIP_MINUTES };
      if (choice.value === 'post_late' || choice.value === 'ask') return { kind: choice.value };
      return null;
    },
    set(policy) {
      choice.value = policy.kind;
      if (policy.kind === 'skip_after') minutes.value = String(policy.minutes);
      show(minutesBox, policy.kind === 'skip_after');
    },
  };
}
