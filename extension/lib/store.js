// A page's one state object behind a pure reducer: dispatch(action) computes the next state
// with reduce(state, action) and, when it changed, calls every subscriber with (next, prev).
// No chrome.* and no DOM here, so each page's store.js (its reduce) runs in node tests.

/**
 * @template S, A
 * @param {(state: S, action: A) => S} reduce
 * @param {S} initial
 */
export function makeStore(reduce, initial) {
  let state = initial;
  /** @type {Set<(next: S, prev: S) => void>} */
  const subscribers = new Set();
  return {
    getState: () => state,
    /** @param {A} action */
    dispatch(action) {
      const prev = state;
      state = reduce(state, action);
      if (state !== prev) for (const fn of subscribers) fn(state, prev);
    },
    /** @param {(next: S, prev: S) => void} fn @returns {() => void} stops */
    subscribe(fn) {
      subscribers.add(fn);
      return () => { subscribers.delete(fn); };
    },
  };
}
