// The repeat fields (how often, when it ends, how each post differs), drawn the same way in the
// composer's schedule box and in the queue page's series editor, and the words for a series'
// rule. The core checks the rule and answers with its own refusal (err_recur_*); this only reads
// the inputs and shows what the core says.
import { el, show } from './dom.js';
import { t, uiLanguage } from './i18n.js';

/** @typedef {import('./protocol.js').RepeatIn} RepeatIn */

const KINDS = /** @type {const} */ ([
  ['', 'repeatNone'], ['daily', 'repeatDaily'], ['weekdays', 'repeatWeekdaysChoice'], ['every_days', 'repeatEveryDaysChoice'],
]);
/** Monday to Friday, the weekday boxes' first state (bit 0 is Monday). */
const WORKDAYS = 0b0011111;

/** A weekday's short name in the UI's language: 0 Monday ... 6 Sunday. @param {number} d */
export function weekdayName(d) {
  // 2024-01-01 was a Monday.
  return new Date(2024, 0, 1 + d).toLocaleDateString(uiLanguage(), { weekday: 'short' });
}

/**
 * A series' rule in words, from the core's wording (`series_list`'s `words`).
 * @param {import('./protocol.js').SeriesView['words']} words
 */
export function ruleText(words) {
  const [time, extra] = words.args;
  const arg = words.key === 'repeatRuleWeekdays'
    ? (extra ?? '').split(',').filter(Boolean).map((d) => weekdayName(Number(d))).join(', ')
    : extra;
  const end = words.end_key === 'repeatEndOnDate'
    ? new Date(`${words.end_arg}T00:00`).toLocaleDateString(uiLanguage())
    : words.end_arg;
  return `${t(words.key, [time, arg ?? ''])}, ${t(words.end_key, [end])}`;
}

/**
 * Fills `box` with the labelled repeat fields; the details show once a repeat is chosen.
 * @param {HTMLElement} box
 * @param {{id: string, withNone: boolean}} options `withNone`: offer "Does not repeat" (the composer)
 * @returns {{get: () => RepeatIn|null, set: (rule: import('./protocol.js').SeriesView['rule'], variation: 'numbered_suffix'|'rotate') => void, reset: () => void}}
 */
export function repeatFields(box, { id, withNone }) {
  const input = (/** @type {Record<string, any>} */ props) => /** @type {HTMLInputElement} */ (el('input', props));
  const select = (/** @type {string} */ sid, /** @type {ReadonlyArray<readonly [string, string]>} */ options) =>
    /** @type {HTMLSelectElement} */ (el('select', { id: sid }, ...options.map(([value, key]) => el('option', { value, textContent: t(key) }))));
  const label = (/** @type {string} */ forId, /** @type {string} */ key) => el('label', { htmlFor: forId, textContent: t(key) });

  const kind = select(`${id}-kind`, withNone ? KINDS : KINDS.slice(1));
  const days = [0, 1, 2, 3, 4, 5, 6].map((d) => input({ type: 'checkbox', id: `${id}-day-${d}`, value: String(d), checked: Boolean((WORKDAYS >> d) & 1) }));
  const daysBox = el('fieldset', { className: 'repeat-days' }, el('legend', {}, t('repeatDaysLegend')),
    ...days.map((c, d) => el('span', { className: 'day' }, c, el('label', { htmlFor: c.id }, weekdayName(d)))));
  const every = input({ type: 'number', id: `${id}-every`, min: '1', max: '365', step: '1', value: '2' });
  const everyBox = el('div', {}, label(every.id, 'repeatEveryLabel'), every);
  const endKind = select(`${id}-end`, [['after', 'repeatEndAfterChoice'], ['on_date', 'repeatEndOnDateChoice']]);
  const count = input({ type: 'number', id: `${id}-count`, min: '1', max: '1000', step: '1', value: '7' });
  const countBox = el('div', {}, label(count.id, 'repeatCountLabel'), count);
  const until = input({ type: 'date', id: `${id}-until` });
  const untilBox = el('div', { hidden: true }, label(until.id, 'repeatUntilLabel'), until);
  const variation = select(`${id}-variation`, [['numbered_suffix', 'repeatVariationSuffix'], ['rotate', 'repeatVariationRotate']]);
  const hint = el('p', { id: `${id}-hint`, className: 'hint', textContent: t('repeatHint') });
  const details = el('div', { className: 'repeat-details', hidden: withNone },
    daysBox, everyBox,
    el('div', {}, label(endKind.id, 'repeatEndLabel'), endKind), countBox, untilBox,
    el('div', {}, label(variation.id, 'repeatVariationLabel'), variation), hint);
  kind.setAttribute('aria-describedby', hint.id);
  box.replaceChildren(el('div', {}, label(kind.id, 'repeatLabel'), kind), details);

  const refresh = () => {
    show(details, kind.value !== '');
    show(daysBox, kind.value === 'weekdays');
    show(everyBox, kind.value === 'every_days');
    show(countBox, endKind.value === 'after');
    show(untilBox, endKind.value === 'on_date');
  };
  kind.addEventListener('change', refresh);
  endKind.addEventListener('change', refresh);
  refresh();

  return {
    get() {
      /** @type {import('./protocol.js').Repeat} */
      let repeat;
      if (kind.value === 'daily') repeat = { kind: 'daily' };
      else if (kind.value === 'weekdays') repeat = { kind: 'weekdays', value: days.reduce((mask, c, d) => (c.checked ? mask | (1 << d) : mask), 0) };
      else if (kind.value === 'every_days') repeat = { kind: 'every_days', value: Math.trunc(Number(every.value)) || 0 };
      else return null;
      // An empty or unreadable date goes as 0-0-0: the core refuses it (err_recur_bad_time).
      const [y, m, d] = until.value.split('-').map(Number);
      /** @type {import('./protocol.js').RepeatEnd} */
      const end = endKind.value === 'on_date'
        ? { kind: 'on_date', value: [y || 0, m || 0, d || 0] }
        : { kind: 'after', value: Math.trunc(Number(count.value)) || 0 };
      return { repeat, end, variation: variation.value === 'rotate' ? 'rotate' : 'numbered_suffix' };
    },
    set(rule, kindOfVariation) {
      kind.value = rule.repeat.kind;
      if (rule.repeat.kind === 'weekdays') {
        const mask = rule.repeat.value;
        days.forEach((c, d) => { c.checked = Boolean((mask >> d) & 1); });
      }
      if (rule.repeat.kind === 'every_days') every.value = String(rule.repeat.value);
      endKind.value = rule.end.kind;
      if (rule.end.kind === 'after') count.value = String(rule.end.value);
      else until.value = rule.end.value.map((n, i) => String(n).padStart(i ? 2 : 4, '0')).join('-');
      variation.value = kindOfVariation;
      refresh();
    },
    reset() {
      kind.value = withNone ? '' : 'daily';
      refresh();
    },
  };
}
