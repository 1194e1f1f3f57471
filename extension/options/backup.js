// Backups (export the encrypted vault, import one: on first run or to replace this one, with
// the backup's passphrase; restore the vault an import replaced) and
// how much of the browser's storage quota Keypost uses.
import { $, el } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { remask } from '../lib/reveal.js';

/**
 * @param {import('./effects.js').Effects} fx
 * @returns {(state: import('./store.js').State, prev: import('./store.js').State) => void}
 */
export function mountBackup(fx) {
  const file = /** @type {HTMLInputElement} */ ($('import-file'));
  $('export').addEventListener('click', async () => {
    const backup = await fx.exportBackup();
    if (backup) download(backup.file_name, backup.json);
  });
  for (const id of ['import', 'setup-import']) $(id).addEventListener('click', () => file.click());
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (chosen) {
      await fx.importBackup(
        await chosen.text(),
        () => confirm(t('confirmReplaceVault')),
        askBackupPassphrase,
      );
    }
  });

  $('previous-restore').addEventListener('click', () => fx.restorePrevious());

  return (state, prev) => {
    // The vault an import replaced, while the core keeps it: it can be put back.
    if (state.vault !== prev.vault) $('previous-vault').hidden = !state.vault?.previous;
    if (state.storage === prev.storage || !state.storage) return;
    const { used, quota } = state.storage;
    const kb = (/** @type {number} */ n) => String(Math.max(1, Math.round(n / 1024)));
    const { queued, maxQueued } = state.storage;
    const queue = queued !== null && maxQueued !== null
      ? ` ${t('queueUsed', [queued.toLocaleString(), maxQueued.toLocaleString()])}` : '';
    $('storage-used').textContent = t('storageUsed', [kb(used), kb(quota), String(Math.round((used * 100) / quota))]) + queue;
  };
}

/**
 * Asks the backup's passphrase in a modal dialog with a masked field (never a prompt(), which
 * shows it in clear). Escape or Cancel answers null.
 * @returns {Promise<string|null>}
 */
function askBackupPassphrase() {
  const dialog = /** @type {HTMLDialogElement} */ ($('import-dialog'));
  const input = /** @type {HTMLInputElement} */ ($('import-pass'));
  input.value = '';
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const passphrase = dialog.returnValue === 'ok' ? input.value : null;
      input.value = '';
      remask(dialog);
      resolve(passphrase);
    }, { once: true });
    dialog.showModal();
    input.focus();
  });
}

/** Saves a text file to the downloads. @param {string} name @param {string} json */
function download(name, json) {
  const a = el('a', { href: URL.createObjectURL(new Blob([json], { type: 'application/json' })), download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
