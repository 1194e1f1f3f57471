// The options page's state: one object, changed only by reduce(state, action).
// Rules of the page: DOM events call effects (effects.js), only effects ask the core, only
// this store changes state, and the views render from it. Pure: no chrome.*, no DOM; the
// words are the views' (a Note holds a message key or the core's error, not text).
import { makeStore } from '../lib/store.js';

/** @typedef {import('../lib/protocol.js').VaultStatus} VaultStatus */
/** @typedef {import('../lib/protocol.js').CoreError} CoreError */
/** @typedef {{kind: 'ok'|'note'|'warning'|'error', key?: string, args?: string[], error?: CoreError}} Note */
/** @typedef {{score: number, hint?: string, acceptable?: boolean, refusal?: string|null}} Strength */
/**
 * The account form: `id` is 'new' or the account being edited; `opened` counts the times it
 * was opened (a reopened form is filled afresh); `sent` the key fields the last save sent (an
 * error then says those were not changed).
 * @typedef {{id: string, opened: number, busy: boolean, error: CoreError|null, sent: string[]}} Editor
 */
/**
 * @typedef {object} State
 * @property {VaultStatus|null} vault null until the core first answers
 * @property {boolean} damaged the core did not load: the page says so and nothing else
 * @property {Editor|null} editor
 * @property {Record<string, Note>} notes a line under an account (after verify or save)
 * @property {Record<string, boolean>} verifying
 * @property {Note|null} message the page's message line
 * @property {{busy: boolean, error: CoreError|null}} setup
 * @property {{busy: boolean, error: CoreError|null, field: 'old'|'new'|'confirm'|null, done: number}} passphrase
 * @property {{setup: Strength|null, change: Strength|null}} strength
 * @property {{used: number, quota: number, queued: number|null, maxQueued: number|null}|null} storage
 */
/**
 * @typedef {{type: 'vault', status: VaultStatus, message?: Note|null, keepNotes?: boolean}
 *   | {type: 'locked'} | {type: 'damaged'} | {type: 'message', note: Note|null}
 *   | {type: 'editorOpen', id: string} | {type: 'editorClose'}
 *   | {type: 'editorBusy', sent: string[]} | {type: 'editorFailed', error: CoreError}
 *   | {type: 'accountSaved', id: string, note: Note, status: VaultStatus|null}
 *   | {type: 'verifyStart', id: string} | {type: 'verifyDone', id: string, note: Note, status: VaultStatus|null}
 *   | {type: 'setupBusy'} | {type: 'setupFailed', error: CoreError}
 *   | {type: 'passphraseBusy'} | {type: 'passphraseFailed', error: CoreError, field: 'old'|'new'|'confirm'|null}
 *   | {type: 'passphraseChanged', kept: string[]|null}
 *   | {type: 'strength', which: 'setup'|'change', result: Strength|null}
 *   | {type: 'storage', used: number, quota: number, queued: number|null, maxQueued: number|null}} Action
 */

/** @returns {State} */
export function initialState() {
  return {
    vault: null, damaged: false, editor: null, notes: {}, verifying: {}, message: null,
    setup: { busy: false, error: null },
    passphrase: { busy: false, error: null, field: null, done: 0 },
    strength: { setup: null, change: null },
    storage: null,
  };
}

/** @param {string} id @param {Editor|null} was @returns {Editor} */
const openEditor = (id, was) => ({ id, opened: (was?.opened ?? 0) + 1, busy: false, error: null, sent: [] });

/**
 * @param {State} state
 * @param {Action} action
 * @returns {State}
 */
export function reduce(state, action) {
  switch (action.type) {
    case 'vault': {
      const status = action.status;
      let editor = status.unlocked ? state.editor : null;
      if (editor && editor.id !== 'new' && !status.accounts.some((a) => a.id === editor.id)) editor = null;
      // An open vault without accounts opens the form for the first one.
      if (status.unlocked && status.accounts.length === 0 && !editor) editor = openEditor('new', null);
      const next = {
        ...state, vault: status, editor,
        setup: status.exists ? { busy: false, error: null } : state.setup,
        notes: action.keepNotes && status.unlocked ? state.notes : {},
        message: action.message === undefined ? state.message : action.message,
      };
      return status.unlocked ? next : lockedExtras(next);
    }
    case 'locked':
      if (!state.vault?.unlocked) return state;
      return lockedExtras({ ...state, vault: { ...state.vault, unlocked: false, accounts: [] }, editor: null, notes: {} });
    case 'damaged':
      return { ...state, damaged: true };
    case 'message':
      return { ...state, message: action.note };
    case 'editorOpen':
      return state.vault?.unlocked ? { ...state, editor: openEditor(action.id, state.editor) } : state;
    case 'editorClose':
      return { ...state, editor: null };
    case 'editorBusy':
      return state.editor ? { ...state, editor: { ...state.editor, busy: true, error: null, sent: action.sent } } : state;
    case 'editorFailed':
      // No editor: the vault locked meanwhile, and the page now asks for the passphrase.
      return state.editor ? { ...state, editor: { ...state.editor, busy: false, error: action.error } } : state;
    case 'accountSaved':
      return {
        ...state, editor: null,
        vault: action.status ?? state.vault,
        notes: { [action.id]: action.note },
      };
    case 'verifyStart':
      return {
        ...state,
        verifying: { ...state.verifying, [action.id]: true },
        notes: { ...state.notes, [action.id]: { kind: 'note', key: 'verifying' } },
      };
    case 'verifyDone': {
      const verifying = { ...state.verifying };
      delete verifying[action.id];
      if (!state.vault?.unlocked) return { ...state, verifying };
      // A redraw from the fresh status: the other accounts' lines go, as after any redraw.
      const notes = action.status ? { [action.id]: action.note } : { ...state.notes, [action.id]: action.note };
      return { ...state, verifying, vault: action.status ?? state.vault, notes };
    }
    case 'setupBusy':
      return { ...state, setup: { ...state.setup, busy: true, error: null } };
    case 'setupFailed':
      return { ...state, setup: { busy: false, error: action.error } };
    case 'passphraseBusy':
      return { ...state, passphrase: { ...state.passphrase, busy: true, error: null, field: null } };
    case 'passphraseFailed':
      return { ...state, passphrase: { ...state.passphrase, busy: false, error: action.error, field: action.field } };
    case 'passphraseChanged':
      return {
        ...state,
        passphrase: { busy: false, error: null, field: null, done: state.passphrase.done + 1 },
        strength: { ...state.strength, change: null },
        message: action.kept
          ? { kind: 'note', key: 'passphraseChangedKept', args: action.kept }
          : { kind: 'note', key: 'passphraseChanged' },
      };
    case 'strength':
      return { ...state, strength: { ...state.strength, [action.which]: action.result } };
    case 'storage':
      return { ...state, storage: { used: action.used, quota: action.quota, queued: action.queued, maxQueued: action.maxQueued } };
    default:
      return state;
  }
}

/**
 * What the page shows while locked or without a vault: no account form, no half-typed
 * passphrase change, no verification in flight.
 * @param {State} state
 * @returns {State}
 */
function lockedExtras(state) {
  return {
    ...state, editor: null, verifying: {},
    passphrase: { busy: false, error: null, field: null, done: state.passphrase.done + 1 },
    strength: { ...state.strength, change: null },
  };
}

/**
 * Which parts of the page show, from the vault's state.
 * @param {State} state
 */
export function panes(state) {
  const v = state.vault;
  return {
    setup: Boolean(v && !v.exists),
    unlock: Boolean(v?.exists && !v.unlocked),
    accounts: Boolean(v?.unlocked),
    settings: Boolean(v?.unlocked),
    lock: Boolean(v?.unlocked),
    editor: Boolean(v?.unlocked && state.editor),
  };
}

export function createStore() {
  return makeStore(reduce, initialState());
}
