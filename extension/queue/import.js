// The queue view's CSV import and export. The core reads and checks every row (csv_plan):
// this page only reads the picked files, puts the images in the media store, and shows the
// core's answer: the count queued, or each bad row by line (and then nothing was queued).
import { $, el, show, busy, message } from '../lib/dom.js';
import { t, errorText } from '../lib/i18n.js';
import { ask } from '../lib/rpc.js';
import { putMedia, deleteMedia } from '../media-store.js';

/** @typedef {import('../lib/protocol.js').ImportRowError} ImportRowError */

export function mountImport() {
  const csvInput = /** @type {HTMLInputElement} */ ($('import-csv'));
  const mediaInput = /** @type {HTMLInputElement} */ ($('import-media'));
  const importButton = /** @type {HTMLButtonElement} */ ($('import-button'));
  const exportButton = /** @type {HTMLButtonElement} */ ($('export-button'));
  const note = /** @type {HTMLElement} */ ($('import-message'));
  const errors = /** @type {HTMLElement} */ ($('import-errors'));

  /** @param {ImportRowError[]} rows */
  function showRows(rows) {
    errors.replaceChildren(...rows.map((row) => el('li', {},
      t('importLine', [String(row.line), errorText({ code: row.code, ...(row.detail ? { detail: row.detail } : {}) })]))));
    show(errors, rows.length > 0);
  }

  importButton.addEventListener('click', async () => {
    const file = csvInput.files?.[0];
    showRows([]);
    if (!file) {
      message(note, t('importNoFile'), 'error');
      csvInput.focus();
      return;
    }
    busy(importButton, true);
    /** @type {{name: string, media_id: string}[]} */
    const files = [];
    try {
      for (const image of mediaInput.files ?? []) {
        const stored = await putMedia(image);
        files.push({ name: image.name, media_id: stored.media_id });
      }
      const answer = await ask('schedule_import', { csv: await file.text(), files });
      const used = new Set(answer.ok?.media_used ?? []);
      // Images no queued post names are not kept.
      await Promise.all(files.filter((f) => !used.has(f.media_id)).map((f) => deleteMedia(f.media_id)));
      if (answer.ok) {
        message(note, t('importDone', [String(answer.ok.queued)]), 'ok');
      } else if (answer.error.code === 'import_invalid') {
        message(note, t('importRejected'), 'error');
        showRows(/** @type {ImportRowError[]} */ (answer.error.rows ?? []));
      } else {
        message(note, errorText(answer.error), 'error');
      }
    } finally {
      busy(importButton, false);
    }
  });

  exportButton.addEventListener('click', async () => {
    busy(exportButton, true);
    const answer = await ask('schedule_export');
    busy(exportButton, false);
    if (!answer.ok) {
      message(note, errorText(answer.error), 'error');
      return;
    }
    const a = el('a', {
      href: URL.createObjectURL(new Blob([answer.ok.csv], { type: 'text/csv' })),
      download: answer.ok.file_name,
    });
    a.click();
    setTimeout(() => URL.revokeObjectURL(/** @type {HTMLAnchorElement} */ (a).href), 60_000);
    message(note, t('exportDone', [String(answer.ok.count)]), 'ok');
  });
}
