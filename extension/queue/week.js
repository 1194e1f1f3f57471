// The coming seven days by local day (slots_week: the core buckets, this page formats).
import { $, el } from '../lib/dom.js';
import { t, uiLanguage } from '../lib/i18n.js';
import { ask } from '../lib/rpc.js';

/** Draws the week now; returns the function that redraws it. */
export function mountWeek() {
  const list = $('week');
  const time = new Intl.DateTimeFormat(uiLanguage(), { hour: '2-digit', minute: '2-digit' });
  const day = new Intl.DateTimeFormat(uiLanguage(), { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
  const draw = async () => {
    const answer = await ask('slots_week');
    if (!answer.ok) return;
    list.replaceChildren(...answer.ok.days.map((d) => {
      // The date is the local one the core chose; formatted as a plain calendar date.
      const heading = day.format(new Date(`${d.date}T00:00:00Z`));
      const items = d.items.map((i) => el('li', { dataset: { id: String(i.id), due: String(i.due_at_ms) } },
        `${time.format(new Date(i.due_at_ms))} · ${i.username ? `@${i.username}` : i.account_id}`));
      return el('li', { dataset: { date: d.date } },
        el('h3', {}, heading),
        items.length ? el('ul', {}, ...items) : el('p', { className: 'hint' }, t('slotsDayEmpty')));
    }));
  };
  void draw();
  return draw;
}
