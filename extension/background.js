// Keypost's background service worker: wiring only. Every decision is made in the Rust core.
// Listeners are registered synchronously at the top level, before any await, so that events
// that wake a stopped worker are delivered; they wait for the core to initialise.
import * as first from './pkg/keypost.js';
import * as spare from './pkg/keypost_spare.js';

const WASM = new URL('./pkg/keypost_bg.wasm', import.meta.url);

// A trap (a Rust panic: release builds abort) leaves a core instance unusable, with any lock
// or guard it held still held. The build ships the glue twice under two URLs, which are two
// module instances: on the first trap the worker abandons the first instance and starts the
// spare, whose state is fresh (the stored state is recovered as after any worker stop: a post
// that was in flight is an unknown outcome, never resent). A trap of the spare too stops the
// core for this worker's life and tells the user; Chrome's next worker starts clean.
let core = first;
let ready = first.default({ module_or_path: WASM });
let stopped = false;

// Which instance an error came from: its stack names the glue file it passed through.
const fromSpare = (error) => String(error?.stack ?? '').includes('/pkg/keypost_spare.js');

// The trapped instance's memory is wiped: whatever it held (the data key, an account's keys, a
// draft) does not stay in this worker for the rest of its life, since no destructor ran.
const wipe = (instance) => instance.then((exports) => {
  new Uint8Array(exports.memory.buffer).fill(0);
}).catch(() => {});

function onCoreFailure(error) {
  if (!(error instanceof WebAssembly.RuntimeError) || stopped) return;
  if (fromSpare(error) !== (core === spare)) return; // the abandoned instance: nothing new
  if (core === first) {
    wipe(ready);
    core = spare;
    ready = spare.default({ module_or_path: WASM });
    quietly((c) => c.on_worker_start());
    return;
  }
  wipe(ready);
  stopped = true;
  chrome.notifications.create('core_trap', {
    type: 'basic',
    iconUrl: 'icons/icon128.png',
    title: chrome.i18n.getMessage('coreTrapTitle'),
    message: chrome.i18n.getMessage('coreTrapText'),
  });
}

// The core runs its async work on wasm-bindgen's own task queue, so a trap there reaches no
// caller: it surfaces as an uncaught error or an unhandled rejection of the worker.
self.addEventListener('error', (event) => onCoreFailure(event.error));
self.addEventListener('unhandledrejection', (event) => onCoreFailure(event.reason));

// Every call into the core goes through here, so no failure of it goes unnoticed.
function call(fn) {
  if (stopped) return Promise.reject(new Error('the core stopped'));
  return ready.then(() => fn(core)).catch((error) => {
    onCoreFailure(error);
    throw error;
  });
}
const quietly = (fn) => void call(fn).catch(() => {});

// The extension's own origin, `chrome-extension://<id>` (no trailing slash, as URL.origin).
const OWN_ORIGIN = new URL(chrome.runtime.getURL('')).origin;

// Whether a message comes from one of the extension's own pages: the extension's id AND a
// document of the extension's own origin. The id alone would also admit a content script
// (it runs in a web page under the extension's id), should one ever be added; `!sender.tab`
// would refuse the options page, which runs in a tab.
function fromOwnPage(sender) {
  if (sender.id !== chrome.runtime.id || typeof sender.url !== 'string') return false;
  try {
    return new URL(sender.url).origin === OWN_ORIGIN;
  } catch {
    return false;
  }
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the extension's own pages may talk to the core; anything else gets no answer.
  if (!fromOwnPage(sender) || !message || typeof message !== 'object' || typeof message.type !== 'string') {
    return false;
  }
  call((c) => c.handle_message(message))
    .then(sendResponse, () => sendResponse({ error: { code: 'internal' } }));
  return true;
});

// Pages follow the vault's state, the composer's progress and a pending right-click share by
// this message (lib/announce.js), never through storage.onChanged, which would also hand every
// open page the session's data key when the vault is unlocked.
const ANNOUNCED = ['vault_state', 'post_progress', 'share'];
chrome.storage.session.onChanged.addListener((changes) => {
  for (const key of ANNOUNCED) {
    if (!changes[key]) continue;
    const { newValue, oldValue } = changes[key];
    chrome.runtime.sendMessage({ announce: key, newValue, oldValue }).catch(() => {}); // no page open
  }
});

chrome.alarms.onAlarm.addListener((alarm) => {
  quietly((c) => c.on_alarm(alarm.name));
});

// The schedule: alarms are only a cache of the stored queue, so every worker start reconciles
// (recover interrupted sends, send what is due, set the one alarm).
chrome.runtime.onStartup.addListener(() => {
  quietly((c) => c.on_startup());
});
chrome.notifications.onClicked.addListener((id) => {
  quietly((c) => c.on_notification_click(id));
});
quietly((c) => c.on_worker_start());

/** @type {{id: string, contexts: chrome.contextMenus.CreateProperties['contexts'], title: string}[]} */
const MENUS = [
  { id: 'share_selection', contexts: ['selection'], title: 'menuShareSelection' },
  { id: 'share_link', contexts: ['link'], title: 'menuShareLink' },
  { id: 'share_page', contexts: ['page'], title: 'menuSharePage' },
];

chrome.runtime.onInstalled.addListener(({ reason }) => {
  chrome.contextMenus.removeAll(() => {
    for (const m of MENUS) {
      chrome.contextMenus.create(
        { id: m.id, contexts: m.contexts, title: chrome.i18n.getMessage(m.title) },
        () => void chrome.runtime.lastError, // an existing id is not an error worth reporting
      );
    }
  });
  // First run: the options page walks through setup, while there is no vault yet (Chromium
  // reports an unpacked extension as installed at every launch).
  call((c) => c.on_installed()).then((needsSetup) => {
    if (needsSetup && reason === chrome.runtime.OnInstalledReason.INSTALL) chrome.runtime.openOptionsPage();
  }, () => {});
});

// Opens the composer: the one already open if there is one (it takes the share from storage
// as it arrives), else the toolbar popup where Chrome allows it, else a small window.
async function openComposer() {
  const composer = new URL('popup.html', location.href).pathname;
  const open = await chrome.runtime.getContexts({ contextTypes: ['POPUP', 'TAB'] }).catch(() => []);
  const existing = open.find((c) => c.documentUrl && new URL(c.documentUrl).pathname === composer);
  if (existing) {
    if (existing.tabId >= 0) await chrome.tabs.update(existing.tabId, { active: true }).catch(() => {});
    if (existing.windowId >= 0) await chrome.windows.update(existing.windowId, { focused: true }).catch(() => {});
    return;
  }
  try {
    await chrome.action.openPopup();
  } catch {
    await chrome.windows.create({ url: 'popup.html?window=1', type: 'popup', width: 460, height: 680 });
  }
}

// Right-click share: the core composes the text; the composer picks it up when it opens.
async function share(info, tab) {
  const answer = await call((c) => c.on_context_menu(info, tab ?? {}));
  if (answer?.ok) await openComposer();
  return answer;
}

chrome.contextMenus.onClicked.addListener((info, tab) => {
  share(info, tab).catch(() => {});
});

// BEGIN test builds only: scripts/build.sh removes this block from a release build.
// The end-to-end tests call the same handler Chrome calls (headless Chromium cannot open
// native context menus).
globalThis.keypostShare = share;
// END test builds only
