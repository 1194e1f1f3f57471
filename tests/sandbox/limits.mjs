// Rate limits: X's 15-minute windows per user and endpoint (x-rate-limit-*), and the
// per-user 24-hour post limit (x-user-limit-24hour-*).

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

/**
 * The x-user-limit-24hour-* headers for a user with `limit` posts per 24 hours. The reset
 * is when the oldest post in the window leaves it (or a day from now when there is none).
 */
export function dailyHeaders(state, account) {
  const recent = postsInLastDay(state, account.id);
  const resetMs = recent.length > 0 ? recent[0].created_at_ms + DAY_MS : nowMs(state) + DAY_MS;
  return {
    'x-user-limit-24hour-limit': String(account.limit24h),
    'x-user-limit-24hour-remaining': String(Math.max(0, account.limit24h - recent.length)),
    'x-user-limit-24hour-reset': String(Math.ceil(resetMs / 1000)),
  };
}
