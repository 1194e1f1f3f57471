// The core's pure functions (counting, splitting, cost, limits, image sniffing), loaded in the
// page itself: they are synchronous and hold no keys. A build whose core does not load is
// damaged: the page says so once (see showDamaged) instead of guessing the rules.

/**
 * @typedef {object} Limits
 * @property {string[]} image_types
 * @property {number} max_image_bytes
 * @property {number} max_gif_bytes
 * @property {number} max_cashtags
 * @property {number} max_images
 * @property {number} max_alt_chars
 */
/**
 * @typedef {object} PriceRow
 * @property {number|null} usd null: X publishes no price
 * @property {string|null} since when the price took effect, when X said
 * @property {string} checked when it was last read from X's price page
 * @property {string} what
 */
/**
 * @typedef {object} Count
 * @property {number} weighted_length
 * @property {number} limit
 * @property {number} remaining
 * @property {boolean} valid
 * @property {number|null} [over_limit_from_utf16]
 * @property {boolean} has_url
 */
/**
 * @typedef {object} Core
 * @property {(text: string, premium: boolean) => Count} count_text
 * @property {(text: string, premium: boolean) => string[]} split_thread
 * @property {(posts: {text: string, media: number, alt_texts: number}[]) => {micro_usd: number, has_url: boolean, as_of?: string, media_upload_unpublished?: boolean}} estimate_cost
 * @property {() => Record<string, PriceRow>|null} price_table X's prices, each row with its dates
 * @property {() => Limits} limits
 * @property {(head: Uint8Array) => string|undefined} sniff_image
 * @property {(posts: {text: string, media_types: string[]}[]) => import('./protocol.js').CoreError|null} check_post
 *   X's rules shown at once (one $CASHTAG, a GIF alone): null, or the error the worker would give
 * @property {(passphrase: string) => import('./protocol.js').StrengthReport} passphrase_strength
 *   how strong a passphrase being chosen is, in the page (never sent to the worker)
 */

/**
 * The page's core from the loaded module: its functions as they are, except count_text, which
 * reads the six numbers of count_text_numbers (cheaper to cross from wasm than an object built
 * field by field) into the same Count.
 * @param {any} m the module of pkg/keypost_page.js (or pkg/keypost.js), initialised
 * @returns {Core}
 */
export function wrapCore(m) {
  const core = /** @type {Core} */ ({ ...m });
  if (typeof m.count_text_numbers === 'function') {
    core.count_text = (text, premium) => {
      const n = m.count_text_numbers(text, premium);
      return {
        weighted_length: n[0], limit: n[1], remaining: n[2], valid: n[3] === 1,
        over_limit_from_utf16: n[4] < 0 ? null : n[4], has_url: n[5] === 1,
      };
    };
  }
  return core;
}

/**
 * The core the pages load: pkg/keypost_page* (scripts/build.sh), the pure functions only, not
 * the worker's vault, scheduler and network code.
 * @returns {Promise<Core|null>} the core, or null when the build is damaged
 */
export async function loadCore() {
  try {
    const m = await import('../pkg/keypost_page.js');
    await m.default({ module_or_path: new URL('../pkg/keypost_page_bg.wasm', import.meta.url) });
    const core = wrapCore(m);
    for (const name of ['count_text', 'split_thread', 'estimate_cost', 'limits', 'sniff_image', 'check_post']) {
      if (typeof /** @type {any} */ (core)[name] !== 'function') return null;
    }
    return core;
  } catch {
    return null;
  }
}

/**
 * Replaces the page's content with the one "Keypost is damaged: reinstall" state.
 * @param {HTMLElement} main the page's <main>
 */
export function showDamaged(main) {
  const box = document.createElement('section');
  box.id = 'damaged';
  box.className = 'message';
  box.dataset.kind = 'error';
  box.setAttribute('role', 'alert');
  const head = document.createElement('h2');
  head.textContent = chrome.i18n.getMessage('damagedHeading');
  const text = document.createElement('p');
  text.textContent = chrome.i18n.getMessage('damagedText');
  box.append(head, text);
  main.replaceChildren(box);
}
