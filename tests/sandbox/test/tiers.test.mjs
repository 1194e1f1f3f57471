// The two tiers (fidelity review D4, D5): pay-per-use, the default, sends no 24-hour headers and
// allows 100 posts per 15 minutes per user; a legacy-tier account announces the user's 24-hour
// limit and the app's (x-app-limit-24hour-*), and a spent app allowance refuses every legacy
// account of that app.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, post, sandboxFor, user } from '../client.mjs';

const DAY_S = 86400;

test('tiers', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  const demo = user('keypost_demo');
  const second = user('keypost_second');
  t.beforeEach(() => control(base, 'reset', {}));

  await t.test('pay-per-use: no 24-hour headers, and the 101st post in 15 minutes gets 429', async () => {
    assert.equal((await control(base, 'users/keypost_demo')).tier, 'pay_per_use');
    let last;
    for (let i = 1; i <= 100; i++) {
      last = await post(base, demo, `pay per use ${i}`);
      assert.equal(last.status, 201, `post ${i}`);
      for (const name of last.headers.keys()) assert.doesNotMatch(name, /24hour/, `post ${i}: ${name}`);
    }
    assert.equal(last.headers.get('x-rate-limit-limit'), '100');
    assert.equal(last.headers.get('x-rate-limit-remaining'), '0');
    const refused = await post(base, demo, 'pay per use 101');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-user-limit-24hour-remaining'), null);
    const serverNow = Date.parse(refused.headers.get('date')) / 1000;
    const reset = Number(refused.headers.get('x-rate-limit-reset'));
    assert.ok(reset > serverNow && reset <= serverNow + 15 * 60 + 1, 'the 15-minute window resets it');
    // Another user of the same app has its own 15-minute window.
    assert.equal((await post(base, second, 'the other user')).status, 201);
    assert.equal((await control(base, 'posts')).length, 101);
  });

  await t.test('legacy tier: the user and app 24-hour headers on every answer', async () => {
    const account = await control(base, 'users/keypost_demo', { tier: 'legacy' });
    assert.deepEqual([account.tier, account.limit_24h, account.app_limit_24h], ['legacy', 17, 17]);
    const res = await post(base, demo, 'legacy one');
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-user-limit-24hour-limit'), '17');
    assert.equal(res.headers.get('x-user-limit-24hour-remaining'), '16');
    assert.equal(res.headers.get('x-app-limit-24hour-limit'), '17');
    assert.equal(res.headers.get('x-app-limit-24hour-remaining'), '16');
    const serverNow = Date.parse(res.headers.get('date')) / 1000;
    assert.ok(Math.abs(Number(res.headers.get('x-app-limit-24hour-reset')) - serverNow - DAY_S) <= 2);
  });

  await t.test("legacy tier: the app's allowance is shared, and once spent refuses the app's other legacy account", async () => {
    await control(base, 'users/keypost_demo', { tier: 'legacy', limit_24h: 10, app_limit_24h: 3 });
    await control(base, 'users/keypost_second', { tier: 'legacy', limit_24h: 10 });
    assert.equal((await post(base, demo, 'app 1')).status, 201);
    assert.equal((await post(base, second, 'app 2')).status, 201);
    const third = await post(base, demo, 'app 3');
    assert.equal(third.status, 201);
    assert.equal(third.headers.get('x-app-limit-24hour-remaining'), '0');
    assert.equal(third.headers.get('x-user-limit-24hour-remaining'), '8');
    const oldest = (await control(base, 'posts'))[0].created_at_ms;
    const refused = await post(base, second, 'app 4');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-app-limit-24hour-remaining'), '0');
    assert.equal(refused.headers.get('x-user-limit-24hour-remaining'), '9', 'the user still had room');
    assert.equal(Number(refused.headers.get('x-app-limit-24hour-reset')), Math.ceil(oldest / 1000) + DAY_S);
    // A pay-per-use account of the same app is not held by the old tier's app allowance.
    assert.equal((await post(base, user('keypost_premium'), 'not legacy')).status, 201);
    assert.equal((await control(base, 'posts')).length, 4);
  });

  await t.test('bad tier settings are refused', async () => {
    const res = await fetch(`${base}/__sandbox/users/keypost_demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tier: 'enterprise' }),
    });
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /tier must be one of pay_per_use, legacy/);
  });
});
