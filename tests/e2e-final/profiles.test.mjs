// After the whole end-to-end run: every file of every Chromium profile the tests used, read as
// raw bytes, holds none of the four keys of any sandbox account, none of the passphrases the
// tests typed and none of the at-rest test's draft, queue, alt-text and Sent markers (in UTF-8
// or UTF-16LE). Only counts are printed, never a secret. Runs after tests/e2e/
// (scripts/test.sh), then removes the profiles.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNTS } from '../sandbox/accounts.mjs';
import { PROFILE_ROOT, PASSPHRASES, AT_REST_MARKERS, scanForSecrets } from '../e2e/harness.mjs';

const SECRETS = [
  ...ACCOUNTS.flatMap((a) => [a.apiKey, a.apiSecret, a.accessToken, a.accessTokenSecret]),
  ...Object.values(PASSPHRASES),
  // What the user wrote (draft, scheduled text and alt text, Sent history) is sealed too.
  ...Object.values(AT_REST_MARKERS),
];

after(() => rmSync(PROFILE_ROOT, { recursive: true, force: true }));

test('no file of any end-to-end profile holds a key or a passphrase', () => {
  assert.ok(existsSync(PROFILE_ROOT), 'no profiles: run the end-to-end tests first');
  const profiles = readdirSync(PROFILE_ROOT);
  const { files, bytes, hits } = scanForSecrets(profiles.map((p) => join(PROFILE_ROOT, p)), SECRETS);
  console.log(`scanned ${files} files, ${bytes} bytes in ${profiles.length} profiles for ${SECRETS.length} secrets`);
  assert.ok(profiles.length >= 1 && files > 50 && bytes > 1_000_000, 'the profiles look empty');
  assert.deepEqual(hits, [], 'a secret was found on disk (file and secret number shown)');
});
