// Auto-lock and the switches (share link, notify when sent, hold late posts): each change is
// saved at once, and the page says so.
import { $, show } from '../lib/dom.js';
import { panes } from './store.js';

/** The switches: element id → setting. */
const SWITCHES = /** @type {const} */ ({
  'share-page-link': 'share_page_link',
  'notify-sent': 'notify_sent',
  'hold-late': 'hold_late',
});

/**
 * @param {import('./effects.js').Effects} fx
 * @returns {(state: import('./store.js').State, prev: import('./store.js').State) => void}
 */
export function mountSettings(fx) {
  const autolock = /** @type {HTMLSelectElement} */ ($('autolock'));
  autolock.addEventListener('change', () => {
    fx.saveSettings({ autolock: /** @type {import('../lib/protocol.js').Autolock} */ (autolock.value) });
  });
  for (const [id, name] of Object.entries(SWITCHES)) {
    const input = /** @type {HTMLInputElement} */ ($(id));
    input.addEventListener('change', () => fx.saveSettings({ [name]: input.checked }));
  }

  return (state, prev) => {
    show($('settings'), panes(state).settings);
    const settings = state.vault?.settings;
    if (!settings || state.vault === prev.vault) return;
    autolock.value = settings.autolock;
    for (const [id, name] of Object.entries(SWITCHES)) $(id).checked = settings[name];
  };
}
