// Follows the vault being created, imported, unlocked or locked, by any page, by auto-lock or
// by a restart. The worker writes one small record, `vault_state` = {exists, unlocked, rev},
// to storage.session only when one of those changes, and announces it (lib/announce.js), so
// pages wake for that and nothing else (not for every draft save, and without asking
// vault_status, which decrypts the vault).
import { onAnnounce } from './announce.js';

/** @typedef {import('./protocol.js').VaultState} VaultState */

/**
 * Calls `handler(state)` whenever the vault's existence or lock state changes.
 * @param {(state: VaultState) => void} handler
 * @returns {() => void} stops watching
 */
export function watchVault(handler) {
  return onAnnounce('vault_state', (/** @type {VaultState|undefined} */ after, /** @type {VaultState|undefined} */ before) => {
    if (!after) return;
    if (before && before.exists === after.exists && before.unlocked === after.unlocked) return;
    handler(after);
  });
}
