// Pages talk to the background core through one function, and show its errors localised.
export async function ask(type, fields = {}) {
  try {
    const answer = await chrome.runtime.sendMessage({ type, ...fields });
    return answer ?? { error: { code: 'internal' } };
  } catch {
    return { error: { code: 'internal' } };
  }
}

// The localised text for an error code from the core, with its details filled in.
export function errorText(error) {
  const code = error?.code ?? 'internal';
  const text = chrome.i18n.getMessage(`err_${code}`, detailArgs(error));
  return text || chrome.i18n.getMessage('err_internal');
}

function detailArgs(error) {
  if (!error) return [];
  const args = [];
  if (error.retry_at) {
    const when = new Date(error.retry_at * 1000);
    args.push(when.toLocaleTimeString(), relativeMinutes(error.retry_at * 1000));
  }
  if (error.field) args.push(fieldLabel(error.field));
  if (error.detail) args.push(String(error.detail));
  return args;
}

export function fieldLabel(field) {
  return chrome.i18n.getMessage(`field_${field}`) || field;
}

export function relativeMinutes(atMs) {
  const minutes = Math.max(1, Math.round((atMs - Date.now()) / 60000));
  if (minutes < 90) return chrome.i18n.getMessage('inMinutes', [String(minutes)]);
  return chrome.i18n.getMessage('inHours', [String(Math.round(minutes / 60))]);
}

// Fill every element carrying data-i18n (text) or data-i18n-*(attributes) from the locale.
export function localize(root = document) {
  document.documentElement.lang = chrome.i18n.getUILanguage();
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = chrome.i18n.getMessage(el.dataset.i18n);
  }
  for (const attr of ['placeholder', 'title', 'aria-label']) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      el.setAttribute(attr, chrome.i18n.getMessage(el.dataset[`i18n${attr[0].toUpperCase()}${attr.slice(1).replace('-l', 'L')}`]));
    }
  }
}

// Short for chrome.i18n.getMessage.
export function t(key, args) {
  return chrome.i18n.getMessage(key, args);
}

// Shows or hides an element.
export function show(el, visible) {
  el.hidden = !visible;
}

// "Show"/"Hide" toggles for masked inputs: buttons with class "reveal" and data-for=<input id>.
export function bindReveal(root) {
  for (const button of root.querySelectorAll('button.reveal')) {
    button.addEventListener('click', () => {
      const input = document.getElementById(button.dataset.for);
      const reveal = input.type === 'password';
      input.type = reveal ? 'text' : 'password';
      button.setAttribute('aria-pressed', String(reveal));
      button.textContent = t(reveal ? 'hide' : 'show');
      button.setAttribute('aria-label', t(reveal ? 'hideLabel' : 'showLabel', [labelOf(input)]));
    });
    const input = document.getElementById(button.dataset.for);
    button.setAttribute('aria-label', t('showLabel', [labelOf(input)]));
  }
}

function labelOf(input) {
  return document.querySelector(`label[for="${input.id}"]`)?.textContent ?? '';
}

// One line for an account's state, the same in the popup and the options page.
export function accountStatusText(account) {
  const s = account.status;
  if (s.state === 'verified') return s.access_level === 'read' ? t('statusReadOnly') : t('statusVerified');
  if (s.state === 'needs_attention') return `${t('statusNeedsAttention')}: ${errorText({ code: s.code })}`;
  return t('statusUnverified');
}

// Shows an error from the core in a message element.
export function showError(el, error) {
  el.textContent = errorText(error);
  el.dataset.kind = 'error';
  show(el, true);
}
