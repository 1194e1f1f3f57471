// Everything the popup asks of the core, and the one place that does: each effect sends a
// message (or reads the media store) and dispatches what came back. Views call these.
// This file: the vault, the draft and its editing; post-effects.js: posting and what follows.
import { ask, tell } from '../lib/rpc.js';
import { bytes } from '../lib/format.js';
import { currentAccount } from './store.js';
import { createPostEffects } from './post-effects.js';
import { setThumb, dropThumb, clearThumbs } from './thumbs.js';

const SAVE_DELAY_MS = 300;

/**
 * @param {import('./store.js').Store} store
 * @param {import('../lib/core.js').Core} core
 * @param {any} mediaStore extension/media-store.js, or null when IndexedDB is unavailable
 */
export function createEffects(store, core, mediaStore) {
  const { dispatch, getState } = store;
  let saveTimer = 0;
  /** The save in flight, if any: a lock waits for it, or the worker would refuse it as locked. */
  let saving = Promise.resolve();

  /** @param {import('../lib/protocol.js').CoreError} error */
  const pageError = (error) => dispatch({ type: 'page_error', error });

  /**
   * Asks the vault's state (or takes one an answer carried) and loads the draft after an unlock.
   * @param {import('../lib/protocol.js').VaultStatus} [next]
   */
  async function refreshVault(next) {
    let vault = next;
    if (!vault) {
      const answer = await ask('vault_status');
      if (answer.error) return pageError(answer.error);
      vault = answer.ok;
    }
    const wasUnlocked = getState().vault?.unlocked;
    if (!vault.unlocked) clearThumbs();
    // After an unlock the draft comes back before the composer shows, never an empty one first:
    // the draft is fetched while the unlock form still shows, then both are drawn in one go (an
    // empty composer in between would take what the user types there, then lose it).
    if (vault.unlocked && !wasUnlocked && vault.accounts.length) {
      const answer = await fetchDraft();
      dispatch({ type: 'vault', vault });
      if (answer) {
        dispatch({ type: 'draft_loaded', ...answer });
        await followProgress();
      }
      return;
    }
    dispatch({ type: 'vault', vault });
  }

  /** The stored draft with its thumbnails, or null when the vault locked meanwhile. */
  async function fetchDraft() {
    const answer = await ask('draft_get');
    if (answer.error?.code === 'locked') return null;
    // Without a stored draft (or if the core cannot give it) the composer still opens, empty.
    if (answer.error) pageError(answer.error);
    const ok = answer.ok ?? { draft: null, resumable: null, shared: false };
    await loadThumbs(ok.draft);
    return { draft: ok.draft, resumable: ok.resumable, shared: ok.shared };
  }

  async function loadDraft() {
    const answer = await fetchDraft();
    if (!answer) return;
    dispatch({ type: 'draft_loaded', ...answer });
    await followProgress();
  }

  /** @param {import('../lib/protocol.js').Draft|null} draft */
  async function loadThumbs(draft) {
    if (!mediaStore || !draft) return;
    for (const m of draft.posts.flatMap((p) => p.media)) {
      try {
        const got = await mediaStore.getMedia(m.media_id);
        if (got) setThumb(m.media_id, new Blob([got.bytes], { type: got.type }));
      } catch { /* a missing image shows without its thumbnail */ }
    }
  }

  // A post another popup started (this one was closed and reopened meanwhile) is followed.
  async function followProgress() {
    const answer = await ask('post_progress');
    if (answer.ok?.active) dispatch({ type: 'watch', progress: answer.ok });
  }

  /** The draft changed: store it shortly (a burst of keystrokes is one save). */
  function changed() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
  }

  async function saveNow() {
    clearTimeout(saveTimer);
    const s = getState();
    if (!s.dirty || !s.vault?.unlocked) return;
    dispatch({ type: 'saved' });
    const sent = ask('draft_save', { draft: draftOut(s.draft) });
    saving = sent.then(() => undefined, () => undefined);
    const answer = await sent;
    if (answer.error && answer.error.code !== 'locked') pageError(answer.error);
  }

  // The popup can close at any moment: what is pending goes without waiting for an answer.
  function saveOnHide() {
    const s = getState();
    if (!s.dirty || !s.vault?.unlocked) return;
    dispatch({ type: 'saved' });
    tell('draft_save', { draft: draftOut(s.draft) });
  }

  async function lock() {
    // A debounced save may already be on its way: it must land before the vault locks.
    await saveNow();
    await saving;
    const answer = await ask('vault_lock');
    if (answer.error) return pageError(answer.error);
    await refreshVault(answer.ok);
  }

  /** @param {string} id */
  function chooseAccount(id) {
    dispatch({ type: 'account', id });
    changed();
  }

  async function verify() {
    const a = currentAccount(getState());
    if (!a) return null;
    const answer = await ask('account_verify', { id: a.id });
    if (answer.error?.code === 'locked') return null;
    await refreshVault();
    return answer;
  }

  /** @param {'compose'|'sent'} tab */
  function selectTab(tab) {
    dispatch({ type: 'tab', tab });
    if (tab === 'sent') loadHistory();
  }

  /** @param {number} index @param {string} text */
  function editText(index, text) {
    dispatch({ type: 'text', index, text });
    changed();
  }

  /** @param {number} index @param {number} media @param {string} alt */
  function editAlt(index, media, alt) {
    dispatch({ type: 'alt', index, media, alt });
    changed();
  }

  function addPost() {
    dispatch({ type: 'add_post' });
    changed();
  }

  /** @param {number} index */
  function removePost(index) {
    for (const m of getState().draft.posts[index]?.media ?? []) dropImage(m.media_id);
    dispatch({ type: 'remove_post', index });
    changed();
  }

  /** Splits the only post into a thread, as the core splits it. @returns {number} parts */
  function split() {
    const s = getState();
    const parts = core.split_thread(s.draft.posts[0].text, Boolean(currentAccount(s)?.premium));
    if (!parts.length) return 0;
    dispatch({ type: 'split', parts });
    changed();
    return parts.length;
  }

  /**
   * Adds image files to a post: the core tells the real type from the first bytes and the
   * limits; refused files are named in the returned problems.
   * @param {number} index
   * @param {File[]} files
   * @returns {Promise<{key: string, args: string[]}[]>}
   */
  async function addFiles(index, files) {
    const limits = core.limits();
    const problems = [];
    const added = [];
    let count = getState().draft.posts[index]?.media.length ?? 0;
    for (const file of files) {
      const name = file.name || 'image';
      if (count >= limits.max_images) {
        problems.push({ key: 'popupTooManyImages', args: [String(limits.max_images)] });
        break;
      }
      const type = core.sniff_image(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
      if (!type || !limits.image_types.includes(type)) {
        problems.push({ key: 'popupBadType', args: [name] });
        continue;
      }
      if (file.size > (type === 'image/gif' ? limits.max_gif_bytes : limits.max_image_bytes)) {
        problems.push({ key: 'popupTooBig', args: [name, bytes(file.size)] });
        continue;
      }
      try {
        const blob = file.type === type ? file : new File([file], name, { type });
        const rec = await mediaStore.putMedia(blob);
        added.push({ media_id: rec.media_id, name: rec.name ?? name, type: rec.type ?? type, size: rec.size ?? file.size, alt: '' });
        setThumb(rec.media_id, blob);
        count += 1;
      } catch {
        problems.push({ key: 'popupImageStoreFailed', args: [name] });
      }
    }
    if (added.length) {
      dispatch({ type: 'media_added', index, media: added });
      changed();
    }
    return problems;
  }

  /** @param {number} index @param {number} media */
  function removeImage(index, media) {
    const m = getState().draft.posts[index]?.media[media];
    if (m) dropImage(m.media_id);
    dispatch({ type: 'remove_media', index, media });
    changed();
  }

  /** @param {string} id */
  function dropImage(id) {
    dropThumb(id);
    mediaStore?.deleteMedia(id).catch(() => {});
  }

  async function loadHistory() {
    const a = currentAccount(getState());
    const answer = await ask('history_list', a ? { account_id: a.id } : {});
    dispatch({ type: 'history', items: answer.ok?.items ?? [], error: answer.error ?? null });
  }

  const draft = {
    refreshVault, loadDraft, saveNow, saveOnHide, lock, chooseAccount, verify, selectTab, editText,
    editAlt, addPost, removePost, split, addFiles, removeImage, loadHistory, followProgress,
    cancelSave: () => clearTimeout(saveTimer),
  };
  return { ...draft, ...createPostEffects(store, draft) };
}
/** @typedef {ReturnType<typeof createEffects>} Effects */

/** @param {import('./store.js').EditedDraft} draft @returns {import('../lib/protocol.js').Draft} */
function draftOut({ rev: _rev, ...draft }) {
  return { ...draft, updated_ms: Date.now() };
}
