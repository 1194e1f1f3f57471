// The unsigned control interface under /__sandbox/, for tests and the demo: what was
// accepted, what was asked, injected faults, the clock, and account settings.

import { ACCOUNTS, accountByUsername, LEGACY_APP_LIMIT_24H } from './accounts.mjs';
import { TIERS } from './limits.mjs';
import { setCors } from './cors.mjs';
import { setThrottle } from './throttle.mjs';
import { describeMedia, PROCESSING_MODES } from './media.mjs';
import { nowMs, resetState } from './state.mjs';

/** Kinds of injected fault. */
// reset_after_record and 503_after_record let the request through (a post is recorded) and then
// cut the connection or answer 503: X's answers that leave the outcome unknown.
// The rest answer as X words them (issue 12, item 2): suspended account, the 2026 reply
// restriction, a deleted reply target, a daily or monthly usage cap, an HTML 503 from the edge,
// and the 403 "not permitted" X gives for a spent quota or a write-blocked app.
export const FAULT_KINDS = [
  '429', '503', 'delay', 'reset', 'reset_after_record', '503_after_record', 'rate_limit_24h',
  'user_suspended', 'reply_restricted', 'reply_target_deleted', 'usage_capped_daily',
  'usage_capped_monthly', 'html_503', 'not_permitted',
];
/** How a stale oauth_timestamp is answered: X v2's plain 401 (default), or v1.1's code 135. */
const SKEW_ANSWERS = ['plain', 'code135'];
const DEFAULT_RESET_S = { 429: 2, rate_limit_24h: 3600 };

function ok(body) {
  return { status: 200, body };
}

function bad(message) {
  return { status: 400, body: { error: message } };
}

function parseBody(body) {
  const text = Buffer.from(body || []).toString('utf8').trim();
  if (text === '') return {};
  const value = JSON.parse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value;
}

/** Validate a fault request and turn it into a queued fault, or return an error message. */
function makeFault(spec) {
  const kind = String(spec.kind);
  if (!FAULT_KINDS.includes(kind)) return { error: `kind must be one of ${FAULT_KINDS.join(', ')}` };
  const count = spec.count ?? 1;
  if (!Number.isInteger(count) || count < 1) return { error: 'count must be a positive integer' };
  if (spec.path !== undefined && (typeof spec.path !== 'string' || !spec.path.startsWith('/2/'))) {
    return { error: 'path must be an API path starting with /2/' };
  }
  const delayMs = spec.delay_ms ?? 1000;
  if (kind === 'delay' && (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 120000)) {
    return { error: 'delay_ms must be an integer from 0 to 120000' };
  }
  const resetS = spec.reset_s ?? DEFAULT_RESET_S[kind] ?? 0;
  if (!Number.isInteger(resetS) || resetS < 0) return { error: 'reset_s must be a non-negative integer' };
  return {
    fault: {
      kind,
      remaining: count,
      path: spec.path ?? null,
      method: spec.method ? String(spec.method).toUpperCase() : null,
      delay_ms: kind === 'delay' ? delayMs : undefined,
      reset_s: resetS,
    },
  };
}

/**
 * Take the first queued fault matching this API request, if any (one use of it).
 * A fault's path matches the path itself and everything under it.
 */
export function takeFault(state, method, path) {
  const fault = state.faults.find(
    (f) =>
      f.remaining > 0 &&
      (!f.method || f.method === method) &&
      (!f.path || path === f.path || path.startsWith(`${f.path}/`)),
  );
  if (!fault) return null;
  fault.remaining -= 1;
  state.faults = state.faults.filter((f) => f.remaining > 0);
  return fault;
}

function publicAccount(state, account) {
  const settings = state.userSettings.get(account.username);
  return {
    username: account.username,
    id: account.id,
    name: account.name,
    app: account.appName,
    access_level: account.accessLevel,
    tier: settings.tier,
    limit_24h: settings.limit24h,
    app_limit_24h: state.appLimits24h.get(account.appId) ?? LEGACY_APP_LIMIT_24H,
    premium: settings.premium,
    purpose: account.purpose,
    api_key: account.apiKey,
    api_secret: account.apiSecret,
    access_token: account.accessToken,
    access_token_secret: account.accessTokenSecret,
  };
}

/** Handle a request under /__sandbox/; `route` is the path after that prefix. */
export function handleControl(state, method, route, rawBody) {
  let body;
  try {
    body = method === 'POST' ? parseBody(rawBody) : {};
  } catch {
    return bad('the body must be a JSON object');
  }

  if (method === 'GET' && route === 'posts') return ok([...state.posts]);
  if (method === 'GET' && route === 'requests') return ok([...state.requests]);
  if (method === 'GET' && route === 'faults') return ok([...state.faults]);
  if (method === 'GET' && route === 'media') return ok([...state.media.values()].map((m) => describeMedia(state, m)));
  if (method === 'GET' && route === 'accounts') return ok(ACCOUNTS.map((a) => publicAccount(state, a)));
  if (method === 'GET' && route === 'clock') {
    return ok({ offset_s: state.clockOffsetMs / 1000, now_ms: nowMs(state), skew_answer: state.skewAnswer });
  }

  if (method === 'POST' && route === 'faults') {
    const { fault, error } = makeFault(body);
    if (error) return bad(error);
    state.faults.push(fault);
    return ok({ faults: state.faults });
  }
  if (method === 'POST' && route === 'reset') {
    resetState(state);
    return ok({ reset: true });
  }
  if (method === 'POST' && route === 'clock') {
    if (typeof body.offset_s !== 'number' || !Number.isFinite(body.offset_s)) return bad('offset_s must be a number');
    if (body.skew_answer !== undefined && !SKEW_ANSWERS.includes(body.skew_answer)) {
      return bad(`skew_answer must be one of ${SKEW_ANSWERS.join(', ')}`);
    }
    state.clockOffsetMs = Math.round(body.offset_s * 1000);
    if (body.skew_answer !== undefined) state.skewAnswer = body.skew_answer;
    return ok({ offset_s: state.clockOffsetMs / 1000, now_ms: nowMs(state), skew_answer: state.skewAnswer });
  }
  if (method === 'GET' && route === 'cors') return ok({ cors: state.cors });
  if (method === 'POST' && route === 'cors') return setCors(state, body);
  if (method === 'GET' && route === 'throttle') return ok({ read_bytes_per_s: state.readBytesPerS });
  if (method === 'POST' && route === 'throttle') return setThrottle(state, body);
  if (method === 'POST' && route === 'media_processing') {
    if (!PROCESSING_MODES.includes(body.mode)) return bad(`mode must be one of ${PROCESSING_MODES.join(', ')}`);
    const after = body.check_after_secs ?? 1;
    if (!Number.isInteger(after) || after < 1 || after > 600) return bad('check_after_secs must be an integer from 1 to 600');
    state.mediaProcessing = body.mode;
    state.checkAfterSecs = after;
    return ok({ mode: state.mediaProcessing, check_after_secs: state.checkAfterSecs });
  }
  const userRoute = /^users\/([^/]+)$/.exec(route);
  if (userRoute && (method === 'POST' || method === 'GET')) {
    const account = accountByUsername(decodeURIComponent(userRoute[1]));
    if (!account) return { status: 404, body: { error: `no account named ${userRoute[1]}` } };
    const settings = state.userSettings.get(account.username);
    if (method === 'POST') {
      if (body.limit_24h !== undefined) {
        if (!Number.isInteger(body.limit_24h) || body.limit_24h < 0) return bad('limit_24h must be a non-negative integer');
        settings.limit24h = body.limit_24h;
      }
      if (body.tier !== undefined) {
        if (!TIERS.includes(body.tier)) return bad(`tier must be one of ${TIERS.join(', ')}`);
        settings.tier = body.tier;
      }
      if (body.app_limit_24h !== undefined) {
        if (!Number.isInteger(body.app_limit_24h) || body.app_limit_24h < 0) {
          return bad('app_limit_24h must be a non-negative integer');
        }
        state.appLimits24h.set(account.appId, body.app_limit_24h);
      }
      if (body.premium !== undefined) {
        if (typeof body.premium !== 'boolean') return bad('premium must be true or false');
        settings.premium = body.premium;
      }
    }
    return ok(publicAccount(state, account));
  }
  return { status: 404, body: { error: `no control route ${method} /__sandbox/${route}` } };
}
