// The user's language: messages from _locales, error codes turned into sentences, and the
// data-i18n attributes of the pages filled in.

/**
 * Short for chrome.i18n.getMessage.
 * @param {string} key
 * @param {string|string[]} [args]
 */
export function t(key, args) {
  return chrome.i18n.getMessage(key, args);
}

/** The UI language, for Intl formatting. */
export function uiLanguage() {
  return chrome.i18n.getUILanguage();
}

/**
 * The localised text for an error code from the core, with its details filled in.
 * @param {import('./protocol.js').CoreError|null|undefined} error
 */
export function errorText(error) {
  const code = error?.code ?? 'internal';
  return t(`err_${code}`, detailArgs(error)) || t('err_internal');
}

/** @param {import('./protocol.js').CoreError|null|undefined} error */
function detailArgs(error) {
  if (!error) return [];
  const args = [];
  if (error.retry_at) {
    const when = new Date(error.retry_at * 1000);
    args.push(when.toLocaleTimeString(uiLanguage()), relativeMinutes(error.retry_at * 1000));
  }
  // How long a throttled unlock must wait, in whole seconds (vault_throttled).
  if (error.wait_ms != null) args.push(String(Math.ceil(Number(error.wait_ms) / 1000)));
  if (error.field) args.push(fieldLabel(error.field));
  if (error.detail) args.push(String(error.detail));
  // A limit the core names (slot_too_many's max, slot_none_free's weeks): the text never repeats it.
  if (error.max != null) args.push(String(error.max));
  if (error.weeks != null) args.push(String(error.weeks));
  return args;
}

/** @param {string} field a key field name (api_key, …) */
export function fieldLabel(field) {
  return t(`field_${field}`) || field;
}

/**
 * "in 5 minutes", "in 2 hours".
 * @param {number} atMs
 * @param {number} [nowMs]
 */
export function relativeMinutes(atMs, nowMs = Date.now()) {
  const minutes = Math.max(1, Math.round((atMs - nowMs) / 60000));
  if (minutes < 90) return t('inMinutes', [String(minutes)]);
  return t('inHours', [String(Math.round(minutes / 60))]);
}

// [the attribute, its data- attribute, that one's dataset name]
const ATTRIBUTES = /** @type {const} */ ([
  ['placeholder', 'data-i18n-placeholder', 'i18nPlaceholder'],
  ['title', 'data-i18n-title', 'i18nTitle'],
  ['aria-label', 'data-i18n-aria-label', 'i18nAriaLabel'],
]);

/**
 * Fills every element carrying data-i18n (its text) or data-i18n-placeholder / -title /
 * -aria-label (that attribute) from the locale.
 * @param {ParentNode} [root]
 */
export function localize(root = document) {
  document.documentElement.lang = uiLanguage();
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(/** @type {HTMLElement} */ (el).dataset.i18n ?? '');
  }
  for (const [attr, data, key] of ATTRIBUTES) {
    for (const el of root.querySelectorAll(`[${data}]`)) {
      el.setAttribute(attr, t(/** @type {HTMLElement} */ (el).dataset[key] ?? ''));
    }
  }
}
