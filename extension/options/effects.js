// Everything the options page asks the core (and the browser's storage quota), and the
// actions it dispatches with the answers. Views call these; only these call `ask`.
import { ask } from '../lib/rpc.js';
import { loadCore } from '../lib/core.js';

/** @typedef {import('./store.js').Action} Action */
/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').Note} Note */
/** @typedef {import('../lib/protocol.js').VaultStatus} VaultStatus */
/** @typedef {import('../lib/protocol.js').CoreError} CoreError */

export const KEY_FIELDS = /** @type {const} */ (['api_key', 'api_secret', 'access_token', 'access_token_secret']);

/** @param {CoreError} error @returns {Note} */
const errorNote = (error) => ({ kind: 'error', error });

/**
 * @param {{dispatch: (action: Action) => void, getState: () => State}} store
 */
/** @type {Promise<import('../lib/core.js').Core|null>|undefined} */
let coreLoading;

export function createEffects({ dispatch, getState }) {
  let drawn = 0; // how many statuses were drawn: a refresh overtaken by a newer one is dropped
  let settingsSaves = 0; // settings_set calls sent: only the latest answer is drawn

  /** A vault status to show, with the storage use that goes with the settings. */
  function showStatus(/** @type {VaultStatus} */ status, extra = {}) {
    drawn += 1;
    dispatch({ type: 'vault', status, ...extra });
    if (status.unlocked) measureStorage();
  }

  /** The status again, after a message whose answer is not one. */
  async function freshStatus() {
    const answer = await ask('vault_status');
    return answer.ok ?? null;
  }

  async function measureStorage() {
    const used = await chrome.storage.local.getBytesInUse(null).catch(() => null);
    // The queue against its ceiling (the core's number).
    const summary = await ask('schedule_summary');
    const queued = summary.ok?.queued ?? null;
    const maxQueued = summary.ok?.max_queued ?? null;
    if (used !== null) dispatch({ type: 'storage', used, quota: chrome.storage.local.QUOTA_BYTES, queued, maxQueued });
  }

  return {
    /** The first answer: a core that did not load (`internal`) is the damaged state. */
    async start() {
      const answer = await ask('vault_status');
      if (answer.error?.code === 'internal') dispatch({ type: 'damaged' });
      else if (answer.error) dispatch({ type: 'message', note: errorNote(answer.error) });
      else showStatus(answer.ok);
    },

    /** The vault or its record changed (here or elsewhere): draw it again, lines kept. */
    async refresh() {
      const at = drawn;
      const status = await freshStatus();
      if (status && at === drawn) showStatus(status, { keepNotes: true });
    },

    /** @param {string} pass @param {string} confirm */
    async createVault(pass, confirm) {
      if (!pass) return dispatch({ type: 'setupFailed', error: { code: 'empty_passphrase' } });
      if (pass !== confirm) return dispatch({ type: 'setupFailed', error: { code: 'passphrase_mismatch' } });
      dispatch({ type: 'setupBusy' });
      dispatch({ type: 'message', note: { kind: 'note', key: 'creatingVault' } });
      const answer = await ask('vault_create', { passphrase: pass });
      if (answer.error) {
        dispatch({ type: 'message', note: null });
        return dispatch({ type: 'setupFailed', error: answer.error });
      }
      showStatus(answer.ok, { message: null });
    },

    /**
     * The unlock form (lib/unlock-form.js) opened the vault.
     * @param {VaultStatus & {passphrase_below_floor?: boolean}} status
     */
    unlocked(status) {
      // A passphrase below today's floor still opens its vault: say so, and where to change it.
      const weak = 'passphrase_below_floor' in status && status.passphrase_below_floor;
      showStatus(status, { message: weak ? { kind: 'warning', key: 'passphraseBelowFloor' } : null });
    },

    async lock() {
      const answer = await ask('vault_lock');
      if (answer.ok) showStatus(answer.ok);
      else dispatch({ type: 'locked' });
    },

    /** @param {string} id */
    async verify(id) {
      dispatch({ type: 'verifyStart', id });
      const answer = await ask('account_verify', { id });
      /** @type {Note} */
      const note = answer.error ? errorNote(answer.error)
        : answer.ok.warning ? { kind: 'warning', key: `warn_${answer.ok.warning}` }
          : { kind: 'ok', key: 'verifiedAs', args: [answer.ok.account.user?.username ?? ''] };
      const status = await freshStatus();
      drawn += 1;
      dispatch({ type: 'verifyDone', id, note, status });
    },

    /**
     * Make default, or remove (after the view's confirmation).
     * @param {'account_set_default'|'account_remove'} type
     * @param {string} id
     */
    async changeAccount(type, id) {
      const answer = await ask(type, { id });
      if (answer.error) dispatch({ type: 'message', note: errorNote(answer.error) });
      else showStatus(answer.ok);
    },

    /**
     * Saves the account form: a new account sends all four keys, an edit only those typed
     * (the others stay as saved). Any key sent is checked with X before anything is saved.
     * @param {{label: string, premium: boolean, values: Record<string, string>}} form
     */
    async saveAccount({ label, premium, values }) {
      const editor = getState().editor;
      if (!editor || editor.busy) return;
      const isNew = editor.id === 'new';
      /** @type {Record<string, string>} */
      const keys = {};
      for (const f of KEY_FIELDS) if (isNew || values[f].trim() !== '') keys[f] = values[f];
      const sent = isNew ? [] : Object.keys(keys);
      dispatch({ type: 'editorBusy', sent });
      const answer = isNew
        ? await ask('account_add', { label, premium, keys })
        : await ask('account_update', { id: editor.id, label, premium, ...(sent.length ? { keys } : {}) });
      if (answer.error) return dispatch({ type: 'editorFailed', error: answer.error });
      const { account, warning } = answer.ok;
      /** @type {Note} */
      const note = warning ? { kind: 'warning', key: `warn_${warning}` }
        : isNew || sent.length ? { kind: 'ok', key: 'verifiedAs', args: [account.user?.username ?? ''] }
          : { kind: 'ok', key: 'settingsSaved' };
      const status = await freshStatus();
      drawn += 1;
      dispatch({ type: 'accountSaved', id: account.id, note, status });
      if (status?.unlocked) measureStorage();
    },

    /** @param {Partial<import('../lib/protocol.js').Settings>} settings */
    async saveSettings(settings) {
      const mine = ++settingsSaves;
      const answer = await ask('settings_set', { settings });
      // A newer change is on its way (the worker applies them in order): its answer is drawn,
      // not this older one, which would put the previous choice back on screen meanwhile.
      if (mine !== settingsSaves) return;
      if (answer.error) return dispatch({ type: 'message', note: errorNote(answer.error) });
      showStatus(answer.ok, { keepNotes: true, message: { kind: 'note', key: 'settingsSaved' } });
    },

    /** @param {string} old @param {string} next @param {string} confirm */
    async changePassphrase(old, next, confirm) {
      const refuse = (/** @type {string} */ code, /** @type {'old'|'new'|'confirm'} */ field) =>
        dispatch({ type: 'passphraseFailed', error: { code }, field });
      if (!old) return refuse('current_passphrase_missing', 'old');
      if (!next) return refuse('empty_passphrase', 'new');
      if (next !== confirm) return refuse('passphrase_mismatch', 'confirm');
      dispatch({ type: 'passphraseBusy' });
      const answer = await ask('vault_change_passphrase', { old, new: next });
      if (answer.error) {
        const field = answer.error.code === 'vault_wrong_passphrase' ? 'old' : null;
        return dispatch({ type: 'passphraseFailed', error: answer.error, field });
      }
      // What opened with neither key (another vault's) was kept as it was: say how much.
      const kept = answer.ok.unopenable;
      const counts = kept ? [kept.items.length, kept.series.length, kept.records.length] : [0, 0, 0];
      dispatch({ type: 'passphraseChanged', kept: counts.some((n) => n > 0) ? counts.map(String) : null });
    },

    /**
     * The strength of a passphrase being chosen, as the core estimates it; dropped when the
     * field changed meanwhile.
     * @param {'setup'|'change'} which
     * @param {string} pass
     * @param {() => boolean} stillCurrent
     */
    async checkStrength(which, pass, stillCurrent) {
      if (!pass) return dispatch({ type: 'strength', which, result: null });
      // The core's pure function, in this page: the passphrase is not sent to the worker on
      // every keystroke. (A build whose core does not load is shown as damaged elsewhere.)
      coreLoading ??= loadCore();
      const core = await coreLoading;
      const result = core?.passphrase_strength?.(pass);
      if (result && stillCurrent()) dispatch({ type: 'strength', which, result });
    },

    /** @returns {Promise<{file_name: string, json: string}|null>} the file to download */
    async exportBackup() {
      const answer = await ask('vault_export');
      if (answer.error) {
        dispatch({ type: 'message', note: errorNote(answer.error) });
        return null;
      }
      dispatch({ type: 'message', note: { kind: 'note', key: 'backupExported', args: [answer.ok.file_name] } });
      return answer.ok;
    },

    /**
     * @param {string} json the chosen file
     * @param {() => boolean} confirmReplace asks the user when a vault exists already
     * @param {() => Promise<string|null>} backupPassphrase asks the backup's passphrase (null: cancelled)
     */
    async importBackup(json, confirmReplace, backupPassphrase) {
      let answer = await ask('vault_import', { json, replace: false });
      if (answer.error?.code === 'vault_exists' && confirmReplace()) {
        // The core replaces a vault only with a backup proved to open with its passphrase.
        const passphrase = await backupPassphrase();
        if (passphrase === null) return;
        answer = await ask('vault_import', { json, replace: true, passphrase });
      }
      if (answer.error) return dispatch({ type: 'message', note: errorNote(answer.error) });
      showStatus(answer.ok, { message: { kind: 'note', key: 'backupImported' } });
    },

    /** Puts back the vault an import replaced (the replaced one is kept in its turn). */
    async restorePrevious() {
      const answer = await ask('vault_restore_previous');
      if (answer.error) return dispatch({ type: 'message', note: errorNote(answer.error) });
      showStatus(answer.ok, { message: { kind: 'note', key: 'previousVaultRestored' } });
    },
  };
}

/** @typedef {ReturnType<typeof createEffects>} Effects */
