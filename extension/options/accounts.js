// The accounts list: one <li class="account"> per account (from <template id="account-item">),
// its state in the core's words (AccountView.display_state), and Verify, Edit, Make default
// and Remove. The list is drawn again from the state; focus stays on the button it was on.
import { $, fromTemplate, show, busy, message } from '../lib/dom.js';
import { t, localize } from '../lib/i18n.js';
import { accountStatusText, handleOf } from '../lib/format.js';
import { panes } from './store.js';
import { noteText } from './page.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('../lib/protocol.js').AccountView} AccountView */

/**
 * @param {import('./effects.js').Effects} fx
 * @param {{dispatch: (action: import('./store.js').Action) => void, getState: () => State}} store
 * @returns {(state: State, prev: State) => void}
 */
export function mountAccounts(fx, store) {
  const list = $('account-list');
  /** @type {{id: string|null, action: string|undefined}|null} the button to focus again */
  let want = null;
  $('add-account').addEventListener('click', () => store.dispatch({ type: 'editorOpen', id: 'new' }));
  list.addEventListener('click', (/** @type {MouseEvent} */ e) => {
    const button = /** @type {HTMLElement|null} */ (/** @type {Element} */ (e.target).closest('button[data-action]'));
    const id = button?.closest('li.account')?.getAttribute('data-id');
    const account = store.getState().vault?.accounts.find((a) => a.id === id);
    if (!button || !account) return;
    switch (button.dataset.action) {
      case 'verify': return void fx.verify(account.id);
      case 'edit': return store.dispatch({ type: 'editorOpen', id: account.id });
      case 'makeDefault': return void fx.changeAccount('account_set_default', account.id);
      case 'remove':
        if (confirm(t('confirmRemove', [handleOf(account)]))) fx.changeAccount('account_remove', account.id);
    }
  });

  return (state, prev) => {
    show($('accounts'), panes(state).accounts);
    if (state.vault === prev.vault && state.notes === prev.notes && state.verifying === prev.verifying) return;
    const accounts = state.vault?.unlocked ? state.vault.accounts : [];
    show($('no-accounts'), Boolean(state.vault?.unlocked) && accounts.length === 0);
    // Keep the focus on the button it was on (once a busy button is enabled again).
    const active = /** @type {HTMLElement|null} */ (document.activeElement);
    const from = active?.closest('#account-list li.account');
    if (from) want = { id: from.getAttribute('data-id'), action: active.dataset.action };
    else if (active && active !== document.body) want = null;
    list.replaceChildren(...accounts.map((a) => item(a, state)));
    if (!want) return;
    const li = [...list.children].find((n) => n.getAttribute('data-id') === want.id);
    if (!li && panes(state).accounts) $('add-account').focus(); // it was removed
    const button = /** @type {HTMLButtonElement|null|undefined} */ (li?.querySelector(`button[data-action="${want.action}"]`) ?? li?.querySelector('button'));
    if (button?.disabled) return;
    button?.focus();
    want = null;
  };
}

/**
 * @param {AccountView} account
 * @param {State} state
 */
function item(account, state) {
  const li = fromTemplate('account-item');
  localize(li);
  li.dataset.id = account.id;
  li.dataset.state = account.display_state;
  const avatar = li.querySelector('img.avatar');
  if (account.user?.profile_image_url) avatar.src = account.user.profile_image_url;
  li.querySelector('strong').textContent = account.label || account.user?.name || t('unnamedAccount');
  li.querySelector('.handle').textContent = account.user ? `@${account.user.username}` : '';
  li.querySelector('.status').textContent = accountStatusText(account);
  li.querySelector('.keys').textContent = t('maskedKeys', [account.masked.api_key, account.masked.access_token]);
  if (account.is_default) li.querySelector('button[data-action="makeDefault"]').remove();
  else li.querySelector('.badge').remove();
  busy(li.querySelector('button[data-action="verify"]'), Boolean(state.verifying[account.id]));
  const note = state.notes[account.id];
  if (note) message(li.querySelector('.message'), noteText(note), note.kind);
  return li;
}
