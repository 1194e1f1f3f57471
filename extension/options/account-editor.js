// The account form: add an account with its four keys, or edit one (its label, premium, and
// any key typed anew; saved keys are never shown back, only their first characters). The
// core checks the keys (form problems per field) and X verifies them before anything is saved.
import { $, busy, show } from '../lib/dom.js';
import { t, errorText, fieldLabel } from '../lib/i18n.js';
import { handleOf } from '../lib/format.js';
import { remask } from '../lib/reveal.js';
import { panes } from './store.js';
import { KEY_FIELDS } from './effects.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').Editor} Editor */
/** @typedef {{field: string, problem: string, other_field?: string}} Problem */

/**
 * @param {import('./effects.js').Effects} fx
 * @param {{dispatch: (action: import('./store.js').Action) => void}} store
 * @returns {(state: State, prev: State) => void}
 */
export function mountAccountEditor(fx, store) {
  const form = /** @type {HTMLFormElement} */ ($('account-form'));
  $('account-cancel').addEventListener('click', () => store.dispatch({ type: 'editorClose' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    /** @type {Record<string, string>} */
    const values = {};
    for (const f of KEY_FIELDS) values[f] = $(`acc-${f}`).value;
    fx.saveAccount({ label: $('acc-label').value.trim(), premium: $('acc-premium').checked, values });
  });

  return (state, prev) => {
    const editor = state.editor;
    const before = prev.editor;
    show($('account-editor'), panes(state).editor);
    show($('account-cancel'), (state.vault?.accounts.length ?? 0) > 0);
    if (editor?.id !== before?.id || editor?.opened !== before?.opened) {
      if (editor) open(editor, state);
      else close(before, form);
    }
    const working = Boolean(editor?.busy);
    if (working !== Boolean(before?.busy)) {
      busy($('account-save'), working);
      $('account-progress').textContent = working ? t('verifyingWithX') : '';
      show($('account-progress'), working);
    }
    if (editor && editor.error !== before?.error) showError(editor);
  };
}

/** Fills the form for a new account or the one being edited. @param {Editor} editor @param {State} state */
function open(editor, state) {
  const account = state.vault?.accounts.find((a) => a.id === editor.id);
  $('editor-heading').textContent = account ? t('editAccount', [handleOf(account)]) : t('addAccount');
  $('acc-label').value = account?.label ?? '';
  $('acc-premium').checked = account?.premium ?? false;
  for (const f of KEY_FIELDS) {
    const input = $(`acc-${f}`);
    input.value = '';
    // The core shows the first characters of the key and the token, never of the secrets.
    const masked = f === 'api_key' || f === 'access_token' ? account?.masked[f] : undefined;
    input.placeholder = !account ? '' : masked ? t('keepCurrent', [masked]) : t('keepCurrentSecret');
    markField(f, []);
  }
  show($('acc-rotate-hint'), Boolean(account));
  show($('account-error'), false);
  $('acc-label').focus();
}

/**
 * Empties and masks the keys again; the focus goes back to the account (or "Add an account").
 * @param {Editor|null} was
 * @param {HTMLFormElement} form
 */
function close(was, form) {
  const hadFocus = form.contains(document.activeElement);
  remask(form);
  for (const f of KEY_FIELDS) $(`acc-${f}`).value = '';
  if (!hadFocus) return;
  const li = was && document.querySelector(`#account-list li.account[data-id="${CSS.escape(was.id)}"]`);
  /** @type {HTMLElement|null} */ (li?.querySelector('button[data-action="edit"]') ?? $('add-account'))?.focus();
}

/** The refusal, with each field's problems next to it. @param {Editor} editor */
function showError(editor) {
  const error = editor.error;
  /** @type {Problem[]} */
  const problems = error?.code === 'form_invalid' ? error.problems ?? [] : [];
  for (const f of KEY_FIELDS) markField(f, problems.filter((p) => p.field === f));
  const box = $('account-error');
  show(box, Boolean(error));
  if (!error) return;
  let text = errorText(error);
  if (error.likely) text += ` ${t(`likely_${error.likely}`)}`;
  if (editor.id !== 'new' && editor.sent.length && error.code !== 'form_invalid') {
    text += ` ${t('keysNotChanged', [editor.sent.map(fieldLabel).join(', ')])}`;
  }
  box.textContent = text;
  if (problems[0]) $(`acc-${problems[0].field}`).focus();
}

/**
 * Marks a field with its problems (a value can have two: in the wrong field and pasted twice).
 * @param {string} field
 * @param {Problem[]} problems
 */
function markField(field, problems) {
  $(`acc-${field}`).setAttribute('aria-invalid', String(problems.length > 0));
  const err = $(`err-${field}`);
  err.textContent = problems.map(problemText).join(' ');
  show(err, problems.length > 0);
}

/** @param {Problem} p */
function problemText(p) {
  const args = [fieldLabel(p.field)];
  if (p.other_field) args.push(fieldLabel(p.other_field));
  return t(`problem_${p.problem}`, args) || t('err_form_invalid');
}
