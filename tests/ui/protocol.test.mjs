// The pages' typed message list (extension/lib/protocol.js, which the type-check uses) and the
// core's PROTOCOL.md name the same messages: a message added to one and not the other fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const protocolMd = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
const protocolJs = readFileSync(new URL('../../extension/lib/protocol.js', import.meta.url), 'utf8');
// Messages only the end-to-end tests send (sandbox builds, cargo feature test-hooks).
const TEST_ONLY = new Set(['status', 'verify_keys', 'test_trap', 'test_age_queue', 'test_clock_advance', 'test_idle']);

function typedef(name) {
  const at = protocolJs.indexOf(`@typedef {object} ${name}`);
  assert.ok(at >= 0, `protocol.js has no ${name} typedef`);
  const end = protocolJs.indexOf('*/', at);
  return [...protocolJs.slice(at, end).matchAll(/@property \{.*\} (\w+)/g)].map((m) => m[1]);
}

test('every message in PROTOCOL.md is typed for the pages, and nothing else is', () => {
  // The rows of the tables headed "| type |" (other tables list storage keys).
  const documented = new Set();
  for (const table of protocolMd.split(/\n\s*\n/).filter((block) => block.trimStart().startsWith('| type |'))) {
    for (const m of table.matchAll(/^\| `([a-z_]+)` \|/gm)) documented.add(m[1]);
  }
  const pages = new Set([...documented].filter((t) => !TEST_ONLY.has(t)));
  const requests = new Set(typedef('Requests'));
  assert.ok(pages.size > 20, `only ${pages.size} messages found in PROTOCOL.md`);
  assert.deepEqual([...pages].filter((t) => !requests.has(t)), [], 'in PROTOCOL.md, not in protocol.js Requests');
  assert.deepEqual([...requests].filter((t) => !pages.has(t)), [], 'in protocol.js Requests, not in PROTOCOL.md');
});

test('every typed request has its typed answer', () => {
  assert.deepEqual(typedef('Requests').sort(), typedef('Responses').sort());
});
