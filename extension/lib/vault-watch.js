// Follows the vault being created, imported, unlocked or locked, by any page, by auto-lock or
// by a restart. The worker writes one small record, `vault_state` = {exists, unlocked, rev},
// to storage.session only when one of those changes, so pages wake for that and nothing else
// (not for every draft save, and without asking vault_status, which decrypts the vault).
/** @typedef {import('./protocol.js').VaultState} VaultState */

/**
 * Calls `handler(state)` whenever the vault's existence or lock state changes.
 * @param {(state: VaultState) => void} handler
 * @returns {() => void} stops watching
 */
export function watchVault(handler) {
  /** @param {Record<string, chrome.storage.StorageChange>} changes @param {string} area */
  const listener = (changes, area) => {
    if (area !== 'session' || !changes.vault_state) return;
    const before = /** @type {VaultState|undefined} */ (changes.vault_state.oldValue);
    const after = /** @type {VaultState|undefined} */ (changes.vault_state.newValue);
    if (!after) return;
    if (before && before.exists === after.exists && before.unlocked === after.unlocked) return;
    handler(after);
  };
  chrome.storage.onChanged.addListener(listener);
  return () => chrome.storage.onChanged.removeListener(listener);
}
