// Everything the queue view asks the core, and the actions it dispatches with the answers.
// Views call these; only these call `ask`. After every change the queue is read again.
import { ask } from '../lib/rpc.js';

/** @typedef {import('./store.js').Action} Action */
/** @typedef {import('../lib/protocol.js').PostIn} PostIn */

/**
 * The messages behind the core's action names (ItemView.actions) that need only the id.
 * @type {Record<string, 'schedule_cancel'|'schedule_post_now'|'schedule_retry'|'schedule_remove'>}
 */
const SIMPLE = {
  cancel: 'schedule_cancel', post_now: 'schedule_post_now', retry: 'schedule_retry', remove: 'schedule_remove',
};

/** @param {{dispatch: (action: Action) => void, getState: () => import('./store.js').State}} store */
export function createEffects({ dispatch, getState }) {
  let started = false;
  let latest = 0; // an older read answering late must not draw over a newer one

  async function refresh() {
    const mine = ++latest;
    const answer = await ask('schedule_list', { limit: getState().limit });
    if (mine !== latest) return;
    if (answer.ok) dispatch({ type: 'listed', list: answer.ok, pageNowMs: Date.now() });
    else if (!started && answer.error.code === 'internal') dispatch({ type: 'damaged' });
    else dispatch({ type: 'failed', error: answer.error });
    started = true;
  }

  /**
   * @param {number} id
   * @param {Promise<import('../lib/protocol.js').Answer<{}>>} sending
   */
  async function settle(id, sending) {
    dispatch({ type: 'acting', id });
    const answer = await sending;
    dispatch({ type: 'acted', id, error: answer.error });
    await refresh();
  }

  return {
    refresh,

    /** "Show more": the next page of both lists. */
    more() {
      dispatch({ type: 'more' });
      return refresh();
    },

    /** An action that needs only the item (cancel, post now, retry, remove). @param {string} action @param {number} id */
    simple(action, id) {
      const type = SIMPLE[action];
      if (type) return settle(id, ask(type, { id }));
    },

    /** @param {number} id @param {PostIn[]} posts each post's text, its images kept */
    edit(id, posts) {
      return settle(id, ask('schedule_edit', { id, posts }));
    },

    /** @param {number} id @param {import('../lib/protocol.js').LatePolicy|null} policy null: the default setting's */
    latePolicy(id, policy) {
      return settle(id, ask('schedule_late_policy', { id, late_policy: policy }));
    },

    /** @param {number} id @param {number} dueAtMs */
    reschedule(id, dueAtMs) {
      return settle(id, ask('schedule_reschedule', { id, due_at_ms: dueAtMs }));
    },

    /**
     * The user's answer to "did it go out?": posted (with the post's link or id as pasted,
     * which the core parses), or send it.
     * @param {number} id
     * @param {{kind: 'posted', postRef: string} | {kind: 'send'}} answer
     */
    resolve(id, answer) {
      const ref = answer.kind === 'posted' ? answer.postRef : '';
      const resolution = answer.kind === 'send' ? { kind: /** @type {const} */ ('send') }
        : { kind: /** @type {const} */ ('posted'), ...(ref.trim() ? { post_ref: ref } : {}) };
      return settle(id, ask('schedule_resolve', { id, resolution }));
    },

    openOptions() {
      chrome.runtime.openOptionsPage();
    },
  };
}

/** @typedef {ReturnType<typeof createEffects>} Effects */
