// Posting and what follows it: send, resume after a failure (with the user's decision when
// the outcome is unknown), discard the rest, schedule, follow a post another popup started, and
// take a right-click share that arrives while the popup is open.
import { ask } from '../lib/rpc.js';
import { currentAccount, composerLocked } from './store.js';
import { clearThumbs } from './thumbs.js';

// Refusals of a decision that changed nothing: the failure they answer stays as it was.
const DECISION_REFUSED = new Set(['post_url_invalid', 'post_id_required']);

/**
 * @param {import('./store.js').Store} store
 * @param {{saveNow: () => Promise<void>, refreshVault: (v?: any) => Promise<void>, loadDraft: () => Promise<void>, cancelSave: () => void}} draft
 */
export function createPostEffects(store, draft) {
  const { dispatch, getState } = store;

  /**
   * Posts the draft, or (`resume`) continues the failed one, with the user's decision when
   * its outcome was unknown. The core's outbox decides what may go.
   * @param {{resume?: boolean, decision?: 'on_x'|'send_anyway', post_url?: string}} [how]
   */
  async function send({ resume = false, ...decision } = {}) {
    const s = getState();
    const a = currentAccount(s);
    if (!a || s.sending || (!resume && composerLocked(s))) return;
    const steps = s.draft.posts.length;
    dispatch({ type: 'send_started', step: resume ? s.failure?.error.step ?? 0 : 0 });
    await draft.saveNow();
    const answer = resume
      ? await ask('post_resume', decision)
      : await ask('post_send', { account_id: a.id, posts: postsOut(s.draft) });
    if (answer.error) {
      if (answer.error.code === 'locked') await draft.refreshVault();
      if (resume && getState().failure && DECISION_REFUSED.has(answer.error.code)) {
        dispatch({ type: 'decision_refused', error: answer.error });
        return;
      }
      dispatch({ type: 'send_failed', error: answer.error, steps });
      return;
    }
    await ask('draft_clear');
    clearThumbs();
    dispatch({ type: 'posted', posted: answer.ok.posted, username: answer.ok.username });
  }

  /** Gives up the rest of a failed thread (or a post in doubt): the composer starts over. */
  async function discardRest() {
    draft.cancelSave();
    await ask('draft_clear');
    clearThumbs();
    dispatch({ type: 'reset' });
  }

  /**
   * Schedules the draft. The core refuses the past and more than a year ahead, and warns
   * when the account's 24-hour limit would be exceeded.
   * @param {number|null} dueAtMs null: the account's next free posting slot (the worker picks it)
   * @param {import('../lib/protocol.js').LatePolicy|null} [latePolicy] none: the default setting's
   * @param {import('../lib/protocol.js').RepeatIn|null} [repeat] a recurring series from `dueAtMs`
   */
  async function schedule(dueAtMs, latePolicy = null, repeat = null) {
    const s = getState();
    const a = currentAccount(s);
    if (!a || s.sending) return null;
    await draft.saveNow();
    // No autosave may store the draft again while (or after) it moves into the queue.
    draft.cancelSave();
    const late = latePolicy ? { late_policy: latePolicy } : {};
    // One message moves the draft into the queue: the worker removes the stored draft in the
    // same write that queues it, so its images belong to one of them whenever the popup closes.
    const answer = dueAtMs == null
      ? await ask('schedule_add_to_queue', { account_id: a.id, posts: postsOut(s.draft), from_draft: true, ...late })
      : await ask('schedule_add', { account_id: a.id, due_at_ms: dueAtMs, posts: postsOut(s.draft), from_draft: true, ...late, ...(repeat ? { repeat } : {}) });
    if (answer.error) {
      if (answer.error.code === 'locked') await draft.refreshVault();
      return answer;
    }
    clearThumbs();
    dispatch({ type: 'reset' });
    return answer;
  }


  /** Progress the worker announced (lib/announce.js). @param {import('../lib/protocol.js').Progress|undefined} p */
  async function progressChanged(p) {
    const s = getState();
    if (s.watching) {
      if (p?.active) dispatch({ type: 'progress', progress: p });
      else await watchEnded();
    } else if (s.sending) {
      dispatch({ type: 'progress', progress: p ?? null });
    }
  }

  // The worker cleared the draft if the post went through; show what is left of it.
  async function watchEnded() {
    const answer = await ask('draft_get');
    const cleared = Boolean(answer.ok && !answer.ok.draft);
    if (cleared) clearThumbs();
    dispatch({ type: 'watch_ended', cleared });
    if (!cleared && answer.ok?.resumable) dispatch({ type: 'send_failed', error: answer.ok.resumable, steps: answer.ok.resumable.steps ?? 1 });
  }

  // A right-click share arrived while this popup is open: store what is typed, then take the
  // draft back from the core, which has added the share to it.
  async function takeShare() {
    if (!getState().vault?.unlocked) return;
    await draft.saveNow();
    await draft.loadDraft();
  }


  /** What the badge shows (the next due post), for the schedule box. */
  function scheduleSummary() {
    return ask('schedule_summary');
  }

  return { send, discardRest, schedule, scheduleSummary, progressChanged, takeShare };
}

/** @param {import('./store.js').EditedDraft} d */
function postsOut(d) {
  return d.posts.map((p) => ({ text: p.text, media: p.media.map((m) => ({ media_id: m.media_id, alt: m.alt })) }));
}
