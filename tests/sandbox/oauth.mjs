// OAuth 1.0a (RFC 5849, HMAC-SHA1) verification for the X sandbox.
//
// The expected signature is computed by the `oauth-1.0a` npm package over node:crypto's
// HMAC-SHA1, so it shares no code with Keypost's own signer. This module only decides which
// parameters enter the signature (the library's own query parsing is not RFC-exact: it does
// not decode keys and drops everything after a second `=`), then hands the library a ready
// parameter set with duplicate names as arrays, which it sorts and serialises itself.

import OAuth from 'oauth-1.0a';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's oauth_timestamp may be from the sandbox clock. */
export const TIMESTAMP_WINDOW_S = 300;
/** How long a consumer+token+nonce triple is remembered. */
export const NONCE_TTL_MS = 15 * 60 * 1000;

const REQUIRED = [
  'oauth_consumer_key',
  'oauth_token',
  'oauth_signature_method',
  'oauth_timestamp',
  'oauth_nonce',
  'oauth_signature',
];

/** Percent-decode one component of a query string or form body (`+` is a space). */
function formDecode(component) {
  return decodeURIComponent(component.replace(/\+/g, ' '));
}

/**
 * Parse `a=1&b=2&a=3` into `[name, value]` pairs, decoded, in order, keeping duplicates.
 * Throws URIError on malformed percent-encoding.
 */
export function parsePairs(text) {
  if (!text) return [];
  return text
    .split('&')
    .filter((piece) => piece !== '')
    .map((piece) => {
      const eq = piece.indexOf('=');
      if (eq === -1) return [formDecode(piece), ''];
      return [formDecode(piece.slice(0, eq)), formDecode(piece.slice(eq + 1))];
    });
}

/**
 * Parse an `Authorization: OAuth k="v", ...` header into an object of decoded values.
 * Returns null when the header is missing, not OAuth, malformed or repeats a parameter.
 */
export function parseAuthorizationHeader(header) {
  if (typeof header !== 'string') return null;
  const prefix = /^\s*OAuth\s+/i.exec(header);
  if (!prefix) return null;
  const params = Object.create(null);
  const item = /\s*([^\s=,"]+)\s*=\s*"([^"]*)"\s*(,|$)/y;
  item.lastIndex = prefix[0].length;
  while (item.lastIndex < header.length) {
    const match = item.exec(header);
    if (!match) return null;
    let key;
    let value;
    try {
      key = decodeURIComponent(match[1]);
      value = decodeURIComponent(match[2]);
    } catch {
      return null;
    }
    if (key in params) return null;
    params[key] = value;
    if (match[3] === '') break;
  }
  return params;
}

/**
 * The base string URI (RFC 5849 3.4.1.2) for a request as called: scheme and host
 * lowercased, default port dropped, path as sent, no query.
 */
export function baseUri(host, path, scheme = 'http') {
  let authority = String(host).toLowerCase();
  if (scheme === 'http' && authority.endsWith(':80')) authority = authority.slice(0, -3);
  if (scheme === 'https' && authority.endsWith(':443')) authority = authority.slice(0, -4);
  return `${scheme}://${authority}${path}`;
}

/**
 * Every parameter that enters the signature, as `[name, value]` pairs: the header's oauth_*
 * values (not oauth_signature, not realm), the query, and the body when it is
 * application/x-www-form-urlencoded. JSON and multipart bodies are not signed.
 */
export function signedParams({ oauthParams, query, contentType, body }) {
  const pairs = [];
  for (const [key, value] of Object.entries(oauthParams)) {
    if (key === 'oauth_signature' || key === 'realm') continue;
    pairs.push([key, value]);
  }
  pairs.push(...parsePairs(query));
  const mime = String(contentType || '').split(';')[0].trim().toLowerCase();
  if (mime === 'application/x-www-form-urlencoded' && body && body.length > 0) {
    pairs.push(...parsePairs(Buffer.from(body).toString('utf8')));
  }
  return pairs;
}

/**
 * The HMAC-SHA1 signature the `oauth-1.0a` library computes for these parameters.
 * `pairs` are decoded `[name, value]` pairs; a repeated name is passed as an array.
 */
export function expectedSignature({ method, baseUrl, pairs, consumerSecret, tokenSecret }) {
  const oauth = new OAuth({
    consumer: { key: '', secret: consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (baseString, key) => createHmac('sha1', key).update(baseString).digest('base64'),
  });
  const data = Object.create(null);
  for (const [key, value] of pairs) {
    if (!(key in data)) data[key] = value;
    else if (Array.isArray(data[key])) data[key].push(value);
    else data[key] = [data[key], value];
  }
  return oauth.getSignature({ method, url: baseUrl, data }, tokenSecret, Object.create(null));
}

/** Constant-time comparison of two signature strings (hashing first hides their lengths). */
export function signaturesMatch(a, b) {
  const digest = (s) => createHash('sha256').update(String(s)).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Remembers consumer+token+nonce triples for NONCE_TTL_MS of sandbox time. */
export class NonceCache {
  #seen = new Map();

  /** True when the triple was already used; otherwise remembers it and returns false. */
  checkAndRemember(consumerKey, token, nonce, nowMs) {
    this.#prune(nowMs);
    const key = JSON.stringify([consumerKey, token, nonce]);
    const expires = this.#seen.get(key);
    if (expires !== undefined && expires > nowMs) return true;
    this.#seen.set(key, nowMs + NONCE_TTL_MS);
    return false;
  }

  clear() {
    this.#seen.clear();
  }

  #prune(nowMs) {
    for (const [key, expires] of this.#seen) {
      if (expires <= nowMs) this.#seen.delete(key);
    }
  }
}

/**
 * Verify one request. `request`: {method, host, path, query, contentType, body, authorization}.
 * `lookup`: {appByConsumerKey, accountByAccessToken}. Returns {ok: true, app, account} or
 * {ok: false, reason} where reason is a short code for the request log, and
 * `reason === 'timestamp_out_of_bounds'` calls for X's code 135 body.
 */
export function verifyRequest(request, { nowMs, nonces, appByConsumerKey, accountByAccessToken }) {
  const oauthParams = parseAuthorizationHeader(request.authorization);
  if (!oauthParams) return { ok: false, reason: 'missing_or_garbled_header' };
  for (const key of REQUIRED) {
    if (typeof oauthParams[key] !== 'string' || oauthParams[key] === '') {
      return { ok: false, reason: `missing_${key}` };
    }
  }
  if (oauthParams.oauth_signature_method !== 'HMAC-SHA1') {
    return { ok: false, reason: 'unsupported_signature_method' };
  }
  if ('oauth_version' in oauthParams && oauthParams.oauth_version !== '1.0') {
    return { ok: false, reason: 'unsupported_oauth_version' };
  }
  if (!/^\d{1,12}$/.test(oauthParams.oauth_timestamp)) {
    return { ok: false, reason: 'garbled_timestamp' };
  }
  if (!request.host) return { ok: false, reason: 'missing_host' };

  const app = appByConsumerKey(oauthParams.oauth_consumer_key);
  if (!app) return { ok: false, reason: 'unknown_consumer_key' };
  const account = accountByAccessToken(oauthParams.oauth_token);
  if (!account) return { ok: false, reason: 'unknown_token' };
  if (account.appId !== app.id) return { ok: false, reason: 'token_of_another_app' };

  let pairs;
  try {
    pairs = signedParams({
      oauthParams,
      query: request.query,
      contentType: request.contentType,
      body: request.body,
    });
  } catch {
    return { ok: false, reason: 'garbled_parameters' };
  }
  const expected = expectedSignature({
    method: request.method,
    baseUrl: baseUri(request.host, request.path),
    pairs,
    consumerSecret: app.consumerSecret,
    tokenSecret: account.accessTokenSecret,
  });
  if (!signaturesMatch(expected, oauthParams.oauth_signature)) {
    return { ok: false, reason: 'bad_signature' };
  }

  const skewS = Number(oauthParams.oauth_timestamp) - Math.floor(nowMs / 1000);
  if (Math.abs(skewS) > TIMESTAMP_WINDOW_S) {
    return { ok: false, reason: 'timestamp_out_of_bounds' };
  }
  if (nonces.checkAndRemember(app.consumerKey, account.accessToken, oauthParams.oauth_nonce, nowMs)) {
    return { ok: false, reason: 'nonce_replayed' };
  }
  return { ok: true, app, account };
}
