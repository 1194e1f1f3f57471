// "Post as": one radio per account (from the account-option template), the chosen account's
// state in words, and Verify.
import { $, show, busy, fromTemplate } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { handleOf, accountStatusText, verifyResult } from '../../lib/format.js';
import { currentAccount } from '../store.js';

/** @param {import('../store.js').Store} store @param {import('../effects.js').Effects} fx */
export function mountAccounts(store, fx) {
  $('account-options').addEventListener('change', (/** @type {Event} */ e) => {
    const radio = /** @type {HTMLInputElement} */ (e.target);
    if (radio.name === 'account') fx.chooseAccount(radio.value);
  });
  $('verify').addEventListener('click', async () => {
    const button = $('verify');
    busy(button, true);
    store.dispatch({ type: 'verify_note', note: { kind: 'note', text: t('verifying') } });
    const answer = await fx.verify();
    busy(button, false);
    store.dispatch({ type: 'verify_note', note: answer ? verifyResult(answer) : null });
  });

  store.subscribe((s, prev) => {
    if (s.vault !== prev.vault && s.vault?.unlocked) renderOptions(s);
    else if (s.draft.account_id !== prev.draft.account_id) renderOptions(s);
    if (s.vault !== prev.vault || s.draft.account_id !== prev.draft.account_id) renderState(s);
    if (s.verifyNote !== prev.verifyNote) {
      const note = $('verify-message');
      note.textContent = s.verifyNote?.text ?? '';
      note.dataset.kind = s.verifyNote?.kind ?? 'note';
      show(note, Boolean(s.verifyNote));
    }
  });
}

/** @param {import('../store.js').State} s */
function renderOptions(s) {
  const box = $('account-options');
  box.replaceChildren(...(s.vault?.accounts ?? []).map((a) => {
    const label = fromTemplate('account-option');
    const radio = label.querySelector('input');
    radio.value = a.id;
    radio.checked = a.id === s.draft.account_id;
    const avatar = label.querySelector('img');
    if (a.user?.profile_image_url) avatar.src = a.user.profile_image_url;
    label.querySelector('.name').textContent = handleOf(a);
    label.dataset.state = a.display_state;
    return label;
  }));
}

/** @param {import('../store.js').State} s */
function renderState(s) {
  const a = currentAccount(s);
  if (!a) return;
  $('account-state').textContent = accountStatusText(a);
  $('account-state-row').dataset.state = a.display_state;
}
