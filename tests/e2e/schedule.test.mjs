// Scheduled posts, end to end in Chromium against the sandbox: every post goes out exactly
// once, in due order per account, on time (or right after the fault that held it), through
// service-worker stops, a browser restart, a locked vault, and 429 / 503 / connection-reset
// faults on POST /2/tweets. Unpacked extensions have no 30-second alarm floor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accountByUsername } from '../sandbox/accounts.mjs';
import {
  sandbox, launch, freshProfile, removeProfile, ask, stopWorkers, currentWorker, keysOf, PASSPHRASES, makePng, waitFor, idle,
} from './harness.mjs';

// The final profile scan (tests/e2e-final/) checks this passphrase never reaches the disk.
const PASSPHRASE = PASSPHRASES.schedule;
const RUN = Date.now().toString(36);
// The core marks a post late when the worker finds it more than 2 minutes overdue
// (schedule::LATE_THRESHOLD_MS), so the browser stays closed a little longer than that.
const LATE_THRESHOLD_MS = 120_000;
// Upper bound of the first backoff after a 5xx or an unknown outcome (schedule::BACKOFF_BASE_MS).
const FIRST_BACKOFF_MAX_MS = 30_000;
const ON_TIME_MS = 5_000;

let sb, profile, browser, page;
const ids = {};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function control(method, path, body) {
  const r = await fetch(`${sb.url.replace(/\/$/, '')}/__sandbox/${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal(r.status, 200, `${method} ${path}`);
  return r.json();
}
const sandboxPosts = async () => (await control('GET', 'posts')).filter((p) => p.text.includes(RUN));
const fault = (kind, extra = {}) => control('POST', 'faults', { kind, path: '/2/tweets', method: 'POST', ...extra });

async function openPage() {
  page = await browser.context.newPage();
  await page.goto(browser.url('popup.html'));
}

async function notifications() {
  const worker = await currentWorker(browser.context);
  return worker.evaluate(() => chrome.notifications.getAll());
}

async function list() {
  const answer = await ask(page, 'schedule_list');
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  return answer.ok;
}

const allItems = (l) => [...l.upcoming, ...l.past];

before(async () => {
  sb = await sandbox();
  // Both accounts are on pay-per-use (the sandbox's default): 100 posts per 15 minutes and no
  // 24-hour limit, so the whole run fits.
  profile = freshProfile();
  browser = await launch(profile);
  // The first-run options page asks the worker on every storage change; the tests here want
  // only alarms (and their own messages) to wake it.
  await browser.firstRunPage?.close();
  await openPage();
  const created = await ask(page, 'vault_create', { passphrase: PASSPHRASE });
  assert.equal(created.error, undefined);
  for (const username of ['keypost_demo', 'keypost_second']) {
    const added = await ask(page, 'account_add', { label: username, keys: keysOf(accountByUsername(username)) });
    assert.equal(added.error, undefined, JSON.stringify(added.error));
    ids[username] = added.ok.account.id;
  }
});

after(async () => {
  await browser?.context.close().catch(() => {});
  await sb?.close();
  if (profile) removeProfile(profile);
});

test('20 posts across two accounts go out exactly once, in order, on time, through worker stops, faults and a browser restart', async (t) => {
  const t0 = Date.now();
  /** @type {{i: number, username: string, text: string, dueAt: number, id?: string, post?: any, item?: any}[]} */
  const plan = [];
  for (let i = 0; i < 20; i++) {
    const username = i % 2 === 0 ? 'keypost_demo' : 'keypost_second';
    // 0-15 while the browser runs; 16-19 fall due while it is closed. The gap between them
    // leaves room for the worst case of the faults below: an unknown outcome backs off up to
    // 30 s, and a worker stop during that retry can add a second backoff (seen once in three
    // runs with a 20 s gap).
    const dueAt = i < 16 ? t0 + 5_000 + i * 2_500 : t0 + 92_000 + (i - 16) * 1_000;
    plan.push({ i, username, text: `scheduled #${i} ${RUN}`, dueAt });
  }
  for (const p of plan) {
    const answer = await ask(page, 'schedule_add', {
      account_id: ids[p.username], posts: [{ text: p.text, media: [] }], due_at_ms: p.dueAt,
    });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    p.id = answer.ok.id;
  }

  // Faults on POST /2/tweets while the schedule runs, and the worker stopped every 5 s, halfway
  // between two due times (Chrome stops an idle worker, not one an alarm just woke: stopped
  // every 3 s, in step with the 3 s backstop alarm, a loaded machine saw the worker stopped
  // three times in a row before it could send #14).
  /** @type {[number, () => Promise<any>][]} */
  const faultsAt = [
    [7_000, () => fault('503')],
    [14_000, () => fault('reset_after_record')],
    [22_000, () => fault('429', { reset_s: 2 })],
  ];
  let stops = 0;
  const stopTimes = [];
  const firstBatch = plan.filter((p) => p.i < 16);
  const deadline = t0 + 90_000;
  for (let k = 1; Date.now() < deadline; k++) {
    const elapsed = Date.now() - t0;
    while (faultsAt.length && faultsAt[0][0] <= elapsed) await faultsAt.shift()[1]();
    await stopWorkers(browser.context, page).then(() => { stops++; stopTimes.push(Date.now()); }, () => {});
    const seen = await sandboxPosts();
    if (!faultsAt.length && firstBatch.every((p) => seen.some((s) => s.text === p.text))) break;
    await sleep(Math.max(0, t0 + 1_250 + k * 5_000 - Date.now()));
  }
  assert.ok(stops >= 5, `the worker was stopped ${stops} times`);
  assert.deepEqual(await control('GET', 'faults'), [], 'every fault was met');

  // The sandbox has them; the queue must know too (a post whose answer was lost is only known
  // to be on X after its retry).
  await waitFor('the queue to know the first 16 are sent', async () => {
    const items = allItems(await list());
    return firstBatch.every((p) => items.find((i) => i.id === p.id)?.state.kind === 'sent');
  }, Math.max(1_000, plan[16].dueAt - 3_000 - Date.now()));
  // Close the browser before posts 16-19 are due; start it again once they are late. The
  // time closed is made with the sandbox build's test_age_queue, not waited: the waiting posts'
  // times move into the past by as much as the browser would have stayed closed (the vault is
  // locked first, so no run can send them between the move and the close).
  assert.ok(Date.now() < plan[16].dueAt - 1_000, 'the first 16 posts were done before the restart');
  assert.equal((await ask(page, 'vault_lock')).ok.unlocked, false);
  const closedFor = plan[19].dueAt + LATE_THRESHOLD_MS + 3_000 - Date.now();
  assert.equal((await ask(page, 'test_age_queue', { by_ms: closedFor })).error, undefined);
  for (const p of plan.slice(16)) p.dueAt -= closedFor;
  await browser.context.close();
  browser = await launch(profile);
  await openPage();
  // A restart locks the vault: the late posts wait for the unlock, and say so.
  const held = await waitFor('the late posts to wait for unlock', async () => {
    const items = allItems(await list());
    const late = plan.slice(16).map((p) => items.find((i) => i.id === p.id));
    return late.every((i) => i.state.kind === 'needs_unlock' && i.late) && late;
  }, 10_000);
  assert.equal(held.length, 4);
  assert.ok((await waitFor('the unlock notification', async () => (await notifications()).schedule_unlock, 5_000)));
  const unlockedAt = Date.now();
  assert.equal((await ask(page, 'vault_unlock', { passphrase: PASSPHRASE })).ok.unlocked, true);
  const posts = await waitFor('all 20 posts', async () => {
    const p = (await sandboxPosts()).filter((s) => s.text.startsWith('scheduled #'));
    return p.length >= 20 && p;
  }, 10_000);
  await idle(page);

  const odd = (await control('GET', 'requests')).filter((r) => r.path === '/2/tweets' && (r.fault || r.status !== 201));
  t.diagnostic(`unusual POST /2/tweets: ${JSON.stringify(odd.map((r) => [r.status, r.fault, r.reason, r.user]))}`);
  // Exactly once.
  const final = (await sandboxPosts()).filter((s) => s.text.startsWith('scheduled #'));
  assert.equal(final.length, 20);
  for (const p of plan) {
    const matches = final.filter((s) => s.text === p.text);
    assert.equal(matches.length, 1, `${p.text} posted ${matches.length} times`);
    assert.equal(matches[0].username, p.username);
    p.post = matches[0];
  }
  assert.equal(posts.length, 20);

  // The queue view agrees, and says which ones were late.
  const items = allItems(await list());
  for (const p of plan) {
    const item = items.find((i) => i.id === p.id);
    assert.equal(item.state.kind, 'sent', `${p.text}: ${JSON.stringify(item.state)}`);
    assert.equal(item.posted.length, 1);
    if (item.posted[0].id !== null) assert.equal(item.posted[0].id, p.post.id);
    else assert.equal(item.posted[0].via, 'duplicate');
    assert.equal(item.late, p.i >= 16, `${p.text} late`);
    p.item = item;
  }

  for (const p of plan) {
    const h = p.item.history.map((e) => `${e.outcome}@${e.at_ms - t0}`).join(' ');
    t.diagnostic(`#${p.i} ${p.username} due ${p.dueAt - t0} posted ${p.post.created_at_ms - t0} ${h}`);
  }
  t.diagnostic(`stops at ${stopTimes.map((s) => s - t0).join(' ')}`);
  // In due order per account; each on time, or within 5 s of the end of what held it, as the
  // design promises and as the worker's own records show: its own fault (a 429's reset, a 5xx
  // or unknown outcome's first backoff), the earlier post of its account it waited behind
  // (until that one was known to be on X), the unlock after the restart, or the worker busy
  // with a post due before it (one post at a time, the oldest due first, any account): every
  // attempt the worker recorded for such a post before this one went.
  const faulted = plan.filter((p) => p.item.history.some((h) => !h.outcome.startsWith('posted')));
  assert.ok(faulted.length >= 3, `faults met ${faulted.length} items`);
  for (const username of ['keypost_demo', 'keypost_second']) {
    // In the order they were due (posts 16-19 moved back by the time closed stay after 0-15).
    const mine = plan.filter((p) => p.username === username).sort((a, b) => a.i - b.i);
    const byPosting = [...mine].sort((a, b) => a.post.created_at_ms - b.post.created_at_ms);
    assert.deepEqual(byPosting.map((p) => p.i), mine.map((p) => p.i), `${username} in due order`);
    let previous = null;
    for (const p of mine) {
      let heldUntil = p.dueAt;
      for (const h of p.item.history) {
        if (h.outcome === 'rate_limited') heldUntil = Math.max(heldUntil, h.at_ms + 4_000);
        else if (!h.outcome.startsWith('posted') && h.outcome !== 'late' && h.outcome !== 'vault_locked') {
          heldUntil = Math.max(heldUntil, h.at_ms + FIRST_BACKOFF_MAX_MS);
        }
      }
      // Behind the previous post of the account until the schedule knew it was on X (after an
      // unknown outcome that is the retry, later than the sandbox's record of the first try).
      if (previous) heldUntil = Math.max(heldUntil, previous.post.created_at_ms, previous.item.state.at_ms);
      if (p.i >= 16) heldUntil = Math.max(heldUntil, unlockedAt);
      const at = p.post.created_at_ms;
      // The worker busy with posts due before it, of either account: their sends (the
      // sandbox's record), each attempt the queue recorded, and the moment the queue knew one
      // was on X, as far as they came before this post. (A clean clone saw #15 wait 12.6 s
      // behind #14's unknown outcome, settled across worker stops, of the other account.)
      for (const q of plan) {
        if (q.i >= p.i) continue;
        const busy = [q.post.created_at_ms, q.item.state.at_ms, ...q.item.history.map((h) => h.at_ms)];
        for (const b of busy) if (b <= at) heldUntil = Math.max(heldUntil, b);
      }
      assert.ok(at >= p.dueAt - 500, `${p.text} went ${p.dueAt - at} ms early`);
      assert.ok(at - heldUntil <= ON_TIME_MS, `${p.text} went ${at - heldUntil} ms after it could`);
      previous = p;
    }
  }
});

test('the queue view lists the sent posts with links, the cancelled ones, and labelled controls', async () => {
  const view = await browser.context.newPage();
  await view.goto(browser.url('queue.html'));
  await view.locator('#past li.item[data-kind=sent]').first().waitFor();
  const sent = await view.locator('#past li.item[data-kind=sent]').count();
  assert.ok(sent >= 20, `${sent} sent items shown`);
  const late = view.locator('#past li.item[data-kind=sent]', { hasText: 'scheduled #19' });
  assert.match(await late.locator('.state').textContent(), /late/);
  const link = await late.locator('a').getAttribute('href');
  assert.match(link, /^https:\/\/x\.com\/keypost_second\/status\/\d+$/);
  assert.match(await view.locator('#time-zone').textContent(), /time zone/);
  // An upcoming post: countdown, and every control is a labelled button reachable by keyboard.
  const added = await ask(page, 'schedule_add', {
    account_id: ids.keypost_demo, posts: [{ text: `upcoming ${RUN}`, media: [] }], due_at_ms: Date.now() + 3_600_000,
  });
  const row = view.locator(`#upcoming li.item[data-id="${added.ok.id}"]`);
  await row.waitFor();
  assert.match(await row.locator('.countdown').textContent(), /^in (\d+:)?\d+:\d\d$/);
  await row.getByRole('button', { name: 'Reschedule' }).focus();
  await view.keyboard.press('Enter');
  const when = view.getByLabel(/New date and time/);
  await when.waitFor();
  const target = new Date(Date.now() + 2 * 3_600_000);
  target.setSeconds(0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  await when.fill(`${target.getFullYear()}-${pad(target.getMonth() + 1)}-${pad(target.getDate())}T${pad(target.getHours())}:${pad(target.getMinutes())}`);
  await view.keyboard.press('Enter');
  await waitFor('the new time', async () => allItems(await list()).find((i) => i.id === added.ok.id).due_at_ms === target.getTime(), 3_000);
  await row.getByRole('button', { name: 'Cancel post' }).click();
  await waitFor('the cancel', async () => allItems(await list()).find((i) => i.id === added.ok.id).state.kind === 'cancelled', 3_000);
  await view.locator(`#past li.item[data-kind=cancelled][data-id="${added.ok.id}"]`).waitFor();
  await view.close();
});

test('a scheduled post with two images goes out with their alt text, and the images leave the browser', async () => {
  const images = [makePng(6, 4, [200, 30, 30]), makePng(3, 7, [30, 30, 200])];
  const stored = await page.evaluate(async (pngs) => {
    const { putMedia } = await import('./media-store.js');
    const out = [];
    for (const [i, b64] of pngs.entries()) {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      out.push((await putMedia(new File([bytes], `img${i}.png`, { type: 'image/png' }))).media_id);
    }
    return out;
  }, images.map((b) => b.toString('base64')));
  const text = `with images ${RUN}`;
  const due = Date.now() + 3_000;
  const added = await ask(page, 'schedule_add', {
    account_id: ids.keypost_demo,
    due_at_ms: due,
    posts: [{ text, media: [{ media_id: stored[0], alt: 'a red block' }, { media_id: stored[1], alt: 'a blue block' }] }],
  });
  assert.equal(added.error, undefined, JSON.stringify(added.error));
  const post = await waitFor('the post with images', async () => (await sandboxPosts()).find((p) => p.text === text), 30_000);
  assert.deepEqual(post.media.map((m) => m.alt_text), ['a red block', 'a blue block']);
  assert.deepEqual(post.media.map((m) => m.bytes), images.map((b) => b.length));
  assert.ok(post.created_at_ms <= due + ON_TIME_MS, `sent ${post.created_at_ms - due} ms after its time`);
  // Once on X, the images are no longer kept in the browser.
  const left = await waitFor('the images to be forgotten', async () => {
    const found = await page.evaluate(async (ids) => {
      const { getMedia } = await import('./media-store.js');
      return Promise.all(ids.map((id) => getMedia(id)));
    }, stored);
    return found.every((f) => f === null) ? 'gone' : null;
  }, 10_000);
  assert.equal(left, 'gone');
  // A scheduled upload is not the composer's: a popup opened afterwards is not frozen.
  const popup = await browser.context.newPage();
  await popup.goto(browser.url('popup.html'));
  await popup.locator('#text-0').waitFor();
  await popup.fill('#text-0', `composer free ${RUN}`);
  await popup.waitForTimeout(500);
  assert.equal(await popup.locator('#compose-fields').evaluate((f) => f.disabled), false, 'the composer is frozen');
  assert.equal(await popup.locator('#post').isDisabled(), false, 'Post is disabled');
  assert.equal(await popup.locator('#progress').isVisible(), false, 'a progress box shows');
  await popup.fill('#text-0', '');
  await popup.close();
});

test('a full storage pauses the schedule before any upload and says so; freed, the post goes out once', async () => {
  const [mediaId] = await page.evaluate(async (b64) => {
    const { putMedia } = await import('./media-store.js');
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return [(await putMedia(new File([bytes], 'full.png', { type: 'image/png' }))).media_id];
  }, makePng(5, 5, [90, 90, 90]).toString('base64'));
  const text = `storage full ${RUN}`;
  const added = await ask(page, 'schedule_add', {
    account_id: ids.keypost_demo, due_at_ms: Date.now() + 3_000, posts: [{ text, media: [{ media_id: mediaId, alt: '' }] }],
  });
  assert.equal(added.error, undefined, JSON.stringify(added.error));
  // Fill chrome.storage.local to within a few hundred bytes of its quota.
  await page.evaluate(async () => {
    const quota = chrome.storage.local.QUOTA_BYTES;
    const used = await chrome.storage.local.getBytesInUse(null);
    await chrome.storage.local.set({ test_filler: 'x'.repeat(quota - used - 'test_filler'.length - 2 - 300) });
  });
  try {
    const uploadsBefore = (await control('GET', 'requests')).filter((r) => r.path.startsWith('/2/media')).length;
    await waitFor('the storage notification', async () => Object.keys(await notifications()).includes('schedule_storage'), 20_000);
    await sleep(2_000);
    const uploadsAfter = (await control('GET', 'requests')).filter((r) => r.path.startsWith('/2/media')).length;
    assert.equal(uploadsAfter, uploadsBefore, 'nothing was uploaded while the queue could not be saved');
    assert.ok(!(await sandboxPosts()).some((p) => p.text === text));
  } finally {
    // Room again (whatever happened above, for the tests after this one).
    await page.evaluate(() => chrome.storage.local.remove('test_filler'));
  }
  // The next run sends it, once.
  await waitFor('the post after the storage was freed', async () => (await sandboxPosts()).some((p) => p.text === text), 60_000);
  await idle(page);
  assert.equal((await sandboxPosts()).filter((p) => p.text === text).length, 1);
});
