// Media upload v2 and alt text, then a post that carries the media.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { avatarPng } from '../avatar.mjs';
import { control, post, sandboxFor, signedFetch, user } from '../client.mjs';

// A 1x1 transparent GIF.
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function initialize(base, account, body) {
  return signedFetch(base, account, { method: 'POST', path: '/2/media/upload/initialize', json: body });
}

function append(base, account, id, index, bytes, { filename = 'chunk' } = {}) {
  const form = new FormData();
  form.append('segment_index', String(index));
  form.append('media', new Blob([bytes], { type: 'application/octet-stream' }), filename);
  return signedFetch(base, account, { method: 'POST', path: `/2/media/upload/${id}/append`, multipart: form });
}

function finalize(base, account, id) {
  return signedFetch(base, account, { method: 'POST', path: `/2/media/upload/${id}/finalize` });
}

function status(base, account, id) {
  return signedFetch(base, account, { path: '/2/media/upload', query: [['command', 'STATUS'], ['media_id', id]] });
}

function setAltText(base, account, id, text) {
  return signedFetch(base, account, {
    method: 'POST',
    path: '/2/media/metadata',
    json: { id, metadata: { alt_text: { text } } },
  });
}

/** Initialize, append in `chunk`-byte segments, finalize; returns the finalize response. */
async function upload(base, account, bytes, mediaType, chunk = 1024 * 1024) {
  const init = await initialize(base, account, { media_type: mediaType, total_bytes: bytes.length, media_category: 'tweet_image' });
  assert.equal(init.status, 200, JSON.stringify(init.body));
  const id = init.body.data.id;
  for (let i = 0; i * chunk < bytes.length; i++) {
    const res = await append(base, account, id, i, bytes.subarray(i * chunk, (i + 1) * chunk));
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  return finalize(base, account, id);
}

test('media', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  const demo = user('keypost_demo');
  const png = avatarPng('media test', 160);
  t.beforeEach(() => control(base, 'reset', {}));

  await t.test('full flow: chunked upload, alt text, then a post with the media', async () => {
    const init = await initialize(base, demo, { media_type: 'image/png', total_bytes: png.length, media_category: 'tweet_image' });
    assert.equal(init.status, 200);
    const id = init.body.data.id;
    assert.match(id, /^\d{19}$/);
    assert.deepEqual(init.body.data, { id, media_key: `3_${id}`, expires_after_secs: 86400 });

    const chunk = Math.ceil(png.length / 3);
    for (let i = 0; i < 3; i++) {
      const res = await append(base, demo, id, i, png.subarray(i * chunk, (i + 1) * chunk));
      assert.equal(res.status, 200);
      assert.ok(Number.isInteger(res.body.data.expires_at));
    }
    const done = await finalize(base, demo, id);
    assert.equal(done.status, 200);
    assert.equal(done.body.data.id, id);
    assert.equal(done.body.data.media_key, `3_${id}`);
    assert.equal(done.body.data.size, png.length);
    assert.ok(done.body.data.expires_after_secs > 86000);
    assert.equal(done.body.data.processing_info, undefined, 'a PNG needs no processing');

    const alt = await setAltText(base, demo, id, 'A generated avatar: a light silhouette on a coloured square');
    assert.equal(alt.status, 200);
    assert.deepEqual(alt.body, { data: { associated_metadata: true, id } });

    const res = await post(base, demo, { text: 'With a picture', media: { media_ids: [id] } });
    assert.equal(res.status, 201);
    const [recorded] = await control(base, 'posts');
    assert.deepEqual(recorded.media, [
      {
        id,
        media_type: 'image/png',
        bytes: png.length,
        sha256: sha256(png),
        alt_text: 'A generated avatar: a light silhouette on a coloured square',
      },
    ]);
  });

  await t.test('segments may arrive out of order and bytes that are not UTF-8 stay intact', async () => {
    const init = await initialize(base, demo, { media_type: 'image/png', total_bytes: png.length });
    const id = init.body.data.id;
    const half = Math.floor(png.length / 2);
    // Hand-built multipart without a filename: the part must still be taken as raw bytes.
    const boundary = 'sandbox-test-boundary';
    const raw = (index, bytes) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="segment_index"\r\n\r\n${index}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="media"\r\n\r\n`),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    for (const [index, bytes] of [[1, png.subarray(half)], [0, png.subarray(0, half)]]) {
      const res = await signedFetch(base, demo, {
        method: 'POST',
        path: `/2/media/upload/${id}/append`,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        multipart: raw(index, bytes),
      });
      assert.equal(res.status, 200);
    }
    assert.equal((await finalize(base, demo, id)).status, 200);
    const [media] = await control(base, 'media');
    assert.equal(media.sha256, sha256(png));
  });

  await t.test('a GIF is processed: finalize says pending, STATUS moves to in_progress then succeeded', async () => {
    const init = await initialize(base, demo, { media_type: 'image/gif', total_bytes: GIF.length, media_category: 'tweet_gif' });
    const id = init.body.data.id;
    await append(base, demo, id, 0, GIF);
    const done = await finalize(base, demo, id);
    assert.deepEqual(done.body.data.processing_info, { state: 'pending', check_after_secs: 1 });
    const early = await post(base, demo, { text: 'Too early', media: { media_ids: [id] } });
    assert.equal(early.status, 400, 'media still processing cannot be posted');
    const first = await status(base, demo, id);
    assert.equal(first.status, 200);
    assert.equal(first.body.data.processing_info.state, 'in_progress');
    assert.equal(first.body.data.processing_info.check_after_secs, 1);
    const second = await status(base, demo, id);
    assert.equal(second.body.data.processing_info.state, 'succeeded');
    assert.equal((await post(base, demo, { text: 'Animated', media: { media_ids: [id] } })).status, 201);
  });

  await t.test('the control interface can make processing fail', async () => {
    await control(base, 'media_processing', { mode: 'fail' });
    const done = await upload(base, demo, png, 'image/png');
    assert.equal(done.body.data.processing_info.state, 'pending');
    await status(base, demo, done.body.data.id);
    const failed = await status(base, demo, done.body.data.id);
    assert.equal(failed.body.data.processing_info.state, 'failed');
    assert.equal((await post(base, demo, { text: 'Broken', media: { media_ids: [done.body.data.id] } })).status, 400);
  });

  await t.test('four images in one post; five is a 400; media with a poll is a 400', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) {
      const bytes = avatarPng(`image ${i}`, 32);
      ids.push((await upload(base, demo, bytes, 'image/png')).body.data.id);
    }
    const five = await post(base, demo, { text: 'Five', media: { media_ids: ids } });
    assert.equal(five.status, 400);
    // X's own schema (CreatePostsMedia: maxItems 4) refuses it first.
    assert.match(five.body.errors[0].message, /media_ids: takes at most 4 items/);
    const withPoll = await post(base, demo, {
      text: 'Poll and media',
      media: { media_ids: ids.slice(0, 1) },
      poll: { options: ['a', 'b'], duration_minutes: 60 },
    });
    assert.equal(withPoll.status, 400);
    const four = await post(base, demo, { text: 'Four', media: { media_ids: ids.slice(0, 4) } });
    assert.equal(four.status, 201);
    assert.equal((await control(base, 'posts'))[0].media.length, 4);
  });

  await t.test('media of another account, unknown or unfinished media cannot be posted', async () => {
    const second = user('keypost_second');
    const theirs = (await upload(base, second, png, 'image/png')).body.data.id;
    const unfinished = (await initialize(base, demo, { media_type: 'image/png', total_bytes: png.length })).body.data.id;
    for (const id of [theirs, unfinished, '1234567890123456789']) {
      const res = await post(base, demo, { text: `Media ${id}`, media: { media_ids: [id] } });
      assert.equal(res.status, 400);
      assert.match(res.body.errors[0].message, /media id/);
    }
    assert.equal((await setAltText(base, demo, theirs, 'not mine')).status, 400);
    assert.deepEqual(await control(base, 'posts'), []);
  });

  await t.test('initialize refuses unsupported types and images over 5 MB', async () => {
    const video = await initialize(base, demo, { media_type: 'video/mp4', total_bytes: 1000 });
    assert.equal(video.status, 400);
    assert.match(video.body.errors[0].message, /media_type/);
    const big = await initialize(base, demo, { media_type: 'image/jpeg', total_bytes: 5 * 1024 * 1024 + 1 });
    assert.equal(big.status, 400);
    assert.match(big.body.errors[0].message, /5 MB/);
    const exact = await initialize(base, demo, { media_type: 'image/jpeg', total_bytes: 5 * 1024 * 1024 });
    assert.equal(exact.status, 200);
  });

  await t.test('finalize refuses missing bytes, and bytes that are not the announced type', async () => {
    const init = await initialize(base, demo, { media_type: 'image/png', total_bytes: png.length });
    const id = init.body.data.id;
    await append(base, demo, id, 0, png.subarray(0, 100));
    const short = await finalize(base, demo, id);
    assert.equal(short.status, 400);
    assert.match(short.body.errors[0].message, new RegExp(`Received 100 of the ${png.length} bytes`));
    const tooMuch = await append(base, demo, id, 1, Buffer.concat([png, png]));
    assert.equal(tooMuch.status, 400);

    const base64 = Buffer.from(png.toString('base64'));
    const wrong = await initialize(base, demo, { media_type: 'image/png', total_bytes: base64.length });
    await append(base, demo, wrong.body.data.id, 0, base64);
    const refused = await finalize(base, demo, wrong.body.data.id);
    assert.equal(refused.status, 400);
    assert.match(refused.body.errors[0].message, /not an image/);
  });

  await t.test('a 5 MB image in 1 MB segments goes through whole', async () => {
    const bytes = Buffer.alloc(5 * 1024 * 1024, 0x5a);
    png.copy(bytes, 0, 0, 8); // the PNG signature is what finalize checks
    const done = await upload(base, demo, bytes, 'image/png', 1024 * 1024);
    assert.equal(done.status, 200);
    assert.equal(done.body.data.size, bytes.length);
    const [media] = await control(base, 'media');
    assert.equal(media.sha256, sha256(bytes));
  });

  await t.test('alt text up to 1000 characters; 1001 is a 400', async () => {
    const id = (await upload(base, demo, png, 'image/png')).body.data.id;
    assert.equal((await setAltText(base, demo, id, '😀'.repeat(1000))).status, 200);
    const long = await setAltText(base, demo, id, 'x'.repeat(1001));
    assert.equal(long.status, 400);
    assert.match(long.body.errors[0].message, /1000/);
  });

  await t.test('the one-shot upload takes a small image in a single multipart request', async () => {
    const form = new FormData();
    form.append('media', new Blob([png]), 'avatar.png');
    form.append('media_category', 'tweet_image');
    const res = await signedFetch(base, demo, { method: 'POST', path: '/2/media/upload', multipart: form });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.size, png.length);
    assert.equal((await post(base, demo, { text: 'One shot', media: { media_ids: [res.body.data.id] } })).status, 201);
  });

  await t.test('an animated GIF goes alone: a GIF with a photo, or two GIFs, is a 400 and nothing is posted', async () => {
    const uploadGif = async () => {
      const init = await initialize(base, demo, { media_type: 'image/gif', total_bytes: GIF.length, media_category: 'tweet_gif' });
      const id = init.body.data.id;
      await append(base, demo, id, 0, GIF);
      await finalize(base, demo, id);
      for (let i = 0; i < 5 && (await status(base, demo, id)).body.data.processing_info?.state !== 'succeeded'; i++);
      return id;
    };
    const gif = await uploadGif();
    const gif2 = await uploadGif();
    const photo = (await upload(base, demo, png, 'image/png')).body.data.id;
    for (const ids of [[gif, photo], [photo, gif], [gif, gif2]]) {
      const res = await post(base, demo, { text: 'mixed', media: { media_ids: ids } });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.errors[0].message, /animated GIF/);
    }
    assert.deepEqual(await control(base, 'posts'), []);
    assert.equal((await post(base, demo, { text: 'one GIF', media: { media_ids: [gif] } })).status, 201);
  });
});
