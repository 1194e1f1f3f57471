// The Compose / Sent tabs (ARIA tabs: arrow keys, Home and End move between them).
import { $, show } from '../../lib/dom.js';

const TABS = /** @type {const} */ (['compose', 'sent']);

/** @param {import('../store.js').Store} store @param {import('../effects.js').Effects} fx */
export function mountTabs(store, fx) {
  for (const name of TABS) $(`tab-${name}`).addEventListener('click', () => fx.selectTab(name));
  $('tabs').addEventListener('keydown', (/** @type {KeyboardEvent} */ e) => {
    if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    const current = store.getState().tab;
    const next = e.key === 'Home' ? 'compose' : e.key === 'End' ? 'sent' : current === 'compose' ? 'sent' : 'compose';
    fx.selectTab(next);
    $(`tab-${next}`).focus();
  });

  store.subscribe((s, prev) => {
    if (s.tab === prev.tab && s.vault === prev.vault) return;
    const hasAccounts = Boolean(s.vault?.unlocked && s.vault.accounts.length);
    for (const name of TABS) {
      const on = name === s.tab;
      const button = $(`tab-${name}`);
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      show($(name), hasAccounts && on);
    }
  });
}
