// Errors as X words them (issue 12, item 2): the 400 invalid-request's generic detail with the
// reason in errors[0].message, and the faults a test can ask for: suspended account, the 2026
// reply restriction, a deleted reply target, daily and monthly usage caps, an HTML 503 from the
// edge, and the 403 "not permitted" X gives for more than length.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, post, sandboxFor, signedFetch, user } from '../client.mjs';
import { INVALID_REQUEST_DETAIL } from '../problems.mjs';

test('errors as X words them', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  const demo = user('keypost_demo');
  t.beforeEach(() => control(base, 'reset', {}));

  await t.test('400 invalid-request: the generic detail, the reason in errors[0].message', async () => {
    const res = await signedFetch(base, demo, { method: 'POST', path: '/2/tweets', json: { text: 'x', reply: { in_reply_to_tweet_id: '1' } } });
    assert.equal(res.status, 400);
    assert.equal(res.body.detail, INVALID_REQUEST_DETAIL);
    assert.equal(res.body.detail, 'One or more parameters to your request was invalid.');
    assert.match(res.body.errors[0].message, /in_reply_to_tweet_id/);
    assert.match(res.body.type, /\/2\/problems\/invalid-request$/);
  });

  const cases = [
    ['user_suspended', 403, { type: 'https://api.twitter.com/2/problems/user-suspended', detail: 'The user used for authentication is suspended' }],
    ['reply_restricted', 403, { detail: 'You can only reply to or quote posts where you are mentioned or are the author.' }],
    ['reply_target_deleted', 403, { detail: 'You attempted to reply to a Tweet that is deleted or not visible to you.' }],
    ['usage_capped_daily', 429, { type: 'https://api.twitter.com/2/problems/usage-capped', title: 'UsageCapExceeded', period: 'Daily' }],
    ['usage_capped_monthly', 429, { type: 'https://api.twitter.com/2/problems/usage-capped', title: 'UsageCapExceeded', period: 'Monthly' }],
    ['not_permitted', 403, { detail: 'You are not permitted to perform this action.', title: 'Forbidden' }],
  ];
  for (const [kind, status, fields] of cases) {
    await t.test(`fault ${kind}: ${status} with X's body, once, then normal again`, async () => {
      await control(base, 'faults', { kind, count: 1, path: '/2/tweets' });
      const res = await post(base, demo, `hello ${kind}`);
      assert.equal(res.status, status);
      for (const [k, v] of Object.entries(fields)) assert.equal(res.body[k], v, k);
      assert.ok(res.headers.get('date'), 'a Date header, as on every X answer');
      assert.equal((await post(base, demo, `again ${kind}`)).status, 201);
      const log = await control(base, 'requests');
      assert.deepEqual(log.map((r) => [r.status, r.fault]), [[status, kind], [201, null]]);
    });
  }

  await t.test('fault html_503: an HTML page, not JSON, from the edge', async () => {
    await control(base, 'faults', { kind: 'html_503', count: 1, path: '/2/tweets' });
    const res = await post(base, demo, 'over capacity');
    assert.equal(res.status, 503);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.equal(res.body, null, 'the body is not JSON');
    assert.deepEqual(await control(base, 'posts'), [], 'nothing was posted');
  });
});
