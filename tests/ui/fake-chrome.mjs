// A stand-in for the few chrome.* APIs the page library touches, for tests without a browser:
// messages are looked up in the real English locale files, so a test sees the words a user
// would, and sendMessage answers from a function the test gives.
import { readFileSync, readdirSync } from 'node:fs';

const dir = new URL('../../extension/_locales/en/', import.meta.url);
const messages = Object.assign({}, ...readdirSync(dir).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8'))));

/** chrome.i18n.getMessage as Chrome does it: $1..$9, directly or through named placeholders. */
/** @param {string} key @param {string|string[]} [args] */
function getMessage(key, args = []) {
  const entry = messages[key];
  if (!entry) return '';
  const list = Array.isArray(args) ? args : [args];
  const named = Object.fromEntries(Object.entries(entry.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(),
    p.content.replace(/\$(\d)/g, (_, n) => list[Number(n) - 1] ?? '')]));
  return entry.message
    .replace(/\$([A-Za-z_]\w*)\$/g, (_, name) => named[name.toLowerCase()] ?? '')
    .replace(/\$(\d)/g, (_, n) => list[Number(n) - 1] ?? '')
    .replace(/\$\$/g, '$');
}

/** @param {{answer?: (message: any) => Promise<any>}} [options] */
export function installChrome({ answer = async () => ({ ok: {} }) } = {}) {
  const sent = [];
  const local = new Set();
  const messages = new Set();
  const id = 'keypost-test-id';
  globalThis.chrome = /** @type {any} */ ({
    i18n: { getMessage, getUILanguage: () => 'en' },
    runtime: {
      id,
      async sendMessage(message) {
        sent.push(message);
        return answer(message);
      },
      onMessage: {
        addListener: (fn) => messages.add(fn),
        removeListener: (fn) => messages.delete(fn),
      },
    },
    storage: {
      local: {
        onChanged: {
          addListener: (fn) => local.add(fn),
          removeListener: (fn) => local.delete(fn),
        },
      },
    },
  });
  return {
    sent,
    /** Fires chrome.storage.local.onChanged as the worker's writes would. */
    localChange(changes) {
      for (const fn of local) fn(changes);
    },
    /** Delivers a message to the page's listeners, as from `sender` (the worker by default). */
    message(message, sender = { id }) {
      for (const fn of messages) fn(message, sender);
    },
  };
}
