// The toolbar popup (and the small composer window, popup.html?window=1): unlock, pick an
// account, write a post or a thread with X's own counting, add images with alt text, post,
// follow the progress, resume a failed thread, schedule, and see what was sent.
// Boot: ask the worker for the vault while the core's pure functions and the image store
// load, create the store, mount the views, then show the vault as the worker said. See store.js for how state flows.
import { localize } from '../lib/i18n.js';
import { bindReveal } from '../lib/reveal.js';
import { loadCore, showDamaged } from '../lib/core.js';
import { ask, onLocked } from '../lib/rpc.js';
import { watchVault } from '../lib/vault-watch.js';
import { onAnnounce } from '../lib/announce.js';
import { createStore } from './store.js';
import { createEffects } from './effects.js';
import { mountVault } from './views/vault.js';
import { mountTabs } from './views/tabs.js';
import { mountAccounts } from './views/accounts.js';
import { mountComposer } from './views/composer.js';
import { mountSend } from './views/send.js';
import { mountSchedule } from './views/schedule.js';
import { mountAddToQueue } from './views/add-to-queue.js';
import { mountSent } from './views/sent.js';

if (new URLSearchParams(location.search).get('window') === '1') document.body.classList.add('window');
localize();

// The worker (woken if it was stopped) answers while the page's own core compiles.
const firstStatus = ask('vault_status');
const [core, mediaStore] = await Promise.all([loadCore(), import('../media-store.js').catch(() => null)]);
if (!core) {
  showDamaged(/** @type {HTMLElement} */ (document.querySelector('main')));
} else {
  bindReveal(document);
  const store = createStore();
  const fx = createEffects(store, core, mediaStore);
  mountVault(store, fx);
  mountTabs(store, fx);
  mountAccounts(store, fx);
  mountComposer(store, fx, core, Boolean(mediaStore));
  mountSend(store, fx);
  const schedule = mountSchedule(store, fx);
  mountAddToQueue(store, fx, schedule.latePolicy);
  mountSent(store, fx);

  // Locked meanwhile (auto-lock, another page): any "locked" answer shows the unlock form.
  onLocked(() => fx.refreshVault());
  // Created, imported, unlocked or locked elsewhere: follow it.
  watchVault(() => fx.refreshVault());
  onAnnounce('post_progress', (/** @type {import('../lib/protocol.js').Progress|undefined} */ progress) => fx.progressChanged(progress));
  onAnnounce('share', (shared) => { if (shared) fx.takeShare(); });
  chrome.storage.local.onChanged.addListener((changes) => {
    if (changes.history && store.getState().tab === 'sent') fx.loadHistory();
  });
  // The popup can close at any moment: what is pending is saved as it goes.
  addEventListener('pagehide', () => fx.saveOnHide());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') fx.saveNow();
  });
  const first = await firstStatus;
  await fx.refreshVault(first.ok); // without an answer, refreshVault asks again and says why
}
