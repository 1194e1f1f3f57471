// Nothing the user wrote is at rest in clear, and a pasted key never reaches X.
//
// A draft typed in the popup, a scheduled post (text and alt text) and a post that went out
// (so it is in the Sent history) are sealed with the vault's data key: after the browser is
// closed no file of the profile (LevelDB, IndexedDB, caches, sessions: every byte, in UTF-8
// and UTF-16LE) holds any of them. While locked, the draft and the Sent list are unavailable
// and the queue still shows its items, blank; after an unlock everything reads back.
//
// The leak guard: posting or scheduling a text that holds one of the stored keys (or a part
// of one) or something shaped like an Access Token is refused with `post_contains_secret`
// and its message, and the sandbox receives nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accountByUsername } from '../sandbox/accounts.mjs';
import {
  sandbox, launch, freshProfile, removeProfile, ask, control, sandboxPosts, keysOf, scanForSecrets,
  PASSPHRASES, AT_REST_MARKERS,
} from './harness.mjs';

const PASSPHRASE = PASSPHRASES.atRest;
const DEMO = accountByUsername('keypost_demo');
let sb, browser, profile, setup, accountId;

before(async () => {
  sb = await sandbox();
  await control(sb, 'reset', {});
  profile = freshProfile();
  browser = await launch(profile);
  setup = browser.firstRunPage ?? (await browser.context.newPage());
  await setup.goto(browser.url('options.html')).catch(() => {});
  assert.ok((await ask(setup, 'vault_create', { passphrase: PASSPHRASE })).ok);
  const added = await ask(setup, 'account_add', { label: '', keys: keysOf(DEMO), premium: false });
  assert.ok(added.ok, JSON.stringify(added.error));
  accountId = added.ok.account.id;
});

after(async () => {
  await browser?.context.close().catch(() => {});
  await sb?.close();
  removeProfile(profile);
});

const tweetRequests = async () =>
  (await control(sb, 'requests')).filter((r) => r.method === 'POST' && r.path === '/2/tweets').length;

test('a pasted key or token-shaped text is refused when posting or scheduling; X receives nothing', async () => {
  const before = await tweetRequests();
  const postsBefore = (await sandboxPosts(sb)).length;
  const cases = [
    `my secret is ${DEMO.apiSecret}`,
    `part of it: ${DEMO.accessTokenSecret.slice(3, 19)}!`,
    'token 1234567890-AbCdEfGhIjKlMnOpQrStUvWx',
  ];
  for (const text of cases) {
    const sent = await ask(setup, 'post_send', { account_id: accountId, posts: [{ text: 'first', media: [] }, { text, media: [] }] });
    assert.equal(sent.error?.code, 'post_contains_secret', JSON.stringify(sent));
    assert.equal(sent.error.step, 1);
    assert.ok(!JSON.stringify(sent).includes(DEMO.apiSecret));
    const planned = await ask(setup, 'schedule_add', {
      account_id: accountId, posts: [{ text, media: [] }], due_at_ms: Date.now() + 3_600_000,
    });
    assert.equal(planned.error?.code, 'post_contains_secret', JSON.stringify(planned));
  }
  // In an alt text too.
  const alt = await ask(setup, 'schedule_add', {
    account_id: accountId, posts: [{ text: 'a picture', media: [{ media_id: 'none', alt: DEMO.apiKey }] }],
    due_at_ms: Date.now() + 3_600_000,
  });
  assert.equal(alt.error?.code, 'post_contains_secret');
  assert.equal(alt.error.place, 'alt');

  // Through the popup: the failure shows the guard's own message, and nothing went out.
  const popup = await browser.context.newPage();
  await popup.goto(browser.url('popup.html'));
  await popup.locator('#text-0').waitFor();
  await popup.fill('#text-0', `oops ${DEMO.accessToken}`);
  await popup.click('#post');
  await popup.locator('#failure:not([hidden])').waitFor({ timeout: 20_000 });
  assert.equal(await popup.locator('#failure').getAttribute('data-code'), 'post_contains_secret');
  const own = await popup.evaluate(() => chrome.i18n.getMessage('err_post_contains_secret'));
  assert.ok(own.length > 20);
  assert.ok((await popup.locator('#failure-text').textContent()).startsWith(own));
  await popup.close();
  assert.ok((await ask(setup, 'draft_clear')).ok);

  assert.equal(await tweetRequests(), before, 'a refused post reached the sandbox');
  assert.equal((await sandboxPosts(sb)).length, postsBefore);
  assert.equal((await ask(setup, 'schedule_list')).ok.upcoming.length, 0);
});

test('draft, queue, alt text and Sent history are sealed: none of them is in any profile file', async () => {
  // A post that goes out, so it is in the Sent history.
  const sent = await ask(setup, 'post_send', { account_id: accountId, posts: [{ text: AT_REST_MARKERS.sent, media: [] }] });
  assert.ok(sent.ok, JSON.stringify(sent.error));
  assert.ok((await sandboxPosts(sb)).some((p) => p.text === AT_REST_MARKERS.sent));

  // A scheduled post with an alt text, an hour from now.
  const planned = await ask(setup, 'schedule_add', {
    account_id: accountId,
    posts: [{ text: AT_REST_MARKERS.queue, media: [{ media_id: 'at-rest-image', alt: AT_REST_MARKERS.alt }] }],
    due_at_ms: Date.now() + 3_600_000,
  });
  assert.ok(planned.ok, JSON.stringify(planned.error));

  // A draft typed in the popup (saved by the popup itself).
  const popup = await browser.context.newPage();
  await popup.goto(browser.url('popup.html'));
  await popup.locator('#text-0').waitFor();
  await popup.fill('#text-0', AT_REST_MARKERS.draft);
  await popup.waitForFunction(async (marker) => {
    const answer = await chrome.runtime.sendMessage({ type: 'draft_get' });
    return answer.ok?.draft?.posts?.[0]?.text === marker;
  }, AT_REST_MARKERS.draft, { timeout: 10_000 });
  await popup.close();

  // Unlocked, the worker answers in clear, in the same shapes as before.
  const history = await ask(setup, 'history_list', {});
  assert.ok(history.ok.items.some((p) => p.text === AT_REST_MARKERS.sent));
  let list = (await ask(setup, 'schedule_list')).ok;
  assert.equal(list.upcoming[0].posts[0].text, AT_REST_MARKERS.queue);
  assert.equal(list.upcoming[0].posts[0].media[0].alt, AT_REST_MARKERS.alt);
  assert.equal(list.upcoming[0].contents_available, true);
  const storage = await browser.worker.evaluate(() => chrome.storage.local.get(null));
  const raw = JSON.stringify(storage);
  for (const marker of Object.values(AT_REST_MARKERS)) assert.ok(!raw.includes(marker), 'a marker in storage.local');
  assert.match(storage.draft, /^kps1\./);
  assert.match(storage.history, /^kps1\./);
  assert.ok(JSON.parse(storage.queue).sealed_queue === 1);

  // Locked: the draft and the Sent list are unavailable; the queue still lists the item, blank.
  assert.ok((await ask(setup, 'vault_lock')).ok);
  assert.equal((await ask(setup, 'draft_get')).error?.code, 'locked');
  assert.equal((await ask(setup, 'history_list', {})).error?.code, 'locked');
  list = (await ask(setup, 'schedule_list')).ok;
  assert.equal(list.upcoming.length, 1);
  assert.equal(list.upcoming[0].posts[0].text, '');
  assert.equal(list.upcoming[0].contents_available, false);

  // Unlocked again: everything reads back.
  assert.ok((await ask(setup, 'vault_unlock', { passphrase: PASSPHRASE })).ok);
  assert.equal((await ask(setup, 'draft_get')).ok.draft.posts[0].text, AT_REST_MARKERS.draft);
  assert.equal((await ask(setup, 'schedule_list')).ok.upcoming[0].posts[0].text, AT_REST_MARKERS.queue);

  // The browser closes; every byte of the profile is read.
  await browser.context.close();
  browser = null;
  const { files, bytes, hits } = scanForSecrets([profile], Object.values(AT_REST_MARKERS));
  console.log(`scanned ${files} files, ${bytes} bytes for ${Object.keys(AT_REST_MARKERS).length} markers`);
  assert.ok(files > 20 && bytes > 100_000, 'the profile looks empty');
  assert.deepEqual(hits, [], 'a marker of what the user wrote was found on disk');
  // The scan does see the storage: the sealed records' prefix is there.
  const seen = scanForSecrets([profile], ['kps1.']);
  assert.ok(seen.hits.length > 0, 'the sealed records were not found on disk: the scan proves nothing');
});
