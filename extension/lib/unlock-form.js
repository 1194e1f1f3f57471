// The unlock form, the same in the popup and on the options page: the passphrase goes to the
// core, a wrong one says so and is selected for retyping, and the field is emptied and masked
// again once the vault is open.
import { ask } from './rpc.js';
import { errorText } from './i18n.js';
import { busy, show } from './dom.js';
import { remask } from './reveal.js';

/**
 * @param {HTMLFormElement} form holds the passphrase input, a submit button and a p.error
 * @param {(status: import('./protocol.js').VaultStatus) => void|Promise<void>} onUnlocked
 */
export function mountUnlockForm(form, onUnlocked) {
  const input = /** @type {HTMLInputElement} */ (form.querySelector('input[type=password], input.passphrase'));
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type=submit]'));
  const error = /** @type {HTMLElement} */ (form.querySelector('.error'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    busy(button, true);
    show(error, false);
    const answer = await ask('vault_unlock', { passphrase: input.value });
    busy(button, false);
    remask(form);
    if (answer.error) {
      error.textContent = errorText(answer.error);
      show(error, true);
      input.setAttribute('aria-invalid', 'true');
      input.select();
      return;
    }
    input.value = '';
    input.removeAttribute('aria-invalid');
    await onUnlocked(answer.ok);
  });
}
