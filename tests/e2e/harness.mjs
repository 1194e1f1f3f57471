// Shared end-to-end machinery: the X sandbox on the port the test build points at, and
// Debian's Chromium with the built extension loaded, driven through playwright-core.
import { mkdtempSync, mkdirSync, rmSync, existsSync, readdirSync, readFileSync, lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startSandbox } from '../sandbox/server.mjs';
import { accountByUsername } from '../sandbox/accounts.mjs';

export const EXTENSION_DIR = resolve(process.env.KEYPOST_EXTENSION_DIR ?? 'dist/sandbox-chrome');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The origin of the sandbox this test file started (each file runs in a process of its own,
// with its own sandbox on a free port, so files run side by side). `launch` points the
// extension at it through the sandbox build's `test_config` (src/worker/config.rs).
/** @type {string | null} */
let sandboxOrigin = null;

// A sandbox on a free port, or on KEYPOST_SANDBOX_PORT when that is set.
export async function sandbox() {
  const sb = await startSandbox({ port: Number(process.env.KEYPOST_SANDBOX_PORT ?? 0), quiet: true });
  sandboxOrigin = sb.url.replace(/\/$/, '');
  return sb;
}

/**
 * Merges `patch` into the sandbox build's `test_config` in `storage.local`, which the worker
 * reads at every request: `api_base` (the sandbox's origin) and `request_timeout_ms` (a
 * shorter timeout for a slow-link test). A release build never reads it.
 * @param {import('playwright-core').Worker} worker
 * @param {{api_base?: string, request_timeout_ms?: number | null}} patch
 */
export async function setTestConfig(worker, patch) {
  await worker.evaluate(async (p) => {
    const stored = await chrome.storage.local.get('test_config');
    /** @type {Record<string, unknown>} */
    const next = { .../** @type {object} */ (stored.test_config ?? {}), ...p };
    for (const [k, v] of Object.entries(next)) if (v === null) delete next[k];
    await chrome.storage.local.set({ test_config: next });
  }, patch);
}

// Every profile the end-to-end tests use lives here and is kept until the final scan
// (tests/e2e-final/) has read every byte of it for keys and passphrases.
export const PROFILE_ROOT = resolve('target/e2e-profiles');

// The passphrases the tests type, so the final scan knows what must never be on disk.
export const PASSPHRASES = {
  popup: 'a popup test passphrase, 42',
  schedule: 'schedule test passphrase 7',
  recovery: 'recovery test passphrase 31',
  atRest: 'at rest test passphrase 58',
  late: 'late posts test passphrase 64',
  slots: 'posting slots test passphrase 23',
  repeat: 'recurring posts test passphrase 19',
  lateChoice: 'late choice test passphrase 88',
  paging: 'queue paging test passphrase 45',
};

// What the at-rest test writes (a draft, a scheduled post and its alt text, a sent post): the
// final scan also checks that none of it is on disk in clear (it is sealed with the vault's key).
export const AT_REST_MARKERS = Object.freeze({
  draft: 'DraftMarker zq7Xw3 at rest',
  queue: 'QueueMarker kp4Vn8 at rest',
  alt: 'AltMarker hy2Lr6 at rest',
  sent: 'SentMarker mt9Bc5 at rest',
});

export function freshProfile() {
  mkdirSync(PROFILE_ROOT, { recursive: true });
  return mkdtempSync(join(PROFILE_ROOT, 'profile-'));
}

// Launches Chromium with the extension on a profile directory (kept across relaunches so a
// test can restart the browser). Returns the context, the worker and the extension id.
// `lang` is Chromium's UI language, which chrome.i18n follows (Debian's Chromium honours a
// language other than English only with the chromium-l10n package: scripts/tools.sh installs
// it); `colorScheme` ('light' or 'dark') is what prefers-color-scheme answers in every page.
// `extensionDir` loads another build (make bench loads the release build and an empty baseline
// extension); `setupPage: false` skips waiting for the first-run page (an extension without one).
export async function launch(profileDir, {
  extraArgs = [], lang = 'en-US', colorScheme = undefined, extensionDir = EXTENSION_DIR, setupPage = true,
} = {}) {
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`no extension build at ${extensionDir}: run the test command, which builds it`);
  }
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...(colorScheme ? { colorScheme } : {}),
    ...(lang === 'en-US' ? {} : {
      locale: lang,
      env: { ...process.env, LANGUAGE: lang.replace('-', '_') },
    }),
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic',
      `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`,
      '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', `--lang=${lang}`, ...extraArgs,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  // The test build talks to this file's sandbox (kept in the profile across relaunches).
  if (extensionDir === EXTENSION_DIR && sandboxOrigin) await setTestConfig(worker, { api_base: sandboxOrigin });
  // Chromium fires onInstalled (reason "install") at every launch of an unpacked extension,
  // and the extension then opens its setup page while no vault exists. That tab can take
  // over a page a test is navigating, so after every launch (not only the first) wait for it
  // whenever it is due: it is due exactly when the profile holds no vault.
  const hasVault = !setupPage || await worker
    .evaluate(async () => (await chrome.storage.local.get('vault')).vault !== undefined)
    .catch(() => false);
  let firstRunPage = null;
  if (!hasVault) {
    const isOptions = (p) => p.url().startsWith(`chrome-extension://${extensionId}/options.html`);
    firstRunPage = context.pages().find(isOptions)
      ?? (await context.waitForEvent('page', { predicate: isOptions, timeout: 10_000 }).catch(() => null));
    await firstRunPage?.waitForLoadState('domcontentloaded').catch(() => {});
  }
  return {
    context, worker, extensionId, firstRunPage,
    url: (path) => `chrome-extension://${extensionId}/${path}`,
  };
}

// The current service worker (a stopped worker comes back as a new one).
export async function currentWorker(context) {
  const live = context.serviceWorkers();
  return live[live.length - 1] ?? context.waitForEvent('serviceworker');
}

// Stops every service worker through CDP, as Chrome does after 30 s idle.
export async function stopWorkers(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

// On install the worker opens the options page, and Chrome may put it in the tab a test has
// just opened: navigate again when that interrupts.
export async function goto(p, url) {
  for (let attempt = 0; ; attempt++) {
    try {
      await p.goto(url);
      return;
    } catch (err) {
      if (attempt >= 2 || !/interrupted by another navigation/.test(err.message)) throw err;
      await p.waitForTimeout(200);
    }
  }
}

// Opens the toolbar popup in a new tab at the popup's size and waits for the composer.
export async function openPopup(browser) {
  const p = await browser.context.newPage();
  await p.setViewportSize({ width: 420, height: 900 });
  await goto(p, browser.url('popup.html'));
  await p.locator('#text-0').waitFor();
  return p;
}

// Sends a message to the core from an extension page, as the popup and options page do.
export async function ask(page, type, fields = {}) {
  return page.evaluate(([t, f]) => chrome.runtime.sendMessage({ type: t, ...f }), [type, fields]);
}

/**
 * Waits until the worker is idle until `untilMs` (browser clock, default now): no scheduler
 * run under way and the schedule alarm not due before then (the sandbox build's `test_idle`
 * hook). After it, "nothing was sent" is a fact, not a guess that a fixed wait was long enough.
 * @param {import('playwright-core').Page} page
 * @param {number} [untilMs]
 */
export async function idle(page, untilMs) {
  const answer = await ask(page, 'test_idle', { until_ms: untilMs ?? Date.now() });
  if (answer.error) throw new Error(`the worker did not settle: ${JSON.stringify(answer.error)}`);
  return answer.ok;
}

// Polls `fn` every `stepMs` until it answers something truthy (that answer), or throws after
// `timeoutMs` naming `what`.
export async function waitFor(what, fn, timeoutMs, stepMs = 200) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

// Profiles under PROFILE_ROOT stay for the final scan; any other is removed.
export function removeProfile(dir) {
  if (!resolve(dir).startsWith(PROFILE_ROOT)) rmSync(dir, { recursive: true, force: true });
}

// ----- compose helpers (popup tests and the demo) -----
import { deflateSync } from 'node:zlib'; // hoisted like every import

// The sandbox's control interface: GET or POST /__sandbox/<route>; answers its JSON.
export async function control(sb, route, body) {
  const init = body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  };
  const r = await fetch(`${sb.url.replace(/\/$/, '')}/__sandbox/${route}`, init);
  return r.json();
}

// The posts the sandbox accepted, in order.
export async function sandboxPosts(sb) {
  const answer = await control(sb, 'posts');
  return answer.posts ?? answer;
}

// A small, valid RGB PNG of one colour (no dependency: zlib + CRC-32 from node).
export function makePng(width, height, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
}

// The four keys of a sandbox demo account, in the shape the core takes.
export function keysOf(account) {
  return {
    api_key: account.apiKey, api_secret: account.apiSecret,
    access_token: account.accessToken, access_token_secret: account.accessTokenSecret,
  };
}

/**
 * Creates the vault from `page` (an extension page) and adds the sandbox demo accounts named,
 * each verified against the sandbox. Answers `{username: account id}`; throws with X's error
 * code when one is refused.
 * @param {import('playwright-core').Page} page
 * @param {string} passphrase
 * @param {string[]} usernames
 */
export async function vaultWithAccounts(page, passphrase, usernames) {
  const created = await ask(page, 'vault_create', { passphrase });
  if (!created.ok) throw new Error(`vault_create: ${JSON.stringify(created.error)}`);
  /** @type {Record<string, string>} */
  const ids = {};
  for (const username of usernames) {
    const answer = await ask(page, 'account_add', { label: '', keys: keysOf(accountByUsername(username)), premium: false });
    if (!answer.ok) throw new Error(`${username}: ${JSON.stringify(answer.error)}`);
    ids[username] = answer.ok.account.id;
  }
  return ids;
}

/**
 * The usual start of a file's tests: a sandbox, Chromium on a fresh profile, and a page of
 * `popup.html` with a vault of `usernames`; `close()` ends it all (the profile stays for the
 * final scan).
 * @param {string} passphrase
 * @param {string[]} usernames
 */
export async function startWithVault(passphrase, usernames) {
  const sb = await sandbox();
  const profile = freshProfile();
  const browser = await launch(profile);
  await browser.firstRunPage?.close();
  const page = await browser.context.newPage();
  await goto(page, browser.url('popup.html'));
  const ids = await vaultWithAccounts(page, passphrase, usernames);
  const close = async () => {
    await browser.context.close().catch(() => {});
    await sb.close();
    removeProfile(profile);
  };
  return { sb, profile, browser, page, ids, close };
}

// Reads every file under `dirs` as raw bytes and reports where any secret occurs, in UTF-8 or
// UTF-16LE. Hits name the file and the secret's number, never the secret.
export function scanForSecrets(dirs, secrets) {
  const needles = secrets.flatMap((x) => [Buffer.from(x, 'utf8'), Buffer.from(x, 'utf16le')]);
  const result = { files: 0, bytes: 0, hits: [] };
  const walk = (root, dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const st = lstatSync(path);
      if (st.isSymbolicLink()) continue;
      if (st.isDirectory()) {
        walk(root, path);
        continue;
      }
      const data = readFileSync(path);
      result.files += 1;
      result.bytes += data.length;
      needles.forEach((n, i) => {
        if (data.includes(n)) result.hits.push(`${path.slice(root.length)} (secret #${i >> 1})`);
      });
    }
  };
  for (const d of dirs) walk(d, d);
  return result;
}
