// The strength meter under a passphrase being chosen (setup, and the passphrase change):
// the core estimates it a moment after the typing stops.
import { t } from '../lib/i18n.js';

/**
 * @param {HTMLInputElement} input
 * @param {'setup'|'change'} which
 * @param {import('./effects.js').Effects} fx
 */
export function bindStrength(input, which, fx) {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const pass = input.value;
      fx.checkStrength(which, pass, () => input.value === pass);
    }, 150);
  });
}

/**
 * @param {HTMLMeterElement} meter
 * @param {HTMLElement} text
 * @param {import('./store.js').Strength|null} strength
 */
export function renderStrength(meter, text, strength) {
  meter.value = strength?.score ?? 0;
  if (!strength) {
    text.textContent = '';
    return;
  }
  const hint = strength.hint ? t(`strengthHint_${strength.hint}`).trim() : '';
  text.textContent = t('strengthLabel', [t(`strength${strength.score}`)]) + (hint ? ` ${hint}` : '');
}
