// The toolbar popup (and the small composer window, popup.html?window=1): unlock, pick an
// account, write a post or a thread with X's own counting, add images with alt text, post,
// follow the progress, resume a failed thread, and see what was sent. Every decision (counting,
// splitting, signing, posting, storing) is the core's; this file shows its answers.
import { ask, errorText, localize, bindReveal, show, t, accountStatusText, showError } from './messaging.js';

const $ = (id) => document.getElementById(id);
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_IMAGES = 4;
const MAX_ALT = 1000;
const SAVE_DELAY_MS = 300;

const params = new URLSearchParams(location.search);
if (params.get('window') === '1') document.body.classList.add('window');

localize();
bindReveal(document);
$('post-shortcut').textContent = t(/Mac/i.test(navigator.platform) ? 'popupShortcutMac' : 'popupShortcut');

// ----- the core's pure functions (count, split, cost), and the image store -----
// Both load on their own; when one is missing the composer says so and still works.
const coreReady = import('./pkg/keypost.js')
  .then(async (m) => { await m.default({ module_or_path: './pkg/keypost_bg.wasm' }); return m; })
  .catch(() => null);
const mediaReady = import('./media-store.js').catch(() => null);
let core = null;
let mediaStore = null;

let vault = null;          // VaultStatus
let draft = emptyDraft();  // the Draft being edited
let sending = false;       // a post_send/post_resume of ours is under way
let failure = null;        // {error, steps, resumable} of the last failed post (view state; the core's outbox decides)
let saveTimer = 0;
let dirty = false;
let lastAnnounced = '';
const thumbs = new Map();  // media_id -> object URL

function emptyDraft(accountId) {
  return { account_id: accountId, posts: [{ text: '', media: [] }], updated_ms: Date.now() };
}

// ----- counting and cost -----
function premiumOf(account) {
  return Boolean(account?.premium);
}

// X's weighted count from the core; a rough count (code points) only if the core lacks it.
function count(text, premium) {
  if (core?.count_text) {
    try {
      return { ...core.count_text(text, premium), approximate: false };
    } catch { /* fall through */ }
  }
  const limit = premium ? 25000 : 280;
  const chars = [...text];
  const weighted = chars.length;
  let over = null;
  if (weighted > limit) over = chars.slice(0, limit).join('').length;
  return {
    weighted_length: weighted, limit, remaining: limit - weighted,
    valid: text.trim().length > 0 && weighted <= limit,
    over_limit_from_utf16: over, has_url: /(https?:\/\/|www\.)\S/i.test(text), approximate: true,
  };
}

function estimate(posts) {
  if (!core?.estimate_cost) return null;
  try {
    return core.estimate_cost(posts.map((p) => ({
      text: p.text, media: p.media.length, alt_texts: p.media.filter((m) => m.alt.trim()).length,
    })));
  } catch {
    return null;
  }
}

function money(micro) {
  return new Intl.NumberFormat(chrome.i18n.getUILanguage(), {
    style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4,
  }).format(micro / 1e6);
}

function size(bytes) {
  if (bytes < 1024) return t('popupBytes', [String(bytes)]);
  if (bytes < 1024 * 1024) return t('popupKilobytes', [(bytes / 1024).toFixed(0)]);
  return t('popupMegabytes', [(bytes / 1024 / 1024).toFixed(1)]);
}

// ----- vault and accounts -----
function account() {
  return vault?.accounts.find((a) => a.id === draft.account_id) ?? null;
}

function handleOf(a) {
  return a?.user ? `@${a.user.username}` : (a?.label || t('unnamedAccount'));
}

async function refresh(next) {
  const answer = next ? { ok: next } : await ask('vault_status');
  if (answer.error) {
    pageError(answer.error);
    return;
  }
  const wasUnlocked = vault?.unlocked;
  vault = answer.ok;
  // After an unlock the draft comes back before the composer shows, never an empty one first.
  const justUnlocked = vault.unlocked && vault.accounts.length && !wasUnlocked;
  if (justUnlocked) await loadDraft();
  renderVault();
  if (justUnlocked && !$('compose').hidden) focusFirstPost(false);
}

function renderVault() {
  const unlocked = vault.exists && vault.unlocked;
  const hasAccounts = unlocked && vault.accounts.length > 0;
  $('core-status').dataset.state = !vault.exists ? 'no_vault' : !vault.unlocked ? 'locked' : 'ready';
  show($('no-vault'), !vault.exists);
  show($('unlock'), vault.exists && !vault.unlocked);
  show($('no-accounts'), unlocked && !hasAccounts);
  show($('lock'), unlocked);
  show($('tabs'), hasAccounts);
  if (!hasAccounts) {
    show($('compose'), false);
    show($('sent'), false);
  } else {
    selectTab(currentTab);
  }
  if (vault.exists && !vault.unlocked) $('unlock-pass').focus();
  if (hasAccounts) {
    if (!vault.accounts.some((a) => a.id === draft.account_id)) {
      draft.account_id = vault.default_id ?? vault.accounts[0].id;
    }
    renderAccounts();
  }
}

function pageError(error) {
  showError($('page-message'), error);
}

function stateOf(a) {
  if (a.status.state === 'verified' && a.status.access_level === 'read') return 'read_only';
  return a.status.state;
}

function renderAccounts() {
  const box = $('account-options');
  box.replaceChildren();
  for (const a of vault.accounts) {
    const label = document.createElement('label');
    label.className = 'account-option';
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'account';
    radio.value = a.id;
    radio.checked = a.id === draft.account_id;
    radio.addEventListener('change', () => chooseAccount(a.id));
    const avatar = document.createElement('img');
    avatar.className = 'avatar';
    avatar.alt = '';
    avatar.width = 24;
    avatar.height = 24;
    if (a.user?.profile_image_url) avatar.src = a.user.profile_image_url;
    const name = document.createElement('span');
    name.textContent = handleOf(a);
    label.dataset.state = stateOf(a);
    label.append(radio, avatar, name);
    box.append(label);
  }
  renderAccountState();
}

function renderAccountState() {
  const a = account();
  if (!a) return;
  const el = $('account-state');
  el.textContent = accountStatusText(a);
  $('account-state-row').dataset.state = stateOf(a);
}

function chooseAccount(id) {
  draft.account_id = id;
  show($('verify-message'), false);
  renderAccountState();
  updateCounts();
  changed();
  if (currentTab === 'sent') loadHistory();
}

$('verify').addEventListener('click', async () => {
  const a = account();
  if (!a) return;
  const button = $('verify');
  const note = $('verify-message');
  busy(button, true);
  note.dataset.kind = 'note';
  note.textContent = t('verifying');
  show(note, true);
  const answer = await ask('account_verify', { id: a.id });
  busy(button, false);
  if (answer.error?.code === 'locked') return refresh();
  const status = await ask('vault_status');
  if (status.ok) {
    vault = status.ok;
    renderAccounts();
  }
  note.dataset.kind = answer.error ? 'error' : (answer.ok.warning ? 'warning' : 'ok');
  note.textContent = answer.error ? errorText(answer.error)
    : answer.ok.warning ? (t(`warn_${answer.ok.warning}`) || errorText({ code: `warn_${answer.ok.warning}` }))
      : t('verifiedAs', [answer.ok.account.user?.username ?? '']);
});

function busy(button, on) {
  button.disabled = on;
  button.setAttribute('aria-busy', String(on));
}

// ----- unlock, lock, options -----
$('unlock-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const button = $('unlock-submit');
  const err = $('unlock-error');
  busy(button, true);
  show(err, false);
  const answer = await ask('vault_unlock', { passphrase: $('unlock-pass').value });
  busy(button, false);
  if (answer.error) {
    err.textContent = errorText(answer.error);
    show(err, true);
    $('unlock-pass').setAttribute('aria-invalid', 'true');
    $('unlock-pass').select();
    return;
  }
  $('unlock-pass').value = '';
  $('unlock-pass').removeAttribute('aria-invalid');
  await refresh(answer.ok);
  focusFirstPost();
});

$('lock').addEventListener('click', async () => {
  await saveNow();
  const answer = await ask('vault_lock');
  clearThumbs();
  draft = emptyDraft();
  renderPosts();
  vault = null;
  await refresh(answer.ok);
});

for (const id of ['open-options', 'open-options-accounts']) {
  $(id).addEventListener('click', () => {
    chrome.runtime.openOptionsPage();
    if (!document.body.classList.contains('window')) window.close();
  });
}

// ----- tabs -----
let currentTab = 'compose';
function selectTab(name) {
  currentTab = name;
  for (const [tab, panel] of [['compose', 'compose'], ['sent', 'sent']]) {
    const button = $(`tab-${tab}`);
    const on = tab === name;
    button.setAttribute('aria-selected', String(on));
    button.tabIndex = on ? 0 : -1;
    show($(panel), on);
  }
  if (name === 'sent') loadHistory();
}
for (const name of ['compose', 'sent']) {
  $(`tab-${name}`).addEventListener('click', () => selectTab(name));
}
$('tabs').addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight' && e.key !== 'Home' && e.key !== 'End') return;
  e.preventDefault();
  const next = currentTab === 'compose' ? 'sent' : 'compose';
  selectTab(e.key === 'Home' ? 'compose' : e.key === 'End' ? 'sent' : next);
  $(`tab-${currentTab}`).focus();
});

// ----- drafts -----
async function loadDraft() {
  const answer = await ask('draft_get');
  if (answer.error?.code === 'locked') return;
  // Without a stored draft (or if the core cannot give it) the composer still opens, empty.
  if (answer.error) pageError(answer.error);
  // The core answers a typed draft (with any right-click share already added and stored).
  const stored = answer.ok?.draft;
  const defaultId = vault.default_id ?? vault.accounts[0]?.id;
  draft = stored
    ? {
      account_id: vault.accounts.some((a) => a.id === stored.account_id) ? stored.account_id : defaultId,
      posts: stored.posts,
      updated_ms: stored.updated_ms,
    }
    : emptyDraft(defaultId);
  // The core's outbox knows what can be continued, even after a browser restart.
  const resumable = answer.ok?.resumable;
  failure = resumable ? { error: resumable, steps: resumable.steps, resumable: true } : null;
  renderAccounts();
  renderPosts();
  await loadThumbs();
  if (failure) showFailure(failure.error, failure.steps);
  await followProgress();
  focusFirstPost(answer.ok?.shared === true);
}

function changed() {
  dirty = true;
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
}

async function saveNow() {
  clearTimeout(saveTimer);
  if (!dirty || !vault?.unlocked) return;
  dirty = false;
  draft.updated_ms = Date.now();
  const answer = await ask('draft_save', { draft });
  if (answer.error && answer.error.code !== 'locked') pageError(answer.error);
}

// The popup can close at any moment: save what is pending as it goes.
addEventListener('pagehide', () => {
  if (!dirty || !vault?.unlocked) return;
  dirty = false;
  draft.updated_ms = Date.now();
  chrome.runtime.sendMessage({ type: 'draft_save', draft }).catch(() => {});
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') saveNow();
});

// ----- the posts -----
function renderPosts() {
  const list = $('posts');
  list.replaceChildren();
  const n = draft.posts.length;
  draft.posts.forEach((post, i) => list.append(postItem(post, i, n)));
  show($('split'), n === 1);
  $('split').disabled = !draft.posts[0].text.trim();
  $('add-post').textContent = t(n === 1 ? 'popupMakeThread' : 'popupAddPost');
  updateCounts();
}

function postItem(post, i, n) {
  const li = document.createElement('li');
  li.className = 'post';
  li.dataset.index = String(i);

  const head = document.createElement('div');
  head.className = 'post-head';
  const label = document.createElement('label');
  label.htmlFor = `text-${i}`;
  label.textContent = n === 1 ? t('popupTextLabel') : t('popupPostNofM', [String(i + 1), String(n)]);
  head.append(label);
  if (n > 1) {
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'link remove-post';
    remove.textContent = t('popupRemovePost');
    remove.setAttribute('aria-label', t('popupRemovePostLabel', [String(i + 1)]));
    remove.addEventListener('click', () => removePost(i));
    head.append(remove);
  }

  const editor = document.createElement('div');
  editor.className = 'editor';
  const backdrop = document.createElement('div');
  backdrop.className = 'backdrop';
  backdrop.setAttribute('aria-hidden', 'true');
  const area = document.createElement('textarea');
  area.id = `text-${i}`;
  area.className = 'post-text';
  area.value = post.text;
  area.spellcheck = true;
  area.setAttribute('aria-describedby', `count-${i} excess-${i}`);
  area.placeholder = i === 0 ? t('popupPlaceholder') : '';
  area.addEventListener('input', () => {
    draft.posts[i].text = area.value;
    if (i === 0) $('split').disabled = !area.value.trim();
    clearResult();
    updateCounts();
    changed();
  });
  area.addEventListener('scroll', () => { backdrop.scrollTop = area.scrollTop; });
  area.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/') || f.type === '');
    if (files.length) {
      e.preventDefault();
      addFiles(i, files);
    }
  });
  editor.append(backdrop, area);

  const meta = document.createElement('div');
  meta.className = 'post-meta';
  const counter = document.createElement('span');
  counter.className = 'counter';
  counter.id = `count-${i}`;
  const addImage = document.createElement('button');
  addImage.type = 'button';
  addImage.className = 'secondary small add-image';
  addImage.textContent = t('popupAddImage');
  addImage.setAttribute('aria-label', n === 1 ? t('popupAddImage') : t('popupAddImageTo', [String(i + 1)]));
  addImage.disabled = !mediaStore || post.media.length >= MAX_IMAGES;
  addImage.addEventListener('click', () => {
    pickerTarget = i;
    $('file-input').click();
  });
  meta.append(counter, addImage);

  const excess = document.createElement('p');
  excess.className = 'excess';
  excess.id = `excess-${i}`;
  excess.hidden = true;

  const mediaError = document.createElement('p');
  mediaError.className = 'error media-error';
  mediaError.id = `media-error-${i}`;
  mediaError.setAttribute('role', 'alert');
  mediaError.hidden = true;

  const media = document.createElement('ul');
  media.className = 'media';
  post.media.forEach((m, j) => media.append(mediaItem(m, i, j)));

  li.append(head, editor, meta, excess, mediaError, media);
  if (!mediaStore) {
    const note = document.createElement('p');
    note.className = 'hint';
    note.textContent = t('popupImagesUnavailable');
    li.append(note);
  }

  // Drop images anywhere on the post.
  li.addEventListener('dragover', (e) => {
    if ([...(e.dataTransfer?.types ?? [])].includes('Files')) {
      e.preventDefault();
      li.classList.add('drop');
    }
  });
  li.addEventListener('dragleave', () => li.classList.remove('drop'));
  li.addEventListener('drop', (e) => {
    li.classList.remove('drop');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    addFiles(i, files);
  });
  return li;
}

function mediaItem(m, i, j) {
  const li = document.createElement('li');
  li.className = 'thumb';
  li.dataset.mediaId = m.media_id;
  const img = document.createElement('img');
  img.alt = t('popupThumbAlt', [m.name ?? '']);
  img.width = 72;
  img.height = 72;
  const url = thumbs.get(m.media_id);
  if (url) img.src = url;
  const fields = document.createElement('div');
  fields.className = 'alt-fields';
  const label = document.createElement('label');
  label.htmlFor = `alt-${i}-${j}`;
  label.textContent = t('popupAltLabel', [String(j + 1), m.name ?? '']);
  const alt = document.createElement('textarea');
  alt.id = `alt-${i}-${j}`;
  alt.className = 'alt-text';
  alt.rows = 2;
  alt.maxLength = MAX_ALT;
  alt.value = m.alt ?? '';
  alt.setAttribute('aria-describedby', `alt-count-${i}-${j}`);
  const altCount = document.createElement('span');
  altCount.className = 'hint alt-count';
  altCount.id = `alt-count-${i}-${j}`;
  const setCount = () => { altCount.textContent = t('popupAltCount', [String([...alt.value].length), String(MAX_ALT)]); };
  setCount();
  alt.addEventListener('input', () => {
    draft.posts[i].media[j].alt = alt.value;
    setCount();
    updateCost();
    changed();
  });
  const info = document.createElement('span');
  info.className = 'hint';
  info.textContent = `${m.name ?? ''} · ${size(m.size ?? 0)}`;
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'link remove-image';
  remove.textContent = t('popupRemoveImage');
  remove.setAttribute('aria-label', t('popupRemoveImageLabel', [m.name ?? String(j + 1)]));
  remove.addEventListener('click', () => removeImage(i, j));
  fields.append(label, alt, altCount, info, remove);
  li.append(img, fields);
  return li;
}

function focusFirstPost(toEnd = false) {
  const area = $('text-0');
  if (!area || $('compose').hidden) return;
  area.focus();
  if (toEnd) area.setSelectionRange(area.value.length, area.value.length);
}

function removePost(i) {
  const [gone] = draft.posts.splice(i, 1);
  for (const m of gone.media) dropImage(m.media_id);
  if (!draft.posts.length) draft.posts.push({ text: '', media: [] });
  renderPosts();
  changed();
  $(`text-${Math.min(i, draft.posts.length - 1)}`).focus();
}

$('add-post').addEventListener('click', () => {
  draft.posts.push({ text: '', media: [] });
  renderPosts();
  changed();
  $(`text-${draft.posts.length - 1}`).focus();
});

$('split').addEventListener('click', () => {
  const [only] = draft.posts;
  if (!only.text.trim()) return;
  let parts = null;
  if (core?.split_thread) {
    try { parts = core.split_thread(only.text, premiumOf(account())); } catch { parts = null; }
  }
  if (!Array.isArray(parts) || !parts.length) {
    announce(t('popupSplitUnavailable'));
    return;
  }
  draft.posts = parts.map((text, k) => ({ text, media: k === 0 ? only.media : [] }));
  renderPosts();
  changed();
  announce(t('popupSplitDone', [String(parts.length)]));
  $('text-0').focus();
});

// Counter, excess marking, Post enabled or not, cost.
function updateCounts() {
  const premium = premiumOf(account());
  let allValid = true;
  let overAny = false;
  draft.posts.forEach((post, i) => {
    const area = $(`text-${i}`);
    if (!area) return;
    const c = count(post.text, premium);
    const counter = $(`count-${i}`);
    const over = c.remaining < 0;
    counter.textContent = over ? t('popupOver', [String(-c.remaining)]) : t('popupLeft', [String(c.remaining)]);
    if (c.approximate) counter.textContent += ` ${t('popupApproximate')}`;
    counter.dataset.state = over ? 'over' : c.remaining <= 20 ? 'near' : 'ok';
    const empty = !post.text.trim();
    area.setAttribute('aria-invalid', String(over));
    // The part past the limit: highlighted behind the text, and said in words below it.
    const from = over && Number.isInteger(c.over_limit_from_utf16)
      ? Math.max(0, Math.min(c.over_limit_from_utf16, post.text.length)) : null;
    const backdrop = area.previousElementSibling;
    backdrop.replaceChildren();
    if (from !== null) {
      const mark = document.createElement('mark');
      mark.textContent = post.text.slice(from);
      backdrop.append(document.createTextNode(post.text.slice(0, from)), mark);
    } else {
      backdrop.append(document.createTextNode(post.text));
    }
    backdrop.append(document.createTextNode('\n'));
    backdrop.scrollTop = area.scrollTop;
    const excess = $(`excess-${i}`);
    if (from !== null) {
      const cut = post.text.slice(from);
      const shown = cut.length > 80 ? `${cut.slice(0, 80)}…` : cut;
      excess.textContent = t('popupExcess', [String(-c.remaining), shown]);
    }
    show(excess, from !== null || over);
    if (over && from === null) excess.textContent = t('popupOver', [String(-c.remaining)]);
    if (!c.valid || empty) allValid = false;
    if (over) overAny = true;
  });
  $('post').disabled = sending || isResumable() || !allValid || !account();
  $('post').dataset.blocked = overAny ? 'over_limit' : (!allValid ? 'invalid' : '');
  // Say it once when a post goes over the limit or comes back, not on every keystroke.
  const state = overAny ? 'over' : 'ok';
  if (state !== lastAnnounced) {
    if (lastAnnounced || overAny) announce(t(overAny ? 'popupOverAnnounce' : 'popupBackUnder'));
    lastAnnounced = state;
  }
  updateCost();
}

function updateCost() {
  const e = estimate(draft.posts);
  const el = $('cost');
  if (!e) {
    el.textContent = t('popupCostUnavailable');
    el.dataset.hasUrl = 'false';
    return;
  }
  let text = t(draft.posts.length > 1 ? 'popupCostThread' : 'popupCost', [money(e.micro_usd), String(draft.posts.length)]);
  if (e.has_url) text += ` ${t('popupCostLink')}`;
  if (e.as_of) text += ` ${t('popupCostAsOf', [e.as_of])}`;
  el.textContent = text;
  el.dataset.hasUrl = String(Boolean(e.has_url));
}

function announce(text) {
  $('counter-announce').textContent = text;
}

// ----- images -----
let pickerTarget = 0;
$('file-input').addEventListener('change', (e) => {
  const files = [...(e.target.files ?? [])];
  e.target.value = '';
  if (files.length) addFiles(pickerTarget, files);
});

// The real type from the file's first bytes (a renamed file or a pasted blob may say otherwise).
async function sniff(file) {
  const b = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const ascii = (from, to) => String.fromCharCode(...b.slice(from, to));
  if (b[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

async function addFiles(i, files) {
  const post = draft.posts[i];
  if (!post) return;
  const problems = [];
  if (!mediaStore) {
    problems.push(t('popupImagesUnavailable'));
    files = [];
  }
  for (const file of files) {
    const name = file.name || t('popupPastedImage');
    if (post.media.length >= MAX_IMAGES) {
      problems.push(t('popupTooManyImages', [String(MAX_IMAGES)]));
      break;
    }
    const type = await sniff(file);
    if (!type || !IMAGE_TYPES.includes(type)) {
      problems.push(t('popupBadType', [name]));
      continue;
    }
    if (file.size > MAX_IMAGE_BYTES) {
      problems.push(t('popupTooBig', [name, size(file.size)]));
      continue;
    }
    try {
      const blob = file.type === type ? file : new File([file], name, { type });
      const rec = await mediaStore.putMedia(blob);
      post.media.push({
        media_id: rec.media_id, name: rec.name ?? name, type: rec.type ?? type, size: rec.size ?? file.size, alt: '',
      });
      thumbs.set(rec.media_id, URL.createObjectURL(blob));
    } catch {
      problems.push(t('popupImageStoreFailed', [name]));
    }
  }
  renderPosts();
  changed();
  const err = $(`media-error-${i}`);
  err.textContent = problems.join(' ');
  show(err, problems.length > 0);
  const alts = document.querySelectorAll(`li.post[data-index="${i}"] textarea.alt-text`);
  if (!problems.length && alts.length) alts[alts.length - 1].focus();
}

function removeImage(i, j) {
  const [m] = draft.posts[i].media.splice(j, 1);
  if (m) dropImage(m.media_id);
  renderPosts();
  changed();
  $(`text-${i}`).focus();
}

function dropImage(id) {
  const url = thumbs.get(id);
  if (url) URL.revokeObjectURL(url);
  thumbs.delete(id);
  mediaStore?.deleteMedia(id).catch(() => {});
}

function clearThumbs() {
  for (const url of thumbs.values()) URL.revokeObjectURL(url);
  thumbs.clear();
}

async function loadThumbs() {
  if (!mediaStore) return;
  for (const post of draft.posts) {
    for (const m of post.media) {
      if (thumbs.has(m.media_id)) continue;
      try {
        const got = await mediaStore.getMedia(m.media_id);
        if (!got) continue;
        thumbs.set(m.media_id, URL.createObjectURL(new Blob([got.bytes], { type: got.type })));
      } catch { /* a missing image shows without its thumbnail */ }
    }
  }
  for (const img of document.querySelectorAll('li.thumb img')) {
    const url = thumbs.get(img.closest('li').dataset.mediaId);
    if (url && !img.src) img.src = url;
  }
}

// ----- posting -----
$('compose-form').addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !$('compose').hidden) {
    e.preventDefault();
    send();
  }
});
$('resume').addEventListener('click', () => send(true));
// After an unknown outcome the core resends nothing without one of these decisions.
$('on-x').addEventListener('click', () => send(true, { decision: 'on_x', post_url: $('posted-url').value }));
$('send-anyway').addEventListener('click', () => send(true, { decision: 'send_anyway' }));

// Refusals of a decision that changed nothing: the failure they answer stays as it was.
const DECISION_REFUSED = new Set(['post_url_invalid', 'post_id_required']);

async function send(resume = false, decision = {}) {
  if (sending) return;
  if (!resume && $('post').disabled) return;
  const a = account();
  if (!a) return;
  sending = true;
  setSending(true);
  show($('result'), false);
  show($('failure'), false);
  await saveNow();
  const steps = draft.posts.length;
  showProgress({ active: true, step: resume && failure ? failure.error.step ?? 0 : 0, steps, phase: 'posting', uploaded_bytes: 0, total_bytes: 0 });
  const answer = resume
    ? await ask('post_resume', decision)
    : await ask('post_send', {
      account_id: a.id,
      posts: draft.posts.map((p) => ({ text: p.text, media: p.media.map((m) => ({ media_id: m.media_id, alt: m.alt })) })),
    });
  sending = false;
  setSending(false);
  show($('progress'), false);
  if (answer.error) {
    if (answer.error.code === 'locked') {
      await refresh();
    }
    if (resume && failure && DECISION_REFUSED.has(answer.error.code)) {
      showFailure(failure.error, failure.steps);
      const where = $('posted-url-error');
      where.textContent = errorText(answer.error);
      show(where, true);
      $('posted-url').focus();
      return;
    }
    failure = { error: answer.error, steps, resumable: answer.error.resumable === true };
    showFailure(answer.error, steps);
    updateCounts();
    return;
  }
  await succeeded(answer.ok);
}

async function succeeded(ok) {
  failure = null;
  show($('failure'), false);
  clearTimeout(saveTimer);
  dirty = false;
  await ask('draft_clear');
  clearThumbs();
  draft = emptyDraft(draft.account_id);
  renderPosts();
  setSending(false);
  const result = $('result');
  result.replaceChildren();
  const head = document.createElement('p');
  head.textContent = ok.posted.length > 1 ? t('popupPostedThread', [String(ok.posted.length)]) : t('popupPosted');
  result.append(head, postedLinks(ok.posted, ok.username));
  show(result, true);
  $('text-0').focus();
  if (currentTab === 'sent') loadHistory();
}

function postUrl(p, username) {
  return p.url || `https://x.com/${username ?? account()?.user?.username ?? 'i'}/status/${p.id}`;
}

function postedLinks(posted, username) {
  const list = document.createElement('ol');
  list.className = 'posted-links';
  posted.forEach((p, k) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = postUrl(p, username);
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = posted.length > 1 ? t('popupViewPostN', [String(k + 1)]) : t('popupViewPost');
    a.dataset.id = p.id;
    li.append(a);
    list.append(li);
  });
  return list;
}

function showFailure(error, steps) {
  const box = $('failure');
  box.dataset.code = error.code ?? 'internal';
  let text = errorText(error);
  if (steps > 1 && Number.isInteger(error.step)) {
    text = t('popupStepFailed', [String(error.step + 1), String(steps), text]);
  }
  text += ` ${t('popupDraftKept')}`;
  $('failure-text').textContent = text;
  const posted = error.posted ?? [];
  const where = $('failure-posted');
  where.replaceChildren();
  if (posted.length) {
    const p = document.createElement('p');
    p.textContent = t('popupAlreadyPosted', [String(posted.length)]);
    where.append(p, postedLinks(posted));
  }
  show(where, posted.length > 0);
  const resumable = isResumable();
  // It may be on X: check, say it is there, or send anyway; never a plain "Resume".
  const unknown = error.code === 'post_outcome_unknown';
  // A step on X whose id is unknown: only its link lets the thread go on.
  const needsLink = error.code === 'post_id_required';
  show($('unknown-actions'), unknown || needsLink);
  show($('send-anyway'), unknown);
  show($('posted-url-error'), false);
  if (unknown || needsLink) {
    $('check-profile').href = `https://x.com/${account()?.user?.username ?? ''}`;
    $('posted-url').value = '';
  }
  show($('resume'), resumable && !unknown);
  show($('discard-rest'), resumable);
  show($('failure-locked'), resumable);
  show(box, true);
  setSending(false);
}

// A thread that failed after some of it is on X continues from what the worker kept (the
// outbox): edits would not reach it, and posting it anew would repeat what is already on X. So
// the composer stays read-only until the rest is resumed or discarded.
// A post whose outcome is unknown keeps the composer read-only the same way: posting it anew
// could put it on X twice.
function isResumable() {
  return Boolean(failure?.resumable);
}

$('discard-rest').addEventListener('click', async () => {
  failure = null;
  clearTimeout(saveTimer);
  dirty = false;
  await ask('draft_clear');
  clearThumbs();
  draft = emptyDraft(draft.account_id);
  show($('failure'), false);
  renderPosts();
  setSending(false);
  $('text-0').focus();
});

function clearResult() {
  show($('result'), false);
  if (!failure) show($('failure'), false);
}

function setSending(on) {
  const locked = on || isResumable();
  $('compose-fields').disabled = locked;
  $('account-picker').disabled = locked;
  $('post').disabled = locked;
  $('post').setAttribute('aria-busy', String(on));
  $('resume').disabled = on;
  $('discard-rest').disabled = on;
  if (!on && $('text-0')) updateCounts();
}

function showProgress(p) {
  const box = $('progress');
  if (!p?.active) {
    show(box, false);
    return;
  }
  const step = String(Math.min((p.step ?? 0) + 1, p.steps ?? 1));
  const steps = String(p.steps ?? 1);
  const bar = $('progress-bar');
  if (p.phase === 'uploading' && p.total_bytes > 0) {
    $('progress-text').textContent = t('popupUploading', [size(p.uploaded_bytes ?? 0), size(p.total_bytes), step, steps]);
    bar.max = p.total_bytes;
    bar.value = Math.min(p.uploaded_bytes ?? 0, p.total_bytes);
    show(bar, true);
  } else {
    $('progress-text').textContent = Number(steps) > 1 ? t('popupPostingStep', [step, steps]) : t('popupPosting');
    show(bar, false);
  }
  box.dataset.phase = p.phase ?? 'posting';
  show(box, true);
}

// Progress comes from the worker through storage.session. A post that another popup started
// (this one was closed and reopened meanwhile) is followed until it ends.
chrome.storage.onChanged.addListener(async (changes, area) => {
  if (area === 'session' && changes.post_progress) {
    const p = changes.post_progress.newValue;
    // A followed post (started by another popup) is checked first: its end must re-enable
    // the composer, and `sending` is set while following it.
    if (watching) {
      if (p?.active) showProgress(p);
      else await watchEnded();
    } else if (sending) {
      showProgress(p);
    }
  }
  if (area !== 'local' && area !== 'session') return;
  if (changes.post_progress) return;
  const answer = await ask('vault_status');
  if (answer.ok && vault && (answer.ok.exists !== vault.exists || answer.ok.unlocked !== vault.unlocked)) {
    if (!answer.ok.unlocked) {
      clearThumbs();
      draft = emptyDraft();
      renderPosts();
    }
    vault = null;
    await refresh(answer.ok);
  }
});

let watching = false;
async function followProgress() {
  const answer = await ask('post_progress');
  if (!answer.ok?.active) return;
  watching = true;
  sending = true;
  setSending(true);
  showProgress(answer.ok);
}

async function watchEnded() {
  watching = false;
  sending = false;
  setSending(false);
  show($('progress'), false);
  // The worker cleared the draft if the post went through; show what is left of it.
  const answer = await ask('draft_get');
  if (answer.ok && !answer.ok.draft) {
    clearThumbs();
    draft = emptyDraft(draft.account_id);
    renderPosts();
    const result = $('result');
    result.replaceChildren(Object.assign(document.createElement('p'), { textContent: t('popupPostedElsewhere') }));
    show(result, true);
  }
}

// ----- history -----
async function loadHistory() {
  const a = account();
  $('sent-heading').textContent = t('popupSentHeading', [handleOf(a)]);
  const list = $('sent-list');
  const answer = await ask('history_list', a ? { account_id: a.id } : {});
  list.replaceChildren();
  if (answer.error) {
    $('sent-empty').textContent = errorText(answer.error);
    show($('sent-empty'), true);
    return;
  }
  const items = answer.ok.items ?? [];
  $('sent-empty').textContent = t('popupSentEmpty');
  show($('sent-empty'), items.length === 0);
  for (const item of items) {
    const li = document.createElement('li');
    li.className = 'sent-item';
    const text = document.createElement('p');
    text.className = 'sent-text';
    text.textContent = item.text;
    const meta = document.createElement('p');
    meta.className = 'hint';
    const when = document.createElement('time');
    when.dateTime = new Date(item.at_ms).toISOString();
    when.textContent = new Date(item.at_ms).toLocaleString(chrome.i18n.getUILanguage());
    const link = document.createElement('a');
    link.href = item.url || `https://x.com/${item.username}/status/${item.id}`;
    link.target = '_blank';
    link.rel = 'noopener';
    link.textContent = t('popupViewPost');
    link.setAttribute('aria-label', t('popupViewPostFrom', [when.textContent]));
    meta.append(when, ' · ', link);
    li.append(text, meta);
    list.append(li);
  }
}

// ----- start -----
[core, mediaStore] = await Promise.all([coreReady, mediaReady]);
$('core-status').textContent = core ? '' : t('popupCoreMissing');
await refresh();

// ----- scheduling from the composer -----
// The time is the user's local time (datetime-local); the core refuses the past and more than
// a year ahead, and warns when the account's 24-hour limit would be exceeded.
const scheduleAt = $('schedule-at');
$('schedule-tz').textContent = t('popupScheduleTz', [Intl.DateTimeFormat().resolvedOptions().timeZone]);

function localInputValue(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

$('schedule-hour').addEventListener('click', () => {
  scheduleAt.value = localInputValue(Math.ceil((Date.now() + 3_600_000) / 60_000) * 60_000);
});
$('schedule-morning').addEventListener('click', () => {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  scheduleAt.value = localInputValue(d.getTime());
});

function scheduleNote(kind, nodes) {
  const el = $('schedule-message');
  el.dataset.kind = kind;
  el.replaceChildren(...nodes);
  show(el, true);
}

$('schedule').addEventListener('click', async () => {
  const a = account();
  if (!a || sending) return;
  if (!scheduleAt.value) {
    scheduleNote('error', [t('popupScheduleNoTime')]);
    scheduleAt.focus();
    return;
  }
  if ($('post').dataset.blocked) {
    scheduleNote('error', [errorText({ code: 'post_too_long' })]);
    return;
  }
  const due = new Date(scheduleAt.value).getTime();
  await saveNow();
  const button = $('schedule');
  button.disabled = true;
  const answer = await ask('schedule_add', {
    account_id: a.id,
    due_at_ms: due,
    posts: draft.posts.map((p) => ({ text: p.text, media: p.media.map((m) => ({ media_id: m.media_id, alt: m.alt })) })),
  });
  button.disabled = false;
  if (answer.error) {
    if (answer.error.code === 'locked') await refresh();
    scheduleNote('error', [errorText(answer.error)]);
    return;
  }
  // The draft's images now belong to the scheduled post: keep them in the media store.
  clearTimeout(saveTimer);
  dirty = false;
  await ask('draft_clear', { keep_media: true });
  clearThumbs();
  draft = emptyDraft(draft.account_id);
  renderPosts();
  const when = new Date(due).toLocaleString();
  const nodes = [t('popupScheduled', [when, `@${a.user?.username ?? ''}`])];
  const warn = answer.ok.warning;
  if (warn?.code === 'schedule_over_24h_limit') {
    nodes.push(document.createElement('br'), t('popupScheduleOverLimit', [String(warn.planned), String(warn.limit)]));
  }
  scheduleNote(warn ? 'warning' : 'ok', nodes);
  scheduleAt.value = '';
  $('text-0').focus();
});
