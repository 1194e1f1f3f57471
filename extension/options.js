// The options page: first-run setup, unlock, accounts (add, verify, edit, remove, default),
// auto-lock and other settings, passphrase change, and encrypted backups. All decisions are
// the core's; this file shows its answers.
import { ask, errorText, localize, fieldLabel, bindReveal, show, t, accountStatusText, showError } from './messaging.js';

const $ = (id) => document.getElementById(id);
const FIELDS = ['api_key', 'api_secret', 'access_token', 'access_token_secret'];
let state = null;
let editing = null; // account id being edited, or 'new'

localize();
bindReveal(document);

// Every call to the core goes through here: an answer "locked" (auto-lock struck, or another
// page locked) redraws the page as locked, so the next step is the unlock form.
async function call(type, fields) {
  const answer = await ask(type, fields);
  if (answer.error?.code === 'locked' && state?.unlocked) await refresh();
  return answer;
}

async function refresh(next) {
  const answer = next ? { ok: next } : await ask('vault_status');
  if (answer.error) {
    showPageError(answer.error);
    return;
  }
  state = answer.ok;
  render();
}

function render() {
  $('core-status').dataset.state = 'ready';
  $('core-status').textContent = t(state.exists ? (state.unlocked ? 'vaultUnlocked' : 'vaultLocked') : 'vaultNone');
  $('core-status').dataset.vault = state.exists ? (state.unlocked ? 'unlocked' : 'locked') : 'none';
  show($('setup'), !state.exists);
  show($('unlock'), state.exists && !state.unlocked);
  show($('accounts'), state.unlocked);
  show($('settings'), state.unlocked);
  show($('lock'), state.unlocked);
  if (!state.unlocked) {
    closeEditor();
    for (const id of ['pass-old', 'pass-new', 'pass-confirm']) $(id).value = '';
  }
  if (state.unlocked) {
    renderAccounts();
    renderSettings();
    if (state.accounts.length === 0 && !editing) openEditor('new');
  }
  if (state.exists && !state.unlocked) $('unlock-pass').focus();
}

function showPageError(error) {
  showError($('page-message'), error);
}

function showPageNote(text) {
  const el = $('page-message');
  el.textContent = text;
  el.dataset.kind = 'note';
  show(el, true);
}

function setError(el, error) {
  el.textContent = error ? errorText(error) : '';
  show(el, Boolean(error));
}

function busy(button, on) {
  button.disabled = on;
  button.setAttribute('aria-busy', String(on));
}

// Masks every revealed secret of a form again (after it is submitted), so a passphrase or key
// is not left on screen as plain text.
function remask(form) {
  for (const button of form.querySelectorAll('button.reveal[aria-pressed="true"]')) button.click();
}

// The strength of a passphrase being chosen, as the core estimates it.
function bindStrength(inputId, meterId, textId) {
  let timer;
  const input = $(inputId);
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const pass = input.value;
      if (!pass) {
        $(meterId).value = 0;
        $(textId).textContent = '';
        return;
      }
      const answer = await ask('passphrase_strength', { passphrase: pass });
      if (answer.ok && input.value === pass) {
        $(meterId).value = answer.ok.score;
        const hint = answer.ok.hint ? t(`strengthHint_${answer.ok.hint}`).trim() : '';
        $(textId).textContent = t('strengthLabel', [t(`strength${answer.ok.score}`)]) + (hint ? ` ${hint}` : '');
      }
    }, 150);
  });
}

// ----- setup -----
bindStrength('setup-pass', 'setup-meter', 'setup-strength');

$('setup-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const pass = $('setup-pass').value;
  if (!pass) return setError($('setup-error'), { code: 'empty_passphrase' });
  if (pass !== $('setup-confirm').value) return setError($('setup-error'), { code: 'passphrase_mismatch' });
  const button = e.submitter ?? $('setup-form').querySelector('button[type=submit]');
  busy(button, true);
  setError($('setup-error'), null);
  showProgressNote(t('creatingVault'));
  const answer = await ask('vault_create', { passphrase: pass });
  busy(button, false);
  remask($('setup-form'));
  $('setup-pass').value = '';
  $('setup-confirm').value = '';
  $('setup-meter').value = 0;
  $('setup-strength').textContent = '';
  if (answer.error) return setError($('setup-error'), answer.error);
  hidePageMessage();
  await refresh(answer.ok);
});

function showProgressNote(text) {
  showPageNote(text);
}
function hidePageMessage() {
  show($('page-message'), false);
}

// ----- unlock / lock -----
$('unlock-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $('unlock-form').querySelector('button[type=submit]');
  busy(button, true);
  setError($('unlock-error'), null);
  const answer = await ask('vault_unlock', { passphrase: $('unlock-pass').value });
  busy(button, false);
  remask($('unlock-form'));
  if (answer.error) {
    setError($('unlock-error'), answer.error);
    $('unlock-pass').select();
    return;
  }
  $('unlock-pass').value = '';
  hidePageMessage();
  await refresh(answer.ok);
});

$('lock').addEventListener('click', async () => {
  const answer = await ask('vault_lock');
  await refresh(answer.ok);
});

// ----- accounts -----
function renderAccounts() {
  const list = $('account-list');
  list.replaceChildren();
  show($('no-accounts'), state.accounts.length === 0);
  for (const account of state.accounts) {
    const li = document.createElement('li');
    li.className = 'account';
    li.dataset.id = account.id;
    li.dataset.state = account.status.state === 'verified' && account.status.access_level === 'read'
      ? 'read_only' : account.status.state;
    const avatar = document.createElement('img');
    avatar.className = 'avatar';
    avatar.alt = '';
    avatar.width = 40;
    avatar.height = 40;
    if (account.user?.profile_image_url) avatar.src = account.user.profile_image_url;
    const who = document.createElement('div');
    who.className = 'who';
    const name = document.createElement('strong');
    name.textContent = account.label || account.user?.name || t('unnamedAccount');
    const handle = document.createElement('span');
    handle.className = 'handle';
    handle.textContent = account.user ? `@${account.user.username}` : '';
    const keys = document.createElement('span');
    keys.className = 'hint';
    keys.textContent = t('maskedKeys', [account.masked.api_key, account.masked.access_token]);
    const status = document.createElement('span');
    status.className = 'status';
    status.textContent = accountStatusText(account);
    who.append(name, ' ', handle, document.createElement('br'), status, document.createElement('br'), keys);
    if (account.is_default) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = t('defaultAccount');
      name.after(' ', badge);
    }
    const actions = document.createElement('div');
    actions.className = 'actions';
    const mk = (label, handler, cls = 'secondary') => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = cls;
      b.textContent = t(label);
      b.dataset.action = label;
      b.addEventListener('click', () => handler(b));
      actions.append(b);
      return b;
    };
    mk('verify', (b) => verifyAccount(account.id, b, li));
    mk('edit', () => openEditor(account.id));
    if (!account.is_default) mk('makeDefault', () => setDefault(account.id));
    mk('remove', () => removeAccount(account), 'danger');
    const note = document.createElement('p');
    note.className = 'message';
    note.setAttribute('role', 'status');
    note.hidden = true;
    li.append(avatar, who, actions, note);
    list.append(li);
  }
}

async function verifyAccount(id, button, li) {
  const note = li.querySelector('.message');
  busy(button, true);
  note.textContent = t('verifying');
  note.dataset.kind = 'note';
  show(note, true);
  const answer = await call('account_verify', { id });
  busy(button, false);
  await refresh();
  const fresh = document.querySelector(`li.account[data-id="${CSS.escape(id)}"] .message`);
  if (!fresh) return;
  fresh.dataset.kind = answer.error ? 'error' : (answer.ok.warning ? 'warning' : 'ok');
  fresh.textContent = answer.error ? errorText(answer.error)
    : answer.ok.warning ? t(`warn_${answer.ok.warning}`)
      : t('verifiedAs', [answer.ok.account.user?.username ?? '']);
  show(fresh, true);
}

async function setDefault(id) {
  const answer = await call('account_set_default', { id });
  if (answer.error) return showPageError(answer.error);
  await refresh(answer.ok);
}

async function removeAccount(account) {
  const who = account.user ? `@${account.user.username}` : (account.label || t('unnamedAccount'));
  if (!confirm(t('confirmRemove', [who]))) return;
  const answer = await call('account_remove', { id: account.id });
  if (answer.error) return showPageError(answer.error);
  await refresh(answer.ok);
}

// ----- the account form -----
function openEditor(id) {
  editing = id;
  const account = state.accounts.find((a) => a.id === id);
  $('editor-heading').textContent = account ? t('editAccount', [account.user ? `@${account.user.username}` : account.label]) : t('addAccount');
  $('acc-label').value = account?.label ?? '';
  $('acc-premium').checked = account?.premium ?? false;
  for (const f of FIELDS) {
    const input = $(`acc-${f}`);
    input.value = '';
    input.placeholder = account ? t('keepCurrent', [f === 'api_key' ? account.masked.api_key : f === 'access_token' ? account.masked.access_token : '••••']) : '';
    markField(f, null);
  }
  show($('acc-rotate-hint'), Boolean(account));
  setError($('account-error'), null);
  show($('account-progress'), false);
  show($('account-cancel'), state.accounts.length > 0);
  show($('account-editor'), true);
  (account ? $('acc-label') : $('acc-label')).focus();
}

function closeEditor() {
  editing = null;
  show($('account-editor'), false);
  for (const f of FIELDS) $(`acc-${f}`).value = '';
}

// Marks a field with its problems (a value can have two: in the wrong field and pasted twice).
function markField(field, problems) {
  const input = $(`acc-${field}`);
  const err = $(`err-${field}`);
  const list = problems ?? [];
  input.setAttribute('aria-invalid', String(list.length > 0));
  err.textContent = list.map(problemText).join(' ');
  show(err, list.length > 0);
}

function problemText(p) {
  const args = [fieldLabel(p.field)];
  if (p.other_field) args.push(fieldLabel(p.other_field));
  return t(`problem_${p.problem}`, args) || t('err_form_invalid');
}

$('account-cancel').addEventListener('click', closeEditor);
$('add-account').addEventListener('click', () => openEditor('new'));

// An error from adding or changing an account, with what the keys themselves suggest.
function accountErrorText(error, sent) {
  let text = errorText(error);
  if (error.likely) text += ` ${t(`likely_${error.likely}`)}`;
  if (editing !== 'new' && sent.length && error.code !== 'form_invalid') {
    text += ` ${t('keysNotChanged', [sent.map(fieldLabel).join(', ')])}`;
  }
  return text;
}

$('account-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const keys = {};
  for (const f of FIELDS) {
    markField(f, null);
    const v = $(`acc-${f}`).value;
    if (editing === 'new' || v.trim() !== '') keys[f] = v;
  }
  const button = $('account-save');
  busy(button, true);
  setError($('account-error'), null);
  $('account-progress').textContent = t('verifyingWithX');
  show($('account-progress'), true);
  const fields = { label: $('acc-label').value.trim(), premium: $('acc-premium').checked };
  const sent = editing === 'new' ? [] : Object.keys(keys);
  const verified = editing === 'new' || sent.length > 0;
  const answer = editing === 'new'
    ? await call('account_add', { ...fields, keys })
    : await call('account_update', { id: editing, ...fields, ...(sent.length ? { keys } : {}) });
  busy(button, false);
  show($('account-progress'), false);
  if (answer.error) {
    if (!editing) return; // locked meanwhile: the page now asks for the passphrase
    if (answer.error.code === 'form_invalid') {
      const problems = answer.error.problems ?? [];
      for (const f of FIELDS) markField(f, problems.filter((p) => p.field === f));
      const first = answer.error.problems?.[0];
      if (first) $(`acc-${first.field}`).focus();
    }
    const el = $('account-error');
    el.textContent = accountErrorText(answer.error, sent);
    show(el, true);
    return;
  }
  remask($('account-form'));
  const saved = answer.ok.account;
  closeEditor();
  await refresh();
  const note = document.querySelector(`li.account[data-id="${CSS.escape(saved.id)}"] .message`);
  if (note) {
    note.dataset.kind = answer.ok.warning ? 'warning' : 'ok';
    note.textContent = answer.ok.warning ? t(`warn_${answer.ok.warning}`)
      : verified ? t('verifiedAs', [saved.user?.username ?? '']) : t('settingsSaved');
    show(note, true);
  }
});

// ----- settings -----
function renderSettings() {
  const s = state.settings;
  $('autolock').value = s.autolock;
  $('share-page-link').checked = s.share_page_link;
  $('notify-sent').checked = s.notify_sent;
  $('hold-late').checked = s.hold_late;
  showStorageUsed();
}

// What Keypost keeps in the browser's extension storage (vault, queue, drafts, history)
// against the quota Chrome gives it: when it is full, scheduled posts pause (and say so).
async function showStorageUsed() {
  const used = await chrome.storage.local.getBytesInUse(null).catch(() => null);
  if (used === null) return;
  const quota = chrome.storage.local.QUOTA_BYTES;
  const kb = (n) => String(Math.max(1, Math.round(n / 1024)));
  $('storage-used').textContent = t('storageUsed', [kb(used), kb(quota), String(Math.round((used * 100) / quota))]);
}

async function saveSettings(partial) {
  const answer = await call('settings_set', { settings: partial });
  if (answer.error) return showPageError(answer.error);
  state = answer.ok;
  showPageNote(t('settingsSaved'));
}
$('autolock').addEventListener('change', (e) => saveSettings({ autolock: e.target.value }));
$('share-page-link').addEventListener('change', (e) => saveSettings({ share_page_link: e.target.checked }));
$('notify-sent').addEventListener('change', (e) => saveSettings({ notify_sent: e.target.checked }));
$('hold-late').addEventListener('change', (e) => saveSettings({ hold_late: e.target.checked }));

bindStrength('pass-new', 'pass-meter', 'pass-strength');

$('passphrase-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const err = $('passphrase-error');
  if (!$('pass-old').value) {
    $('pass-old').focus();
    return setError(err, { code: 'current_passphrase_missing' });
  }
  if (!$('pass-new').value) {
    $('pass-new').focus();
    return setError(err, { code: 'empty_passphrase' });
  }
  if ($('pass-new').value !== $('pass-confirm').value) {
    $('pass-confirm').focus();
    return setError(err, { code: 'passphrase_mismatch' });
  }
  const button = $('passphrase-save');
  busy(button, true);
  setError(err, null);
  const answer = await call('vault_change_passphrase', { old: $('pass-old').value, new: $('pass-new').value });
  busy(button, false);
  remask($('passphrase-form'));
  if (answer.error) {
    setError(err, answer.error);
    if (answer.error.code === 'vault_wrong_passphrase') $('pass-old').select();
    return;
  }
  for (const id of ['pass-old', 'pass-new', 'pass-confirm']) $(id).value = '';
  $('pass-meter').value = 0;
  $('pass-strength').textContent = '';
  showPageNote(t('passphraseChanged'));
});

// ----- backups -----
$('export').addEventListener('click', async () => {
  const answer = await call('vault_export');
  if (answer.error) return showPageError(answer.error);
  const blob = new Blob([answer.ok.json], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = answer.ok.file_name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  showPageNote(t('backupExported', [answer.ok.file_name]));
});

for (const id of ['import', 'setup-import']) {
  $(id).addEventListener('click', () => $('import-file').click());
}
$('import-file').addEventListener('change', async (e) => {
  const file = e.target.files?.[0];
  e.target.value = '';
  if (!file) return;
  const json = await file.text();
  let answer = await ask('vault_import', { json, replace: false });
  if (answer.error?.code === 'vault_exists' && confirm(t('confirmReplaceVault'))) {
    answer = await ask('vault_import', { json, replace: true });
  }
  if (answer.error) return showPageError(answer.error);
  showPageNote(t('backupImported'));
  await refresh(answer.ok);
});

// Another page (the popup), auto-lock or a restart may lock or unlock the vault: follow it,
// without redrawing (and losing what is being typed) when nothing changed.
chrome.storage.onChanged.addListener(async (_changes, area) => {
  if (area !== 'local' && area !== 'session') return;
  const answer = await ask('vault_status');
  if (answer.ok && state && (answer.ok.exists !== state.exists || answer.ok.unlocked !== state.unlocked)) {
    await refresh(answer.ok);
  }
});

await refresh();
