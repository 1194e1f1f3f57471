// Rate limits: X's 15-minute windows per user and endpoint (x-rate-limit-*), and the 24-hour
// post limits of the old tiers (x-user-limit-24hour-*, x-app-limit-24hour-*).
//
// Two tiers (fidelity review D4, D5). `pay_per_use`, the default and what X sells in 2026: 100
// posts per 15 minutes per user and no 24-hour headers at all (none were seen on pay-per-use).
// `legacy`, the old Free/Basic plans, opted into per account through the control interface:
// the user's 24-hour limit (17 on Free) and the app's (17 on Free, shared by the app's legacy
// accounts), both announced on every answer to POST /2/tweets.

import { nowMs } from './state.mjs';

export const WINDOW_MS = 15 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** 15-minute limits per endpoint and user. */
const ENDPOINT_LIMITS = [
  { name: 'users_me', limit: 75, matches: (method, path) => method === 'GET' && path === '/2/users/me' },
  { name: 'tweets', limit: 100, matches: (method, path) => method === 'POST' && path === '/2/tweets' },
  { name: 'media', limit: 500, matches: (method, path) => path.startsWith('/2/media/') || path === '/2/media/upload' },
];

function endpointLimit(method, path) {
  return ENDPOINT_LIMITS.find((e) => e.matches(method, path));
}

function windowFor(state, userId, endpoint, now) {
  const key = `${userId} ${endpoint.name}`;
  let window = state.windows.get(key);
  if (!window || now >= window.resetMs) {
    window = { used: 0, resetMs: now + WINDOW_MS };
    state.windows.set(key, window);
  }
  return window;
}

function windowHeaders(endpoint, window) {
  return {
    'x-rate-limit-limit': String(endpoint.limit),
    'x-rate-limit-remaining': String(Math.max(0, endpoint.limit - window.used)),
    'x-rate-limit-reset': String(Math.ceil(window.resetMs / 1000)),
  };
}

/**
 * Count one request against the user's 15-minute window for this endpoint.
 * Returns {headers, exceeded}; headers is empty for endpoints without a limit.
 */
export function takeRequest(state, userId, method, path) {
  const endpoint = endpointLimit(method, path);
  if (!endpoint) return { headers: {}, exceeded: false };
  const window = windowFor(state, userId, endpoint, nowMs(state));
  if (window.used >= endpoint.limit) return { headers: windowHeaders(endpoint, window), exceeded: true };
  window.used += 1;
  return { headers: windowHeaders(endpoint, window), exceeded: false };
}

/** The 15-minute headers without counting a request (for injected faults). */
export function peekRequest(state, userId, method, path) {
  const endpoint = endpointLimit(method, path);
  if (!endpoint) return {};
  return windowHeaders(endpoint, windowFor(state, userId, endpoint, nowMs(state)));
}

/** The user's posts in the last 24 hours, oldest first. */
export function postsInLastDay(state, userId) {
  const since = nowMs(state) - DAY_MS;
  return state.posts.filter((p) => p.user_id === userId && p.created_at_ms > since);
}

/** The tiers an account can be on. */
export const TIERS = ['pay_per_use', 'legacy'];

function headersFor(prefix, limit, recent, now) {
  const resetMs = recent.length > 0 ? recent[0].created_at_ms + DAY_MS : now + DAY_MS;
  return {
    [`${prefix}-limit`]: String(limit),
    [`${prefix}-remaining`]: String(Math.max(0, limit - recent.length)),
    [`${prefix}-reset`]: String(Math.ceil(resetMs / 1000)),
  };
}

/** The posts in the last 24 hours by the legacy-tier accounts of `appId`, oldest first. */
function appPostsInLastDay(state, appId) {
  const since = nowMs(state) - DAY_MS;
  return state.posts.filter((p) => p.app_id === appId && p.legacy && p.created_at_ms > since);
}

/**
 * The 24-hour headers for an account (merged with its settings, see state.settingsFor): none
 * on pay-per-use; on the legacy tier the user's (`limit24h` posts per 24 hours) and the app's
 * (`appLimit24h`, counted over the app's legacy accounts). A reset is when the oldest post in
 * its window leaves it (or a day from now when there is none).
 */
export function dailyHeaders(state, account) {
  if (account.tier !== 'legacy') return {};
  const now = nowMs(state);
  return {
    ...headersFor('x-user-limit-24hour', account.limit24h, postsInLastDay(state, account.id), now),
    ...headersFor('x-app-limit-24hour', account.appLimit24h, appPostsInLastDay(state, account.appId), now),
  };
}

/** Whether these 24-hour headers say an allowance (the user's or the app's) is spent. */
export function dailySpent(headers) {
  return headers['x-user-limit-24hour-remaining'] === '0' || headers['x-app-limit-24hour-remaining'] === '0';
}
