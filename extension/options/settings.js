// Auto-lock (with the risk of "unattended" stated where it is chosen), the default late policy
// and the switches (share link, notify when sent, posts' texts in notifications): each change is saved at once, and the page
// says so.
import { $, show } from '../lib/dom.js';
import { latePolicyFields } from '../lib/late-policy.js';
import { panes } from './store.js';

/** The switches: element id → setting. */
const SWITCHES = /** @type {const} */ ({
  'share-page-link': 'share_page_link',
  'notify-sent': 'notify_sent',
  'notify-text': 'notify_text',
});

/**
 * @param {import('./effects.js').Effects} fx
 * @returns {(state: import('./store.js').State, prev: import('./store.js').State) => void}
 */
export function mountSettings(fx) {
  const autolock = /** @type {HTMLSelectElement} */ ($('autolock'));
  autolock.addEventListener('change', () => {
    show($('autolock-risk'), autolock.value === 'restart');
    fx.saveSettings({ autolock: /** @type {import('../lib/protocol.js').Autolock} */ (autolock.value) });
  });
  for (const [id, name] of Object.entries(SWITCHES)) {
    const input = /** @type {HTMLInputElement} */ ($(id));
    input.addEventListener('change', () => fx.saveSettings({ [name]: input.checked }));
  }
  const late = latePolicyFields($('late-policy-box'), {
    id: 'late-policy', labelKey: 'latePolicyDefaultLabel', withDefault: false,
    onChange: () => {
      const policy = late.get();
      if (policy) fx.saveSettings({ late_policy: policy });
    },
  });

  return (state, prev) => {
    show($('settings'), panes(state).settings);
    const settings = state.vault?.settings;
    if (!settings || state.vault === prev.vault) return;
    autolock.value = settings.autolock;
    show($('autolock-risk'), settings.autolock === 'restart');
    for (const [id, name] of Object.entries(SWITCHES)) $(id).checked = settings[name];
    // The core answers the policy that applies (older settings' `hold_late` included).
    if (settings.late_policy) late.set(settings.late_policy);
  };
}
