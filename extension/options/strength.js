// The strength meter under a passphrase being chosen (setup, and the passphrase change):
// the core's pure function estimates it in the page a moment after the typing stops, and says
// when the core's floor (12 characters, score 3 of 4) would refuse it.
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
  // Below the core's floor: its own message, the one vault_create would answer.
  const floor = strength.refusal && strength.refusal !== 'empty_passphrase' ? t(`err_${strength.refusal}`).trim() : '';
  text.textContent = [t('strengthLabel', [t(`strength${strength.score}`)]), hint, floor].filter(Boolean).join(' ');
}
