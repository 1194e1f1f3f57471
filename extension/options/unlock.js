// Locked: the shared unlock form (lib/unlock-form.js), focused whenever the page locks.
import { $, show } from '../lib/dom.js';
import { mountUnlockForm } from '../lib/unlock-form.js';
import { panes } from './store.js';

/**
 * @param {import('./effects.js').Effects} fx
 * @returns {(state: import('./store.js').State, prev: import('./store.js').State) => void}
 */
export function mountUnlock(fx) {
  mountUnlockForm(/** @type {HTMLFormElement} */ ($('unlock-form')), (status) => fx.unlocked(status));
  return (state, prev) => {
    const locked = panes(state).unlock;
    show($('unlock'), locked);
    if (locked && state.vault !== prev.vault) $('unlock-pass').focus();
  };
}
