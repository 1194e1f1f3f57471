// A long queue in the queue page: the page asks the worker for 100 items of each list and
// shows how many more there are; "Show more" adds the next ones. (That a worker start which
// changes nothing writes no queue is tests/keypost/worker_scheduler.rs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithVault, ask, goto, waitFor, PASSPHRASES } from './harness.mjs';

const ITEMS = 130;
let env, browser, page, queue;

before(async () => {
  env = await startWithVault(PASSPHRASES.paging, ['keypost_demo']);
  ({ browser, page } = env);
  const accountId = env.ids.keypost_demo;
  // 130 posts, a minute apart from tomorrow on, in one CSV import (one queue write).
  const start = Date.now() + 86_400_000;
  const pad = (n) => String(n).padStart(2, '0');
  const rows = Array.from({ length: ITEMS }, (_, i) => {
    const d = new Date(start + i * 60_000);
    return `@keypost_demo,${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}Z,Paged post ${i + 1}`;
  });
  const imported = await ask(page, 'schedule_import', { csv: `account,due,text\n${rows.join('\n')}\n`, files: [] });
  assert.equal(imported.error, undefined, JSON.stringify(imported.error));
  assert.equal(imported.ok.queued, ITEMS);
  assert.ok(accountId);
});

after(() => env?.close());

test('the queue page shows 100 items, then the rest at "Show more"', async () => {
  queue = await browser.context.newPage();
  await goto(queue, browser.url('queue.html'));
  await waitFor('the first page', async () => (await queue.locator('#upcoming > li.item').count()) === 100, 10_000);
  const more = queue.locator('#upcoming-more');
  assert.equal(await more.textContent(), 'Show 30 more (30 not shown)');
  assert.equal(await queue.locator('#upcoming > li.item .text').first().textContent(), 'Paged post 1');
  assert.equal(await queue.locator('#past-more').isVisible(), false);
  await more.focus();
  await queue.keyboard.press('Enter');
  await waitFor('every item', async () => (await queue.locator('#upcoming > li.item').count()) === ITEMS, 10_000);
  assert.equal(await more.isVisible(), false);
  assert.equal(await queue.locator('#upcoming > li.item .text').last().textContent(), `Paged post ${ITEMS}`);
});
