// The popup's frame: which section shows (no vault, locked, no account, the tabs), the lock
// button, the unlock form, and page-wide errors.
import { $, show } from '../../lib/dom.js';
import { errorText } from '../../lib/i18n.js';
import { mountUnlockForm } from '../../lib/unlock-form.js';

/** @param {import('../store.js').Store} store @param {import('../effects.js').Effects} fx */
export function mountVault(store, fx) {
  mountUnlockForm($('unlock-form'), (vault) => fx.refreshVault(vault));
  $('lock').addEventListener('click', () => fx.lock());
  for (const id of ['open-options', 'open-options-accounts']) {
    $(id).addEventListener('click', () => {
      chrome.runtime.openOptionsPage();
      if (!document.body.classList.contains('window')) window.close();
    });
  }

  store.subscribe((s, prev) => {
    if (s.pageError !== prev.pageError) {
      const box = $('page-message');
      box.textContent = s.pageError ? errorText(s.pageError) : '';
      box.dataset.kind = 'error';
      show(box, Boolean(s.pageError));
    }
    if (s.vault === prev.vault) return;
    const v = s.vault;
    if (!v) return;
    const unlocked = v.exists && v.unlocked;
    const hasAccounts = unlocked && v.accounts.length > 0;
    $('core-status').dataset.state = !v.exists ? 'no_vault' : !v.unlocked ? 'locked' : 'ready';
    show($('no-vault'), !v.exists);
    show($('unlock'), v.exists && !v.unlocked);
    show($('no-accounts'), unlocked && !hasAccounts);
    show($('lock'), unlocked);
    show($('tabs'), hasAccounts);
    if (v.exists && !v.unlocked && prev.vault?.unlocked !== false) $('unlock-pass').focus();
  });
}
