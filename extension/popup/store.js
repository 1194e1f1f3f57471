// The popup's one state object. Rules of the popup (options and queue have the same shape):
// 1. Only this module changes state: reduce(state, action) is pure (no chrome.*, no DOM).
// 2. Only effects.js calls the core; views call effects or dispatch.
// 3. Views render from state. A structural change (a new draft, posts or images added or
//    removed) bumps `draft.rev`, and the post list is rebuilt; a keystroke changes only the
//    text, so the views update counters in place and focus and selection survive.
// 4. The core decides (counting, limits, what can be resumed); the popup formats.
import { makeStore } from '../lib/store.js';

/** @typedef {import('../lib/protocol.js').VaultStatus} VaultStatus */
/** @typedef {import('../lib/protocol.js').Draft} Draft */
/** @typedef {import('../lib/protocol.js').DraftMedia} DraftMedia */
/** @typedef {import('../lib/protocol.js').PostFailure} PostFailure */
/** @typedef {import('../lib/protocol.js').CoreError} CoreError */
/** @typedef {import('../lib/protocol.js').Progress} Progress */
/** @typedef {import('../lib/protocol.js').Posted} Posted */
/** @typedef {import('../lib/protocol.js').SentPost} SentPost */

/**
 * @typedef {Draft & {rev: number}} EditedDraft the draft with a structure revision
 * @typedef {{kind: 'posted', posted: Posted[], username: string} | {kind: 'posted_elsewhere'}} Result
 * @typedef {{error: PostFailure & CoreError, steps: number, resumable: boolean}} Failure
 * @typedef {{kind: 'ok'|'warning'|'error'|'note', text: string, extra?: string}} Note
 *
 * @typedef {object} State
 * @property {VaultStatus|null} vault
 * @property {'compose'|'sent'} tab
 * @property {EditedDraft} draft
 * @property {boolean} dirty the draft has changes the core has not stored yet
 * @property {boolean} sending a post of ours, or one another popup started, is under way
 * @property {boolean} watching following a post another popup started
 * @property {Progress|null} progress
 * @property {Failure|null} failure the last failed post, as the core's outbox keeps it
 * @property {CoreError|null} decisionError a refused "it is on X" link (the failure stays)
 * @property {Result|null} result
 * @property {{items: SentPost[], error: CoreError|null}|null} history
 * @property {Note|null} verifyNote
 * @property {Note|null} scheduleNote
 * @property {CoreError|null} pageError
 * @property {boolean} focusText a view should put the cursor in the first post (after unlock, post, …)
 */

let revs = 0;

/** @param {string|undefined} [accountId] @returns {EditedDraft} */
export function emptyDraft(accountId) {
  return { account_id: accountId, posts: [{ text: '', media: [] }], updated_ms: Date.now(), rev: ++revs };
}

/** @returns {State} */
export function initialState() {
  return {
    vault: null, tab: 'compose', draft: emptyDraft(), dirty: false, sending: false, watching: false,
    progress: null, failure: null, decisionError: null, result: null, history: null,
    verifyNote: null, scheduleNote: null, pageError: null, focusText: false,
  };
}

/** The account the draft is for, if the vault has it. @param {State} s */
export function currentAccount(s) {
  return s.vault?.accounts.find((a) => a.id === s.draft.account_id) ?? null;
}

/** Whether the composer is read-only: a post is under way, or a failure waits for a decision. @param {State} s */
export function composerLocked(s) {
  return s.sending || Boolean(s.failure?.resumable);
}

/** @param {State} s @param {VaultStatus} vault */
function withVault(s, vault) {
  const unlocked = vault.exists && vault.unlocked;
  if (!unlocked) {
    // Locked (here or elsewhere): nothing of the draft stays on screen.
    return { ...s, vault, draft: emptyDraft(), dirty: false, failure: null, result: null, history: null, verifyNote: null };
  }
  const known = vault.accounts.some((a) => a.id === s.draft.account_id);
  const fallback = vault.default_id ?? vault.accounts[0]?.id;
  const draft = known || !fallback ? s.draft : { ...s.draft, account_id: fallback };
  return { ...s, vault, draft };
}

/** @param {EditedDraft} draft @param {(posts: import('../lib/protocol.js').DraftPost[]) => import('../lib/protocol.js').DraftPost[]} change */
function restructure(draft, change) {
  return { ...draft, posts: change(draft.posts.map((p) => ({ ...p, media: [...p.media] }))), rev: ++revs };
}

/**
 * @typedef {{type: 'vault', vault: VaultStatus}
 *   | {type: 'page_error', error: CoreError|null}
 *   | {type: 'tab', tab: 'compose'|'sent'}
 *   | {type: 'draft_loaded', draft: Draft|null, resumable: PostFailure|null, shared: boolean}
 *   | {type: 'account', id: string}
 *   | {type: 'text', index: number, text: string}
 *   | {type: 'alt', index: number, media: number, alt: string}
 *   | {type: 'add_post'}
 *   | {type: 'remove_post', index: number}
 *   | {type: 'split', parts: string[]}
 *   | {type: 'media_added', index: number, media: DraftMedia[]}
 *   | {type: 'remove_media', index: number, media: number}
 *   | {type: 'saved'}
 *   | {type: 'send_started', step: number}
 *   | {type: 'progress', progress: Progress|null}
 *   | {type: 'send_failed', error: CoreError, steps: number}
 *   | {type: 'decision_refused', error: CoreError}
 *   | {type: 'posted', posted: Posted[], username: string}
 *   | {type: 'watch', progress: Progress}
 *   | {type: 'watch_ended', cleared: boolean}
 *   | {type: 'reset', keepResult?: boolean}
 *   | {type: 'history', items: SentPost[], error: CoreError|null}
 *   | {type: 'verify_note', note: Note|null}
 *   | {type: 'schedule_note', note: Note|null}
 *   | {type: 'focused'}} Action
 */

/**
 * @param {State} s
 * @param {Action} a
 * @returns {State}
 */
export function reduce(s, a) {
  switch (a.type) {
    case 'vault': {
      const next = withVault(s, a.vault);
      const justUnlocked = a.vault.unlocked && !s.vault?.unlocked;
      return { ...next, pageError: null, focusText: justUnlocked || next.focusText };
    }
    case 'page_error': return { ...s, pageError: a.error };
    case 'tab': return { ...s, tab: a.tab };
    case 'draft_loaded': {
      const vault = s.vault;
      const fallback = vault?.default_id ?? vault?.accounts[0]?.id;
      const stored = a.draft;
      const draft = stored
        ? {
          account_id: vault?.accounts.some((x) => x.id === stored.account_id) ? stored.account_id : fallback,
          posts: stored.posts.length ? stored.posts : [{ text: '', media: [] }],
          updated_ms: stored.updated_ms,
          rev: ++revs,
        }
        : emptyDraft(fallback);
      const failure = a.resumable
        ? { error: /** @type {Failure['error']} */ (a.resumable), steps: a.resumable.steps ?? draft.posts.length, resumable: true }
        : null;
      return { ...s, draft, dirty: false, failure, focusText: true };
    }
    case 'account':
      return { ...s, draft: { ...s.draft, account_id: a.id }, dirty: true, verifyNote: null, history: null };
    case 'text': {
      const posts = s.draft.posts.map((p, i) => (i === a.index ? { ...p, text: a.text } : p));
      return { ...s, draft: { ...s.draft, posts }, dirty: true, result: null };
    }
    case 'alt': {
      const posts = s.draft.posts.map((p, i) => (i !== a.index ? p : {
        ...p, media: p.media.map((m, j) => (j === a.media ? { ...m, alt: a.alt } : m)),
      }));
      return { ...s, draft: { ...s.draft, posts }, dirty: true };
    }
    case 'add_post':
      return { ...s, draft: restructure(s.draft, (posts) => [...posts, { text: '', media: [] }]), dirty: true };
    case 'remove_post':
      return {
        ...s,
        draft: restructure(s.draft, (posts) => {
          const rest = posts.filter((_, i) => i !== a.index);
          return rest.length ? rest : [{ text: '', media: [] }];
        }),
        dirty: true,
      };
    case 'split':
      return {
        ...s,
        draft: restructure(s.draft, (posts) => a.parts.map((text, k) => ({ text, media: k === 0 ? posts[0].media : [] }))),
        dirty: true,
      };
    case 'media_added':
      return {
        ...s,
        draft: restructure(s.draft, (posts) => posts.map((p, i) => (i === a.index ? { ...p, media: [...p.media, ...a.media] } : p))),
        dirty: true,
      };
    case 'remove_media':
      return {
        ...s,
        draft: restructure(s.draft, (posts) => posts.map((p, i) => (i === a.index ? { ...p, media: p.media.filter((_, j) => j !== a.media) } : p))),
        dirty: true,
      };
    case 'saved': return { ...s, dirty: false };
    case 'send_started':
      return {
        ...s, sending: true, result: null, decisionError: null, scheduleNote: null,
        progress: { active: true, step: a.step, steps: s.draft.posts.length, phase: 'posting', uploaded_bytes: 0, total_bytes: 0 },
      };
    case 'progress': return { ...s, progress: a.progress?.active ? a.progress : null };
    case 'send_failed':
      return {
        ...s, sending: false, progress: null, decisionError: null,
        failure: { error: /** @type {Failure['error']} */ (a.error), steps: a.steps, resumable: a.error.resumable === true },
      };
    case 'decision_refused':
      return { ...s, sending: false, progress: null, decisionError: a.error };
    case 'posted':
      return { ...clearComposer(s), result: { kind: 'posted', posted: a.posted, username: a.username }, history: null };
    case 'watch': return { ...s, watching: true, sending: true, progress: a.progress };
    case 'watch_ended': {
      const ended = { ...s, watching: false, sending: false, progress: null };
      return a.cleared ? { ...clearComposer(ended), result: { kind: 'posted_elsewhere' }, history: null } : ended;
    }
    case 'reset': return { ...clearComposer(s), result: a.keepResult ? s.result : null };
    case 'history': return { ...s, history: { items: a.items, error: a.error } };
    case 'verify_note': return { ...s, verifyNote: a.note };
    case 'schedule_note': return { ...s, scheduleNote: a.note };
    case 'focused': return { ...s, focusText: false };
    default: return s;
  }
}

// The one "the composer starts over" step: after a post, a discard, a schedule, or a post
// another popup finished. The account stays; the core was told (draft_clear) by the effect.
/** @param {State} s @returns {State} */
function clearComposer(s) {
  return {
    ...s, draft: emptyDraft(s.draft.account_id), dirty: false, failure: null, decisionError: null,
    sending: false, watching: false, progress: null, focusText: true,
  };
}

/** The popup's store: getState, dispatch(action), subscribe(fn(state, prev)). @param {State} [state] */
export function createStore(state = initialState()) {
  return makeStore(reduce, state);
}
/** @typedef {ReturnType<typeof createStore>} Store */
