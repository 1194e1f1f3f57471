// Injected faults: 429, 503, slow answers, connection resets before and after a post is
// recorded, and the 24-hour limit on demand.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, post, sandboxFor, signedFetch, user } from '../client.mjs';

test('faults', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  const demo = user('keypost_demo');
  t.beforeEach(() => control(base, 'reset', {}));

  await t.test('429: X body and headers with reset a few seconds ahead, then normal again', async () => {
    await control(base, 'faults', { kind: '429', count: 2, reset_s: 5, path: '/2/tweets' });
    for (const text of ['try 1', 'try 2']) {
      const res = await post(base, demo, text);
      assert.equal(res.status, 429);
      assert.deepEqual(res.body, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });
      assert.equal(res.headers.get('x-rate-limit-remaining'), '0');
      const reset = Number(res.headers.get('x-rate-limit-reset'));
      const serverNow = Date.parse(res.headers.get('date')) / 1000;
      assert.ok(reset - serverNow >= 4 && reset - serverNow <= 6, `reset ${reset} vs now ${serverNow}`);
      assert.equal(res.headers.get('x-user-limit-24hour-remaining'), null, 'pay-per-use: no 24-hour headers');
    }
    assert.equal((await post(base, demo, 'try 3')).status, 201);
    assert.deepEqual((await control(base, 'posts')).map((p) => p.text), ['try 3']);
    const log = await control(base, 'requests');
    assert.deepEqual(log.map((r) => [r.path, r.status, r.fault]), [
      ['/2/tweets', 429, '429'],
      ['/2/tweets', 429, '429'],
      ['/2/tweets', 201, null],
    ]);
  });

  await t.test('a fault for one path leaves other paths alone', async () => {
    await control(base, 'faults', { kind: '503', count: 1, path: '/2/tweets' });
    assert.equal((await signedFetch(base, demo, { path: '/2/users/me' })).status, 200);
    const res = await post(base, demo, 'unavailable');
    assert.equal(res.status, 503);
    assert.equal(res.body.title, 'Service Unavailable');
    assert.deepEqual(await control(base, 'posts'), []);
    assert.deepEqual(await control(base, 'faults'), [], 'used up');
  });

  await t.test('OPTIONS requests (refused, or answered with CORS on) do not use up a fault', async () => {
    await control(base, 'faults', { kind: '503', count: 2 });
    const refused = await fetch(`${base}/2/tweets`, { method: 'OPTIONS', headers: { origin: 'http://x' } });
    assert.equal(refused.status, 404);
    assert.equal((await post(base, demo, 'after refused preflight')).status, 503);
    await control(base, 'cors', { enabled: true });
    const pre = await fetch(`${base}/2/tweets`, { method: 'OPTIONS', headers: { origin: 'http://x' } });
    assert.equal(pre.status, 204);
    await control(base, 'cors', { enabled: false });
    assert.equal((await post(base, demo, 'after preflight')).status, 503);
  });

  await t.test('delay: the answer comes late but normally', async () => {
    await control(base, 'faults', { kind: 'delay', count: 1, delay_ms: 400 });
    const started = Date.now();
    const res = await post(base, demo, 'slow but fine');
    assert.equal(res.status, 201);
    assert.ok(Date.now() - started >= 380, `took ${Date.now() - started} ms`);
    assert.equal((await control(base, 'requests')).at(-1).fault, 'delay');
  });

  await t.test('reset: the connection drops before processing and nothing is posted', async () => {
    await control(base, 'faults', { kind: 'reset', count: 1 });
    await assert.rejects(post(base, demo, 'never arrives'));
    assert.deepEqual(await control(base, 'posts'), []);
    const [entry] = await control(base, 'requests');
    assert.equal(entry.fault, 'reset');
    assert.equal(entry.status, null);
    // A retry with the same text goes through: there is nothing to be a duplicate of.
    assert.equal((await post(base, demo, 'never arrives')).status, 201);
  });

  await t.test('reset_after_record: the post is recorded, the answer never comes; a resend is a duplicate', async () => {
    await control(base, 'faults', { kind: 'reset_after_record', count: 1, path: '/2/tweets' });
    await assert.rejects(post(base, demo, 'posted, but did it?'));
    const posts = await control(base, 'posts');
    assert.deepEqual(posts.map((p) => p.text), ['posted, but did it?']);
    const [entry] = await control(base, 'requests');
    assert.deepEqual([entry.fault, entry.status, entry.processed_status], ['reset_after_record', null, 201]);
    const resend = await post(base, demo, 'posted, but did it?');
    assert.equal(resend.status, 403);
    assert.match(resend.body.detail, /duplicate content/);
    assert.equal((await control(base, 'posts')).length, 1, 'exactly once');
  });

  await t.test('503_after_record: the post is recorded, then X answers 503; a resend is a duplicate', async () => {
    await control(base, 'faults', { kind: '503_after_record', count: 1, path: '/2/tweets' });
    const first = await post(base, demo, 'recorded, then 503');
    assert.equal(first.status, 503);
    assert.deepEqual((await control(base, 'posts')).map((p) => p.text), ['recorded, then 503']);
    const [entry] = await control(base, 'requests');
    assert.deepEqual([entry.fault, entry.status, entry.processed_status], ['503_after_record', 503, 201]);
    const resend = await post(base, demo, 'recorded, then 503');
    assert.equal(resend.status, 403);
    assert.match(resend.body.detail, /duplicate content/);
    assert.equal((await control(base, 'posts')).length, 1, 'exactly once');
  });

  await t.test('rate_limit_24h: 429 with the 24-hour remaining at 0 and a far reset', async () => {
    await control(base, 'faults', { kind: 'rate_limit_24h', count: 1, reset_s: 7200 });
    const res = await post(base, demo, 'over the daily limit');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('x-user-limit-24hour-limit'), '17');
    assert.equal(res.headers.get('x-user-limit-24hour-remaining'), '0');
    const serverNow = Date.parse(res.headers.get('date')) / 1000;
    const reset24h = Number(res.headers.get('x-user-limit-24hour-reset'));
    assert.ok(Math.abs(reset24h - serverNow - 7200) <= 2);
    assert.ok(Number(res.headers.get('x-rate-limit-remaining')) > 0, 'the 15-minute window is not the problem');
    assert.deepEqual(await control(base, 'posts'), []);
  });

  await t.test('bad fault requests are refused with a reason', async () => {
    const res = await fetch(`${base}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'explode', count: 1 }),
    });
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /kind must be one of/);
  });

  await t.test('reset clears posts, media, nonces, faults, counters, clock and account changes', async () => {
    await post(base, demo, 'before reset', { nonce: 'reused-after-reset' });
    await control(base, 'faults', { kind: '503', count: 5 });
    await control(base, 'clock', { offset_s: 1000 });
    await control(base, 'users/keypost_demo', { tier: 'legacy', limit_24h: 0 });
    await control(base, 'reset', {});
    assert.deepEqual(await control(base, 'posts'), []);
    assert.deepEqual(await control(base, 'faults'), []);
    assert.deepEqual(await control(base, 'requests'), []);
    assert.equal((await control(base, 'clock')).offset_s, 0);
    const res = await post(base, demo, 'before reset', { nonce: 'reused-after-reset' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-user-limit-24hour-remaining'), null, 'back on pay-per-use');
    assert.equal(res.headers.get('x-rate-limit-remaining'), '99');
    assert.equal((await control(base, 'users/keypost_demo')).tier, 'pay_per_use');
  });
});
