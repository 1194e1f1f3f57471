// The browser's limits made visible and missed posts never silent (issue 14, items 1, 2, 3, 7),
// end to end in Chromium against the sandbox: the toolbar badge counts the queued posts and
// marks those that need the user; posts due while the browser was closed follow their late
// policy (post late, ask first, skip after N minutes, per post and by default) when it starts
// again; and "keep Chrome running" asks for the optional `background` permission. (That a vault
// backup imported into a second profile brings no queued post is tests/keypost/worker_late.rs.)
//
// "While the browser was closed" is made without waiting: the sandbox build's test hook
// `test_age_queue` moves the queued posts' times an hour and ten minutes into the past, then
// the browser is closed and started again, and the new worker finds them late.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accountByUsername } from '../sandbox/accounts.mjs';
import {
  sandbox, launch, freshProfile, removeProfile, ask, currentWorker, keysOf, waitFor, idle, PASSPHRASES,
} from './harness.mjs';

const PASSPHRASE = PASSPHRASES.late;
const RUN = Date.now().toString(36);
const HOUR = 3_600_000;
// Due an hour ahead, then moved back an hour and ten minutes: ten minutes late.
const LATE_BY = HOUR + 10 * 60_000;
const LATE_MS = LATE_BY - HOUR;

let sb, profile, browser, page, accountId;
const profiles = [];

const sandboxPosts = async () => {
  const r = await fetch(`${sb.url.replace(/\/$/, '')}/__sandbox/posts`);
  const answer = await r.json();
  return (answer.posts ?? answer).filter((p) => p.text.includes(RUN));
};

async function list() {
  const answer = await ask(page, 'schedule_list');
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  return [...answer.ok.upcoming, ...answer.ok.past];
}

/** What the toolbar shows, read from an extension page. */
async function badge(p = page) {
  return p.evaluate(async () => ({
    text: await chrome.action.getBadgeText({}),
    color: await chrome.action.getBadgeBackgroundColor({}),
    title: await chrome.action.getTitle({}),
  }));
}

async function openPage() {
  page = await browser.context.newPage();
  await page.goto(browser.url('popup.html'));
}

before(async () => {
  sb = await sandbox();
  profile = freshProfile();
  profiles.push(profile);
  browser = await launch(profile);
  await browser.firstRunPage?.close();
  await openPage();
  assert.equal((await ask(page, 'vault_create', { passphrase: PASSPHRASE })).error, undefined);
  const added = await ask(page, 'account_add', { label: 'demo', keys: keysOf(accountByUsername('keypost_demo')) });
  assert.equal(added.error, undefined, JSON.stringify(added.error));
  accountId = added.ok.account.id;
});

after(async () => {
  await browser?.context.close().catch(() => {});
  await sb?.close();
  for (const p of profiles) removeProfile(p);
});

test('the badge counts queued posts; after a closed browser each late post follows its policy, says so, and shows its times', async (t) => {
  // The default for posts without their own policy: skip when more than a minute late.
  const set = await ask(page, 'settings_set', { settings: { late_policy: { kind: 'skip_after', minutes: 1 } } });
  assert.equal(set.error, undefined, JSON.stringify(set.error));
  const refused = await ask(page, 'schedule_add', {
    account_id: accountId, posts: [{ text: `refused ${RUN}`, media: [] }], due_at_ms: Date.now() + HOUR,
    late_policy: { kind: 'skip_after', minutes: 0 },
  });
  assert.equal(refused.error?.code, 'schedule_late_policy_invalid');
  const plan = {
    postLate: { late_policy: { kind: 'post_late' } },
    ask: { late_policy: { kind: 'ask' } },
    withinLimit: { late_policy: { kind: 'skip_after', minutes: 120 } },
    byDefault: {},
  };
  const ids = {};
  let i = 0;
  for (const [name, extra] of Object.entries(plan)) {
    const added = await ask(page, 'schedule_add', {
      account_id: accountId, posts: [{ text: `${name} ${RUN}`, media: [] }], due_at_ms: Date.now() + HOUR + 1_000 * i++, ...extra,
    });
    assert.equal(added.error, undefined, JSON.stringify(added.error));
    ids[name] = added.ok.id;
  }
  // Four queued, nothing needs the user: the count alone, and the next time in the tooltip.
  const queued = await waitFor('the badge to count 4', async () => {
    const b = await badge();
    return b.text === '4' && b;
  }, 5_000);
  assert.deepEqual(queued.color, [29, 111, 209, 255]);
  assert.match(queued.title, /4 scheduled post\(s\) queued/);
  assert.match(queued.title, /Next: .*Chrome must be running and the computer awake then/);

  // An hour and ten minutes pass with the browser closed.
  assert.equal((await ask(page, 'test_age_queue', { by_ms: LATE_BY })).error, undefined);
  await browser.context.close();
  browser = await launch(profile);
  await openPage();
  const byName = async () => {
    const items = await list();
    return Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, items.find((it) => it.id === id)]));
  };
  // The restart locked the vault. Post late and "within its limit" wait for the unlock, ask
  // first waits for the user, and the default (skip after a minute) is skipped.
  const judged = await waitFor('the late posts to be judged', async () => {
    const items = await byName();
    const ok = items.postLate?.state.kind === 'needs_unlock' && items.withinLimit?.state.kind === 'needs_unlock'
      && items.ask?.state.kind === 'needs_confirmation' && items.ask.state.reason === 'late'
      && items.byDefault?.state.kind === 'skipped';
    return ok && items;
  }, 10_000);
  for (const item of Object.values(judged)) {
    assert.equal(item.late, true);
    assert.ok(item.lateness.late_by_ms >= LATE_MS - 5_000, JSON.stringify(item.lateness));
  }
  assert.ok(judged.ask.actions.includes('post_now') && judged.ask.actions.includes('cancel'));
  assert.ok(judged.byDefault.actions.includes('post_now'), 'a skipped post can still be sent');
  const worker = await currentWorker(browser.context);
  const shown = await waitFor('the late notification', async () => (await worker.evaluate(() => chrome.notifications.getAll())).schedule_late, 5_000);
  assert.ok(shown);
  // Three still queued, one of them waiting for the user: the needs-you mark, in red.
  const marked = await waitFor('the needs-you mark', async () => {
    const b = await badge();
    return b.text === '3!' && b;
  }, 5_000);
  assert.deepEqual(marked.color, [197, 34, 31, 255]);
  assert.match(marked.title, /waits for your decision/);
  await idle(page);
  assert.equal((await sandboxPosts()).length, 0, 'nothing goes out while locked');

  // Unlocked: the two that may go late go; the skipped one and the one that asks do not.
  assert.equal((await ask(page, 'vault_unlock', { passphrase: PASSPHRASE })).ok.unlocked, true);
  const sent = await waitFor('the late posts', async () => {
    const p = await sandboxPosts();
    return p.length >= 2 && p;
  }, 10_000);
  await idle(page);
  assert.deepEqual((await sandboxPosts()).map((p) => p.text).sort(), [`postLate ${RUN}`, `withinLimit ${RUN}`]);
  t.diagnostic(`sent late: ${sent.map((p) => p.text).join(', ')}`);
  await waitFor('the badge to count the one that asks', async () => (await badge()).text === '1!', 5_000);

  // The queue view: each late post's original and actual time, the skipped state, and the one
  // that asks first with Post now and Skip.
  const view = await browser.context.newPage();
  await view.goto(browser.url('queue.html'));
  assert.match(await view.locator('#limits').textContent(), /only while Chrome is running and the computer is awake/);
  const row = (id) => view.locator(`li.item[data-id="${id}"]`);
  await row(ids.postLate).waitFor();
  assert.match(await row(ids.postLate).locator('.lateness').textContent(), /^Due .+, posted .+ \((10|11) min late\)$/);
  assert.match(await row(ids.byDefault).locator('.state').textContent(), /Skipped/);
  assert.match(await row(ids.byDefault).locator('.lateness').textContent(), /^Due .+, skipped .+ min late\)$/);
  const asking = row(ids.ask);
  assert.match(await asking.locator('.lateness').textContent(), /^Due .+, now \d+ min late$/);
  await asking.getByRole('button', { name: 'Skip', exact: true }).waitFor();
  await asking.getByRole('button', { name: 'Post now' }).click();
  await waitFor('the post that asked first', async () => (await sandboxPosts()).some((p) => p.text === `ask ${RUN}`), 10_000);
  await waitFor('an empty badge', async () => (await badge()).text === '', 5_000);
  // The queue page redraws after the worker's change reaches it: wait for it, do not race it.
  await view.locator('#next-due', { hasText: /No post is scheduled/ }).waitFor({ timeout: 5_000 });
  await view.close();
  await idle(page);
  const final = await sandboxPosts();
  assert.equal(final.length, 3);
  assert.ok(!final.some((p) => p.text === `byDefault ${RUN}`), 'the skipped post never went');
  assert.equal(new Set(final.map((p) => p.text)).size, 3, 'each once');
});

test('"keep Chrome running" is an optional permission asked for at a click, and can be turned off', async (t) => {
  const options = await browser.context.newPage();
  await options.goto(browser.url('options.html'));
  const manifest = await options.evaluate(() => chrome.runtime.getManifest());
  assert.deepEqual(manifest.optional_permissions, ['background']);
  assert.ok(!manifest.permissions.includes('background'), 'nothing new under permissions');
  const on = options.getByRole('button', { name: 'Keep Chrome running for scheduled posts' });
  await on.waitFor();
  assert.match(await options.locator('#keep-running-state').textContent(), /^Off/);
  // Record the request the click makes (then let Chrome answer it).
  await options.evaluate(() => {
    const real = chrome.permissions.request.bind(chrome.permissions);
    globalThis.requested = [];
    chrome.permissions.request = (p) => {
      globalThis.requested.push(p);
      return real(p);
    };
  });
  await on.click();
  assert.deepEqual(await options.evaluate(() => globalThis.requested), [{ permissions: ['background'] }]);
  const state = await waitFor('Chrome to answer', async () => {
    const text = await options.locator('#keep-running-state').textContent();
    return /^On|did not grant/.test(text) && text;
  }, 10_000).catch(() => 'no answer (a prompt left open)');
  const granted = await options.evaluate(() => chrome.permissions.contains({ permissions: ['background'] }));
  t.diagnostic(`headless Chromium answered the request: ${state} (granted: ${granted})`);
  if (granted) {
    await options.getByRole('button', { name: 'Turn off' }).click();
    await waitFor('the permission to go', async () => !(await options.evaluate(() => chrome.permissions.contains({ permissions: ['background'] }))), 5_000);
    await waitFor('the page to say Off', async () => /^Off/.test(await options.locator('#keep-running-state').textContent()), 5_000);
  }
  // "Unattended" auto-lock states its risk where it is chosen.
  await options.locator('#autolock').selectOption('restart');
  assert.match(await options.locator('#autolock-risk').textContent(), /anyone who uses this browser profile/);
  assert.equal(await options.locator('#autolock-risk').isVisible(), true);
  await options.locator('#autolock').selectOption('60');
  assert.equal(await options.locator('#autolock-risk').isVisible(), false);
  await options.close();
});
