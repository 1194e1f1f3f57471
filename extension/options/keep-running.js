// "Keep Chrome posting": the optional `background` permission (declared under
// optional_permissions in the manifest), asked for at a click and given back with "Turn off".
// With it Chrome keeps running after its windows close and starts at login, so the worker can
// send scheduled posts. The page shows what Chrome says is granted now.
import { $, show } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/** @type {chrome.permissions.Permissions} */
const BACKGROUND = { permissions: /** @type {chrome.runtime.ManifestPermission[]} */ (['background']) };

export function mountKeepRunning() {
  const on = /** @type {HTMLButtonElement} */ ($('keep-running-on'));
  const off = /** @type {HTMLButtonElement} */ ($('keep-running-off'));
  const state = $('keep-running-state');

  /** @param {boolean} granted @param {string} [note] */
  const draw = (granted, note) => {
    state.textContent = note ?? t(granted ? 'keepRunningOn' : 'keepRunningOff');
    show(on, !granted);
    show(off, granted);
  };
  const refresh = async () => draw(await chrome.permissions.contains(BACKGROUND));

  // The request must be made in the click itself (a user gesture), before anything is awaited.
  on.addEventListener('click', () => {
    chrome.permissions.request(BACKGROUND).then(
      (granted) => {
        if (granted) void refresh();
        else draw(false, t('keepRunningRefused'));
      },
      () => draw(false, t('keepRunningRefused')),
    );
  });
  off.addEventListener('click', () => {
    chrome.permissions.remove(BACKGROUND).then(refresh, refresh);
  });
  chrome.permissions.onAdded.addListener(refresh);
  chrome.permissions.onRemoved.addListener(refresh);
  void refresh();
}
