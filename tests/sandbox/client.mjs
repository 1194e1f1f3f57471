// A client that signs requests on its own with the `oauth-1.0a` package, the way any
// third-party X client would, and small helpers shared by the sandbox tests.

import OAuth from 'oauth-1.0a';
import { createHmac, randomBytes } from 'node:crypto';
import { accountByUsername } from './accounts.mjs';
import { startSandbox } from './server.mjs';

/** RFC 3986 percent-encoding (the library's encoder). */
export const pct = (s) => OAuth.prototype.percentEncode(String(s));

/** Start a quiet sandbox and stop it when the test file ends. */
export async function sandboxFor(t) {
  const sandbox = await startSandbox({ quiet: true });
  t.after(() => sandbox.close());
  return sandbox;
}

/** The demo account with this username (throws on a typo). */
export function user(username) {
  const account = accountByUsername(username);
  if (!account) throw new Error(`no account ${username}`);
  return account;
}

/**
 * Sign and send a request. Options: method, path, query ([name, value] pairs, duplicates
 * allowed), json, form ([name, value] pairs, signed), multipart (FormData, unsigned),
 * timestamp, nonce, apiKey/apiSecret/accessToken/accessTokenSecret overrides, `sendQuery` /
 * `sendForm` to send something other than what was signed, and `encodeURIComponentBug` to
 * sign the way a client using bare encodeURIComponent does.
 */
export async function signedFetch(baseUrl, account, options = {}) {
  const { method = 'GET', path, query = [], json, form, multipart } = options;
  const key = options.apiKey ?? account.apiKey;
  const secret = options.apiSecret ?? account.apiSecret;
  const token = options.accessToken ?? account.accessToken;
  const tokenSecret = options.accessTokenSecret ?? account.accessTokenSecret;

  const oauth = new OAuth({
    consumer: { key, secret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, signingKey) => createHmac('sha1', signingKey).update(base).digest('base64'),
  });
  if (options.encodeURIComponentBug) oauth.percentEncode = encodeURIComponent; // the classic signer bug
  const data = {};
  for (const [name, value] of [...query, ...(form ?? [])]) {
    if (!(name in data)) data[name] = value;
    else data[name] = [].concat(data[name], value);
  }
  // oauth-1.0a's types want a numeric timestamp; it signs the string it is given just the same.
  /** @type {any} */
  const oauthData = {
    oauth_consumer_key: key,
    oauth_nonce: options.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_token: token,
    oauth_version: '1.0',
  };
  const signature = oauth.getSignature({ method, url: baseUrl + path, data }, tokenSecret, { ...oauthData });
  const authorization = oauth.toHeader({ ...oauthData, oauth_signature: signature }).Authorization;

  const sentQuery = options.sendQuery ?? query;
  const queryString = sentQuery.map(([n, v]) => `${pct(n)}=${pct(v)}`).join('&');
  const headers = { authorization, ...options.headers };
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof json === 'string' ? json : JSON.stringify(json);
  } else if (form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = options.sendForm ?? form.map(([n, v]) => `${pct(n)}=${pct(v)}`).join('&');
  } else if (multipart !== undefined) {
    body = multipart;
  }
  const response = await fetch(baseUrl + path + (queryString ? `?${queryString}` : ''), { method, headers, body, signal: options.signal });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, headers: response.headers, body: parsed, nonce: oauthData.oauth_nonce };
}

/** POST /2/tweets as `account`. */
export function post(baseUrl, account, body, options = {}) {
  const json = typeof body === 'string' ? { text: body } : body;
  return signedFetch(baseUrl, account, { method: 'POST', path: '/2/tweets', json, ...options });
}

/** Call the unsigned control interface. */
export async function control(baseUrl, route, body) {
  const response = await fetch(`${baseUrl}/__sandbox/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.json();
}
