// Changing the passphrase: the current one, the new one twice (with its strength). The fields
// are emptied once it is changed, or when the page locks.
import { $, busy, show } from '../lib/dom.js';
import { errorText } from '../lib/i18n.js';
import { remask } from '../lib/reveal.js';
import { bindStrength, renderStrength } from './strength.js';

/** The form's fields by the name the store gives them. */
const FIELDS = /** @type {const} */ ({ old: 'pass-old', new: 'pass-new', confirm: 'pass-confirm' });

/**
 * @param {import('./effects.js').Effects} fx
 * @returns {(state: import('./store.js').State, prev: import('./store.js').State) => void}
 */
export function mountPassphrase(fx) {
  const form = /** @type {HTMLFormElement} */ ($('passphrase-form'));
  const value = (/** @type {keyof FIELDS} */ name) => $(FIELDS[name]).value;
  bindStrength($('pass-new'), 'change', fx);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    fx.changePassphrase(value('old'), value('new'), value('confirm'));
  });

  return (state, prev) => {
    const now = state.passphrase;
    const was = prev.passphrase;
    if (state.strength.change !== prev.strength.change) {
      renderStrength($('pass-meter'), $('pass-strength'), state.strength.change);
    }
    if (now === was) return;
    busy($('passphrase-save'), now.busy);
    const error = $('passphrase-error');
    error.textContent = now.error ? errorText(now.error) : '';
    show(error, Boolean(now.error));
    if (was.busy && !now.busy) remask(form);
    if (now.done !== was.done) for (const id of Object.values(FIELDS)) $(id).value = '';
    if (now.field && now.error !== was.error) {
      const input = $(FIELDS[now.field]);
      if (now.error?.code === 'vault_wrong_passphrase') input.select();
      else input.focus();
    }
  };
}
