// Composing and posting, end to end through the real popup page (chrome-extension://<id>/popup.html
// opened in a tab) against the X sandbox: exact text delivery, the counter's block, every error
// with its message and the draft kept, images with alt text, threads, resuming a failed thread,
// right-click sharing, and drafts that survive the popup closing.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { APPS } from '../sandbox/accounts.mjs';
import { creditsDepleted } from '../sandbox/problems.mjs';
import {
  sandbox, launch, freshProfile, removeProfile, ask, goto, currentWorker, control, sandboxPosts, makePng, PASSPHRASES, vaultWithAccounts, openPopup as openPopupIn,
} from './harness.mjs';

const PASSPHRASE = PASSPHRASES.popup;
let sb, browser, profile, setup, page;
const ids = {};

before(async () => {
  sb = await sandbox();
  profile = freshProfile();
  browser = await launch(profile);
  setup = await browser.context.newPage();
  await goto(setup, browser.url('options.html'));
  Object.assign(ids, await vaultWithAccounts(setup, PASSPHRASE, ['keypost_demo', 'keypost_readonly', 'keypost_second']));
});

after(async () => {
  await browser?.context.close();
  await sb?.close();
  removeProfile(profile);
});

beforeEach(async () => {
  await control(sb, 'reset', {});
  await browser.context.unrouteAll({ behavior: 'ignoreErrors' });
  await ask(setup, 'draft_clear');
  page = await openPopup();
});

afterEach(async () => {
  await page?.close();
});

const openPopup = () => openPopupIn(browser);

async function reopen() {
  await page.close();
  page = await openPopup();
  return page;
}

// Waits for the outcome of a post: the result or the failure box.
async function outcome(p = page) {
  await p.locator('#result:not([hidden]), #failure:not([hidden])').first().waitFor({ timeout: 20_000 });
  return (await p.locator('#result').isVisible()) ? 'posted' : 'failed';
}

async function chooseAccount(username) {
  await page.locator('label.account-option', { hasText: `@${username}` }).click();
  await page.waitForFunction((id) => document.querySelector(`input[name=account][value="${id}"]`)?.checked, ids[username]);
}

async function storedDraftText() {
  const answer = await ask(setup, 'draft_get');
  return answer.ok.draft?.posts?.map((p) => p.text) ?? [];
}

const SPECIAL = 'Quotes "double" and \'single\' & # % + ! * \' ( ) = ~ ?a=1&b=2\n'
  + 'Second line: emoji 😀 👩‍👩‍👧 🇨🇳 and CJK 中文漢字かな한국어\n\n  indented, then tab\tend';

test('a post with & # % + ! * \' ( ), quotes, newlines, emoji and CJK arrives byte for byte', async () => {
  await page.fill('#text-0', SPECIAL);
  assert.equal(await page.locator('#post').isEnabled(), true);
  await page.press('#text-0', 'Control+Enter'); // the keyboard shortcut posts
  assert.equal(await outcome(), 'posted');
  const posts = await sandboxPosts(sb);
  assert.equal(posts.length, 1);
  assert.equal(posts[0].text, SPECIAL);
  assert.equal(Buffer.compare(Buffer.from(posts[0].text), Buffer.from(SPECIAL)), 0);
  assert.equal(posts[0].username, 'keypost_demo');
  // The link to the post, the draft cleared here and in the core.
  const href = await page.locator('#result a').getAttribute('href');
  assert.equal(href, `https://x.com/keypost_demo/status/${posts[0].id}`);
  assert.equal(await page.inputValue('#text-0'), '');
  assert.deepEqual(await storedDraftText(), []);
  // Sent lists it with its link.
  await page.click('#tab-sent');
  await page.locator(`#sent-list a[href="${href}"]`).waitFor();
  assert.equal(await page.locator('#sent-list .sent-text').first().textContent(), SPECIAL);
});

test('the counter blocks an over-long post and marks the excess', async () => {
  await page.fill('#text-0', 'x'.repeat(290));
  assert.equal(await page.locator('#post').isDisabled(), true);
  assert.equal(await page.locator('#count-0').getAttribute('data-state'), 'over');
  assert.match(await page.locator('#count-0').textContent(), /10 over/);
  assert.equal(await page.locator('#text-0').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('li.post .backdrop mark').textContent(), 'x'.repeat(10));
  assert.match(await page.locator('#excess-0').textContent(), /10 characters too many.*x{10}/);
  // The shortcut does not get around it.
  await page.press('#text-0', 'Control+Enter');
  await page.waitForTimeout(500);
  assert.equal((await sandboxPosts(sb)).length, 0);
  // X's weights: 140 CJK characters fill the 280 limit exactly, one more is over by 2.
  await page.fill('#text-0', '中'.repeat(141));
  assert.match(await page.locator('#count-0').textContent(), /2 over/);
  assert.equal(await page.locator('li.post .backdrop mark').textContent(), '中');
  await page.fill('#text-0', '中'.repeat(140));
  assert.match(await page.locator('#count-0').textContent(), /^0 left/);
  assert.equal(await page.locator('#post').isEnabled(), true);
  assert.equal(await page.locator('li.post .backdrop mark').count(), 0);
});

test('the cost shows, and a link says it raises the cost', async () => {
  await page.fill('#text-0', 'plain words');
  const plain = await page.locator('#cost').textContent();
  assert.match(plain, /\$0\.\d+/);
  assert.equal(await page.locator('#cost').getAttribute('data-has-url'), 'false');
  await page.fill('#text-0', 'read this example.com/page');
  assert.equal(await page.locator('#cost').getAttribute('data-has-url'), 'true');
  const linked = await page.locator('#cost').textContent();
  assert.match(linked, /link/);
  const price = (s) => Number(s.match(/\$(\d+\.\d+)/)[1]);
  assert.ok(price(linked) > price(plain), `${linked} vs ${plain}`);
});

// Posts `text` from the popup, expects the failure `code`, its message, and the draft kept
// in the composer, in the core and across closing the popup.
async function expectFailure(code, text) {
  await page.fill('#text-0', text);
  await page.click('#post');
  assert.equal(await outcome(), 'failed');
  assert.equal(await page.locator('#failure').getAttribute('data-code'), code);
  const message = await page.locator('#failure-text').textContent();
  const internal = await page.evaluate(() => chrome.i18n.getMessage('err_internal'));
  const own = await page.evaluate((c) => chrome.i18n.getMessage(`err_${c}`), code);
  assert.ok(own, `no message for err_${code}`);
  assert.ok(!message.includes(internal), message);
  assert.ok(message.startsWith(own.split('$')[0].slice(0, 12)), `${message} / ${own}`);
  assert.equal(await page.inputValue('#text-0'), text);
  await page.waitForTimeout(400);
  assert.deepEqual(await storedDraftText(), [text]);
  return message;
}

test('duplicate content: its message, the draft kept', async () => {
  await page.fill('#text-0', 'said once');
  await page.click('#post');
  assert.equal(await outcome(), 'posted');
  await expectFailure('x_duplicate', 'said once');
  await reopen();
  assert.equal(await page.inputValue('#text-0'), 'said once');
  assert.equal((await sandboxPosts(sb)).length, 1);
});

test('a read-only account: its state shown, the post refused with its message, the draft kept', async () => {
  await chooseAccount('keypost_readonly');
  assert.equal(await page.locator('#account-state-row').getAttribute('data-state'), 'read_only');
  await expectFailure('x_read_only', 'from a read-only token');
  assert.equal((await sandboxPosts(sb)).length, 0);
  // The account choice is part of the draft.
  await reopen();
  assert.equal(await page.locator(`input[name=account][value="${ids.keypost_readonly}"]`).isChecked(), true);
  await chooseAccount('keypost_demo');
});

test('no credits left: its message, the draft kept', async () => {
  // The sandbox refuses to verify an app without credits, so such an account cannot be added;
  // an added account whose credits ran out gets the sandbox's own 402 body here.
  const { status, body } = creditsDepleted(APPS[1]);
  await browser.context.route('**/2/tweets', (route) => route.fulfill({
    status, contentType: 'application/problem+json', body: JSON.stringify(body),
  }));
  await expectFailure('x_credits_depleted', 'when the credits ran out');
});

test('rate limited for 24 hours: the message says when it resets', async () => {
  await control(sb, 'faults', { kind: 'rate_limit_24h', path: '/2/tweets', count: 5, reset_s: 3600 });
  const before = Date.now();
  const message = await expectFailure('x_rate_limited', 'one too many today');
  const times = await page.evaluate(([t0]) => [-60e3, 0, 60e3, 120e3]
    .map((d) => new Date(t0 + 3600e3 + d).toLocaleTimeString().match(/\d{1,2}:\d\d/)[0]), [before]);
  assert.ok(times.some((hm) => message.includes(`${hm}:`) || message.includes(`${hm} `)), `${message} should name one of ${times}`);
});

// Posts from the popup into X's "recorded, then 503": the post is on X, the answer says not.
async function postIntoRecordedThen503(text, withImage) {
  await control(sb, 'faults', { kind: '503_after_record', path: '/2/tweets', method: 'POST', count: 1 });
  await page.fill('#text-0', text);
  if (withImage) {
    await page.setInputFiles('#file-input', { name: 'dot.png', mimeType: 'image/png', buffer: makePng(8, 8, [10, 200, 90]) });
    await page.locator('li.thumb').first().waitFor();
  }
  await page.click('#post');
  assert.equal(await outcome(), 'failed');
  assert.equal(await page.locator('#failure').getAttribute('data-code'), 'post_outcome_unknown');
  assert.equal((await sandboxPosts(sb)).length, 1, 'the sandbox recorded the post');
  // Nothing offers a blind resend: Post is disabled, Ctrl+Enter does nothing, no Resume.
  assert.equal(await page.locator('#post').isDisabled(), true);
  await page.locator('#text-0').press('Control+Enter').catch(() => {});
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#resume').isVisible(), false);
  assert.equal(await page.locator('#check-profile').getAttribute('href'), 'https://x.com/keypost_demo');
  // The core refuses a new send of anything while this one is in doubt.
  const again = await ask(setup, 'post_send', { account_id: ids.keypost_demo, posts: [{ text, media: [] }] });
  assert.equal(again.error?.code, 'post_outcome_unknown');
  // Reopening the popup (or a browser restart: it is the core's outbox) keeps the question.
  await reopen();
  await page.locator('#unknown-actions').waitFor();
  assert.equal((await sandboxPosts(sb)).length, 1);
}

test('an image post that X records and answers 503 is on X once, after "Send anyway"', async () => {
  const text = `recorded then 503, image ${Date.now()}`;
  await postIntoRecordedThen503(text, true);
  await page.click('#send-anyway');
  // X refuses the resend as a duplicate: that proves the first one is on X.
  assert.equal(await outcome(), 'posted');
  const posts = await sandboxPosts(sb);
  assert.deepEqual(posts.map((p) => p.text), [text], 'exactly once');
  assert.equal(posts[0].media.length, 1);
  assert.deepEqual(await storedDraftText(), []);
  assert.equal(await page.locator('#compose-fields').evaluate((f) => f.disabled), false, 'the composer is free again');
});

test('a text post that X records and answers 503: "It is on X" settles it without a second request', async () => {
  const text = `recorded then 503, text ${Date.now()}`;
  await postIntoRecordedThen503(text, false);
  // A link that is not a post is refused and changes nothing.
  await page.fill('#posted-url', 'https://example.com/nothing');
  await page.click('#on-x');
  await page.locator('#posted-url-error:not([hidden])').waitFor();
  await page.locator('#unknown-actions').waitFor();
  const tweetsBefore = (await control(sb, 'requests')).filter((r) => r.path === '/2/tweets').length;
  await page.fill('#posted-url', '');
  await page.click('#on-x');
  assert.equal(await outcome(), 'posted');
  const tweetsAfter = (await control(sb, 'requests')).filter((r) => r.path === '/2/tweets').length;
  assert.equal(tweetsAfter, tweetsBefore, 'no second request');
  assert.deepEqual((await sandboxPosts(sb)).map((p) => p.text), [text]);
  assert.deepEqual(await storedDraftText(), []);
});

test('two images with alt text arrive with their alt text; bad files are refused before any upload', async () => {
  // Refused in the popup: not an image, and over 5 MB.
  await page.setInputFiles('#file-input', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
  await page.locator('#media-error-0:not([hidden])').waitFor();
  assert.match(await page.locator('#media-error-0').textContent(), /notes\.png is not a JPEG, PNG, WebP or GIF/);
  const big = Buffer.concat([makePng(2, 2, [0, 0, 0]), Buffer.alloc(5 * 1024 * 1024)]);
  await page.setInputFiles('#file-input', { name: 'huge.png', mimeType: 'image/png', buffer: big });
  await page.waitForFunction(() => /huge\.png.*5 MB/.test(document.getElementById('media-error-0').textContent));
  assert.equal(await page.locator('li.thumb').count(), 0);

  const red = makePng(24, 16, [220, 30, 30]);
  const blue = makePng(16, 24, [30, 60, 220]);
  await page.setInputFiles('#file-input', [
    { name: 'red.png', mimeType: 'image/png', buffer: red },
    { name: 'blue.png', mimeType: 'image/png', buffer: blue },
  ]);
  await page.locator('li.thumb').nth(1).waitFor();
  assert.equal(await page.locator('li.thumb img').first().evaluate((img) => img.naturalWidth), 24);
  const alts = ['A red rectangle, wider than tall', 'A blue rectangle: “蓝色” & <b>not bold</b>'];
  await page.fill('#alt-0-0', alts[0]);
  await page.fill('#alt-0-1', alts[1]);
  assert.equal(await page.locator('#alt-0-0').getAttribute('maxlength'), '1000');
  assert.match(await page.locator('#alt-count-0-0').textContent(), new RegExp(`^${[...alts[0]].length} / 1000`));
  assert.equal((await control(sb, 'media')).length ?? (await control(sb, 'media')).media.length, 0);
  await page.fill('#text-0', 'two squares');
  await page.click('#post');
  assert.equal(await outcome(), 'posted');
  const [post] = await sandboxPosts(sb);
  assert.equal(post.text, 'two squares');
  assert.equal(post.media.length, 2);
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  assert.deepEqual(post.media.map((m) => m.sha256), [sha(red), sha(blue)]);
  assert.deepEqual(post.media.map((m) => m.alt_text), alts);
  assert.equal(await page.locator('li.thumb').count(), 0);
});

test('images: remove one, and they survive closing the popup', async () => {
  await page.setInputFiles('#file-input', [
    { name: 'a.png', mimeType: 'image/png', buffer: makePng(8, 8, [1, 2, 3]) },
    { name: 'b.png', mimeType: 'image/png', buffer: makePng(8, 8, [4, 5, 6]) },
  ]);
  await page.locator('li.thumb').nth(1).waitFor();
  await page.fill('#alt-0-1', 'kept');
  await page.click('li.thumb[data-media-id] >> nth=0 >> button.remove-image');
  await page.fill('#text-0', 'one image left');
  await reopen();
  assert.equal(await page.locator('li.thumb').count(), 1);
  assert.equal(await page.inputValue('#alt-0-0'), 'kept');
  await page.waitForFunction(() => document.querySelector('li.thumb img')?.naturalWidth === 8);
});

test('"Split into a thread" numbers posts within the limit', async () => {
  const words = Array.from({ length: 120 }, (_, i) => `word${i}`);
  await page.fill('#text-0', words.join(' '));
  assert.equal(await page.locator('#post').isDisabled(), true);
  await page.click('#split');
  const n = await page.locator('li.post').count();
  assert.ok(n >= 3, `split into ${n}`);
  const texts = [];
  for (let i = 0; i < n; i++) {
    texts.push(await page.inputValue(`#text-${i}`));
    assert.notEqual(await page.locator(`#count-${i}`).getAttribute('data-state'), 'over');
  }
  const rejoined = texts.join(' ').split(/\s+/).filter((w) => !/^\(?\d+\/\d+\)?$/.test(w));
  assert.deepEqual(rejoined, words);
  assert.equal(await page.locator('#post').isEnabled(), true);
});

test('a three-post thread arrives chained in order', async () => {
  await page.click('#add-post');
  await page.click('#add-post');
  const texts = ['Thread start 🧵', 'The middle, with & and (parens)', 'The end: 完'];
  for (const [i, text] of texts.entries()) await page.fill(`#text-${i}`, text);
  assert.match(await page.locator('label[for=text-1]').textContent(), /Post 2 of 3/);
  await page.click('#post');
  assert.equal(await outcome(), 'posted');
  const posts = await sandboxPosts(sb);
  assert.deepEqual(posts.map((p) => p.text), texts);
  assert.equal(posts[0].reply_to, null);
  assert.equal(posts[1].reply_to, posts[0].id);
  assert.equal(posts[2].reply_to, posts[1].id);
  const hrefs = await page.locator('#result a').evaluateAll((as) => as.map((a) => a.href));
  assert.deepEqual(hrefs, posts.map((p) => `https://x.com/keypost_demo/status/${p.id}`));
  assert.equal(await page.locator('li.post').count(), 1);
});

test('a failed second step shows what was posted, and Resume posts the rest without reposting the first', async () => {
  // X answers the first post, then refuses with a rate limit (known not posted) until told
  // otherwise.
  let seen = 0;
  let failing = true;
  await browser.context.route('**/2/tweets', async (route) => {
    seen += 1;
    if (failing && seen >= 2) {
      return route.fulfill({
        status: 429, contentType: 'application/json',
        headers: {
          'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 60),
        },
        body: JSON.stringify({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }),
      });
    }
    return route.continue();
  });
  await page.click('#add-post');
  await page.click('#add-post');
  const texts = ['Resume 1/3', 'Resume 2/3', 'Resume 3/3'];
  for (const [i, text] of texts.entries()) await page.fill(`#text-${i}`, text);
  await page.click('#post');
  assert.equal(await outcome(), 'failed');
  assert.match(await page.locator('#failure-text').textContent(), /Post 2 of 3 failed/);
  let posts = await sandboxPosts(sb);
  assert.deepEqual(posts.map((p) => p.text), ['Resume 1/3']);
  assert.equal(await page.locator('#failure-posted a').getAttribute('href'), `https://x.com/keypost_demo/status/${posts[0].id}`);
  // Closing the popup loses nothing: the draft and the way to resume are still there.
  await reopen();
  assert.deepEqual(await Promise.all([0, 1, 2].map((i) => page.inputValue(`#text-${i}`))), texts);
  await page.locator('#resume').waitFor();
  // The core's outbox (which outlives a browser restart) is what offers Resume.
  await reopen();
  await page.locator('#resume').waitFor();
  // Resume sends what failed as it was: until then the thread cannot be edited or posted anew.
  assert.equal(await page.locator('#text-1').isDisabled(), true);
  assert.equal(await page.locator('#post').isDisabled(), true);
  failing = false;
  await page.click('#resume');
  assert.equal(await outcome(), 'posted');
  posts = await sandboxPosts(sb);
  assert.deepEqual(posts.map((p) => p.text), texts);
  assert.equal(posts[1].reply_to, posts[0].id);
  assert.equal(posts[2].reply_to, posts[1].id);
  assert.equal(await page.locator('#result a').count(), 3);
  assert.deepEqual(await storedDraftText(), []);
});

test('"Discard the rest" after a failed step gives back an empty composer', async () => {
  let seen = 0;
  await browser.context.route('**/2/tweets', async (route) => {
    seen += 1;
    if (seen >= 2) return route.fulfill({ status: 503, contentType: 'application/json', body: '{"title":"Service Unavailable","status":503}' });
    return route.continue();
  });
  await page.click('#add-post');
  await page.fill('#text-0', 'Discard 1/2');
  await page.fill('#text-1', 'Discard 2/2');
  await page.click('#post');
  assert.equal(await outcome(), 'failed');
  await page.click('#discard-rest');
  await page.locator('#failure').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('li.post').count(), 1);
  assert.equal(await page.inputValue('#text-0'), '');
  assert.equal(await page.locator('#text-0').isDisabled(), false);
  assert.deepEqual(await storedDraftText(), []);
  await reopen();
  assert.equal(await page.locator('#resume').isVisible(), false);
  assert.deepEqual((await sandboxPosts(sb)).map((p) => p.text), ['Discard 1/2']);
});

test('while sending, the progress shows the upload bytes and the step', async () => {
  // A 1.1 MB image (1,200,000 bytes of data) goes up in two 1 MB chunks; every call is slowed so each state can be seen.
  const image = Buffer.concat([makePng(4, 4, [9, 9, 9]), Buffer.alloc(1_200_000, 7)]);
  await page.setInputFiles('#file-input', { name: 'big.png', mimeType: 'image/png', buffer: image });
  await page.locator('li.thumb').waitFor();
  await page.fill('#text-0', 'progress, step one');
  await page.click('#add-post');
  await page.fill('#text-1', 'progress, step two');
  await control(sb, 'faults', { kind: 'delay', path: '/2/media/upload', count: 3, delay_ms: 700 });
  await control(sb, 'faults', { kind: 'delay', path: '/2/tweets', count: 2, delay_ms: 700 });
  await page.click('#post');
  assert.equal(await page.locator('#post').isDisabled(), true);
  assert.equal(await page.locator('#text-0').isDisabled(), true);
  const text = () => page.locator('#progress-text').textContent();
  await page.waitForFunction(() => /Uploading images: 1\.0 MB of 1\.1 MB \(post 1 of 2\)/
    .test(document.getElementById('progress-text').textContent));
  assert.ok(await page.locator('#progress-bar').evaluate((b) => b.value > 0 && b.value < b.max));
  await page.waitForFunction(() => /Posting 2 of 2/.test(document.getElementById('progress-text').textContent));
  assert.match(await text(), /Posting 2 of 2/);
  assert.equal(await page.locator('#send-status').getAttribute('aria-live'), 'polite');
  assert.equal(await outcome(), 'posted');
  assert.equal(await page.locator('#progress').isVisible(), false);
  const posts = await sandboxPosts(sb);
  assert.equal(posts[0].media[0].bytes, image.length);
});

test('closing and reopening the popup keeps the draft', async () => {
  await chooseAccount('keypost_second');
  await page.fill('#text-0', 'typed, then the popup closed at once');
  await page.close({ runBeforeUnload: true }); // no time for the debounce: pagehide saves it
  page = await openPopup();
  assert.equal(await page.inputValue('#text-0'), 'typed, then the popup closed at once');
  assert.equal(await page.locator(`input[name=account][value="${ids.keypost_second}"]`).isChecked(), true);
  await page.click('#add-post');
  await page.fill('#text-1', 'and a second post');
  await page.waitForTimeout(500);
  await reopen();
  assert.equal(await page.inputValue('#text-1'), 'and a second post');
  await chooseAccount('keypost_demo');
});

test('locked: unlock right in the popup, then the draft is back', async () => {
  await page.fill('#text-0', 'written before locking');
  await page.click('#lock');
  await page.locator('#unlock-pass').waitFor();
  assert.equal(await page.locator('#compose').isVisible(), false);
  await page.fill('#unlock-pass', 'not it');
  await page.press('#unlock-pass', 'Enter');
  await page.locator('#unlock-error:not([hidden])').waitFor();
  await page.click('#unlock button.reveal');
  assert.equal(await page.locator('#unlock-pass').getAttribute('type'), 'text');
  await page.fill('#unlock-pass', PASSPHRASE);
  await page.press('#unlock-pass', 'Enter');
  await page.locator('#text-0').waitFor();
  assert.equal(await page.inputValue('#text-0'), 'written before locking');
  assert.equal(await page.inputValue('#unlock-pass'), '');
});

test('locked and unlocked elsewhere: the open popup follows, without draft saves waking it', async () => {
  // Count what the popup asks the worker while drafts are saved (each save writes storage).
  await page.evaluate(() => {
    const send = chrome.runtime.sendMessage.bind(chrome.runtime);
    globalThis.keypostAsked = [];
    chrome.runtime.sendMessage = (message, ...rest) => {
      globalThis.keypostAsked.push(message?.type);
      return send(message, ...rest);
    };
  });
  for (const word of ['kept', ' across', ' a lock', ' elsewhere']) {
    await page.type('#text-0', word);
    await page.waitForTimeout(450);
  }
  await page.waitForFunction(async () => /** @type {any} */ (await chrome.storage.local.get('draft')).draft?.posts?.[0]?.text === 'kept across a lock elsewhere');
  const asked = await page.evaluate(() => globalThis.keypostAsked);
  assert.ok(asked.includes('draft_save'), asked.join());
  assert.ok(!asked.includes('vault_status'), `draft saves made the popup ask vault_status: ${asked.join()}`);
  // Another page locks: this popup hides the draft and asks for the passphrase.
  assert.equal((await ask(setup, 'vault_lock')).ok.unlocked, false);
  await page.locator('#unlock-pass').waitFor({ timeout: 5_000 });
  assert.equal(await page.locator('#compose').isVisible(), false);
  assert.equal(await page.inputValue('#text-0'), '', 'the draft stays on screen while locked');
  // Another page unlocks: the draft comes back here.
  assert.equal((await ask(setup, 'vault_unlock', { passphrase: PASSPHRASE })).ok.unlocked, true);
  await page.locator('#text-0').waitFor({ timeout: 5_000 });
  await page.waitForFunction(() => document.getElementById('text-0').value === 'kept across a lock elsewhere');
});

// Chrome calls the worker's contextMenus.onClicked listener with an OnClickData and the tab.
async function share(info, tab) {
  const worker = await currentWorker(browser.context);
  const opened = browser.context.waitForEvent('page', { predicate: (p) => p.url().includes('popup.html'), timeout: 10_000 })
    .catch(() => null);
  await worker.evaluate(async ([i, t]) => {
    if (typeof self.keypostShare === 'function') return self.keypostShare(i, t);
    throw new Error('the worker exposes no keypostShare(info, tab)');
  }, [info, tab]);
  return opened;
}

test('right-click "Share selection" opens the composer prefilled with the quote and the page link', async () => {
  await page.close();
  page = null;
  const tab = { id: 1, index: 0, windowId: 1, title: 'A page & its "title"', url: 'https://example.com/article?id=7&x=(1)' };
  const info = {
    menuItemId: 'share_selection', editable: false, frameId: 0,
    pageUrl: tab.url, selectionText: 'Selected words: 50% off! *really* (CJK 中文) 😀',
  };
  const opened = await share(info, tab);
  page = opened ?? await openPopup();
  await page.waitForLoadState();
  await page.locator('#text-0').waitFor();
  await page.waitForFunction(() => document.getElementById('text-0').value.length > 0);
  const text = await page.inputValue('#text-0');
  assert.ok(text.includes(info.selectionText), text);
  assert.ok(text.includes(tab.url), text);
  assert.equal(await page.locator('#cost').getAttribute('data-has-url'), 'true');
  // Posting it delivers exactly that text.
  await page.click('#post');
  assert.equal(await outcome(), 'posted');
  assert.equal((await sandboxPosts(sb))[0].text, text);
});

test('a share is appended to a draft that has text', async () => {
  await page.fill('#text-0', 'my own words first');
  await page.waitForTimeout(500);
  await page.close();
  page = null;
  const tab = { id: 1, index: 0, windowId: 1, title: 'Linked', url: 'https://example.org/' };
  const opened = await share({ menuItemId: 'share_link', editable: false, frameId: 0, pageUrl: tab.url, linkUrl: 'https://example.net/x?y=1' }, tab);
  page = opened ?? await openPopup();
  await page.locator('#text-0').waitFor();
  await page.waitForFunction(() => document.getElementById('text-0').value.includes('example.net'));
  const text = await page.inputValue('#text-0');
  assert.ok(text.startsWith('my own words first'), text);
  assert.ok(text.includes('https://example.net/x?y=1'), text);
});

test('scheduling from the composer: the past is refused, a time 4 s ahead goes out then, the draft is cleared', async () => {
  const setAt = (ms) => page.evaluate((at) => {
    const d = new Date(at);
    const pad = (n) => String(n).padStart(2, '0');
    const input = document.getElementById('schedule-at');
    input.value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }, ms);
  await page.fill('#text-0', 'Scheduled from the popup 🕒');
  await page.locator('#schedule-box summary').click();
  assert.match(await page.locator('#schedule-tz').textContent(), /time zone/);
  await setAt(Date.now() - 3_600_000);
  await page.click('#schedule');
  await page.locator('#schedule-message[data-kind=error]').waitFor();
  assert.match(await page.locator('#schedule-message').textContent(), /past/i);
  assert.deepEqual(await storedDraftText(), ['Scheduled from the popup 🕒'], 'a refusal keeps the draft');
  // "In one hour" fills a time an hour ahead.
  await page.click('#schedule-hour');
  const inHour = new Date(await page.inputValue('#schedule-at')).getTime();
  assert.ok(Math.abs(inHour - (Date.now() + 3_600_000)) < 120_000);
  const due = Date.now() + 4_000;
  await setAt(due);
  await page.click('#schedule');
  await page.locator('#schedule-message[data-kind=ok], #schedule-message[data-kind=warning]').waitFor();
  assert.equal(await page.inputValue('#text-0'), '');
  let posts = [];
  for (let i = 0; i < 60 && posts.length === 0; i++) {
    await page.waitForTimeout(500);
    posts = await sandboxPosts(sb);
  }
  assert.deepEqual(posts.map((p) => p.text), ['Scheduled from the popup 🕒']);
  // Seconds in the input are whole, so the post may leave up to a second before `due`.
  assert.ok(posts[0].created_at_ms >= due - 1_000 && posts[0].created_at_ms <= due + 5_000,
    `sent ${posts[0].created_at_ms - due} ms after its time`);
  // Once sent, the scheduled post is in the popup's Sent list, with its link.
  await page.click('#tab-sent');
  await page.locator(`#sent-list a[href$="/status/${posts[0].id}"]`).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#sent-list .sent-text').first().textContent(), 'Scheduled from the popup 🕒');
});

test('a right-click share while the popup is open shows in it at once, after what was typed', async () => {
  await page.fill('#text-0', 'typed in the open popup');
  const tab = { id: 1, index: 0, windowId: 1, title: 'Open popup', url: 'https://example.org/open' };
  const sharing = share({ menuItemId: 'share_link', editable: false, frameId: 0, pageUrl: tab.url, linkUrl: 'https://example.net/live' }, tab);
  // The popup that was already open shows it, without being reopened.
  await page.waitForFunction(() => document.getElementById('text-0').value.includes('example.net/live'), null, { timeout: 10_000 });
  const text = await page.inputValue('#text-0');
  assert.ok(text.startsWith('typed in the open popup'), text);
  const second = await sharing;
  await second?.close();
  assert.equal(second, null, 'a second composer was opened beside the open one');
});
