// Signature checks over HTTP: every /2/ request is verified before anything else happens.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APPS } from '../accounts.mjs';
import { control, post, sandboxFor, signedFetch, user } from '../client.mjs';

const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
const demo = user('keypost_demo');

test('authentication', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  const lastRequest = async () => (await control(base, 'requests')).at(-1);

  await t.test('a correctly signed GET /2/users/me is accepted, with the headers X sends', async () => {
    const res = await signedFetch(base, demo, { path: '/2/users/me' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { data: { id: demo.id, name: demo.name, username: 'keypost_demo' } });
    assert.equal(res.headers.get('x-access-level'), 'read-write');
    assert.equal(res.headers.get('x-rate-limit-limit'), '75');
    assert.equal(res.headers.get('x-rate-limit-remaining'), '74');
    assert.ok(Number(res.headers.get('x-rate-limit-reset')) > Date.now() / 1000 + 800);
    assert.ok(res.headers.get('date'));
  });

  await t.test('user.fields adds the profile image, served by the sandbox as a real PNG', async () => {
    const res = await signedFetch(base, demo, {
      path: '/2/users/me',
      query: [['user.fields', 'profile_image_url,verified,verified_type']],
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.profile_image_url, `${base}/avatars/${demo.id}.png`);
    assert.equal(res.body.data.verified, false);
    const image = await fetch(res.body.data.profile_image_url);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    const bytes = Buffer.from(await image.arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(bytes.readUInt32BE(16), 48); // IHDR width
    assert.equal((await fetch(`${base}/avatars/123.png`)).status, 404);
  });

  await t.test('a wrong signature (token secret of another account) gets the plain 401', async () => {
    const res = await signedFetch(base, demo, { path: '/2/users/me', accessTokenSecret: user('keypost_second').accessTokenSecret });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, UNAUTHORIZED);
    assert.equal((await lastRequest()).reason, 'bad_signature');
  });

  await t.test('an unknown API key gets 401', async () => {
    const res = await signedFetch(base, demo, { path: '/2/users/me', apiKey: 'AAAAAAAAAAAAAAAAAAAAAAAAA' });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, UNAUTHORIZED);
    assert.equal((await lastRequest()).reason, 'unknown_consumer_key');
  });

  await t.test('an unknown access token gets 401', async () => {
    const res = await signedFetch(base, demo, { path: '/2/users/me', accessToken: `${demo.id}-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX` });
    assert.equal(res.status, 401);
    assert.equal((await lastRequest()).reason, 'unknown_token');
  });

  await t.test('keys from two different apps get 401 even when the signature is right for them', async () => {
    const other = user('keypost_nocredits');
    const res = await signedFetch(base, demo, {
      path: '/2/users/me',
      accessToken: other.accessToken,
      accessTokenSecret: other.accessTokenSecret,
    });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, UNAUTHORIZED);
    assert.equal((await lastRequest()).reason, 'token_of_another_app');
  });

  await t.test('no header, a Bearer header or a garbled OAuth header get 401', async () => {
    for (const authorization of [undefined, 'Bearer AAAA', 'OAuth oauth_consumer_key=unquoted']) {
      const res = await fetch(`${base}/2/users/me`, { headers: authorization ? { authorization } : {} });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), UNAUTHORIZED);
    }
  });

  await t.test('a timestamp 10 minutes off gets X v2\'s plain 401; the Date header tells the right time', async () => {
    const res = await signedFetch(base, demo, { path: '/2/users/me', timestamp: Math.floor(Date.now() / 1000) - 600 });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, UNAUTHORIZED, 'no code 135 on v2');
    const dateS = Date.parse(res.headers.get('date')) / 1000;
    assert.ok(Math.abs(dateS - Date.now() / 1000) < 5, 'the Date header is the sandbox clock');
    const serverNow = Date.parse(res.headers.get('date')) / 1000;
    const retry = await signedFetch(base, demo, { path: '/2/users/me', timestamp: Math.floor(serverNow) });
    assert.equal(retry.status, 200);
    // Within the window is fine.
    const near = await signedFetch(base, demo, { path: '/2/users/me', timestamp: Math.floor(Date.now() / 1000) + 250 });
    assert.equal(near.status, 200);
  });

  await t.test('shifting the sandbox clock makes a correct client clock out of bounds', async () => {
    await control(base, 'clock', { offset_s: 3600 });
    const res = await signedFetch(base, demo, { path: '/2/users/me' });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, UNAUTHORIZED);
    const serverNow = Date.parse(res.headers.get('date')) / 1000;
    assert.ok(Math.abs(serverNow - Date.now() / 1000 - 3600) < 5);
    const corrected = await signedFetch(base, demo, { path: '/2/users/me', timestamp: Math.floor(serverNow) });
    assert.equal(corrected.status, 200);
    await control(base, 'clock', { offset_s: 0 });
  });

  await t.test('skew_answer code135 gives v1.1\'s code 135 body instead; reset goes back to the plain 401', async () => {
    const set = await control(base, 'clock', { offset_s: 0, skew_answer: 'code135' });
    assert.equal(set.skew_answer, 'code135');
    const res = await signedFetch(base, demo, { path: '/2/users/me', timestamp: Math.floor(Date.now() / 1000) - 600 });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body.errors, [{ code: 135, message: 'Timestamp out of bounds.' }]);
    const wrong = await control(base, 'clock', { offset_s: 0, skew_answer: 'v3' });
    assert.match(wrong.error, /skew_answer/);
    await control(base, 'reset', {});
    assert.equal((await control(base, 'clock')).skew_answer, 'plain');
  });

  await t.test('a nonce used twice gets 401 the second time', async () => {
    const first = await signedFetch(base, demo, { path: '/2/users/me', nonce: 'same-nonce-1234' });
    assert.equal(first.status, 200);
    const again = await signedFetch(base, demo, { path: '/2/users/me', nonce: 'same-nonce-1234' });
    assert.equal(again.status, 401);
    assert.deepEqual(again.body, UNAUTHORIZED);
    assert.equal((await lastRequest()).reason, 'nonce_replayed');
    // The same nonce from another account is a different triple.
    const other = await signedFetch(base, user('keypost_second'), { path: '/2/users/me', nonce: 'same-nonce-1234' });
    assert.equal(other.status, 200);
  });

  await t.test('query parameters are signed, with every awkward character', async () => {
    const awkward = "! * ' ( ) + % & = ~ space, emoji 😀 and 日本語";
    const query = [['user.fields', 'profile_image_url'], ['note', awkward], ['tag', 'b'], ['tag', 'a']];
    const res = await signedFetch(base, demo, { path: '/2/users/me', query });
    assert.equal(res.status, 200);
    assert.ok(res.body.data.profile_image_url);
    const seen = await lastRequest();
    assert.match(seen.query, /^user\.fields=profile_image_url&note=%21%20%2A%20%27%20%28%20%29%20%2B%20%25%20%26%20%3D%20~%20/);

    const tampered = await signedFetch(base, demo, {
      path: '/2/users/me',
      query,
      sendQuery: [['user.fields', 'profile_image_url'], ['note', awkward.replace('😀', '😁')], ['tag', 'b'], ['tag', 'a']],
    });
    assert.equal(tampered.status, 401);
    const dropped = await signedFetch(base, demo, { path: '/2/users/me', query, sendQuery: query.slice(0, 3) });
    assert.equal(dropped.status, 401);
  });

  await t.test("a signer with JavaScript's encodeURIComponent bug gets 401 only on ! * ' ( )", async () => {
    const buggy = { encodeURIComponentBug: true };
    const plain = await signedFetch(base, demo, { path: '/2/users/me', query: [['note', 'plain text ~ 😀']], ...buggy });
    assert.equal(plain.status, 200);
    for (const ch of ['!', '*', "'", '(', ')']) {
      const res = await signedFetch(base, demo, { path: '/2/users/me', query: [['note', `a ${ch} b`]], ...buggy });
      assert.equal(res.status, 401, ch);
      assert.equal((await lastRequest()).reason, 'bad_signature');
    }
  });

  await t.test('a form-encoded body is signed; a JSON body is not', async () => {
    const form = [['text', "form body with ! * ' ( ) and 😀"]];
    const signed = await signedFetch(base, demo, { method: 'POST', path: '/2/tweets', form });
    assert.equal(signed.status, 400, 'signature accepted, then refused because /2/tweets takes JSON');
    assert.match(signed.body.errors[0].message, /must be JSON/);
    const tampered = await signedFetch(base, demo, { method: 'POST', path: '/2/tweets', form, sendForm: 'text=changed' });
    assert.equal(tampered.status, 401);
    const json = await post(base, demo, 'JSON bodies are outside the signature');
    assert.equal(json.status, 201);
  });

  await t.test('the read-only token verifies and says so in x-access-level', async () => {
    const res = await signedFetch(base, user('keypost_readonly'), { path: '/2/users/me' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-access-level'), 'read');
  });

  await t.test('an app without credits gets 402 CreditsDepleted on every call, reads too', async () => {
    const account = user('keypost_nocredits');
    const app = APPS.find((a) => a.id === account.appId);
    for (const res of [
      await signedFetch(base, account, { path: '/2/users/me' }),
      await post(base, account, 'no credits'),
    ]) {
      assert.equal(res.status, 402);
      assert.equal(res.body.title, 'CreditsDepleted');
      assert.equal(res.body.type, 'https://api.twitter.com/2/problems/credits');
      assert.equal(res.body.detail, `Your enrolled account [${app.id}] does not have any credits to fulfill this request.`);
    }
  });

  await t.test('an app outside a project gets 403 client-not-enrolled', async () => {
    const res = await signedFetch(base, user('keypost_unenrolled'), { path: '/2/users/me' });
    assert.equal(res.status, 403);
    assert.equal(res.body.title, 'Client Forbidden');
    assert.equal(res.body.reason, 'client-not-enrolled');
    assert.equal(res.body.type, 'https://api.twitter.com/2/problems/client-forbidden');
  });

  await t.test('a bad signature from a no-credits app is still a 401, not a 402', async () => {
    const account = user('keypost_nocredits');
    const res = await signedFetch(base, account, { path: '/2/users/me', apiSecret: 'wrong' });
    assert.equal(res.status, 401);
  });

  await t.test('CORS off by default, as api.x.com gives an extension: no headers, no preflight answer', async () => {
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const pre = await fetch(`${base}/2/tweets`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(pre.status, 404);
    for (const name of pre.headers.keys()) assert.doesNotMatch(name, /^access-control-/, `preflight header ${name}`);
    const res = await signedFetch(base, demo, { path: '/2/users/me', headers: { origin } });
    assert.equal(res.status, 200);
    for (const name of res.headers.keys()) assert.doesNotMatch(name, /^access-control-/, `response header ${name}`);
    assert.ok(res.headers.get('date'));
  });

  await t.test('CORS opt-in switch: preflight answered, origin echoed, rate-limit headers exposed', async () => {
    assert.deepEqual(await control(base, 'cors', { enabled: true }), { cors: true });
    const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    const pre = await fetch(`${base}/2/tweets`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), origin);
    assert.match(pre.headers.get('access-control-allow-headers'), /authorization/);
    assert.match(pre.headers.get('access-control-allow-headers'), /content-type/);
    assert.ok(pre.headers.get('date'));
    const res = await signedFetch(base, demo, { path: '/2/users/me', headers: { origin } });
    assert.equal(res.headers.get('access-control-allow-origin'), origin);
    const exposed = res.headers.get('access-control-expose-headers');
    for (const name of ['x-rate-limit-reset', 'x-user-limit-24hour-remaining', 'x-app-limit-24hour-reset', 'x-access-level', 'date']) {
      assert.match(exposed, new RegExp(name));
    }
    await control(base, 'reset', {});
    assert.deepEqual(await control(base, 'cors'), { cors: false }, 'a reset turns CORS off again');
  });

  await t.test('the request log never holds the Authorization header or a secret', async () => {
    const log = JSON.stringify(await control(base, 'requests'));
    assert.ok(!log.includes('oauth_signature'));
    assert.ok(!log.includes(demo.accessTokenSecret));
    assert.ok(!log.includes(demo.accessToken));
  });

  await t.test('GET /2/users/me allows 75 calls per 15 minutes, then 429 until the window resets', async () => {
    await control(base, 'reset', {});
    const second = user('keypost_second');
    for (let i = 1; i <= 75; i++) {
      const res = await signedFetch(base, second, { path: '/2/users/me' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-rate-limit-remaining'), String(75 - i));
    }
    const refused = await signedFetch(base, second, { path: '/2/users/me' });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-rate-limit-remaining'), '0');
    const later = await control(base, 'clock', { offset_s: 15 * 60 + 1 });
    const res = await signedFetch(base, second, { path: '/2/users/me', timestamp: Math.floor(later.now_ms / 1000) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-rate-limit-remaining'), '74');
    await control(base, 'reset', {});
  });

  await t.test('unknown API paths get 404', async () => {
    const res = await signedFetch(base, demo, { path: '/2/users/by/username/x' });
    assert.equal(res.status, 404);
  });
});
