// What the worker announces to the pages (background.js): the vault's state, the composer's
// progress, a pending right-click share. Pages follow these by message and never listen to
// storage.onChanged for the session area: that event would also hand every open page the
// session's data key whenever the vault is unlocked.

/**
 * Calls `handler(newValue, oldValue)` whenever the worker announces a change of `key`.
 * @param {'vault_state'|'post_progress'|'share'} key
 * @param {(newValue: any, oldValue: any) => void} handler
 * @returns {() => void} stops following
 */
export function onAnnounce(key, handler) {
  /** @param {any} message @param {chrome.runtime.MessageSender} sender */
  const listener = (message, sender) => {
    // Other pages' requests to the worker pass by here too: they are not for this page.
    if (sender.id !== chrome.runtime.id || !message || message.announce !== key) return;
    handler(message.newValue, message.oldValue);
  };
  chrome.runtime.onMessage.addListener(listener);
  return () => chrome.runtime.onMessage.removeListener(listener);
}
