// Keypost's background service worker: wiring only. Every decision is made in the Rust core.
// Listeners are registered synchronously at the top level, before any await, so that events
// that wake a stopped worker are delivered; they wait for the core to initialise.
import init, { handle_message, on_alarm } from './pkg/keypost.js';

const ready = init({ module_or_path: new URL('./pkg/keypost_bg.wasm', import.meta.url) });

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the extension's own pages may talk to the core.
  if (sender.id !== chrome.runtime.id || !message || typeof message.type !== 'string') {
    return false;
  }
  ready
    .then(() => handle_message(message))
    .then(sendResponse, () => sendResponse({ error: { code: 'internal' } }));
  return true;
});

chrome.alarms.onAlarm.addListener((alarm) => {
  ready.then(() => on_alarm(alarm.name));
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  // First run: the options page walks through setup.
  if (reason === chrome.runtime.OnInstalledReason.INSTALL) chrome.runtime.openOptionsPage();
});
