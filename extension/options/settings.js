// Auto-lock (with the risk of "unattended" stated where it is chosen), the default late policy
// and the switches (share link, notify when sent): each change is saved at once, and the page
// says so.
import { $, show } from '../lib/dom.js';
import { latePolicyFields } from '../lib/late-policy.js';
import { panes } from './store.js';

/** The switches: element id → setting. */
const SWITCHES = /** @type {const} */ ({
  'share-page-link': 'share_page_link',
  'notify-sent': 'notify_sent',
});

/**
 * The late policy a settings answer stands for (older settings: `hold_late`).
 * @param {import('../lib/protocol.js').Settings} settings
 * @returns {import('../lib/protocol.js').LatePolicy}
 */
export function latePolicyOf(settings) {
  return settings.late_policy ?? { kind: settings.hold_late ? 'ask' : 'post_late' };
}

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
    late.set(latePolicyOf(settings));
  };
}
