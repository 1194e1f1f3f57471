// What X refuses and the sandbox must refuse too: a read-only token on every media upload call
// (D9), and a reply to a post the user neither wrote nor is mentioned in (D8).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { avatarPng } from '../avatar.mjs';
import { control, post, sandboxFor, signedFetch, user } from '../client.mjs';
import { REPLY_RESTRICTED_DETAIL } from '../replies.mjs';

const OAUTH1_PERMISSIONS = 'https://api.twitter.com/2/problems/oauth1-permissions';

test('refusals', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  const demo = user('keypost_demo');
  const second = user('keypost_second');
  const readonly = user('keypost_readonly');
  const png = avatarPng('refusals', 64);
  t.beforeEach(() => control(base, 'reset', {}));

  await t.test('D9: a read-only token gets 403 oauth1-permissions on every media upload call', async () => {
    const init = await signedFetch(base, readonly, {
      method: 'POST',
      path: '/2/media/upload/initialize',
      json: { media_type: 'image/png', total_bytes: png.length, media_category: 'tweet_image' },
    });
    assert.equal(init.status, 403);
    assert.equal(init.body.type, OAUTH1_PERMISSIONS);
    assert.equal(init.headers.get('x-access-level'), 'read');

    // An upload started by a read-write account of the same app cannot be continued by it either.
    const ok = await signedFetch(base, demo, {
      method: 'POST',
      path: '/2/media/upload/initialize',
      json: { media_type: 'image/png', total_bytes: png.length, media_category: 'tweet_image' },
    });
    assert.equal(ok.status, 200);
    const form = new FormData();
    form.append('segment_index', '0');
    form.append('media', new Blob([png]), 'blob');
    const calls = [
      { method: 'POST', path: `/2/media/upload/${ok.body.data.id}/append`, multipart: form },
      { method: 'POST', path: `/2/media/upload/${ok.body.data.id}/finalize` },
      { method: 'POST', path: '/2/media/metadata', json: { id: ok.body.data.id, metadata: { alt_text: { text: 'x' } } } },
      { method: 'POST', path: '/2/media/upload', multipart: form },
    ];
    for (const call of calls) {
      const res = await signedFetch(base, readonly, call);
      assert.equal(res.status, 403, call.path);
      assert.equal(res.body.type, OAUTH1_PERMISSIONS, call.path);
    }
    const media = await control(base, 'media');
    assert.equal(media.length, 1, 'only the read-write account made an upload');
    assert.equal(media[0].received_bytes, 0, 'the read-only append stored nothing');
    // Reading still works with a read-only token.
    assert.equal((await signedFetch(base, readonly, { path: '/2/users/me' })).status, 200);
  });

  await t.test("D8: a reply to someone else's post is refused with X's 403; own posts and mentions are fine", async () => {
    const theirs = await post(base, second, 'A post by the second account');
    assert.equal(theirs.status, 201);
    const refused = await post(base, demo, { text: 'Replying to a stranger', reply: { in_reply_to_tweet_id: theirs.body.data.id } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.detail, REPLY_RESTRICTED_DETAIL);
    assert.equal(refused.body.title, 'Forbidden');
    assert.match(refused.body.type, /\/problems\/not-authorized-for-resource$/);

    const own = await post(base, demo, 'My thread, step 1');
    const reply = await post(base, demo, { text: 'My thread, step 2', reply: { in_reply_to_tweet_id: own.body.data.id } });
    assert.equal(reply.status, 201, 'a reply to your own post is allowed (threads)');

    const mention = await post(base, second, 'Hello @Keypost_Demo, what do you think?');
    const answer = await post(base, demo, { text: 'Answering a mention', reply: { in_reply_to_tweet_id: mention.body.data.id } });
    assert.equal(answer.status, 201, 'a reply to a post that mentions you is allowed');

    const posts = await control(base, 'posts');
    assert.deepEqual(
      posts.map((p) => p.text),
      ['A post by the second account', 'My thread, step 1', 'My thread, step 2', 'Hello @Keypost_Demo, what do you think?', 'Answering a mention'],
      'the refused reply was not recorded',
    );
  });
});
