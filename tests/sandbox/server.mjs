// The X sandbox: a local HTTP server that behaves like the parts of X's API Keypost calls.
// See README.md in this folder. Run directly: node tests/sandbox/server.mjs [--port 8787]

import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { ACCOUNTS, accountByAccessToken, appByConsumerKey } from './accounts.mjs';
import { avatarPng } from './avatar.mjs';
import { handleControl, takeFault } from './control.mjs';
import { corsHeaders, preflightHeaders } from './cors.mjs';
import { dailyHeaders, peekRequest, takeRequest } from './limits.mjs';
import * as media from './media.mjs';
import { parseAuthorizationHeader, verifyRequest } from './oauth.mjs';
import { createPost, usersMe } from './posts.mjs';
import {
  clientNotEnrolled,
  creditsDepleted,
  edgeErrorPage,
  notFound,
  notPermitted,
  oauth1Permissions,
  payloadTooLarge,
  replyRestricted,
  replyTargetDeleted,
  serviceUnavailable,
  timestampOutOfBounds,
  tooManyRequests,
  unauthorized,
  usageCapped,
  userSuspended,
} from './problems.mjs';
import { schemaProblem } from './schemas.mjs';
import { readBody } from './throttle.mjs';
import { createState, nowMs, REQUEST_LOG_LIMIT, settingsFor } from './state.mjs';

export { ACCOUNTS } from './accounts.mjs';

/** Largest request body accepted (a 5 MB image in one piece, with multipart overhead). */
const MAX_BODY_BYTES = 20 * 1024 * 1024;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];
/**
 * The API: method, path pattern (named groups become ctx.params), handler(state, ctx). `write`
 * routes refuse a token with Read permission (403 oauth1-permissions, as X does on every media
 * upload call too, D9); POST /2/tweets checks that itself, in X's order. `operation` names the
 * vendored OpenAPI schema the request body is checked against (schemas.mjs).
 */
const ROUTES = [
  { method: 'GET', pattern: /^\/2\/users\/me$/, handler: usersMe },
  { method: 'POST', pattern: /^\/2\/tweets$/, handler: createPost, operation: 'POST /2/tweets' },
  { method: 'POST', pattern: /^\/2\/media\/upload\/initialize$/, handler: media.initialize, write: true, operation: 'POST /2/media/upload/initialize' },
  { method: 'POST', pattern: /^\/2\/media\/upload\/(?<id>\d{1,19})\/append$/, handler: media.append, write: true, operation: 'POST /2/media/upload/{id}/append' },
  { method: 'POST', pattern: /^\/2\/media\/upload\/(?<id>\d{1,19})\/finalize$/, handler: media.finalize, write: true, operation: 'POST /2/media/upload/{id}/finalize' },
  { method: 'GET', pattern: /^\/2\/media\/upload$/, handler: media.status },
  { method: 'POST', pattern: /^\/2\/media\/upload$/, handler: media.uploadOneShot, write: true },
  { method: 'POST', pattern: /^\/2\/media\/metadata$/, handler: media.metadata, write: true, operation: 'POST /2/media/metadata' },
];

/** The account named by the request's oauth_token, without checking the signature. */
function claimedAccount(headers) {
  const params = parseAuthorizationHeader(headers.authorization);
  return params ? accountByAccessToken(params.oauth_token) : undefined;
}

/**
 * Answer an injected fault that replaces the response, or null for faults that let the
 * request through (delay, reset_after_record, 503_after_record).
 */
function faultResponse(state, fault, req, method, path) {
  const claimed = claimedAccount(req.headers);
  const account = claimed && settingsFor(state, claimed);
  const nowS = Math.ceil(nowMs(state) / 1000);
  switch (fault.kind) {
    case '503':
      return serviceUnavailable();
    case 'user_suspended':
      return userSuspended();
    case 'reply_restricted':
      return replyRestricted();
    case 'reply_target_deleted':
      return replyTargetDeleted();
    case 'usage_capped_daily':
      return usageCapped('Daily');
    case 'usage_capped_monthly':
      return usageCapped('Monthly');
    case 'html_503':
      return edgeErrorPage();
    case 'not_permitted':
      return notPermitted();
    case '429': {
      const limit = account ? peekRequest(state, account.id, method, path)['x-rate-limit-limit'] : undefined;
      const headers = {
        'x-rate-limit-limit': limit ?? '75',
        'x-rate-limit-remaining': '0',
        'x-rate-limit-reset': String(nowS + fault.reset_s),
      };
      if (account && path === '/2/tweets') Object.assign(headers, dailyHeaders(state, account));
      return tooManyRequests(headers);
    }
    case 'rate_limit_24h': {
      const headers = account ? peekRequest(state, account.id, method, path) : {};
      headers['x-user-limit-24hour-limit'] = String(account ? account.limit24h : 17);
      headers['x-user-limit-24hour-remaining'] = '0';
      headers['x-user-limit-24hour-reset'] = String(nowS + fault.reset_s);
      return tooManyRequests(headers);
    }
    default:
      return null;
  }
}

/** Signature, credits, enrolment, 15-minute window, then the endpoint itself. */
function callApi(state, route, match, req, entry, { method, path, query, body, baseUrl }) {
  const verdict = verifyRequest(
    {
      method,
      host: req.headers.host,
      path,
      query,
      contentType: req.headers['content-type'],
      body,
      authorization: req.headers.authorization,
    },
    { nowMs: nowMs(state), nonces: state.nonces, appByConsumerKey, accountByAccessToken },
  );
  if (!verdict.ok) {
    entry.reason = verdict.reason;
    // X v2 answers a stale timestamp with the plain 401 (code 135 was only ever seen on v1.1).
    const legacy = verdict.reason === 'timestamp_out_of_bounds' && state.skewAnswer === 'code135';
    return legacy ? timestampOutOfBounds() : unauthorized();
  }
  const account = settingsFor(state, verdict.account);
  entry.user = account.username;
  const accessLevel = { 'x-access-level': account.accessLevel };
  if (!verdict.app.credits) return withHeaders(creditsDepleted(verdict.app), accessLevel);
  if (!verdict.app.enrolled) return withHeaders(clientNotEnrolled(verdict.app), accessLevel);

  const window = takeRequest(state, account.id, method, path);
  if (window.exceeded) return withHeaders(tooManyRequests(window.headers), accessLevel);
  if (route.write && account.accessLevel === 'read') {
    return withHeaders(oauth1Permissions(), { ...window.headers, ...accessLevel });
  }
  const shapeProblem = route.operation && schemaProblem(route.operation, req.headers['content-type'], body);
  if (shapeProblem) return withHeaders(shapeProblem, { ...window.headers, ...accessLevel });
  const ctx = {
    account,
    app: verdict.app,
    body,
    contentType: req.headers['content-type'],
    searchParams: new URLSearchParams(query),
    params: match.groups ?? {},
    baseUrl,
  };
  return withHeaders(route.handler(state, ctx), { ...window.headers, ...accessLevel });
}

function withHeaders(response, headers) {
  return { ...response, headers: { ...headers, ...response.headers } };
}

function send(res, state, response, cors) {
  const headers = { date: new Date(nowMs(state)).toUTCString(), ...cors, ...response.headers };
  let payload = response.body;
  if (payload === undefined || payload === null) {
    payload = '';
  } else if (!Buffer.isBuffer(payload)) {
    payload = JSON.stringify(payload);
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

/**
 * Start the sandbox. Resolves to {url, port, close(), state}; `state` is live (see state.mjs).
 * Only loopback hosts are accepted; `quiet` keeps it from logging each request.
 * @param {{port?: number, host?: string, quiet?: boolean}} [options]
 */
export async function startSandbox({ port = 0, host = '127.0.0.1', quiet } = {}) {
  if (!LOOPBACK_HOSTS.includes(host)) throw new Error(`the sandbox listens on loopback only, not ${host}`);
  const state = createState();
  const timers = new Set();
  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function log(entry) {
    if (entry.path.startsWith('/__sandbox/')) return; // the log is for API traffic only
    state.requests.push(entry);
    if (state.requests.length > REQUEST_LOG_LIMIT) state.requests.shift();
    if (!quiet) {
      const extras = [entry.user && `@${entry.user}`, entry.fault && `fault=${entry.fault}`, entry.reason]
        .filter(Boolean)
        .join(' ');
      console.log(`${entry.time} ${entry.method} ${entry.path} -> ${entry.status ?? 'no answer'} ${extras}`.trimEnd());
    }
  }

  async function handle(req, res) {
    const method = req.method;
    const [path, query = ''] = req.url.split(/\?(.*)/s);
    const arrived = nowMs(state);
    const entry = {
      method,
      path,
      query,
      status: null,
      time: new Date(arrived).toISOString(),
      time_ms: arrived,
      fault: null,
      user: null,
      reason: null,
    };
    const cors = corsHeaders(state, req.headers.origin);

    if (method === 'OPTIONS') {
      const preflight = preflightHeaders(state, req.headers.origin);
      entry.status = preflight ? 204 : 404;
      log(entry);
      if (!preflight) {
        send(res, state, notFound(), {});
        return;
      }
      res.writeHead(204, { date: new Date(arrived).toUTCString(), ...preflight, 'content-length': '0' });
      res.end();
      return;
    }

    let body;
    try {
      // A throttled read (throttle.mjs) stands for a slow uplink, on API calls only.
      body = await readBody(req, MAX_BODY_BYTES, path.startsWith('/2/') ? state.readBytesPerS : null);
    } catch (err) {
      if (err.message !== 'body too large') {
        // The client gave up (a timeout) or the connection broke before the body arrived.
        entry.reason = 'client_gone';
        log(entry);
        return;
      }
      entry.status = 413;
      log(entry);
      res.setHeader('connection', 'close');
      send(res, state, payloadTooLarge(), cors);
      return;
    }

    let response;
    let destroyAfter = false;
    let unavailableAfter = false;
    if (path.startsWith('/__sandbox/')) {
      response = handleControl(state, method, path.slice('/__sandbox/'.length), body);
    } else if (method === 'GET' && /^\/avatars\/\d{1,19}\.png$/.test(path)) {
      const id = path.slice('/avatars/'.length, -'.png'.length);
      response = ACCOUNTS.some((a) => a.id === id)
        ? { status: 200, headers: { 'content-type': 'image/png', 'cache-control': 'max-age=3600' }, body: avatarPng(id) }
        : notFound();
    } else {
      const route = ROUTES.find((r) => r.method === method && r.pattern.test(path));
      const fault = path.startsWith('/2/') ? takeFault(state, method, path) : null;
      if (fault) {
        entry.fault = fault.kind;
        if (fault.kind === 'reset') {
          log(entry);
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'delay') await sleep(fault.delay_ms);
        destroyAfter = fault.kind === 'reset_after_record';
        unavailableAfter = fault.kind === '503_after_record';
        response = faultResponse(state, fault, req, method, path);
      }
      if (!response) {
        response = route
          ? callApi(state, route, route.pattern.exec(path), req, entry, {
              method,
              path,
              query,
              body,
              baseUrl: `http://${req.headers.host}`,
            })
          : notFound();
      }
    }

    if (unavailableAfter) {
      entry.processed_status = response.status;
      response = serviceUnavailable();
    }
    if (destroyAfter) {
      entry.processed_status = response.status;
      log(entry);
      req.socket.destroy();
      return;
    }
    entry.status = response.status;
    log(entry);
    send(res, state, response, cors);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('sandbox: internal error', err);
      if (!res.headersSent) {
        res.writeHead(500, { date: new Date(nowMs(state)).toUTCString(), 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ title: 'Internal Server Error', type: 'about:blank', status: 500, detail: String(err.message) }));
      }
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  return {
    url,
    port: actualPort,
    state,
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function parsePort(argv) {
  const index = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (index === -1) return 8787;
  const value = argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port needs a port number, got ${value}`);
  return port;
}

function describeAccounts() {
  const lines = [];
  for (const a of ACCOUNTS) {
    lines.push(`  @${a.username} (${a.appName}): ${a.purpose}`);
    lines.push(`    API Key:             ${a.apiKey}`);
    lines.push(`    API Secret:          ${a.apiSecret}`);
    lines.push(`    Access Token:        ${a.accessToken}`);
    lines.push(`    Access Token Secret: ${a.accessTokenSecret}`);
  }
  return lines.join('\n');
}

async function main() {
  const sandbox = await startSandbox({ port: parsePort(process.argv.slice(2)) });
  console.log(`Keypost X sandbox listening on ${sandbox.url}`);
  console.log(`Control interface: ${sandbox.url}/__sandbox/ (posts, requests, faults, reset, clock, users/<name>)`);
  console.log('Demo accounts (made-up keys that work only against this sandbox):');
  console.log(describeAccounts());
  const stop = () => sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
