// Response bodies in the shapes X sends (RFC 7807 problems and X's older error arrays).
// Each function returns {status, body, headers?} for the server to write.

/** 401 for every signature or key problem. */
export function unauthorized() {
  return {
    status: 401,
    body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
  };
}

/**
 * 401 with X's v1.1 code 135, for an oauth_timestamp too far from the sandbox clock. Only v1.1
 * was ever seen answering this; v2 answers a stale timestamp with the plain 401 (the sandbox's
 * default, see `POST /__sandbox/clock {skew_answer}`).
 */
export function timestampOutOfBounds() {
  return {
    status: 401,
    body: {
      errors: [{ code: 135, message: 'Timestamp out of bounds.' }],
      title: 'Unauthorized',
      type: 'about:blank',
      status: 401,
      detail: 'Unauthorized',
    },
  };
}

/** 402 for an app whose pay-per-use balance is empty: every call, reads too. */
export function creditsDepleted(app) {
  return {
    status: 402,
    body: {
      account_id: Number(app.id),
      title: 'CreditsDepleted',
      detail: `Your enrolled account [${app.id}] does not have any credits to fulfill this request.`,
      type: 'https://api.twitter.com/2/problems/credits',
      status: 402,
    },
  };
}

/** 403 for an app that is not attached to a project. */
export function clientNotEnrolled(app) {
  return {
    status: 403,
    body: {
      client_id: app.id,
      detail:
        'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
      registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
      title: 'Client Forbidden',
      required_enrollment: 'Appropriate Level of API Access',
      reason: 'client-not-enrolled',
      type: 'https://api.twitter.com/2/problems/client-forbidden',
      status: 403,
    },
  };
}

/** 403 when a token with Read permission tries to write. */
export function oauth1Permissions() {
  return {
    status: 403,
    body: {
      type: 'https://api.twitter.com/2/problems/oauth1-permissions',
      title: 'Forbidden',
      status: 403,
      detail:
        'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
    },
  };
}

/** 403 X gives for a post it will not take (typically over the weighted length limit). */
export function notPermitted() {
  return {
    status: 403,
    body: {
      detail: 'You are not permitted to perform this action.',
      status: 403,
      title: 'Forbidden',
      type: 'about:blank',
    },
  };
}

/** 403 for a post with more than one $CASHTAG, as quoted from 2026 self-serve apps (D10). */
export function cashtagLimit() {
  return {
    status: 403,
    body: {
      detail: 'Posts are limited to a maximum of one cashtag ($SYMBOL)',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    },
  };
}

/** 403 for the same text posted again within 24 hours. */
export function duplicateContent() {
  return {
    status: 403,
    body: {
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    },
  };
}

/** 429 for a spent rate limit (15-minute or 24-hour; the headers tell which). */
export function tooManyRequests(headers = {}) {
  return {
    status: 429,
    headers,
    body: { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' },
  };
}

/** 503, for the fault injector. */
export function serviceUnavailable() {
  return {
    status: 503,
    body: { title: 'Service Unavailable', type: 'about:blank', status: 503, detail: 'Service Unavailable' },
  };
}

/** X's `detail` of every invalid-request answer: the reason is in `errors[0].message` (D2). */
export const INVALID_REQUEST_DETAIL = 'One or more parameters to your request was invalid.';

/**
 * 400 for a request X would reject as invalid. As on X, `detail` is always the generic
 * sentence and the reason (`message`) is in `errors[0].message`.
 */
export function invalidRequest(message, parameter) {
  const error = { message };
  if (parameter) error.parameters = { [parameter]: [] };
  return {
    status: 400,
    body: {
      errors: [error],
      title: 'Invalid Request',
      detail: INVALID_REQUEST_DETAIL,
      type: 'https://api.twitter.com/2/problems/invalid-request',
      status: 400,
    },
  };
}

/** 403 for a suspended account, as quoted from a 2026 response (iembot #156). */
export function userSuspended() {
  return {
    status: 403,
    body: {
      detail: 'The user used for authentication is suspended',
      title: 'Forbidden',
      status: 403,
      type: 'https://api.twitter.com/2/problems/user-suspended',
    },
  };
}

/** 403 for a reply the 2026 reply restriction refuses (self-serve apps, D8). */
export function replyRestricted() {
  return {
    status: 403,
    body: {
      detail: 'You can only reply to or quote posts where you are mentioned or are the author.',
      title: 'Forbidden',
      status: 403,
      type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
    },
  };
}

/** 403 for a reply to a post that is deleted or not visible (X-API.md, 2026). */
export function replyTargetDeleted() {
  return {
    status: 403,
    body: {
      detail: 'You attempted to reply to a Tweet that is deleted or not visible to you.',
      title: 'Forbidden',
      status: 403,
    },
  };
}

/** 429 `usage-capped` (OpenAPI v2.159+): `period` is `Daily` or `Monthly`. */
export function usageCapped(period) {
  return {
    status: 429,
    body: {
      title: 'UsageCapExceeded',
      detail: `Usage cap exceeded: ${period} account cap`,
      type: 'https://api.twitter.com/2/problems/usage-capped',
      period,
      scope: 'Account',
      status: 429,
    },
  };
}

/** A 503 with an HTML page from X's edge servers instead of JSON (review section 8.8). */
export function edgeErrorPage() {
  return {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: Buffer.from(
      '<!DOCTYPE html><html><head><title>X / Over capacity</title></head>' +
        '<body><h1>Something went wrong, but don\u2019t fret \u2014 it\u2019s not your fault.</h1></body></html>',
    ),
  };
}

/** 404 for a path the sandbox does not serve. */
export function notFound() {
  return {
    status: 404,
    body: { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] },
  };
}

/** 413 for a body larger than the sandbox accepts. */
export function payloadTooLarge() {
  return {
    status: 413,
    body: { title: 'Payload Too Large', type: 'about:blank', status: 413, detail: 'Request body too large' },
  };
}
