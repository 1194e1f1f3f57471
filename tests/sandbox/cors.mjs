// CORS as api.x.com has it for an extension: none. Chrome lets an MV3 extension's pages and
// service worker reach hosts in `host_permissions` without CORS and without a preflight, so
// Keypost must work with no Access-Control-* header at all. By default the sandbox sends none
// and answers an OPTIONS request like any unknown route (404, no CORS headers), so a build
// that lost its host permission fails here as it would on X. The opt-in switch
// (`POST /__sandbox/cors {"enabled": true}`) brings back the permissive answers, for a page
// without host permissions (a plain web page, or a Firefox-like client that preflights).

const EXPOSED_HEADERS = [
  'x-rate-limit-limit',
  'x-rate-limit-remaining',
  'x-rate-limit-reset',
  'x-user-limit-24hour-limit',
  'x-user-limit-24hour-remaining',
  'x-user-limit-24hour-reset',
  'x-app-limit-24hour-limit',
  'x-app-limit-24hour-remaining',
  'x-app-limit-24hour-reset',
  'x-access-level',
  'date',
].join(', ');

/** The CORS headers for a response: none unless the control switch turned them on. */
export function corsHeaders(state, origin) {
  if (!state.cors) return {};
  return {
    'access-control-allow-origin': origin || '*',
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  };
}

/** The answer to an OPTIONS request: a preflight answer when CORS is on, else null. */
export function preflightHeaders(state, origin) {
  if (!state.cors) return null;
  return {
    ...corsHeaders(state, origin),
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-max-age': '600',
  };
}

/** POST /__sandbox/cors {enabled}: the opt-in switch; returns a control answer. */
export function setCors(state, body) {
  if (typeof body.enabled !== 'boolean') return { status: 400, body: { error: 'enabled must be true or false' } };
  state.cors = body.enabled;
  return { status: 200, body: { cors: state.cors } };
}
