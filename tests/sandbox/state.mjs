// The sandbox's mutable state: its clock, accepted posts, uploaded media, nonces, faults,
// rate-limit counters, per-account settings and the request log.

import { ACCOUNTS, LEGACY_APP_LIMIT_24H } from './accounts.mjs';
import { NonceCache } from './oauth.mjs';

/** How many entries the request log keeps (oldest dropped first). */
export const REQUEST_LOG_LIMIT = 5000;
const X_EPOCH_MS = 1288834974657n;

function defaultUserSettings() {
  return new Map(
    ACCOUNTS.map((a) => [a.username, { limit24h: a.limit24h, premium: a.premium, tier: a.tier }]),
  );
}

/** A fresh sandbox state. */
export function createState() {
  return {
    clockOffsetMs: 0,
    // How a stale oauth_timestamp is answered: 'plain' (X v2's plain 401) or 'code135' (v1.1).
    skewAnswer: 'plain',
    posts: [],
    media: new Map(),
    nonces: new NonceCache(),
    faults: [],
    windows: new Map(),
    requests: [],
    userSettings: defaultUserSettings(),
    appLimits24h: new Map(),
    mediaProcessing: 'gif',
    cors: false,
    readBytesPerS: null,
    checkAfterSecs: 1,
    lastId: 0n,
  };
}

/** Back to a fresh state (the id counter keeps going so ids never repeat). */
export function resetState(state) {
  state.clockOffsetMs = 0;
  state.skewAnswer = 'plain';
  state.posts = [];
  state.media.clear();
  state.nonces.clear();
  state.faults = [];
  state.windows.clear();
  state.requests = [];
  state.userSettings = defaultUserSettings();
  state.appLimits24h = new Map();
  state.mediaProcessing = 'gif';
  state.cors = false;
  state.readBytesPerS = null;
  state.checkAfterSecs = 1;
}

/** The sandbox clock in Unix milliseconds (real time plus the offset set by tests). */
export function nowMs(state) {
  return Date.now() + state.clockOffsetMs;
}

/** A 19-digit, snowflake-like id that is larger than every id handed out before. */
export function nextId(state) {
  let id = (BigInt(nowMs(state)) - X_EPOCH_MS) << 22n;
  if (id <= state.lastId) id = state.lastId + 1n;
  state.lastId = id;
  return id.toString();
}

/** An account merged with its current settings (tier, 24-hour limits, premium). */
export function settingsFor(state, account) {
  return {
    ...account,
    ...state.userSettings.get(account.username),
    appLimit24h: state.appLimits24h.get(account.appId) ?? LEGACY_APP_LIMIT_24H,
  };
}
