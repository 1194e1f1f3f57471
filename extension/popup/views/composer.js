// The composer: the post list (rebuilt on structural changes), X's own count under each post
// with the part past the limit marked, split and add, the cost, and Post (button, Ctrl+Enter).
import { $, show } from '../../lib/dom.js';
import { t, errorText } from '../../lib/i18n.js';
import { money } from '../../lib/format.js';
import { currentAccount, composerLocked } from '../store.js';
import { postItem } from './post.js';

/**
 * @param {import('../store.js').Store} store
 * @param {import('../effects.js').Effects} fx
 * @param {import('../../lib/core.js').Core} core
 * @param {boolean} imagesAvailable
 */
export function mountComposer(store, fx, core, imagesAvailable) {
  const limits = core.limits();
  let pickerTarget = 0;
  let lastAnnounced = '';
  const announce = (/** @type {string} */ text) => { $('counter-announce').textContent = text; };
  const focusText = (/** @type {number} */ i) => $(`text-${i}`)?.focus();

  /** @param {number} i @param {File[]} files */
  async function addFiles(i, files) {
    const problems = await fx.addFiles(i, files);
    const err = $(`media-error-${i}`);
    err.textContent = problems.map((p) => t(p.key, p.args)).join(' ');
    show(err, problems.length > 0);
    const alts = document.querySelectorAll(`li.post[data-index="${i}"] textarea.alt-text`);
    if (!problems.length && alts.length) /** @type {HTMLElement} */ (alts[alts.length - 1]).focus();
  }

  /** @type {import('./post.js').PostContext} */
  const ctx = {
    n: 1, imagesAvailable, limits, addFiles,
    pickImages: (i) => { pickerTarget = i; $('file-input').click(); },
    fx: {
      ...fx,
      removePost: (i) => { fx.removePost(i); focusText(Math.min(i, store.getState().draft.posts.length - 1)); },
      removeImage: (i, j) => { fx.removeImage(i, j); focusText(i); },
    },
  };

  $('file-input').addEventListener('change', (/** @type {Event} */ e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length) addFiles(pickerTarget, files);
  });
  $('add-post').addEventListener('click', () => {
    fx.addPost();
    focusText(store.getState().draft.posts.length - 1);
  });
  $('split').addEventListener('click', () => {
    const parts = fx.split();
    if (!parts) return;
    announce(t('popupSplitDone', [String(parts)]));
    focusText(0);
  });
  $('compose-form').addEventListener('submit', (/** @type {Event} */ e) => {
    e.preventDefault();
    if (!$('post').disabled) fx.send();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || $('compose').hidden) return;
    e.preventDefault();
    if (!$('post').disabled) fx.send();
  });
  $('post-shortcut').textContent = t(/Mac/i.test(navigator.platform) ? 'popupShortcutMac' : 'popupShortcut');

  store.subscribe((s, prev) => {
    if (s.draft.rev !== prev.draft.rev) renderPosts(s);
    if (s.draft !== prev.draft || s.vault !== prev.vault || s.sending !== prev.sending || s.failure !== prev.failure) {
      updateCounts(s);
    }
    if (s.sending !== prev.sending || s.failure !== prev.failure) {
      const locked = composerLocked(s);
      $('compose-fields').disabled = locked;
      $('account-picker').disabled = locked;
      $('post').setAttribute('aria-busy', String(s.sending));
    }
    if (s.focusText && !$('compose').hidden) {
      const area = $('text-0');
      area?.focus();
      area?.setSelectionRange(area.value.length, area.value.length);
      queueMicrotask(() => store.dispatch({ type: 'focused' }));
    }
  });

  /** @param {import('../store.js').State} s */
  function renderPosts(s) {
    const n = s.draft.posts.length;
    ctx.n = n;
    $('posts').replaceChildren(...s.draft.posts.map((post, i) => postItem(post, i, ctx)));
    show($('split'), n === 1);
    $('add-post').textContent = t(n === 1 ? 'popupMakeThread' : 'popupAddPost');
  }

  /** @param {import('../store.js').State} s */
  function updateCounts(s) {
    const premium = Boolean(currentAccount(s)?.premium);
    let allValid = true;
    let overAny = false;
    s.draft.posts.forEach((post, i) => {
      const area = $(`text-${i}`);
      if (!area) return;
      const c = core.count_text(post.text, premium);
      const over = c.remaining < 0;
      const counter = $(`count-${i}`);
      counter.textContent = over ? t('popupOver', [String(-c.remaining)]) : t('popupLeft', [String(c.remaining)]);
      counter.dataset.state = over ? 'over' : c.remaining <= 20 ? 'near' : 'ok';
      area.setAttribute('aria-invalid', String(over));
      markExcess(area, post.text, over && Number.isInteger(c.over_limit_from_utf16) ? Number(c.over_limit_from_utf16) : null);
      const excess = $(`excess-${i}`);
      const from = over && Number.isInteger(c.over_limit_from_utf16) ? Math.max(0, Math.min(Number(c.over_limit_from_utf16), post.text.length)) : null;
      if (from !== null) {
        const cut = post.text.slice(from);
        excess.textContent = t('popupExcess', [String(-c.remaining), cut.length > 80 ? `${cut.slice(0, 80)}…` : cut]);
      } else if (over) {
        excess.textContent = t('popupOver', [String(-c.remaining)]);
      }
      show(excess, over);
      if (!c.valid || !post.text.trim()) allValid = false;
      if (over) overAny = true;
    });
    // X's rules the core checks again when sending or scheduling (one $CASHTAG, a GIF alone),
    // shown at once so nothing is uploaded for a post X would refuse.
    const rule = core.check_post(s.draft.posts.map((p) => ({ text: p.text, media_types: p.media.map((m) => m.type) })));
    s.draft.posts.forEach((_, i) => {
      const box = $(`rule-error-${i}`);
      if (!box) return;
      const mine = rule && rule.step === i;
      const text = mine ? errorText(rule) : '';
      if (box.textContent !== text) box.textContent = text;
      show(box, Boolean(mine));
    });
    $('split').disabled = !s.draft.posts[0].text.trim();
    const post = $('post');
    post.disabled = composerLocked(s) || !allValid || Boolean(rule) || !currentAccount(s);
    post.dataset.blocked = overAny ? 'over_limit' : !allValid ? 'invalid' : rule ? rule.code : '';
    // Said once when a post goes over the limit or comes back, not on every keystroke.
    const state = overAny ? 'over' : 'ok';
    if (state !== lastAnnounced) {
      if (lastAnnounced || overAny) announce(t(overAny ? 'popupOverAnnounce' : 'popupBackUnder'));
      lastAnnounced = state;
    }
    const e = core.estimate_cost(s.draft.posts.map((p) => ({
      text: p.text, media: p.media.length, alt_texts: p.media.filter((m) => m.alt.trim()).length,
    })));
    let text = t(s.draft.posts.length > 1 ? 'popupCostThread' : 'popupCost', [money(e.micro_usd), String(s.draft.posts.length)]);
    if (e.has_url) text += ` ${t('popupCostLink')}`;
    if (e.media_upload_unpublished) text += ` ${t('popupCostMediaUnpublished')}`;
    if (e.as_of) text += ` ${t('popupCostAsOf', [e.as_of])}`;
    $('cost').textContent = text;
    $('cost').dataset.hasUrl = String(Boolean(e.has_url));
  }
}

/**
 * The part past the limit, highlighted behind the text.
 * @param {HTMLTextAreaElement} area
 * @param {string} text
 * @param {number|null} overFrom
 */
function markExcess(area, text, overFrom) {
  const backdrop = /** @type {HTMLElement} */ (area.previousElementSibling);
  const from = overFrom === null ? null : Math.max(0, Math.min(overFrom, text.length));
  if (from === null) {
    backdrop.replaceChildren(document.createTextNode(`${text}\n`));
  } else {
    const mark = document.createElement('mark');
    mark.textContent = text.slice(from);
    backdrop.replaceChildren(document.createTextNode(text.slice(0, from)), mark, document.createTextNode('\n'));
  }
  backdrop.scrollTop = area.scrollTop;
}
