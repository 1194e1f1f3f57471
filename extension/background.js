// Keypost's background service worker: wiring only. Every decision is made in the Rust core.
// Listeners are registered synchronously at the top level, before any await, so that events
// that wake a stopped worker are delivered; they wait for the core to initialise.
import init, {
  handle_message, on_alarm, on_context_menu,
  on_worker_start, on_startup, on_installed, on_notification_click,
} from './pkg/keypost.js';

const ready = init({ module_or_path: new URL('./pkg/keypost_bg.wasm', import.meta.url) });

// A trap (a Rust panic: release builds abort) leaves the core's instance unusable, with any
// lock or guard it held still held, and the generated glue cannot load a second instance. So
// the whole extension is restarted: a fresh worker and core, and the stored state recovered
// as after any worker stop (a post in flight is then an unknown outcome, never resent). A
// second trap within a minute is not restarted again (that would loop): the user is told.
const TRAP_KEY = 'core_trap_at';
let trapped = false;

async function onCoreFailure(error) {
  if (!(error instanceof WebAssembly.RuntimeError) || trapped) return;
  trapped = true;
  const now = Date.now();
  const last = (await chrome.storage.local.get(TRAP_KEY))[TRAP_KEY] ?? 0;
  await chrome.storage.local.set({ [TRAP_KEY]: now });
  if (now - last < 60_000) {
    chrome.notifications.create('core_trap', {
      type: 'basic',
      iconUrl: 'icons/icon128.png',
      title: chrome.i18n.getMessage('coreTrapTitle'),
      message: chrome.i18n.getMessage('coreTrapText'),
    });
    return;
  }
  chrome.runtime.reload();
}

// The core runs its async work on wasm-bindgen's own task queue, so a trap there reaches no
// caller: it surfaces as an uncaught error or an unhandled rejection of the worker.
self.addEventListener('error', (event) => void onCoreFailure(event.error));
self.addEventListener('unhandledrejection', (event) => void onCoreFailure(event.reason));

// Every call into the core goes through here, so no failure of it goes unnoticed.
function core(call) {
  if (trapped) return Promise.reject(new Error('the core stopped'));
  return ready.then(call).catch(async (error) => {
    await onCoreFailure(error);
    throw error;
  });
}
const quietly = (call) => void core(call).catch(() => {});

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the extension's own pages may talk to the core.
  if (sender.id !== chrome.runtime.id || !message || typeof message.type !== 'string') {
    return false;
  }
  core(() => handle_message(message))
    .then(sendResponse, () => sendResponse({ error: { code: 'internal' } }));
  return true;
});

chrome.alarms.onAlarm.addListener((alarm) => {
  quietly(() => on_alarm(alarm.name));
});

// The schedule: alarms are only a cache of the stored queue, so every worker start reconciles
// (recover interrupted sends, send what is due, set the one alarm).
chrome.runtime.onStartup.addListener(() => {
  quietly(() => on_startup());
});
chrome.notifications.onClicked.addListener((id) => {
  quietly(() => on_notification_click(id));
});
quietly(() => on_worker_start());

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
  core(() => on_installed()).then((needsSetup) => {
    if (needsSetup && reason === chrome.runtime.OnInstalledReason.INSTALL) chrome.runtime.openOptionsPage();
  }, () => {});
});

// Opens the composer: the toolbar popup where Chrome allows it, else a small window.
async function openComposer() {
  try {
    await chrome.action.openPopup();
  } catch {
    await chrome.windows.create({ url: 'popup.html?window=1', type: 'popup', width: 460, height: 680 });
  }
}

// Right-click share: the core composes the text; the composer picks it up when it opens.
async function share(info, tab) {
  const answer = await core(() => on_context_menu(info, tab ?? {}));
  if (answer?.ok) await openComposer();
  return answer;
}

chrome.contextMenus.onClicked.addListener((info, tab) => {
  share(info, tab).catch(() => {});
});

// The end-to-end tests call the same handler Chrome calls (headless Chromium cannot open
// native context menus).
globalThis.keypostShare = share;
