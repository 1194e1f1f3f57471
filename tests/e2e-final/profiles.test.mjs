// After the whole end-to-end run: every file of every Chromium profile the tests used, read as
// raw bytes, holds none of the four keys of any sandbox account and none of the passphrases
// the tests typed (in UTF-8 or UTF-16LE). Only counts are printed, never a secret. Runs after
// tests/e2e/ (scripts/test.sh), then removes the profiles.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, lstatSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNTS } from '../sandbox/accounts.mjs';
import { PROFILE_ROOT, PASSPHRASES } from '../e2e/harness.mjs';

const SECRETS = [
  ...ACCOUNTS.flatMap((a) => [a.apiKey, a.apiSecret, a.accessToken, a.accessTokenSecret]),
  ...Object.values(PASSPHRASES),
];

after(() => rmSync(PROFILE_ROOT, { recursive: true, force: true }));

test('no file of any end-to-end profile holds a key or a passphrase', () => {
  assert.ok(existsSync(PROFILE_ROOT), 'no profiles: run the end-to-end tests first');
  const needles = SECRETS.flatMap((s) => [Buffer.from(s, 'utf8'), Buffer.from(s, 'utf16le')]);
  let files = 0;
  let bytes = 0;
  const hits = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = lstatSync(path);
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) {
        walk(path);
        continue;
      }
      const data = readFileSync(path);
      files += 1;
      bytes += data.length;
      needles.forEach((n, i) => {
        if (data.includes(n)) hits.push(`${path.slice(PROFILE_ROOT.length)} (secret #${i >> 1})`);
      });
    }
  };
  const profiles = readdirSync(PROFILE_ROOT);
  for (const p of profiles) walk(join(PROFILE_ROOT, p));
  console.log(`scanned ${files} files, ${bytes} bytes in ${profiles.length} profiles for ${SECRETS.length} secrets`);
  assert.ok(profiles.length >= 1 && files > 50 && bytes > 1_000_000, 'the profiles look empty');
  assert.deepEqual(hits, [], 'a secret was found on disk (file and secret number shown)');
});
