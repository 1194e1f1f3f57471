// The one way pages talk to the core: ask(type, fields) sends {type, ...fields} to the worker
// and resolves to its answer, {ok} or {error: {code, ...}}, never throwing. Typed by
// protocol.js, so a misspelled message or field fails the type-check, not in Chromium.
/** @typedef {import('./protocol.js').Requests} Requests */
/** @typedef {import('./protocol.js').Responses} Responses */
/** @typedef {import('./protocol.js').CoreError} CoreError */

/** @type {Set<(error: CoreError) => void>} */
const lockedHandlers = new Set();

/**
 * @template {keyof Requests} K
 * @param {K} type
 * @param {Requests[K]} [fields]
 * @returns {Promise<import('./protocol.js').Answer<Responses[K]>>}
 */
export async function ask(type, fields) {
  let answer;
  try {
    answer = await chrome.runtime.sendMessage({ type, ...(fields ?? {}) });
  } catch {
    answer = null;
  }
  if (!answer || (answer.ok === undefined && !answer.error)) return { error: { code: 'internal' } };
  if (answer.error?.code === 'locked') for (const handler of lockedHandlers) handler(answer.error);
  return answer;
}

/**
 * Calls `handler` whenever an answer says the vault is locked (auto-lock struck, or another
 * page locked it): the page then shows its unlock form. Returns the unsubscribe function.
 * @param {(error: CoreError) => void} handler
 */
export function onLocked(handler) {
  lockedHandlers.add(handler);
  return () => lockedHandlers.delete(handler);
}

/**
 * Sends without waiting, for `pagehide`, when the page may be gone before an answer comes.
 * @template {keyof Requests} K
 * @param {K} type
 * @param {Requests[K]} fields
 */
export function tell(type, fields) {
  chrome.runtime.sendMessage({ type, ...fields }).catch(() => {});
}
