// The Sent tab: the chosen account's last posts (the composer's and the scheduler's), newest
// first, each with its time and link.
import { $, show, fromTemplate } from '../../lib/dom.js';
import { t, errorText } from '../../lib/i18n.js';
import { handleOf, dateTime, postUrl } from '../../lib/format.js';
import { currentAccount } from '../store.js';

/** @param {import('../store.js').Store} store @param {import('../effects.js').Effects} fx */
export function mountSent(store, fx) {
  store.subscribe((s, prev) => {
    if (s.tab === 'sent' && s.history === null && prev.history !== null) fx.loadHistory();
    if (s.history === prev.history && s.draft.account_id === prev.draft.account_id) return;
    $('sent-heading').textContent = t('popupSentHeading', [handleOf(currentAccount(s))]);
    if (!s.history) return;
    const empty = $('sent-empty');
    const { items, error } = s.history;
    empty.textContent = error ? errorText(error) : t('popupSentEmpty');
    show(empty, Boolean(error) || items.length === 0);
    $('sent-list').replaceChildren(...items.map((item) => {
      const li = fromTemplate('sent-item');
      li.querySelector('.sent-text').textContent = item.text;
      const when = li.querySelector('time');
      when.dateTime = new Date(item.at_ms).toISOString();
      when.textContent = dateTime(item.at_ms);
      const link = li.querySelector('a');
      link.href = postUrl(item, item.username);
      link.textContent = t('popupViewPost');
      link.setAttribute('aria-label', t('popupViewPostFrom', [when.textContent]));
      return li;
    }));
  });
}
