// Slow networks and long processing (fidelity review §8.9, §8.10): the read throttle makes an
// upload take as long as it would over a slow uplink; processing can ask for long waits.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { avatarPng } from '../avatar.mjs';
import { control, sandboxFor, signedFetch, user } from '../client.mjs';

test('slow', async (t) => {
  const sandbox = await sandboxFor(t);
  const base = sandbox.url;
  const demo = user('keypost_demo');
  t.beforeEach(() => control(base, 'reset', {}));

  const init = (bytes) => signedFetch(base, demo, {
    method: 'POST', path: '/2/media/upload/initialize',
    json: { media_type: 'image/png', total_bytes: bytes.length, media_category: 'tweet_image' },
  });
  const append = (id, index, bytes) => {
    const form = new FormData();
    form.append('segment_index', String(index));
    form.append('media', new Blob([bytes]), 'blob');
    return signedFetch(base, demo, { method: 'POST', path: `/2/media/upload/${id}/append`, multipart: form });
  };

  await t.test('the read throttle: a 96 KB append at 64 KB/s takes about 1.5 s; control calls are not throttled', async () => {
    assert.deepEqual(await control(base, 'throttle'), { read_bytes_per_s: null });
    const png = Buffer.concat([avatarPng('slow', 32), randomBytes(96 * 1024)]);
    const id = (await init(png)).body.data.id;
    assert.deepEqual(await control(base, 'throttle', { read_bytes_per_s: 64 * 1024 }), { read_bytes_per_s: 65536 });
    const started = Date.now();
    const res = await append(id, 0, png);
    const took = Date.now() - started;
    assert.equal(res.status, 200);
    assert.ok(took >= 1300 && took < 4000, `took ${took} ms`);
    const controlStarted = Date.now();
    await control(base, 'posts');
    assert.ok(Date.now() - controlStarted < 500);
    // Off again: the same append is quick.
    await control(base, 'throttle', { read_bytes_per_s: null });
    const quick = Date.now();
    assert.equal((await append(id, 0, png)).status, 200);
    assert.ok(Date.now() - quick < 1000);
  });

  await t.test('a client that gives up mid-upload leaves no segment; the sandbox keeps serving', async () => {
    const png = Buffer.concat([avatarPng('cut', 32), randomBytes(200 * 1024)]);
    const id = (await init(png)).body.data.id;
    await control(base, 'throttle', { read_bytes_per_s: 20 * 1024 });
    const res = await signedFetch(base, demo, {
      method: 'POST', path: `/2/media/upload/${id}/append`,
      multipart: (() => {
        const f = new FormData();
        f.append('segment_index', '0');
        f.append('media', new Blob([png]), 'blob');
        return f;
      })(),
      signal: AbortSignal.timeout(1000),
    }).catch((err) => err);
    assert.ok(res instanceof Error, 'the client timed out');
    await new Promise((r) => setTimeout(r, 300));
    const [media] = await control(base, 'media');
    assert.equal(media.received_bytes, 0);
    await control(base, 'throttle', { read_bytes_per_s: null });
    assert.equal((await append(id, 0, png)).status, 200);
  });

  await t.test('bad throttle values are refused', async () => {
    for (const value of [0, -5, 1.5, 'fast']) {
      const r = await fetch(`${base}/__sandbox/throttle`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ read_bytes_per_s: value }),
      });
      assert.equal(r.status, 400, String(value));
    }
  });

  await t.test('processing can report a long check_after_secs, up to 60 s and beyond', async () => {
    const answer = await control(base, 'media_processing', { mode: 'always', check_after_secs: 45 });
    assert.deepEqual(answer, { mode: 'always', check_after_secs: 45 });
    const png = avatarPng('processing', 32);
    const id = (await init(png)).body.data.id;
    assert.equal((await append(id, 0, png)).status, 200);
    const fin = await signedFetch(base, demo, { method: 'POST', path: `/2/media/upload/${id}/finalize` });
    assert.deepEqual(fin.body.data.processing_info, { state: 'pending', check_after_secs: 45 });
    const status = await signedFetch(base, demo, { path: '/2/media/upload', query: [['command', 'STATUS'], ['media_id', id]] });
    assert.deepEqual(status.body.data.processing_info, { state: 'in_progress', check_after_secs: 45, progress_percent: 50 });
    const bad = await fetch(`${base}/__sandbox/media_processing`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'always', check_after_secs: 0 }),
    });
    assert.equal(bad.status, 400);
    await control(base, 'reset', {});
    assert.deepEqual(await control(base, 'media_processing', { mode: 'gif' }), { mode: 'gif', check_after_secs: 1 });
  });
});
