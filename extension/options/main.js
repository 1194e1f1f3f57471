// The options page: first-run setup, unlock, the accounts and their form, settings, the
// passphrase change, backups. Boot: one store, one set of effects, one view per pane.
//
//   DOM events ──► effects (the only callers of the core) ──► dispatch(action)
//   vault_state, as the worker announces it (lib/vault-watch.js), or the record (`vault` in
//   storage.local) while the accounts show ──► effects.refresh()
//   an answer "locked" (lib/rpc.js onLocked) ──► dispatch({type: 'locked'})
//   store.reduce(state, action) ──► every view renders (state, prev)
import { localize } from '../lib/i18n.js';
import { bindReveal } from '../lib/reveal.js';
import { onLocked } from '../lib/rpc.js';
import { watchVault } from '../lib/vault-watch.js';
import { showDamaged } from '../lib/core.js';
import { createStore } from './store.js';
import { createEffects } from './effects.js';
import { mountPage } from './page.js';
import { mountSetup } from './setup.js';
import { mountUnlock } from './unlock.js';
import { mountAccounts } from './accounts.js';
import { mountAccountEditor } from './account-editor.js';
import { mountSettings } from './settings.js';
import { mountPassphrase } from './passphrase.js';
import { mountBackup } from './backup.js';
import { mountPrices } from './prices.js';
import { mountKeepRunning } from './keep-running.js';

localize();
bindReveal(document);
const store = createStore();
const fx = createEffects(store);
// In this order: the list is drawn before the form that hands the focus back to it.
const views = [
  mountPage(fx), mountSetup(fx), mountUnlock(fx), mountAccounts(fx, store),
  mountAccountEditor(fx, store), mountSettings(fx), mountPassphrase(fx), mountBackup(fx),
];
store.subscribe((state, prev) => {
  // The core did not load: one "damaged: reinstall" state instead of the page.
  if (state.damaged) {
    if (!prev.damaged) showDamaged(/** @type {HTMLElement} */ (document.querySelector('main')));
    return;
  }
  for (const render of views) render(state, prev);
});

// Auto-lock struck, or another page locked: the next step is the unlock form.
onLocked(() => store.dispatch({ type: 'locked' }));
// Another page (the popup), auto-lock or a restart created, unlocked or locked the vault.
watchVault((vault) => {
  const shown = store.getState().vault;
  if (!shown || shown.exists !== vault.exists || shown.unlocked !== vault.unlocked) fx.refresh();
});
// The record changed (an account saved, verified or removed, here or on another page).
chrome.storage.local.onChanged.addListener((changes) => {
  if (changes.vault && store.getState().vault?.unlocked) fx.refresh();
});

mountPrices();
mountKeepRunning();
await fx.start();
