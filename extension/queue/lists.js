// The two lists (upcoming, and sent/failed/cancelled), the "unlock to send" hint and the
// page's message, drawn from the state. A redraw keeps the focus where it was (the same
// button or field of the same item), and what was typed into the items' fields.
import { $, show, message } from '../lib/dom.js';
import { t, errorText } from '../lib/i18n.js';
import { dateTime } from '../lib/format.js';
import { shown, PAGE } from './store.js';
import { itemRow } from './item-row.js';

/** @typedef {import('./store.js').State} State */

/** @returns {(state: State, prev: State) => void} */
export function mountLists() {
  return (state, prev) => {
    if (state.message !== prev.message) {
      const note = state.message;
      message($('page-message'), note ? (note.error ? errorText(note.error) : t(note.key ?? '')) : '', note?.kind ?? 'ok');
    }
    if (state.list === prev.list && state.editing === prev.editing && state.acting === prev.acting) return;
    const { upcoming, past } = shown(state);
    const typed = remember();
    /** @param {import('../lib/protocol.js').ItemView} item @param {boolean} isUpcoming */
    const row = (item, isUpcoming) => itemRow(item, {
      upcoming: isUpcoming, offset: state.offset,
      form: state.editing?.id === item.id ? state.editing.form : null,
      busy: state.acting === item.id,
    });
    $('upcoming').replaceChildren(...upcoming.map((i) => row(i, true)));
    $('past').replaceChildren(...past.map((i) => row(i, false)));
    for (const [id, drawn, total] of /** @type {const} */ ([['upcoming-more', upcoming.length, state.list?.upcoming_total], ['past-more', past.length, state.list?.past_total]])) {
      const left = (total ?? drawn) - drawn;
      const button = $(id);
      button.textContent = t('queueShowMore', [String(Math.min(left, PAGE)), String(left)]);
      show(button, left > 0);
    }
    show($('upcoming-empty'), Boolean(state.list) && upcoming.length === 0);
    show($('past-empty'), Boolean(state.list) && past.length === 0);
    show($('unlock-hint'), upcoming.some((i) => i.state.kind === 'needs_unlock'));
    const next = state.list?.summary?.next_due_ms;
    $('next-due').textContent = next == null ? t('scheduleNextNone') : t('scheduleNextDue', [dateTime(next)]);
    const opened = state.editing && (state.editing.id !== prev.editing?.id || state.editing.form !== prev.editing?.form);
    const closed = prev.editing && !state.editing ? prev.editing : null;
    restore(typed, opened ? state.editing : null, closed);
  };
}

/** @type {{id: string, item: string|undefined, action: string|undefined}|null} where the focus was */
let focus = null;

/**
 * What has the focus (kept while a busy redraw leaves it nowhere), and what was typed into
 * the items' fields (a form redrawn while its save is on the way keeps the text).
 */
function remember() {
  const active = /** @type {HTMLElement|null} */ (document.activeElement);
  const li = /** @type {HTMLElement|null|undefined} */ (active?.closest('li.item'));
  if (li) focus = { id: active?.id ?? '', item: li.dataset.id, action: active?.dataset.action };
  else if (active && active !== document.body) focus = null;
  /** @type {Map<string, string>} */
  const typed = new Map();
  for (const field of document.querySelectorAll('li.item input[id], li.item textarea[id]')) {
    typed.set(field.id, /** @type {HTMLInputElement} */ (field).value);
  }
  return typed;
}

/**
 * @param {Map<string, string>} typed
 * @param {import('./store.js').Editing|null} opened a form just opened: its first field
 * @param {import('./store.js').Editing|null} closed a form just closed: the button that opened it
 */
function restore(typed, opened, closed) {
  for (const [id, value] of typed) {
    const field = /** @type {HTMLInputElement|null} */ (document.getElementById(id));
    if (field) field.value = value;
  }
  const li = (/** @type {string|undefined} */ id) => document.querySelector(`li.item[data-id="${id}"]`);
  /** @type {HTMLElement|null|undefined} */
  let target;
  if (opened) target = li(String(opened.id))?.querySelector('form.inline textarea:not([readonly]), form.inline input');
  else if (closed) target = li(String(closed.id))?.querySelector(`button[data-action="${closed.form}"]`);
  else if (focus) {
    target = (focus.id && document.getElementById(focus.id))
      || li(focus.item)?.querySelector(`button[data-action="${focus.action}"]`)
      || li(focus.item)?.querySelector('button');
  }
  if (target && !(/** @type {HTMLButtonElement} */ (target).disabled)) target.focus();
}
