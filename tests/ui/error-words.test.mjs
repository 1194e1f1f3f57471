// X's refusals in the words a user reads: each code the core gives for one of X's answers
// (tests/keypost/x_refusals.rs classifies X's bodies, the sandbox's own x-words test checks it answers
// with X's words), with the details the worker sends along, through the pages' errorText over
// the real English locale files. One of them also runs end to end (tests/e2e/fidelity-rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installChrome } from './fake-chrome.mjs';

installChrome();
const { errorText } = await import('../../extension/lib/i18n.js');

const inTwoHours = Math.floor(Date.now() / 1000) + 7_200;

/** @type {[string, Record<string, unknown>, RegExp, RegExp|null][]} */
const X_WORDS = [
  ['x_not_permitted', { detail: 'You are not permitted to perform this action.' },
    /“You are not permitted to perform this action\.”.*spent posting quota/, /length limit|Shorten it/],
  ['x_user_suspended', {}, /account is suspended/, null],
  ['x_reply_restricted', {}, /only reply to posts that mention the account or that it wrote/, null],
  ['x_reply_target_gone', {}, /deleted or is not visible/, null],
  ['x_usage_capped_daily', { retry_at: inTwoHours }, /daily usage cap on X\. It ends at .+ \(in about 2 h\)/, /monthly/],
  ['x_usage_capped_monthly', {}, /monthly usage cap on X\. It resets at the start of next month/, /daily/],
  ['x_edge_error', {}, /error page instead of an answer/, null],
];

for (const [code, details, shown, notShown] of X_WORDS) {
  test(`${code}: X's refusal in its own words`, () => {
    const text = errorText({ code, ...details });
    assert.match(text, shown);
    if (notShown) assert.doesNotMatch(text, notShown);
    assert.notEqual(text, errorText({ code: 'internal' }), 'a message of its own, not the generic one');
  });
}

// The vault's own refusals that carry a number: the wait of a throttled unlock, in whole
// seconds, and the queue's ceiling.
test('vault_throttled says how many seconds to wait; schedule_queue_full names the ceiling', () => {
  assert.match(errorText({ code: 'vault_throttled', wait_ms: 1_200 }), /Wait 2 seconds/);
  assert.match(errorText({ code: 'vault_throttled', wait_ms: 900_000 }), /Wait 900 seconds/);
  assert.match(errorText({ code: 'vault_owner_required' }), /^Unlock Keypost first/);
  assert.match(errorText({ code: 'schedule_queue_full', max: 10_000 }), /already holds 10000 posts/);
});
