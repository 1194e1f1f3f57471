// A queued post's late policy is changed in the queue page after it was scheduled, and "Skip"
// on a late post that asked first shows it as skipped, not cancelled. "While the browser was
// closed" is the sandbox build's `test_age_queue` (the posts' times moved 70 minutes back),
// then `test_clock_advance` by 0 runs the queue as a waking worker would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWithVault, ask, goto, sandboxPosts, waitFor, PASSPHRASES } from './harness.mjs';

const HOUR = 3_600_000;
const RUN = Date.now().toString(36);
let env, sb, browser, page, queue, accountId;

before(async () => {
  env = await startWithVault(PASSPHRASES.lateChoice, ['keypost_demo']);
  ({ sb, browser, page, ids: { keypost_demo: accountId } } = env);
});

after(() => env?.close());

const items = async () => {
  const list = (await ask(page, 'schedule_list')).ok;
  return [...list.upcoming, ...list.past];
};
const add = async (text, latePolicy) => {
  const answer = await ask(page, 'schedule_add', {
    account_id: accountId, due_at_ms: Date.now() + HOUR, posts: [{ text, media: [] }],
    ...(latePolicy ? { late_policy: latePolicy } : {}),
  });
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  return answer.ok.id;
};

test('the late policy changes in the queue page; Skip on a post that asked first leaves it skipped', async () => {
  const asking = await add(`asks first ${RUN}`, { kind: 'ask' });
  const changed = await add(`policy changed ${RUN}`, null);
  queue = await browser.context.newPage();
  await goto(queue, browser.url('queue.html'));
  const row = (id) => queue.locator(`li.item[data-id="${id}"]`);
  await row(changed).waitFor();

  // Change the second post's policy to "skip if more than 5 minutes late".
  const open = row(changed).getByRole('button', { name: 'Late policy' });
  assert.equal(await open.getAttribute('aria-expanded'), 'false');
  await open.click();
  const choice = row(changed).getByLabel('If Chrome is closed or the computer asleep at that time');
  assert.equal(await choice.inputValue(), '', 'it uses the default until changed');
  await choice.selectOption('skip_after');
  await row(changed).getByLabel('Skip when more than this many minutes late').fill('5');
  await row(changed).getByRole('button', { name: 'Save' }).click();
  await waitFor('the stored policy', async () => {
    const item = (await items()).find((i) => i.id === changed);
    return item.late_policy?.kind === 'skip_after' && item.late_policy.minutes === 5;
  }, 5_000);
  // The form opens on the stored choice.
  await row(changed).getByRole('button', { name: 'Late policy' }).click();
  assert.equal(await row(changed).getByLabel('If Chrome is closed or the computer asleep at that time').inputValue(), 'skip_after');
  await row(changed).getByRole('button', { name: 'Discard changes' }).click();

  // Seventy minutes pass with the browser closed: both are ten minutes late.
  assert.equal((await ask(page, 'test_age_queue', { by_ms: HOUR + 10 * 60_000 })).error, undefined);
  assert.equal((await ask(page, 'test_clock_advance', { by_ms: 0 })).error, undefined);
  await waitFor('both judged late', async () => {
    const all = await items();
    const a = all.find((i) => i.id === asking);
    const c = all.find((i) => i.id === changed);
    return a.state.kind === 'needs_confirmation' && a.state.reason === 'late' && c.state.kind === 'skipped';
  }, 10_000);
  // Judged late: no more policy changes; the one asking offers Skip.
  await row(asking).getByRole('button', { name: 'Skip', exact: true }).waitFor();
  assert.equal(await row(asking).getByRole('button', { name: 'Late policy' }).count(), 0);
  const refused = await ask(page, 'schedule_late_policy', { id: asking, late_policy: { kind: 'post_late' } });
  assert.equal(refused.error?.code, 'schedule_illegal_transition');
  await row(asking).getByRole('button', { name: 'Skip', exact: true }).click();
  await waitFor('the skipped state', async () => (await items()).find((i) => i.id === asking).state.kind === 'skipped', 5_000);
  await row(asking).locator('.state', { hasText: 'Skipped' }).waitFor();
  assert.doesNotMatch(await row(asking).locator('.state').textContent(), /Cancelled/);
  assert.equal((await sandboxPosts(sb)).filter((p) => p.text.includes(RUN)).length, 0, 'nothing went to X');
});
