// Schedule the draft for a time in the user's zone (datetime-local), with two quick picks.
import { $, el, show } from '../../lib/dom.js';
import { t, errorText } from '../../lib/i18n.js';
import { localDateTimeInput, timeZone, dateTime, handleOf } from '../../lib/format.js';
import { latePolicyFields } from '../../lib/late-policy.js';
import { repeatFields, ruleText } from '../../lib/repeat-fields.js';
import { currentAccount } from '../store.js';

/** @param {import('../store.js').Store} store @param {import('../effects.js').Effects} fx */
export function mountSchedule(store, fx) {
  const at = $('schedule-at');
  const note = (/** @type {import('../store.js').Note} */ n) => store.dispatch({ type: 'schedule_note', note: n });
  $('schedule-tz').textContent = t('popupScheduleTz', [timeZone()]);
  $('schedule-hour').addEventListener('click', () => {
    at.value = localDateTimeInput(Math.ceil((Date.now() + 3_600_000) / 60_000) * 60_000, { seconds: true });
  });
  // The post's own late policy ("use my default": none).
  const late = latePolicyFields($('schedule-late-box'), { id: 'schedule-late', labelKey: 'latePolicyLabel', withDefault: true });
  // Repeat (none by default): the core checks the rule and the texts.
  const repeat = repeatFields($('schedule-repeat-box'), { id: 'schedule-repeat', withNone: true });
  // The next post that waits for its time (the core's badge answer), shown beside the limits.
  const showNext = async () => {
    const answer = await fx.scheduleSummary();
    const next = answer.ok?.next_due_ms;
    $('schedule-next').textContent = next == null ? t('scheduleNextNone') : t('scheduleNextDue', [dateTime(next)]);
  };
  $('schedule-box').addEventListener('toggle', () => void showNext());
  $('schedule-morning').addEventListener('click', () => {
    const d = new Date();
    d.setDate(d.getDate() + 1);
    d.setHours(9, 0, 0, 0);
    at.value = localDateTimeInput(d.getTime(), { seconds: true });
  });

  $('schedule').addEventListener('click', async () => {
    const s = store.getState();
    const account = currentAccount(s);
    if (!account || s.sending) return;
    if (!at.value) {
      note({ kind: 'error', text: t('popupScheduleNoTime') });
      at.focus();
      return;
    }
    const blocked = $('post').dataset.blocked;
    if (blocked) {
      // Too long (or empty), or one of X's rules the core's check_post found (its own code).
      const code = blocked === 'over_limit' || blocked === 'invalid' ? 'post_too_long' : blocked;
      note({ kind: 'error', text: errorText({ code }) });
      return;
    }
    const due = new Date(at.value).getTime(); // datetime-local is read in the user's zone
    const button = $('schedule');
    button.disabled = true;
    const answer = await fx.schedule(due, late.get(), repeat.get());
    button.disabled = false;
    if (!answer) return;
    if (answer.error) {
      note({ kind: 'error', text: errorText(answer.error) });
      return;
    }
    const { words } = /** @type {{words?: import('../../lib/protocol.js').SeriesView['words']}} */ (answer.ok);
    if (words) {
      note({ kind: 'ok', text: t('repeatScheduled', [dateTime(answer.ok.due_at_ms), handleOf(account), ruleText(words)]) });
      at.value = '';
      repeat.reset();
      void showNext();
      return;
    }
    const warn = answer.ok.warning;
    note({
      kind: warn ? 'warning' : 'ok',
      text: t('popupScheduled', [dateTime(due), handleOf(account)]),
      extra: warn?.code === 'schedule_over_24h_limit' ? t('popupScheduleOverLimit', [String(warn.planned), String(warn.limit)]) : undefined,
    });
    at.value = '';
    void showNext();
  });

  store.subscribe((s, prev) => {
    if (s.scheduleNote === prev.scheduleNote) return;
    const box = $('schedule-message');
    const n = s.scheduleNote;
    box.replaceChildren(...(n ? [n.text, ...(n.extra ? [el('br'), n.extra] : [])] : []));
    box.dataset.kind = n?.kind ?? 'ok';
    show(box, Boolean(n));
  });
  // Add to queue uses the late policy chosen here too.
  return { latePolicy: late.get };
}
