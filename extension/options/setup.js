// First run: choose the passphrase that encrypts the vault (or import a backup, backup.js).
import { $, busy, show } from '../lib/dom.js';
import { errorText } from '../lib/i18n.js';
import { remask } from '../lib/reveal.js';
import { panes } from './store.js';
import { bindStrength, renderStrength } from './strength.js';

/**
 * @param {import('./effects.js').Effects} fx
 * @returns {(state: import('./store.js').State, prev: import('./store.js').State) => void}
 */
export function mountSetup(fx) {
  const form = /** @type {HTMLFormElement} */ ($('setup-form'));
  const pass = $('setup-pass');
  const confirm = $('setup-confirm');
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  bindStrength(pass, 'setup', fx);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    fx.createVault(pass.value, confirm.value);
  });

  return (state, prev) => {
    show($('setup'), panes(state).setup);
    if (state.setup !== prev.setup) {
      busy(button, state.setup.busy);
      const error = $('setup-error');
      error.textContent = state.setup.error ? errorText(state.setup.error) : '';
      show(error, Boolean(state.setup.error));
      // The core answered: the passphrase leaves the page, whatever the answer.
      if (prev.setup.busy && !state.setup.busy) {
        remask(form);
        pass.value = '';
        confirm.value = '';
      }
    }
    if (state.strength.setup !== prev.strength.setup || (prev.setup.busy && !state.setup.busy)) {
      renderStrength($('setup-meter'), $('setup-strength'), pass.value ? state.strength.setup : null);
    }
  };
}
