// Fidelity to X as it is in 2026 (issue 12): what X refuses is refused in the popup and by the
// core before any request reaches the sandbox (one $CASHTAG, an animated GIF alone, GIFs up to
// 15 MB), and X's own wording of its errors reaches the user.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  sandbox, launch, freshProfile, removeProfile, ask, goto, control, makePng, PASSPHRASES, vaultWithAccounts, openPopup,
} from './harness.mjs';

const PASSPHRASE = PASSPHRASES.popup;
// A 1x1 GIF89a.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
let sb, browser, profile, setup, page, demo;

before(async () => {
  sb = await sandbox();
  profile = freshProfile();
  browser = await launch(profile);
  setup = await browser.context.newPage();
  await goto(setup, browser.url('options.html'));
  demo = (await vaultWithAccounts(setup, PASSPHRASE, ['keypost_demo'])).keypost_demo;
});

after(async () => {
  await browser?.context.close();
  await sb?.close();
  removeProfile(profile);
});

beforeEach(async () => {
  await control(sb, 'reset', {});
  await ask(setup, 'draft_clear');
  page = await openPopup(browser);
});

afterEach(async () => {
  await page?.close();
});

/** Requests that would upload or post: none may reach the sandbox for a refused post. */
async function mediaOrPostRequests() {
  return (await control(sb, 'requests')).filter((r) => r.path.startsWith('/2/media') || r.path === '/2/tweets');
}

/** Stores files in the extension's media store (as the popup does) and answers PostInput media. */
async function stored(files) {
  return page.evaluate(async (list) => {
    const store = await import(chrome.runtime.getURL('media-store.js'));
    const out = [];
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      const rec = await store.putMedia(new File([bytes], f.name, { type: f.type }));
      out.push({ media_id: rec.media_id, alt: '' });
    }
    return out;
    // Base64, not an array of numbers: 6 MB as a JSON array took 47 s to cross into the page.
  }, files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })));
}

test('a post with two cashtags is refused in the popup, when sending and when scheduling, before any request', async () => {
  await page.fill('#text-0', 'Watching $TSLA and $AAPL today');
  await page.locator('#rule-error-0:not([hidden])').waitFor();
  assert.match(await page.locator('#rule-error-0').textContent(), /at most one \$CASHTAG/);
  assert.ok(await page.locator('#post').isDisabled(), 'Post is disabled');
  // The schedule button says the same, without asking the worker to plan it.
  await page.click('#schedule-box summary');
  await page.fill('#schedule-at', '2099-01-01T10:00');
  await page.click('#schedule');
  await page.waitForFunction(() => /at most one \$CASHTAG/.test(document.getElementById('schedule-message')?.textContent ?? ''));
  // The worker refuses it too (the same core check), for a post and for the schedule.
  const posts = [{ text: 'fine $TSLA', media: [] }, { text: 'Watching $TSLA and $AAPL today', media: [] }];
  const sent = await ask(page, 'post_send', { account_id: demo, posts });
  assert.deepEqual(sent.error, { code: 'post_too_many_cashtags', step: 1 });
  const planned = await ask(page, 'schedule_add', { account_id: demo, due_at_ms: Date.now() + 3_600_000, posts });
  assert.deepEqual(planned.error, { code: 'post_too_many_cashtags', step: 1 });
  assert.deepEqual(await mediaOrPostRequests(), []);
  // One cashtag is fine: the message goes and Post comes back.
  await page.fill('#text-0', 'Watching $TSLA today');
  await page.locator('#rule-error-0').waitFor({ state: 'hidden' });
  assert.ok(!(await page.locator('#post').isDisabled()));
});

test('a GIF with a photo is refused in the popup, when sending and when scheduling, before any upload', async () => {
  await page.fill('#text-0', 'GIF and a photo');
  await page.setInputFiles('#file-input', [
    { name: 'dance.gif', mimeType: 'image/gif', buffer: GIF },
    { name: 'dot.png', mimeType: 'image/png', buffer: makePng(8, 8, [10, 200, 90]) },
  ]);
  await page.locator('#rule-error-0:not([hidden])').waitFor();
  assert.match(await page.locator('#rule-error-0').textContent(), /animated GIF must be the only image/);
  assert.ok(await page.locator('#post').isDisabled());

  const media = await stored([
    { name: 'dance.gif', type: 'image/gif', bytes: GIF },
    { name: 'dot.png', type: 'image/png', bytes: makePng(8, 8, [10, 200, 90]) },
  ]);
  const posts = [{ text: 'GIF and a photo', media }];
  const sent = await ask(page, 'post_send', { account_id: demo, posts });
  assert.deepEqual(sent.error, { code: 'media_gif_not_alone', step: 0 });
  const planned = await ask(page, 'schedule_add', { account_id: demo, due_at_ms: Date.now() + 3_600_000, posts });
  assert.deepEqual(planned.error, { code: 'media_gif_not_alone', step: 0 });
  assert.deepEqual(await mediaOrPostRequests(), []);
});

test('a GIF of 6 MB is accepted alone and posted as tweet_gif; a still image of 6 MB is refused', async () => {
  const big = Buffer.concat([GIF, Buffer.alloc(6 * 1024 * 1024)]);
  await page.setInputFiles('#file-input', { name: 'big.gif', mimeType: 'image/gif', buffer: big });
  await page.locator('li.thumb').first().waitFor();
  assert.ok(await page.locator('#media-error-0').isHidden());
  const bigPng = Buffer.concat([makePng(2, 2, [0, 0, 0]), Buffer.alloc(6 * 1024 * 1024)]);
  await page.setInputFiles('#file-input', { name: 'big.png', mimeType: 'image/png', buffer: bigPng });
  await page.waitForFunction(() => /big\.png.*5 MB/.test(document.getElementById('media-error-0').textContent));

  const media = await stored([{ name: 'big.gif', type: 'image/gif', bytes: big }]);
  const sent = await ask(page, 'post_send', { account_id: demo, posts: [{ text: 'a big GIF', media }] });
  assert.ok(sent.ok, JSON.stringify(sent.error));
  const init = (await control(sb, 'requests')).filter((r) => r.path === '/2/media/upload/initialize');
  assert.equal(init.length, 1);
});

// ----- errors as X words them (item 2) -----

/** Posts `text` from the popup and answers the failure's code and the text the user reads. */
async function failureOf(text, attach) {
  await page.fill('#text-0', text);
  if (attach) {
    await page.setInputFiles('#file-input', attach);
    await page.locator('li.thumb').first().waitFor();
  }
  await page.click('#post');
  await page.locator('#result:not([hidden]), #failure:not([hidden])').first().waitFor({ timeout: 30_000 });
  assert.ok(await page.locator('#failure').isVisible(), 'the post failed');
  return {
    code: await page.locator('#failure').getAttribute('data-code'),
    message: await page.locator('#failure-text').textContent(),
  };
}

test('a 400 invalid-request shows X\'s reason (errors[0].message), not the generic detail', async () => {
  await browser.context.route('**/2/tweets', (route) => route.fulfill({
    status: 400,
    contentType: 'application/problem+json',
    body: JSON.stringify({
      errors: [{ parameters: { text: ['x'] }, message: 'The text field is malformed in a way X explains here.' }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    }),
  }));
  try {
    const { code, message } = await failureOf('refused for a reason');
    assert.equal(code, 'x_bad_request');
    assert.match(message, /The text field is malformed in a way X explains here\./);
    assert.doesNotMatch(message, /One or more parameters/);
  } finally {
    await browser.context.unrouteAll({ behavior: 'ignoreErrors' });
  }
});

// X's refusals in their own words: every code's text is a table test of the pages
// (tests/ui/error-words.test.mjs) over X's bodies classified natively (tests/keypost/x_refusals.rs);
// this one goes the whole way, from the sandbox's answer through the worker to the popup, with
// the details (the cap's end) carried along.
/** @type {[string, string, RegExp, RegExp|null][]} */
const X_WORDS = [
  ['usage_capped_daily', 'x_usage_capped_daily', /daily usage cap on X\. It ends at .+ \(in .+\)/, /monthly/],
];
for (const [kind, code, shown, notShown] of X_WORDS) {
  test(`X's ${kind} answer: code ${code} and its own message`, async () => {
    await control(sb, 'faults', { kind, count: 1, path: '/2/tweets' });
    const { code: got, message } = await failureOf(`post meeting ${kind}`);
    assert.equal(got, code);
    assert.match(message, shown);
    if (notShown) assert.doesNotMatch(message, notShown);
    assert.deepEqual(await control(sb, 'posts'), []);
  });
}

test('an HTML 503 page from X\'s edge during an upload: its own code and message', async () => {
  await control(sb, 'faults', { kind: 'html_503', count: 20, path: '/2/media' });
  const { code, message } = await failureOf('with an image', { name: 'dot.png', mimeType: 'image/png', buffer: makePng(8, 8, [1, 2, 3]) });
  assert.equal(code, 'x_edge_error');
  assert.match(message, /error page instead of an answer/);
});

test('the options page lists X\'s prices with their dates: the URL surcharge since 2026-04-20, upload "not published", the verification call', async () => {
  await goto(setup, browser.url('options.html'));
  const rows = setup.locator('#price-table tbody tr');
  await rows.first().waitFor();
  const cells = await rows.evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [
    /** @type {HTMLElement} */ (tr).dataset.row,
    [...tr.children].map((c) => c.textContent ?? ''),
  ])));
  assert.deepEqual(Object.keys(cells), ['post', 'post_with_url', 'summoned_reply', 'media_metadata', 'media_upload', 'user_read']);
  assert.match(cells.post_with_url[1], /\$0\.20/);
  assert.match(cells.post_with_url[2], /since 2026-04-20; checked \d{4}-\d{2}-\d{2}/);
  assert.match(cells.summoned_reply[1], /\$0\.01/);
  assert.equal(cells.media_upload[1], 'not published by X');
  assert.doesNotMatch(cells.media_upload[1], /\$0/);
  assert.match(cells.user_read[0], /Verifying an account/);
  assert.match(cells.user_read[1], /\$0\.01/);
});
