// "Show"/"Hide" toggles for masked inputs: buttons with class "reveal" and data-for=<input id>.
import { t } from './i18n.js';

/** @param {ParentNode} root */
export function bindReveal(root) {
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (root.querySelectorAll('button.reveal'))) {
    const input = /** @type {HTMLInputElement} */ (document.getElementById(button.dataset.for ?? ''));
    button.addEventListener('click', () => {
      const reveal = input.type === 'password';
      input.type = reveal ? 'text' : 'password';
      button.setAttribute('aria-pressed', String(reveal));
      button.textContent = t(reveal ? 'hide' : 'show');
      button.setAttribute('aria-label', t(reveal ? 'hideLabel' : 'showLabel', [labelOf(input)]));
    });
    button.setAttribute('aria-label', t('showLabel', [labelOf(input)]));
  }
}

/**
 * Masks every revealed secret of a form again (after it is submitted), so a passphrase or key
 * is not left on screen as plain text.
 * @param {ParentNode} form
 */
export function remask(form) {
  for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (form.querySelectorAll('button.reveal[aria-pressed="true"]'))) {
    button.click();
  }
}

/** @param {HTMLInputElement} input */
function labelOf(input) {
  return document.querySelector(`label[for="${input.id}"]`)?.textContent ?? '';
}
