// The page's frame: the vault state for screen readers (and the tests), "Lock now", the
// page's message line.
import { $, message, show } from '../lib/dom.js';
import { t, errorText } from '../lib/i18n.js';
import { panes } from './store.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').Note} Note */

/** A note's words. @param {Note} note */
export function noteText(note) {
  return note.error ? errorText(note.error) : t(note.key ?? '', note.args);
}

/**
 * @param {import('./effects.js').Effects} fx
 * @returns {(state: State, prev: State) => void}
 */
export function mountPage(fx) {
  $('lock').addEventListener('click', () => fx.lock());
  return (state, prev) => {
    if (state.vault !== prev.vault && state.vault) {
      const v = state.vault;
      const vault = v.exists ? (v.unlocked ? 'unlocked' : 'locked') : 'none';
      const status = $('core-status');
      status.dataset.state = 'ready';
      status.dataset.vault = vault;
      status.textContent = t({ none: 'vaultNone', locked: 'vaultLocked', unlocked: 'vaultUnlocked' }[vault]);
      show($('lock'), panes(state).lock);
    }
    if (state.message !== prev.message) {
      const note = state.message;
      message($('page-message'), note ? noteText(note) : '', note?.kind ?? 'note');
    }
  };
}
