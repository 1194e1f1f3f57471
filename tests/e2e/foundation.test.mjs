// Foundation, end to end: the built extension loads in Chromium, its service worker starts the
// wasm core, and requests signed by the core are verified by the sandbox (oauth-1.0a).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { accountByUsername } from '../sandbox/accounts.mjs';
import { sandbox, launch, freshProfile, removeProfile, ask, EXTENSION_DIR, PASSPHRASES } from './harness.mjs';

let sb, browser, profile, page;

before(async () => {
  sb = await sandbox();
  profile = freshProfile();
  browser = await launch(profile);
  page = await browser.context.newPage();
  await page.goto(browser.url('options.html'));
});

after(async () => {
  await browser?.context.close();
  await sb?.close();
  removeProfile(profile);
});

// X's API traffic only: the options page also fetches an added account's avatar from the
// sandbox, whenever it redraws, which is not part of what these tests count.
const requestLog = async () => (await (await fetch(`${sb.url}/__sandbox/requests`)).json())
  .filter((r) => r.path.startsWith('/2/'));

const keysOf = (a) => ({
  api_key: a.apiKey, api_secret: a.apiSecret,
  access_token: a.accessToken, access_token_secret: a.accessTokenSecret,
});

test('the service worker starts the wasm core and reports its version', async () => {
  const manifest = JSON.parse(readFileSync(`${EXTENSION_DIR}/manifest.json`, 'utf8'));
  const cargo = readFileSync('Cargo.toml', 'utf8').match(/^version = "(.+)"/m)[1];
  assert.equal(manifest.version, cargo);
  const answer = await ask(page, 'status');
  assert.equal(answer.ok.version, cargo);
  assert.equal(answer.ok.api_base, sb.url.replace(/\/$/, ''));
  // The options page drew itself from the core's answer.
  await page.locator('#core-status[data-state="ready"]').waitFor();
});

test('a request signed in the service worker is accepted by the sandbox', async () => {
  const demo = accountByUsername('keypost_demo');
  const answer = await ask(page, 'verify_keys', { keys: keysOf(demo) });
  assert.deepEqual(answer.error, undefined);
  assert.equal(answer.ok.user.username, 'keypost_demo');
  assert.equal(answer.ok.user.id, demo.id);
  const last = (await requestLog()).at(-1);
  assert.equal(last.status, 200);
});

test('the same request signed with a wrong secret gets X\'s 401 shape', async () => {
  const demo = accountByUsername('keypost_demo');
  const keys = { ...keysOf(demo), api_secret: `${demo.apiSecret.slice(0, -1)}x` };
  const answer = await ask(page, 'verify_keys', { keys });
  assert.equal(answer.ok, undefined);
  assert.equal(answer.error.code, 'x_unauthorized');
  const last = (await requestLog()).at(-1);
  assert.equal(last.status, 401);
  // The error that reaches the page carries no key material.
  assert.ok(!JSON.stringify(answer).includes(demo.apiSecret.slice(0, 12)));
});

const setClock = (offset_s) => fetch(`${sb.url}/__sandbox/clock`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offset_s }),
});

test('a computer clock 15 minutes off is corrected from X\'s Date header', async () => {
  const demo = accountByUsername('keypost_demo');
  await setClock(900);
  try {
    const answer = await ask(page, 'verify_keys', { keys: keysOf(demo) });
    assert.equal(answer.error, undefined);
    assert.equal(answer.ok.user.username, 'keypost_demo');
    const [first, second] = (await requestLog()).slice(-2);
    assert.equal(first.status, 401, 'the first try is refused for its timestamp');
    assert.equal(second.status, 200, 'the retry with X\'s time is accepted');
  } finally {
    await setClock(0);
  }
});

test('X 10 minutes ahead with v2\'s plain 401: adding an account verifies and posting works', async () => {
  const demo = accountByUsername('keypost_demo');
  // The worker keeps the offset it learnt above: bring it back to zero first.
  await setClock(0);
  await ask(page, 'verify_keys', { keys: keysOf(demo) });
  await setClock(600);
  try {
    const created = await ask(page, 'vault_create', { passphrase: PASSPHRASES.popup });
    assert.equal(created.error, undefined);
    const before = (await requestLog()).length;
    const added = await ask(page, 'account_add', { label: '', keys: keysOf(demo) });
    assert.equal(added.error, undefined, JSON.stringify(added.error));
    const verify = (await requestLog()).slice(before);
    assert.deepEqual(verify.map((r) => r.status), [401, 200], 'the plain 401, then the retry with X\'s time');
    assert.equal(verify[0].reason, 'timestamp_out_of_bounds');
    const id = added.ok.account.id;
    const text = `clock skew ${Date.now()}`;
    const sent = await ask(page, 'post_send', { account_id: id, posts: [{ text, media: [] }] });
    assert.equal(sent.error, undefined, JSON.stringify(sent.error));
    const posts = await (await fetch(`${sb.url}/__sandbox/posts`)).json();
    assert.ok(posts.some((p) => p.text === text), 'the post reached the sandbox');
  } finally {
    await setClock(0);
  }
});

test('with the clock right and a wrong key, the message is about the keys, not the clock', async () => {
  const demo = accountByUsername('keypost_demo');
  await setClock(0);
  await ask(page, 'verify_keys', { keys: keysOf(demo) }); // settle any learnt offset
  const keys = { ...keysOf(demo), api_secret: `${demo.apiSecret.slice(0, -1)}x` };
  const before = (await requestLog()).length;
  const answer = await ask(page, 'verify_keys', { keys });
  assert.equal(answer.error?.code, 'x_unauthorized');
  assert.equal((await requestLog()).length - before, 1, 'no clock retry when the clocks agree');
});

test('when the retry with X\'s time is refused too, the message is about the clock', async () => {
  const demo = accountByUsername('keypost_demo');
  const keys = { ...keysOf(demo), api_secret: `${demo.apiSecret.slice(0, -1)}x` };
  await setClock(600);
  try {
    const before = (await requestLog()).length;
    const answer = await ask(page, 'verify_keys', { keys });
    assert.equal(answer.error?.code, 'x_clock_skew');
    assert.deepEqual((await requestLog()).slice(before).map((r) => r.status), [401, 401], 'one retry only');
  } finally {
    await setClock(0);
  }
});

test('2,000 random requests signed by the extension verify in the sandbox (oauth-1.0a)', async () => {
  const demo = accountByUsername('keypost_demo');
  const result = await page.evaluate(async ([base, keys, n]) => {
    const core = await import('./pkg/keypost.js');
    await core.default({ module_or_path: './pkg/keypost_bg.wasm' });
    // Deterministic pieces with every character class that breaks naive signers.
    const pieces = ['a', 'Z', '0', '-', '.', '_', '~', '!', '*', "'", '(', ')', '+', '%', '&', '=',
      ' ', '/', '?', '#', '@', ':', ',', ';', '"', 'é', '漢字', '☃', '😀', '𝄞', '👩‍👩‍👧', '\n', ''];
    let seed = 42;
    const rnd = (k) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
    const word = (max) => Array.from({ length: rnd(max + 1) }, () => pieces[rnd(pieces.length)]).join('');
    const enc = (s) => encodeURIComponent(s).replace(/[!*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const failures = [];
    let accepted = 0;
    let rejectedTampered = 0;
    for (let i = 0; i < n; i++) {
      const params = Array.from({ length: rnd(5) }, () => [word(4) || 'k', word(6)]);
      if (params.length && rnd(4) === 0) params.push([params[0][0], word(3)]); // repeated key
      const post = rnd(2) === 1;
      const query = post ? params.slice(0, 1) : params;
      const form = post ? params.slice(1) : [];
      const qs = query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
      const url = `${base}/2/users/me${qs ? `?${qs}` : ''}`;
      const nonce = `n${i}x${rnd(1e9)}`;
      const auth = core.sign_authorization(post ? 'POST' : 'GET', url, form, keys, nonce, Math.floor(Date.now() / 1000));
      const init = { method: post ? 'POST' : 'GET', headers: { authorization: auth } };
      if (post) {
        init.headers['content-type'] = 'application/x-www-form-urlencoded';
        init.body = form.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
      }
      if (i % 50 === 0) {
        // Control: the same request with one parameter changed after signing must fail.
        const tampered = { ...init, headers: { ...init.headers } };
        const r0 = await fetch(`${url}${qs ? '&' : '?'}extra=1`, tampered);
        if (r0.status === 401) rejectedTampered++;
      }
      const r = await fetch(url, init);
      if (r.status === 401) failures.push({ i, url, form });
      else accepted++;
    }
    return { accepted, rejectedTampered, failures: failures.slice(0, 3) };
  }, [sb.url.replace(/\/$/, ''), keysOf(demo), 2000]);
  assert.deepEqual(result.failures, []);
  assert.equal(result.accepted, 2000);
  assert.equal(result.rejectedTampered, 40);
});
