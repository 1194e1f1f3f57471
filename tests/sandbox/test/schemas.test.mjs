// Request bodies against X's OpenAPI v2.167 schemas (openapi/requests.json): what Keypost sends
// passes, and a drift in its shape (an unknown field, a wrong type, a bad id) is X's 400.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { avatarPng } from '../avatar.mjs';
import { control, post, sandboxFor, signedFetch, user } from '../client.mjs';
import { OPERATIONS, validate } from '../schemas.mjs';

const SPEC = JSON.parse(readFileSync(new URL('../openapi/requests.json', import.meta.url), 'utf8'));
const INVALID_REQUEST = 'https://api.twitter.com/2/problems/invalid-request';
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });

test('schemas', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  const demo = user('keypost_demo');
  const png = avatarPng('schemas', 48);
  t.beforeEach(() => control(base, 'reset', {}));

  await t.test('the vendored excerpt is X API v2.167 and covers every body Keypost sends', () => {
    assert.equal(SPEC.info.version, '2.167');
    assert.deepEqual(OPERATIONS, [
      'POST /2/tweets',
      'POST /2/media/upload/initialize',
      'POST /2/media/upload/{id}/append',
      'POST /2/media/upload/{id}/finalize',
      'POST /2/media/metadata',
    ]);
    assert.equal(SPEC.components.schemas.CreatePostsRequest.additionalProperties, false);
    assert.equal(SPEC.operations['POST /2/media/upload/{id}/finalize'].requestBody, null, 'finalize takes no body');
  });

  await t.test('the validator: Keypost-shaped bodies pass; each kind of drift is named', () => {
    const ok = (schema, value) => assert.deepEqual(validate(ref(schema), value), [], JSON.stringify(value));
    const bad = (schema, value, pattern) => {
      const errors = validate(ref(schema), value);
      assert.ok(errors.some((e) => pattern.test(e.message)), `${JSON.stringify(value)}: ${JSON.stringify(errors)}`);
    };
    ok('CreatePostsRequest', { text: 'hi' });
    ok('CreatePostsRequest', { text: '', media: { media_ids: ['1', '2'] }, reply: { in_reply_to_tweet_id: '1234567890123456789' } });
    bad('CreatePostsRequest', { text: 'hi', in_reply_to: '1' }, /property 'in_reply_to' is not defined/);
    bad('CreatePostsRequest', { text: 42 }, /\$\.text: integer found, string expected/);
    bad('CreatePostsRequest', { text: 'x', reply: {} }, /required property 'in_reply_to_tweet_id'/);
    bad('CreatePostsRequest', { text: 'x', reply: { in_reply_to_tweet_id: 'abc' } }, /pattern/);
    bad('CreatePostsRequest', { text: 'x', media: { media_ids: [] } }, /at least 1 items/);
    bad('CreatePostsRequest', { text: 'x', media: { media_ids: [5] } }, /media_ids\[0\]: integer found, string expected/);
    ok('InitializeMediaUploadRequest', { media_type: 'image/png', total_bytes: 10, media_category: 'tweet_image' });
    bad('InitializeMediaUploadRequest', { media_type: 'image/png', total_bytes: 10, media_category: 'tweet_photo' }, /not one of/);
    bad('InitializeMediaUploadRequest', { media_type: 'image/png', total_bytes: -1 }, /at least 0/);
    bad('InitializeMediaUploadRequest', { media_type: 'image/png', total_bytes: '10' }, /string found, integer expected/);
    ok('CreateMediaMetadataRequest', { id: '1', metadata: { alt_text: { text: 'a cat' } } });
    bad('CreateMediaMetadataRequest', { id: '1', metadata: { alt_text: { text: 'x'.repeat(1001) } } }, /longer than 1000/);
    bad('CreateMediaMetadataRequest', { metadata: {} }, /required property 'id'/);
    // Form data: segment_index arrives as text and is read as the integer the schema wants.
    assert.deepEqual(validate(ref('AppendMediaUploadRequest'), { segment_index: '3', media: '(binary)' }, '$', true), []);
    assert.ok(validate(ref('AppendMediaUploadRequest'), { segment_index: '1000', media: '(binary)' }, '$', true).length > 0);
  });

  await t.test('an unknown field in POST /2/tweets gets X\'s 400 invalid-request and posts nothing', async () => {
    const res = await post(base, demo, { text: 'drifted body', in_reply_to_status_id: '1' });
    assert.equal(res.status, 400);
    assert.equal(res.body.type, INVALID_REQUEST);
    assert.equal(res.body.title, 'Invalid Request');
    assert.match(res.body.errors[0].message, /in_reply_to_status_id/);
    assert.deepEqual(await control(base, 'posts'), []);
    // The same text in X's shape goes through.
    assert.equal((await post(base, demo, { text: 'drifted body' })).status, 201);
  });

  await t.test('media bodies: an unknown field at initialize, a bad segment_index, an unknown metadata field', async () => {
    const init = (json) => signedFetch(base, demo, { method: 'POST', path: '/2/media/upload/initialize', json });
    const drift = await init({ media_type: 'image/png', total_bytes: png.length, category: 'tweet_image' });
    assert.equal(drift.status, 400);
    assert.equal(drift.body.type, INVALID_REQUEST);
    assert.match(drift.body.errors[0].message, /'category' is not defined/);
    const good = await init({ media_type: 'image/png', total_bytes: png.length, media_category: 'tweet_image' });
    assert.equal(good.status, 200);
    const id = good.body.data.id;
    const form = new FormData();
    form.append('segment_index', 'first');
    form.append('media', new Blob([png]), 'blob');
    const append = await signedFetch(base, demo, { method: 'POST', path: `/2/media/upload/${id}/append`, multipart: form });
    assert.equal(append.status, 400);
    assert.match(append.body.errors[0].message, /segment_index: string found, integer expected/);
    const meta = await signedFetch(base, demo, {
      method: 'POST', path: '/2/media/metadata', json: { media_id: id, metadata: { alt_text: { text: 'x' } } },
    });
    assert.equal(meta.status, 400);
    assert.match(meta.body.errors[0].message, /required property 'id'/);
  });
});
