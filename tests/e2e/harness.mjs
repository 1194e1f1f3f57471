// Shared end-to-end machinery: the X sandbox on the port the test build points at, and
// Debian's Chromium with the built extension loaded, driven through playwright-core.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startSandbox } from '../sandbox/server.mjs';

export const SANDBOX_PORT = Number(process.env.KEYPOST_SANDBOX_PORT ?? 18787);
export const EXTENSION_DIR = resolve(process.env.KEYPOST_EXTENSION_DIR ?? 'dist/sandbox-chrome');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function sandbox() {
  return startSandbox({ port: SANDBOX_PORT, quiet: true });
}

export function freshProfile() {
  return mkdtempSync(join(tmpdir(), 'keypost-profile-'));
}

// Launches Chromium with the extension on a profile directory (kept across relaunches so a
// test can restart the browser). Returns the context, the worker and the extension id.
export async function launch(profileDir, { extraArgs = [] } = {}) {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`no extension build at ${EXTENSION_DIR}: run the test command, which builds it`);
  }
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic',
      `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`,
      '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--lang=en-US', ...extraArgs,
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  return { context, worker, extensionId, url: (path) => `chrome-extension://${extensionId}/${path}` };
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

// Sends a message to the core from an extension page, as the popup and options page do.
export async function ask(page, type, fields = {}) {
  return page.evaluate(([t, f]) => chrome.runtime.sendMessage({ type: t, ...f }), [type, fields]);
}

export function removeProfile(dir) {
  rmSync(dir, { recursive: true, force: true });
}
