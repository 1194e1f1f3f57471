// Recurring posts, end to end in Chromium against the sandbox: a daily post chosen in the
// composer's schedule box sends its first two occurrences (the scheduler's clock moved a day on
// with the sandbox build's `test_clock_advance`; requests stay signed with the true time) and X
// refuses neither as a duplicate, since the second carries " (2)"; the queue page lists the
// series, edits it and stops it, and nothing more is sent. A rule that never posts is refused
// with its message, and nothing is queued.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithVault, ask, goto, sandboxPosts, waitFor, PASSPHRASES } from './harness.mjs';

const DAY = 86_400_000;
const RUN = Date.now().toString(36);
const TEXT = `Daily tip ${RUN}`;
let env, sb, browser, popup, queue, accountId;
/** The scheduler clock's offset from the browser's, as the last advance answered. */
let offset = 0;

const pad = (n) => String(n).padStart(2, '0');
const localInput = (ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const ours = async () => (await sandboxPosts(sb)).filter((p) => p.text.includes(RUN));
const seriesList = async () => (await ask(popup, 'series_list')).ok.series;

/** Moves the scheduler's clock to just after `atMs` (on its own clock). */
async function advanceTo(atMs) {
  const by = Math.max(0, atMs - (Date.now() + offset) + 2_000);
  const answer = await ask(popup, 'test_clock_advance', { by_ms: by });
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  offset = answer.ok.offset_ms;
}

before(async () => {
  env = await startWithVault(PASSPHRASES.repeat, ['keypost_demo']);
  ({ sb, browser, page: popup, ids: { keypost_demo: accountId } } = env);
  await goto(popup, browser.url('popup.html'));
  await popup.locator('#text-0').waitFor();
});

after(() => env?.close());

async function scheduleWithRepeat(text, dueMs, choose) {
  await popup.fill('#text-0', text);
  if (!(await popup.locator('#schedule-box').evaluate((d) => d.open))) await popup.locator('#schedule-box summary').click();
  await popup.fill('#schedule-at', localInput(dueMs));
  await popup.selectOption('#schedule-late', 'post_late');
  await choose();
  await popup.evaluate(() => { document.getElementById('schedule-message').hidden = true; });
  await popup.click('#schedule');
  await popup.locator('#schedule-message:not([hidden])').waitFor();
  return {
    kind: await popup.locator('#schedule-message').getAttribute('data-kind'),
    text: await popup.locator('#schedule-message').textContent(),
  };
}

test('a repeat that never posts is refused with its reason, and nothing is queued', async () => {
  const said = await scheduleWithRepeat(`Never ${RUN}`, Date.now() + 10 * 60_000, async () => {
    await popup.selectOption('#schedule-repeat-kind', 'weekdays');
    for (let d = 0; d < 7; d++) await popup.locator(`#schedule-repeat-day-${d}`).uncheck();
  });
  assert.equal(said.kind, 'error');
  assert.match(said.text, /never posts: choose at least one day/);
  assert.deepEqual(await seriesList(), []);
  assert.equal((await ask(popup, 'schedule_list')).ok.upcoming.length, 0);
  // The draft is still there to fix.
  assert.equal(await popup.inputValue('#text-0'), `Never ${RUN}`);
});

test('a daily post sends its first two occurrences, the second numbered, with no duplicate refusal', async () => {
  const first = Date.now() + 10 * 60_000;
  const said = await scheduleWithRepeat(TEXT, first, async () => {
    await popup.selectOption('#schedule-repeat-kind', 'daily');
    await popup.selectOption('#schedule-repeat-end', 'after');
    await popup.fill('#schedule-repeat-count', '5');
    await popup.selectOption('#schedule-repeat-variation', 'numbered_suffix');
  });
  assert.equal(said.kind, 'ok', said.text);
  const d = new Date(first);
  assert.match(said.text, new RegExp(`Repeats every day at ${pad(d.getHours())}:${pad(d.getMinutes())}, 5 times\\. First post: `));
  assert.equal(await popup.inputValue('#text-0'), '', 'the draft went into the series');
  assert.equal(await popup.inputValue('#schedule-repeat-kind'), '', 'the next post does not repeat unless chosen');

  const [series] = await seriesList();
  assert.equal(series.state, 'active');
  assert.equal(series.account_id, accountId);
  assert.equal(series.next_text, TEXT);
  const firstAt = series.next_at_ms;
  assert.equal(firstAt, Math.floor(first / 60_000) * 60_000, 'the first occurrence is at the minute chosen');

  await advanceTo(firstAt);
  await waitFor('the first occurrence on X', async () => (await ours()).length === 1, 15_000);
  const second = await waitFor('the next occurrence queued', async () => {
    const [s] = await seriesList();
    return s.next_at_ms > firstAt && s.sent === 1 && s;
  }, 10_000);
  assert.equal(second.next_at_ms - firstAt, DAY, 'the next one is a day later (no daylight-saving change in early December)');
  assert.equal(second.next_text, `${TEXT} (2)`);

  await advanceTo(second.next_at_ms);
  await waitFor('the second occurrence on X', async () => (await ours()).length === 2, 15_000);
  assert.deepEqual((await ours()).map((p) => p.text), [TEXT, `${TEXT} (2)`]);
  const list = (await ask(popup, 'schedule_list')).ok;
  const sent = list.past.filter((i) => i.posts[0].text.includes(RUN));
  assert.equal(sent.length, 2);
  assert.ok(sent.every((i) => i.state.kind === 'sent'), JSON.stringify(sent.map((i) => i.state)));
  assert.equal(list.upcoming.filter((i) => i.posts[0].text.includes(RUN)).length, 1, 'the third waits, one at a time');
});

test('the queue page shows the series; editing changes the waiting occurrence; Stop cancels it and nothing more is sent', async () => {
  queue = await browser.context.newPage();
  await goto(queue, browser.url('queue.html'));
  const item = queue.locator('#series li.series-item');
  await item.waitFor();
  assert.match(await item.textContent(), /every day at \d\d:\d\d, 5 times/);
  assert.match(await item.textContent(), /Sent so far: 2/);

  await item.getByRole('button', { name: 'Edit the series' }).click();
  const area = queue.locator('#series textarea').first();
  assert.equal(await area.inputValue(), TEXT);
  await area.fill(`${TEXT} edited`);
  await queue.locator('#series form button[type=submit]').click();
  await queue.locator('#series-message:not([hidden])').waitFor();
  assert.match(await queue.locator('#series-message').textContent(), /The series is changed/);
  const [edited] = await seriesList();
  assert.match(edited.next_text, new RegExp(`^${TEXT} edited \\(\\d\\)$`));

  await queue.locator('#series li.series-item').getByRole('button', { name: 'Stop the series' }).click();
  await waitFor('the stopped message', async () => /stopped; its waiting post was cancelled/.test(await queue.locator('#series-message').textContent()), 5_000);
  const [stopped] = await seriesList();
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.next_item, null);
  await queue.locator('#series li.series-item .series-state', { hasText: 'Stopped' }).waitFor();
  assert.equal(await queue.locator('#series li.series-item button').count(), 0, 'a stopped series offers no actions');

  // A day later nothing more goes to X.
  await advanceTo(Date.now() + offset + DAY);
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal((await ours()).length, 2);
  const waiting = (await ask(popup, 'schedule_list')).ok.upcoming.filter((i) => i.posts[0].text.includes(RUN));
  assert.equal(waiting.length, 0);
});
