// The queue view's state: one object, changed only by reduce(state, action).
// Rules of the page: DOM events call effects (effects.js), only effects ask the core, only
// this store changes state, and the views render from it. Which actions an item allows is
// the core's answer (ItemView.actions), never decided here. Pure: no chrome.*, no DOM.
import { makeStore } from '../lib/store.js';

/** @typedef {import('../lib/protocol.js').ScheduleList} ScheduleList */
/** @typedef {import('../lib/protocol.js').CoreError} CoreError */
/** @typedef {{kind: 'ok'|'error', key?: string, error?: CoreError}} Note */
/** An item's form open under it: its text (one field per post) or a new time. */
/** @typedef {'edit'|'reschedule'|'late_policy'} FormKind */
/** @typedef {{id: number, form: FormKind, busy: boolean}} Editing */
/**
 * @typedef {object} State
 * @property {ScheduleList|null} list the queue as drawn
 * @property {ScheduleList|null} pending a newer answer, kept while a form is open so the
 *   page does not redraw under the user; drawn when the form closes
 * @property {number} offset the worker's clock minus this page's (for the countdowns)
 * @property {Editing|null} editing
 * @property {number|null} acting the item an action was just sent for
 * @property {Note|null} message
 * @property {boolean} damaged the core did not load
 * @property {number} limit how many items of each list the page asks for (more at a click)
 */
/**
 * @typedef {{type: 'listed', list: ScheduleList, pageNowMs: number}
 *   | {type: 'open', id: number, form: FormKind} | {type: 'close'}
 *   | {type: 'acting', id: number} | {type: 'acted', id: number, error?: CoreError}
 *   | {type: 'failed', error: CoreError} | {type: 'damaged'} | {type: 'more'}} Action
 */

/** Items of each list drawn at first, and added by each "Show more". */
export const PAGE = 100;

/** @returns {State} */
export function initialState() {
  return { list: null, pending: null, offset: 0, editing: null, acting: null, message: null, damaged: false, limit: PAGE };
}

/**
 * @param {State} state
 * @param {Action} action
 * @returns {State}
 */
export function reduce(state, action) {
  switch (action.type) {
    case 'listed': {
      const offset = action.list.now_ms - action.pageNowMs;
      if (state.editing && stillThere(action.list, state.editing.id)) return { ...state, pending: action.list, offset };
      return { ...state, list: action.list, pending: null, offset, editing: null };
    }
    case 'open': {
      // Another form replaces an open one: the answer kept meanwhile is drawn now.
      const list = state.pending ?? state.list;
      if (!list || !stillThere(list, action.id)) return state;
      return { ...state, list, pending: null, editing: { id: action.id, form: action.form, busy: false } };
    }
    case 'close':
      return closeForm(state);
    case 'acting':
      return {
        ...state, acting: action.id,
        editing: state.editing?.id === action.id ? { ...state.editing, busy: true } : state.editing,
      };
    case 'acted': {
      /** @type {Note} */
      const message = action.error ? { kind: 'error', error: action.error } : { kind: 'ok', key: 'queueDone' };
      // A refused edit keeps its form open (and what was typed), to fix and save again.
      if (action.error && state.editing?.id === action.id) {
        return { ...state, acting: null, message, editing: { ...state.editing, busy: false } };
      }
      return { ...closeForm(state), acting: null, message };
    }
    case 'failed':
      return { ...state, message: { kind: 'error', error: action.error } };
    case 'damaged':
      return { ...state, damaged: true };
    case 'more':
      return { ...state, limit: state.limit + PAGE };
    default:
      return state;
  }
}

/** @param {State} state @returns {State} */
function closeForm(state) {
  if (!state.editing) return state;
  return { ...state, editing: null, list: state.pending ?? state.list, pending: null };
}

/** @param {ScheduleList} list @param {number} id */
function stillThere(list, id) {
  return list.upcoming.some((i) => i.id === id) || list.past.some((i) => i.id === id);
}

/** The queue as drawn (empty before the first answer). @param {State} state */
export function shown(state) {
  return state.list ?? { now_ms: 0, upcoming: [], past: [], needs_user: 0 };
}

export function createStore() {
  return makeStore(reduce, initialState());
}
