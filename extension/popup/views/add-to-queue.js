// "Add to queue": the draft goes to the account's next free posting slot, which the worker
// picks (the core decides); this view only asks and says where it went, or how to add slots.
import { $, show } from '../../lib/dom.js';
import { t, errorText } from '../../lib/i18n.js';
import { dateTime, handleOf } from '../../lib/format.js';
import { ask } from '../../lib/rpc.js';
import { currentAccount } from '../store.js';

/**
 * @param {import('../store.js').Store} store
 * @param {import('../effects.js').Effects} fx
 * @param {() => import('../../lib/protocol.js').LatePolicy|null} latePolicy the schedule box's choice
 */
export function mountAddToQueue(store, fx, latePolicy) {
  const button = /** @type {HTMLButtonElement} */ ($('add-to-queue'));
  const hint = $('add-to-queue-hint');
  const note = (/** @type {import('../store.js').Note} */ n) => store.dispatch({ type: 'schedule_note', note: n });

  // Says how to add slots when the chosen account has none.
  const showHint = async () => {
    const account = currentAccount(store.getState());
    if (!account) return;
    const answer = await ask('slots_get');
    const none = !answer.ok?.accounts?.[account.id]?.length;
    hint.textContent = none ? t('slotsNoneHint') : '';
    show(hint, none);
  };
  $('schedule-box').addEventListener('toggle', () => void showHint());
  store.subscribe((s, prev) => {
    if (s.vault !== prev.vault || s.draft.account_id !== prev.draft.account_id) void showHint();
  });

  button.addEventListener('click', async () => {
    const account = currentAccount(store.getState());
    if (!account || store.getState().sending) return;
    const blocked = $('post').dataset.blocked;
    if (blocked) {
      const code = blocked === 'over_limit' || blocked === 'invalid' ? 'post_too_long' : blocked;
      note({ kind: 'error', text: errorText({ code }) });
      return;
    }
    button.disabled = true;
    const answer = await fx.schedule(null, latePolicy());
    button.disabled = false;
    if (!answer) return;
    if (answer.error) {
      note({ kind: 'error', text: errorText(answer.error) });
      if (answer.error.code === 'slot_none') void showHint();
      return;
    }
    const warn = answer.ok.warning;
    note({
      kind: warn ? 'warning' : 'ok',
      text: t('slotsQueued', [dateTime(answer.ok.due_at_ms), handleOf(account)]),
      extra: warn?.code === 'schedule_over_24h_limit' ? t('popupScheduleOverLimit', [String(warn.planned), String(warn.limit)]) : undefined,
    });
  });
}
