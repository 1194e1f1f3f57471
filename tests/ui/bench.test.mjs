// make bench's helpers load and do what the table relies on (the benchmark itself is not a
// test: it runs only with make bench). Quick: no build, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stats, gzipBytes, signingRequests, countingTexts, table } from '../../bench/lib.mjs';

test('stats gives the median, min and max of repeated runs', () => {
  assert.deepEqual(stats([5, 1, 3]), { median: 3, min: 1, max: 5, runs: 3 });
  assert.equal(stats([4, 1, 3, 2]).median, 2.5);
});

test('the generated inputs are the same every run, and as varied as the rows say', () => {
  const a = signingRequests(50);
  assert.deepEqual(a, signingRequests(50));
  assert.ok(new Set(a.map((r) => r.method)).size >= 2);
  assert.ok(a.some((r) => r.url.includes('?')) && a.some((r) => r.form.length > 0));
  const texts = countingTexts(500);
  assert.deepEqual(texts, countingTexts(500));
  const all = texts.map((t) => t.text).join('');
  for (const re of [/[\u4e00-\u9fff]/u, /\p{Extended_Pictographic}/u, /https?:\/\//, /[\u200e\u200f]/]) {
    assert.match(all, re);
  }
  assert.ok(texts.some((t) => t.newEmoji) && texts.some((t) => !t.newEmoji));
});

test('the table shows each figure beside its baseline, with the ratio, and a failed row', () => {
  assert.ok(gzipBytes(Buffer.alloc(10_000)) < 200);
  const md = table([
    { row: 4, what: 'signing', ours: { ...stats([10, 11, 12]), unit: 'ms' }, baselineName: 'peer', baseline: { ...stats([30]), unit: 'ms' }, ratio: 3, ratioNote: 'faster', target: '>= 2x', met: true },
    { row: 2, what: 'wake', error: 'no Chromium' },
  ]);
  assert.match(md, /\| 4 \| signing \| 11\.0 ms \(10\.0 ms-12\.0 ms\) \| peer: 30\.0 ms \| 3\.00x faster \| >= 2x \| yes \|/);
  assert.match(md, /\| 2 \| wake \| error: no Chromium/);
});
