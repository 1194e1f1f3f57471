// What X charges: the core's price table, each row with its own dates; a price X does not
// publish says so instead of showing zero, and the verification call is listed.
import { $ } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { money } from '../lib/format.js';
import { loadCore } from '../lib/core.js';

const ROWS = ['post', 'post_with_url', 'summoned_reply', 'media_metadata', 'media_upload', 'user_read'];

export async function mountPrices() {
  const core = await loadCore();
  const table = core?.price_table?.();
  const body = $('price-table').querySelector('tbody');
  if (!table) return;
  body.replaceChildren(...ROWS.filter((k) => table[k]).map((key) => {
    const row = table[key];
    const tr = document.createElement('tr');
    tr.dataset.row = key;
    const what = document.createElement('th');
    what.scope = 'row';
    what.textContent = t(`priceRow_${key}`);
    const price = document.createElement('td');
    price.textContent = row.usd === null ? t('priceNotPublished') : money(Math.round(row.usd * 1e6));
    const dates = document.createElement('td');
    dates.textContent = row.since ? t('priceSinceChecked', [row.since, row.checked]) : t('priceChecked', [row.checked]);
    tr.append(what, price, dates);
    return tr;
  }));
}
