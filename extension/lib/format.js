// Presentation only: money, sizes, dates in the user's zone, and the words for an account.
// What an account's state is comes from the core (AccountView.display_state).
import { t, errorText, uiLanguage } from './i18n.js';

/** @param {number} micro US dollars × 1,000,000 */
export function money(micro) {
  return new Intl.NumberFormat(uiLanguage(), {
    style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4,
  }).format(micro / 1e6);
}

/** @param {number} n a size in bytes */
export function bytes(n) {
  if (n < 1024) return t('popupBytes', [String(n)]);
  if (n < 1024 * 1024) return t('popupKilobytes', [(n / 1024).toFixed(0)]);
  return t('popupMegabytes', [(n / 1024 / 1024).toFixed(1)]);
}

/**
 * A time as <input type=datetime-local> wants it, in the user's zone: "2025-01-31T09:30" (or
 * with ":05" seconds when `seconds` is set).
 * @param {number} ms
 * @param {{seconds?: boolean}} [options]
 */
export function localDateTimeInput(ms, { seconds = false } = {}) {
  const d = new Date(ms);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const minutes = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${minutes}:${pad(d.getSeconds())}` : minutes;
}

/** @param {number} ms */
export function dateTime(ms) {
  return new Date(ms).toLocaleString(uiLanguage());
}

/** The user's time zone, as the pages name it. */
export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * "@handle" once X has told us the user, else the account's label.
 * @param {import('./protocol.js').AccountView|null|undefined} account
 */
export function handleOf(account) {
  if (account?.user) return `@${account.user.username}`;
  return account?.label || t('unnamedAccount');
}

/**
 * One line for an account's state, the same in the popup and the options page.
 * @param {import('./protocol.js').AccountView} account
 */
export function accountStatusText(account) {
  switch (account.display_state) {
    case 'verified': return t('statusVerified');
    case 'read_only': return t('statusReadOnly');
    case 'needs_attention': {
      const code = account.status.state === 'needs_attention' ? account.status.code : 'internal';
      return `${t('statusNeedsAttention')}: ${errorText({ code })}`;
    }
    default: return t('statusUnverified');
  }
}

/**
 * What account_verify / account_add answered, in words: "Verified as @x", a warning, or the
 * error.
 * @param {import('./protocol.js').Answer<import('./protocol.js').AccountAnswer>} answer
 * @returns {{kind: 'ok'|'warning'|'error', text: string}}
 */
export function verifyResult(answer) {
  if (answer.error) return { kind: 'error', text: errorText(answer.error) };
  if (answer.ok.warning) return { kind: 'warning', text: t(`warn_${answer.ok.warning}`) || errorText({ code: `warn_${answer.ok.warning}` }) };
  return { kind: 'ok', text: t('verifiedAs', [answer.ok.account.user?.username ?? '']) };
}

/**
 * A post's address on X.
 * @param {{id: string, url?: string}} post
 * @param {string|undefined} username
 */
export function postUrl(post, username) {
  return post.url || `https://x.com/${username || 'i'}/status/${post.id}`;
}
