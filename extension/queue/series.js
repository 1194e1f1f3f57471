// Recurring series: what each repeats, when its next post goes, how many went; edit or stop one.
// The worker owns the series (series_list/series_edit/series_stop; the core checks every change
// and says why it refuses); this page draws them and keeps only which one is being edited.
import { $, el, show } from '../lib/dom.js';
import { t, errorText } from '../lib/i18n.js';
import { dateTime, localDateTimeInput } from '../lib/format.js';
import { ask } from '../lib/rpc.js';
import { repeatFields, ruleText } from '../lib/repeat-fields.js';

/** @typedef {import('../lib/protocol.js').SeriesView} SeriesView */

const STATE_KEYS = { active: 'seriesStateActive', stopped: 'seriesStateStopped', ended: 'seriesStateEnded' };

/** The texts a series posts: its one text, or the rotation's. @param {SeriesView} s */
const textsOf = (s) => (s.variation.kind === 'rotate' ? s.variation.value : [s.text]);

/** @param {SeriesView} s */
function row(s) {
  const active = s.state === 'active';
  const texts = s.contents_available ? textsOf(s) : [];
  return el('li', { className: 'item series-item', dataset: { id: String(s.id) } },
    el('p', {},
      el('strong', {}, s.username ? `@${s.username}` : s.account_id), ' · ',
      el('span', { className: 'series-rule' }, ruleText(s.words)), ' · ',
      el('span', { className: 'series-state' }, t(STATE_KEYS[s.state]))),
    s.contents_available
      ? el('ul', { className: 'series-texts' }, ...texts.map((text) => el('li', {}, text)))
      : el('p', { className: 'hint' }, t('seriesLockedText')),
    el('p', { className: 'hint' },
      s.next_at_ms == null ? t('seriesNoNext') : t('seriesNext', [dateTime(s.next_at_ms)]), ' · ',
      t('seriesSent', [String(s.sent)])),
    active
      ? el('div', { className: 'actions' },
        ...(s.contents_available ? [el('button', { type: 'button', className: 'secondary small', dataset: { seriesAction: 'edit' } }, t('seriesEdit'))] : []),
        el('button', { type: 'button', className: 'secondary small', dataset: { seriesAction: 'stop' } }, t('seriesStop')))
      : null);
}

/** The edit form of a series: its texts, its first time, its rule. @param {SeriesView} s */
function editForm(s) {
  const id = `series-${s.id}`;
  const texts = textsOf(s).map((text, i) => {
    const areaId = `${id}-text-${i}`;
    return el('div', {},
      el('label', { htmlFor: areaId }, t('seriesTextLabel', [String(i + 1)])),
      el('textarea', { id: areaId, rows: 2, value: text, autocomplete: 'off' }));
  });
  const first = /** @type {HTMLInputElement} */ (el('input', {
    id: `${id}-first`, type: 'datetime-local', required: true,
    value: localDateTimeInput(s.next_at_ms ?? Date.now() + 3_600_000),
  }));
  const box = el('div', { className: 'repeat-box' });
  const fields = repeatFields(box, { id: `${id}-repeat`, withNone: false });
  fields.set(s.rule, s.variation.kind);
  const error = el('p', { id: `${id}-error`, className: 'message', role: 'alert', dataset: { kind: 'error' }, hidden: true });
  const form = el('form', { className: 'series-form', dataset: { id: String(s.id) } },
    ...texts,
    el('label', { htmlFor: first.id }, t('seriesFirstLabel')), first,
    box, error,
    el('div', { className: 'actions' },
      el('button', { type: 'submit', className: 'primary small' }, t('seriesSave')),
      el('button', { type: 'button', className: 'secondary small', dataset: { seriesAction: 'close' } }, t('seriesCancelEdit'))));
  return { form, fields, first, error };
}

export function mountSeries() {
  const list = $('series');
  const message = $('series-message');
  /** @type {SeriesView[]} */
  let series = [];
  /** The series whose form is open (view state only), and that form once drawn. */
  /** @type {number|null} */
  let editing = null;
  /** @type {ReturnType<typeof editForm>|null} */
  let opened = null;
  const say = (/** @type {string} */ text, kind = 'ok') => {
    message.textContent = text;
    message.dataset.kind = kind;
    show(message, Boolean(text));
  };

  const draw = () => {
    list.replaceChildren(...series.map((s) => {
      const li = row(s);
      if (editing === s.id && s.state === 'active') {
        opened = editForm(s);
        li.append(opened.form);
      }
      return li;
    }));
    show($('series-empty'), series.length === 0);
  };

  const load = async () => {
    const answer = await ask('series_list');
    if (answer.error) return say(errorText(answer.error), 'error');
    series = answer.ok.series;
    // A form stays open across refreshes unless its series is gone or no longer active.
    if (editing != null && !series.some((s) => s.id === editing && s.state === 'active')) editing = null;
    if (editing == null) draw();
  };

  list.addEventListener('click', async (/** @type {MouseEvent} */ e) => {
    const button = /** @type {HTMLButtonElement|null} */ (/** @type {Element} */ (e.target).closest('button[data-series-action]'));
    const li = /** @type {HTMLElement|null|undefined} */ (button?.closest('li.series-item'));
    const s = li && series.find((x) => String(x.id) === li.dataset.id);
    if (!button || !s) return;
    say('');
    const action = button.dataset.seriesAction;
    if (action === 'stop') {
      button.disabled = true;
      const answer = await ask('series_stop', { id: s.id });
      button.disabled = false;
      if (answer.error) return say(errorText(answer.error), 'error');
      say(t(answer.ok.cancelled == null ? 'seriesStoppedNothing' : 'seriesStopped'));
      if (editing === s.id) editing = null;
      await load();
    } else if (action === 'edit') {
      editing = s.id;
      draw();
      /** @type {HTMLElement|null} */ (list.querySelector('.series-form textarea'))?.focus();
    } else if (action === 'close') {
      editing = null;
      draw();
    }
  });

  list.addEventListener('submit', async (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    const form = /** @type {HTMLFormElement} */ (e.target);
    const s = series.find((x) => String(x.id) === form.dataset.id);
    if (!s || editing !== s.id || !opened) return;
    const { fields, first, error } = opened;
    const repeat = fields.get();
    if (!repeat) return;
    const posts = [...form.querySelectorAll('textarea')].map((a) => ({ text: /** @type {HTMLTextAreaElement} */ (a).value, media: [] }));
    const due = new Date(first.value).getTime(); // read in the local zone
    const answer = await ask('series_edit', {
      id: s.id, posts, due_at_ms: Number.isFinite(due) ? due : 0, repeat,
      ...(s.late_policy ? { late_policy: s.late_policy } : {}),
    });
    if (answer.error) {
      error.textContent = errorText(answer.error);
      show(error, true);
      return;
    }
    editing = null;
    say(t('seriesSaved'));
    await load();
  });

  // Escape closes an open series form, as "Discard changes" does.
  list.addEventListener('keydown', (/** @type {KeyboardEvent} */ e) => {
    if (e.key === 'Escape' && editing != null) {
      editing = null;
      draw();
    }
  });

  chrome.storage.local.onChanged.addListener((changes) => {
    if (changes.queue) void load();
  });
  void load();
}
