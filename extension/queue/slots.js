// Posting slots per account: weekdays and a local time per slot. The worker checks and stores
// them (slots_set; the core's refusal names the slot, shown next to it); nothing is computed here.
import { $, el, show } from '../lib/dom.js';
import { t, errorText } from '../lib/i18n.js';
import { handleOf } from '../lib/format.js';
import { ask } from '../lib/rpc.js';

const DAY_KEYS = ['slotsMon', 'slotsTue', 'slotsWed', 'slotsThu', 'slotsFri', 'slotsSat', 'slotsSun'];
let rows = 0;

/** One slot's row: seven labelled weekday boxes, a labelled time, a remove button. @param {import('../lib/protocol.js').Slot} slot */
function slotRow(slot) {
  const n = ++rows;
  const days = DAY_KEYS.map((key, d) => {
    const id = `slot-${n}-day-${d}`;
    return el('span', { className: 'day' },
      el('input', { type: 'checkbox', id, value: String(d), checked: slot.days.includes(d) }),
      el('label', { htmlFor: id }, t(key)));
  });
  const timeId = `slot-${n}-time`;
  const errorId = `slot-${n}-error`;
  return el('li', { className: 'slot' },
    el('fieldset', {},
      el('legend', {}, t('slotsDaysLegend')),
      ...days),
    el('label', { htmlFor: timeId }, t('slotsTimeLabel')),
    ' ',
    el('input', { type: 'time', id: timeId, value: slot.time, required: true, attrs: { 'aria-describedby': errorId } }),
    ' ',
    el('button', { type: 'button', className: 'secondary small', dataset: { remove: '1' } }, t('slotsRemove')),
    el('p', { id: errorId, className: 'message field-error', dataset: { kind: 'error' }, hidden: true }));
}

/** The slots as the rows hold them. @returns {import('../lib/protocol.js').Slot[]} */
function readRows() {
  return [...$('slots-list').querySelectorAll('li.slot')].map((li) => ({
    days: [...li.querySelectorAll('input[type=checkbox]:checked')].map((c) => Number(/** @type {HTMLInputElement} */ (c).value)),
    time: /** @type {HTMLInputElement} */ (li.querySelector('input[type=time]')).value,
  }));
}

export function mountSlots() {
  const select = /** @type {HTMLSelectElement} */ ($('slots-account'));
  const list = $('slots-list');
  const message = $('slots-message');
  /** @type {Record<string, import('../lib/protocol.js').Slot[]>} */
  let stored = {};
  const say = (/** @type {string} */ text, kind = 'ok') => {
    message.textContent = text;
    message.dataset.kind = kind;
    show(message, Boolean(text));
  };
  const drawRows = () => {
    list.replaceChildren(...(stored[select.value] ?? []).map(slotRow));
  };
  const load = async () => {
    const [status, slots] = await Promise.all([ask('vault_status'), ask('slots_get')]);
    stored = slots.ok?.accounts ?? {};
    const accounts = status.ok?.accounts ?? [];
    const chosen = select.value;
    select.replaceChildren(...accounts.map((a) => el('option', { value: a.id }, handleOf(a))));
    if (accounts.some((a) => a.id === chosen)) select.value = chosen;
    drawRows();
  };
  select.addEventListener('change', () => { say(''); drawRows(); });
  $('slots-add').addEventListener('click', () => {
    const row = slotRow({ days: [0, 1, 2, 3, 4], time: '09:00' });
    list.append(row);
    /** @type {HTMLInputElement} */ (row.querySelector('input[type=time]')).focus();
  });
  list.addEventListener('click', (/** @type {MouseEvent} */ e) => {
    const button = /** @type {Element} */ (e.target).closest('button[data-remove]');
    button?.closest('li')?.remove();
  });
  $('slots-save').addEventListener('click', async () => {
    say('');
    for (const p of list.querySelectorAll('.field-error')) show(/** @type {HTMLElement} */ (p), false);
    if (!select.value) return;
    const answer = await ask('slots_set', { account_id: select.value, slots: readRows() });
    if (answer.error) {
      const index = /** @type {number|undefined} */ (/** @type {any} */ (answer.error).index);
      const row = index == null ? null : list.querySelectorAll('li.slot')[index];
      const field = /** @type {HTMLElement|null|undefined} */ (row?.querySelector('.field-error'));
      if (field) {
        field.textContent = errorText(answer.error);
        show(field, true);
        /** @type {HTMLInputElement|null|undefined} */ (row?.querySelector('input[type=time]'))?.focus();
      } else {
        say(errorText(answer.error), 'error');
      }
      return;
    }
    stored[select.value] = answer.ok.slots;
    drawRows();
    say(t('slotsSaved'));
  });
  chrome.storage.local.onChanged.addListener((changes) => {
    if (changes.slots) void ask('slots_get').then((a) => { if (a.ok) stored = a.ok.accounts; });
  });
  void load();
}
