// Unit tests of the sandbox's OAuth 1.0a verification (sandbox/oauth.mjs).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  baseUri,
  expectedSignature,
  NonceCache,
  parseAuthorizationHeader,
  parsePairs,
  signedParams,
} from '../oauth.mjs';

// Known answers from X's docs, RFC 5849 and OAuth Core 1.0, copied from shared/vectors.
const VECTORS = JSON.parse(readFileSync(new URL('./fixtures/oauth1.json', import.meta.url), 'utf8')).vectors;

test('expected signatures match every published known answer', () => {
  assert.ok(VECTORS.length >= 7);
  for (const v of VECTORS) {
    const signature = expectedSignature({
      method: v.method,
      baseUrl: v.url,
      pairs: v.params,
      consumerSecret: v.consumer_secret,
      tokenSecret: v.token_secret,
    });
    assert.equal(signature, v.signature, v.name);
  }
});

test('the X docs header parses back to the signed oauth_* values, signature excluded from the base', () => {
  const v = VECTORS.find((x) => x.authorization_header);
  const params = parseAuthorizationHeader(v.authorization_header);
  assert.equal(params.oauth_signature, v.signature);
  const pairs = signedParams({ oauthParams: params, query: 'include_entities=true', contentType: 'application/x-www-form-urlencoded', body: Buffer.from('status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21') });
  assert.ok(!pairs.some(([k]) => k === 'oauth_signature'));
  const signature = expectedSignature({ method: 'POST', baseUrl: v.url, pairs, consumerSecret: v.consumer_secret, tokenSecret: v.token_secret });
  assert.equal(signature, v.signature);
});

test('a JSON body is not signed, a form body is', () => {
  const oauthParams = { oauth_nonce: 'n' };
  const json = signedParams({ oauthParams, query: '', contentType: 'application/json', body: Buffer.from('{"a":"b"}') });
  assert.deepEqual(json, [['oauth_nonce', 'n']]);
  const form = signedParams({ oauthParams, query: '', contentType: 'application/x-www-form-urlencoded; charset=utf-8', body: Buffer.from('a=b') });
  assert.deepEqual(form, [['oauth_nonce', 'n'], ['a', 'b']]);
});

test('repeated names are all signed, sorted by value (RFC 5849 3.4.1.3.2)', () => {
  const args = { method: 'GET', baseUrl: 'http://example.com/r', consumerSecret: 'cs', tokenSecret: 'ts' };
  const both = expectedSignature({ ...args, pairs: [['a', '2'], ['a', '1'], ['oauth_nonce', 'n']] });
  const reordered = expectedSignature({ ...args, pairs: [['a', '1'], ['oauth_nonce', 'n'], ['a', '2']] });
  const one = expectedSignature({ ...args, pairs: [['a', '2'], ['oauth_nonce', 'n']] });
  assert.equal(both, reordered);
  assert.notEqual(both, one);
});

test('query decoding: + is a space, %2B is a plus, keys are decoded too, empty values kept', () => {
  assert.deepEqual(parsePairs('a+b=c+d&%2B=%2B&k%20e=&flag&x=1=2'), [
    ['a b', 'c d'],
    ['+', '+'],
    ['k e', ''],
    ['flag', ''],
    ['x', '1=2'],
  ]);
  assert.throws(() => parsePairs('a=%E0%A4%A'));
});

test('authorization header parsing refuses garbled, repeated or non-OAuth headers', () => {
  assert.deepEqual({ ...parseAuthorizationHeader('OAuth a="1",b="x%20y" , c=""') }, { a: '1', b: 'x y', c: '' });
  assert.equal(parseAuthorizationHeader(undefined), null);
  assert.equal(parseAuthorizationHeader('Bearer abc'), null);
  assert.equal(parseAuthorizationHeader('OAuth a=1'), null);
  assert.equal(parseAuthorizationHeader('OAuth a="1" b="2"'), null);
  assert.equal(parseAuthorizationHeader('OAuth a="1", a="2"'), null);
  assert.equal(parseAuthorizationHeader('OAuth a="%ZZ"'), null);
});

test('base URI: lowercase host, default port dropped, other ports kept', () => {
  assert.equal(baseUri('API.X.com', '/2/tweets', 'https'), 'https://api.x.com/2/tweets');
  assert.equal(baseUri('example.com:80', '/r'), 'http://example.com/r');
  assert.equal(baseUri('127.0.0.1:8787', '/2/users/me'), 'http://127.0.0.1:8787/2/users/me');
});

test('a nonce is refused within 15 minutes and accepted again after', () => {
  const cache = new NonceCache();
  const t0 = 1_700_000_000_000;
  assert.equal(cache.checkAndRemember('ck', 'tok', 'n1', t0), false);
  assert.equal(cache.checkAndRemember('ck', 'tok', 'n1', t0 + 60_000), true);
  assert.equal(cache.checkAndRemember('ck', 'other', 'n1', t0 + 60_000), false);
  assert.equal(cache.checkAndRemember('ck', 'tok', 'n1', t0 + 15 * 60_000 + 1), false);
});
