// Posting slots, end to end in Chromium: slots set in the queue page, "Add to queue" in the
// popup fills the next free slot (the instants computed here, in this process's local zone,
// which the browser shares), the week view lists the items under their local days, and a bad
// slot shows its message next to it and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithVault, ask, goto, PASSPHRASES } from './harness.mjs';

const TIMES = [[10, 0], [16, 30]];
let env, browser, popup, queue, accountId;

/** The next `n` instants at least a minute ahead of `now` at TIMES on every day, local zone. */
function nextSlots(now, n) {
  const out = [];
  for (let day = 0; out.length < n; day++) {
    for (const [h, m] of TIMES) {
      const d = new Date(now);
      d.setDate(d.getDate() + day);
      d.setHours(h, m, 0, 0);
      if (d.getTime() >= now + 60_000 && out.length < n) out.push(d.getTime());
    }
  }
  return out.sort((a, b) => a - b).slice(0, n);
}

const pad = (n) => String(n).padStart(2, '0');
const localDate = (ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

before(async () => {
  env = await startWithVault(PASSPHRASES.slots, ['keypost_demo']);
  ({ browser, page: popup, ids: { keypost_demo: accountId } } = env);
  queue = await browser.context.newPage();
  await goto(queue, browser.url('queue.html'));
});

after(() => env?.close());

async function addToQueue(text) {
  await popup.fill('#text-0', text);
  await popup.evaluate(() => { document.getElementById('schedule-message').hidden = true; });
  await popup.click('#add-to-queue');
  await popup.locator('#schedule-message:not([hidden])').waitFor();
  const kind = await popup.locator('#schedule-message').getAttribute('data-kind');
  assert.notEqual(kind, 'error', await popup.locator('#schedule-message').textContent());
  const list = (await ask(popup, 'schedule_list')).ok;
  return list.upcoming.find((i) => i.posts[0].text === text);
}

test('without slots the button says how to add them', async () => {
  await goto(popup, browser.url('popup.html'));
  await popup.locator('#schedule-box summary').click();
  await popup.locator('#add-to-queue-hint:not([hidden])').waitFor();
  assert.match(await popup.locator('#add-to-queue-hint').textContent(), /Posting slots/);
  const refused = await ask(popup, 'schedule_add_to_queue', { account_id: accountId, posts: [{ text: 'no slots', media: [] }] });
  assert.equal(refused.error?.code, 'slot_none');
});

test('two slots set in the queue page; Add to queue fills them in order and the week lists them', async () => {
  await queue.locator(`#slots-account option[value="${accountId}"]`).waitFor({ state: 'attached' });
  for (const [i, [h, m]] of TIMES.entries()) {
    await queue.click('#slots-add');
    const row = queue.locator('#slots-list li.slot').nth(i);
    await row.locator('input[type=time]').fill(`${pad(h)}:${pad(m)}`);
    for (const d of [5, 6]) await row.locator(`input[type=checkbox][value="${d}"]`).check();
  }
  await queue.click('#slots-save');
  await queue.locator('#slots-message:not([hidden])').waitFor();
  assert.match(await queue.locator('#slots-message').textContent(), /saved/i);
  const stored = (await ask(queue, 'slots_get')).ok.accounts[accountId];
  assert.deepEqual(stored, TIMES.map(([h, m]) => ({ days: [0, 1, 2, 3, 4, 5, 6], time: `${pad(h)}:${pad(m)}` })));

  // A slot with no day shows its message next to it; nothing changes.
  await queue.click('#slots-add');
  const bad = queue.locator('#slots-list li.slot').nth(2);
  await bad.locator('input[type=time]').fill('12:00');
  for (const d of [0, 1, 2, 3, 4]) await bad.locator(`input[type=checkbox][value="${d}"]`).uncheck();
  await queue.click('#slots-save');
  await bad.locator('.field-error:not([hidden])').waitFor();
  assert.match(await bad.locator('.field-error').textContent(), /at least one day/);
  assert.deepEqual((await ask(queue, 'slots_get')).ok.accounts[accountId], stored);
  // A duplicate is refused as well, by the worker itself.
  const dup = await ask(queue, 'slots_set', { account_id: accountId, slots: [...stored, { days: [3], time: stored[0].time }] });
  assert.equal(dup.error?.code, 'slot_duplicate');
  assert.equal(dup.error?.index, 2);
  assert.deepEqual((await ask(queue, 'slots_get')).ok.accounts[accountId], stored);

  await goto(popup, browser.url('popup.html'));
  await popup.locator('#schedule-box summary').click();
  const now = Date.now();
  const first = await addToQueue('first in the queue');
  const second = await addToQueue('second in the queue');
  const expected = nextSlots(now, 3);
  assert.deepEqual([first.due_at_ms, second.due_at_ms], expected.slice(0, 2));

  await goto(queue, browser.url('queue.html'));
  for (const item of [first, second]) {
    await queue.locator(`#week li[data-date="${localDate(item.due_at_ms)}"] li[data-id="${item.id}"]`).waitFor();
  }
  assert.equal(await queue.locator('#week > li').count(), 7);
  assert.equal(await queue.locator('#week > li').first().getAttribute('data-date'), localDate(Date.now()));

  const third = await addToQueue('third in the queue');
  assert.equal(third.due_at_ms, expected[2]);
});
