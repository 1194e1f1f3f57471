// POST /2/tweets: X's rules, in X's order, and what the sandbox records.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { control, post, sandboxFor, user } from '../client.mjs';

const NOT_PERMITTED = {
  detail: 'You are not permitted to perform this action.',
  status: 403,
  title: 'Forbidden',
  type: 'about:blank',
};
const DAY_S = 86400;

test('posting', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  t.beforeEach(() => control(base, 'reset', {}));

  await t.test('a post is created with a 19-digit increasing id and recorded', async () => {
    const demo = user('keypost_demo');
    const first = await post(base, demo, 'Hello from the sandbox');
    assert.equal(first.status, 201);
    assert.match(first.body.data.id, /^\d{19}$/);
    assert.equal(first.body.data.text, 'Hello from the sandbox');
    // Pay-per-use (the default tier): no 24-hour headers.
    assert.equal(first.headers.get('x-user-limit-24hour-limit'), null);
    assert.equal(first.headers.get('x-app-limit-24hour-limit'), null);
    assert.equal(first.headers.get('x-rate-limit-limit'), '100');
    const second = await post(base, demo, 'A second post');
    assert.ok(BigInt(second.body.data.id) > BigInt(first.body.data.id));
    const posts = await control(base, 'posts');
    assert.deepEqual(
      posts.map((p) => [p.id, p.user_id, p.username, p.text, p.reply_to, p.media]),
      [
        [first.body.data.id, demo.id, 'keypost_demo', 'Hello from the sandbox', null, []],
        [second.body.data.id, demo.id, 'keypost_demo', 'A second post', null, []],
      ],
    );
    assert.ok(Math.abs(posts[0].created_at_ms - Date.now()) < 5000);
  });

  await t.test('a thread step replies to an existing post; a missing one is a 400', async () => {
    const demo = user('keypost_demo');
    const head = await post(base, demo, 'Thread 1/2');
    const step = await post(base, demo, { text: 'Thread 2/2', reply: { in_reply_to_tweet_id: head.body.data.id } });
    assert.equal(step.status, 201);
    assert.equal((await control(base, 'posts')).at(-1).reply_to, head.body.data.id);
    const orphan = await post(base, demo, { text: 'Orphan', reply: { in_reply_to_tweet_id: '1000000000000000000' } });
    assert.equal(orphan.status, 400);
    assert.match(orphan.body.errors[0].message, /in_reply_to_tweet_id/);
    assert.equal((await control(base, 'posts')).length, 2);
  });

  await t.test('a read-only token gets 403 oauth1-permissions and nothing is posted', async () => {
    const res = await post(base, user('keypost_readonly'), 'I only have Read');
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      type: 'https://api.twitter.com/2/problems/oauth1-permissions',
      title: 'Forbidden',
      status: 403,
      detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
    });
    assert.equal(res.headers.get('x-access-level'), 'read');
    assert.deepEqual(await control(base, 'posts'), []);
  });

  await t.test('the 24-hour limit: 3 posts, then 429 with the 24-hour headers', async () => {
    const limited = user('keypost_limited');
    const results = [];
    for (let i = 1; i <= 3; i++) results.push(await post(base, limited, `Limited post ${i}`));
    assert.deepEqual(results.map((r) => r.status), [201, 201, 201]);
    assert.deepEqual(results.map((r) => r.headers.get('x-user-limit-24hour-remaining')), ['2', '1', '0']);
    const oldest = (await control(base, 'posts'))[0].created_at_ms;
    const refused = await post(base, limited, 'Limited post 4');
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });
    assert.equal(refused.headers.get('x-user-limit-24hour-limit'), '3');
    assert.equal(refused.headers.get('x-user-limit-24hour-remaining'), '0');
    assert.equal(Number(refused.headers.get('x-user-limit-24hour-reset')), Math.ceil(oldest / 1000) + DAY_S);
    assert.ok(refused.headers.get('x-rate-limit-limit'));
    assert.ok(refused.headers.get('x-rate-limit-remaining'));
    assert.ok(refused.headers.get('x-rate-limit-reset'));
    assert.equal((await control(base, 'posts')).length, 3);
    // Other accounts are not affected.
    assert.equal((await post(base, user('keypost_demo'), 'Not limited')).status, 201);
  });

  await t.test('the 24-hour window slides: after a day the oldest post stops counting', async () => {
    const limited = user('keypost_limited');
    for (let i = 1; i <= 3; i++) await post(base, limited, `Old post ${i}`);
    const dayLater = await control(base, 'clock', { offset_s: DAY_S + 10 });
    const timestamp = Math.floor(dayLater.now_ms / 1000);
    const res = await post(base, limited, 'A day later', { timestamp });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-user-limit-24hour-remaining'), '2');
  });

  await t.test('the limit can be changed through the control interface', async () => {
    const demo = user('keypost_demo');
    const changed = await control(base, 'users/keypost_demo', { tier: 'legacy', limit_24h: 1 });
    assert.equal(changed.limit_24h, 1);
    assert.equal(changed.tier, 'legacy');
    assert.equal((await post(base, demo, 'One')).status, 201);
    assert.equal((await post(base, demo, 'Two')).status, 429);
  });

  await t.test('the same text twice within 24 hours is a duplicate (403); another account may post it', async () => {
    const demo = user('keypost_demo');
    assert.equal((await post(base, demo, 'Say it once')).status, 201);
    const again = await post(base, demo, 'Say it once');
    assert.equal(again.status, 403);
    assert.deepEqual(again.body, {
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    });
    assert.equal((await post(base, user('keypost_second'), 'Say it once')).status, 201);
    assert.equal((await control(base, 'posts')).length, 2);
  });

  await t.test('weighted length: 280 is the limit, CJK counts 2, a URL counts 23, an emoji 2', async () => {
    const demo = user('keypost_demo');
    assert.equal((await post(base, demo, 'a'.repeat(280))).status, 201);
    const over = await post(base, demo, 'b'.repeat(281));
    assert.equal(over.status, 403);
    assert.deepEqual(over.body, NOT_PERMITTED);
    assert.equal((await post(base, demo, '漢'.repeat(140))).status, 201);
    assert.equal((await post(base, demo, '字'.repeat(141))).status, 403);
    const url = 'https://example.com/a/very/long/path/that/is/much/longer/than/twenty-three/characters';
    assert.equal((await post(base, demo, `${'c'.repeat(256)} ${url}`)).status, 201); // 256 + 1 + 23
    assert.equal((await post(base, demo, `${'d'.repeat(257)} ${url}`)).status, 403);
    assert.equal((await post(base, demo, `${'e'.repeat(278)}👩‍👩‍👧‍👦`)).status, 201); // a ZWJ family weighs 2
    assert.equal((await post(base, demo, `${'f'.repeat(279)}👍🏽`)).status, 403);
  });

  await t.test('an empty or blank post is refused', async () => {
    const demo = user('keypost_demo');
    for (const body of [{ text: '' }, { text: '   \n ' }, {}]) {
      const res = await post(base, demo, body);
      assert.equal(res.status, 403, JSON.stringify(body));
      assert.deepEqual(res.body, NOT_PERMITTED);
    }
  });

  await t.test('a premium account may post up to 25,000 weighted characters', async () => {
    const premium = user('keypost_premium');
    assert.equal((await post(base, premium, 'p'.repeat(25000))).status, 201);
    assert.equal((await post(base, premium, 'q'.repeat(25001))).status, 403);
    // Turning premium off through the control interface brings back the 280 limit.
    await control(base, 'users/keypost_premium', { premium: false });
    assert.equal((await post(base, premium, 'r'.repeat(281))).status, 403);
  });

  await t.test('malformed bodies and polls are 400s that say what is wrong', async () => {
    const demo = user('keypost_demo');
    const broken = await post(base, demo, {}, { json: '{"text": "unterminated' });
    assert.equal(broken.status, 400);
    assert.match(broken.body.errors[0].message, /not valid JSON/);
    const badPoll = await post(base, demo, { text: 'Poll', poll: { options: ['only one'], duration_minutes: 60 } });
    assert.equal(badPoll.status, 400);
    assert.match(badPoll.body.errors[0].message, /poll.options/);
    const poll = await post(base, demo, { text: 'Poll', poll: { options: ['yes', 'no'], duration_minutes: 60 } });
    assert.equal(poll.status, 201);
  });

  await t.test('two $CASHTAGs in one post are refused with X\'s 403; one is fine', async () => {
    const demo = user('keypost_demo');
    const res = await post(base, demo, 'Watching $AAPL and $TSLA today');
    assert.equal(res.status, 403);
    assert.deepEqual(res.body, {
      detail: 'Posts are limited to a maximum of one cashtag ($SYMBOL)',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    });
    assert.deepEqual(await control(base, 'posts'), []);
    assert.equal((await post(base, demo, 'Watching $AAPL today, 5$ only')).status, 201);
  });
});
