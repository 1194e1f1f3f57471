// The demo behind `make demo` (scripts/demo.sh builds dist/demo-chrome first): the X sandbox
// plus Chromium with the extension. With a display the browser stays open for you; without
// one it walks through setup, an account, a text, an image and a thread, prints what the
// sandbox received and saves a screenshot of each step into demo-output/.
import { mkdirSync, rmSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startSandbox } from '../tests/sandbox/server.mjs';
import { ACCOUNTS, accountByUsername } from '../tests/sandbox/accounts.mjs';
import { makePng, sandboxPosts } from '../tests/e2e/harness.mjs';

const PORT = Number(process.env.KEYPOST_DEMO_PORT ?? 8787);
// make test's walk reuses its e2e build (dist/sandbox-chrome, built for the same port).
const EXTENSION = resolve(process.env.KEYPOST_DEMO_EXTENSION_DIR ?? 'dist/demo-chrome');
const OUT = resolve('demo-output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const headful = Boolean(process.env.DISPLAY) && process.env.KEYPOST_DEMO_HEADLESS !== '1';
const PASSPHRASE = 'demo passphrase: correct horse battery staple';

if (!existsSync(join(EXTENSION, 'manifest.json'))) {
  console.error(`no build at ${EXTENSION}: run \`make demo\` (scripts/demo.sh), which builds it`);
  process.exit(1);
}

const say = (s) => console.log(`\x1b[1m==> ${s}\x1b[0m`);

function printKeys(sandboxUrl) {
  console.log(`\nX sandbox: ${sandboxUrl} (control: ${sandboxUrl}/__sandbox/posts)`);
  console.log('Demo accounts: made-up keys that work only against this sandbox.\n');
  for (const a of ACCOUNTS) {
    console.log(`  @${a.username}: ${a.purpose}`);
    console.log(`    API Key              ${a.apiKey}`);
    console.log(`    API Secret           ${a.apiSecret}`);
    console.log(`    Access Token         ${a.accessToken}`);
    console.log(`    Access Token Secret  ${a.accessTokenSecret}\n`);
  }
}

async function launch(profile, headless) {
  const args = [
    `--disable-extensions-except=${EXTENSION}`, `--load-extension=${EXTENSION}`,
    '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-quic', '--lang=en-US',
  ];
  if (headless) args.unshift('--headless=new', '--no-sandbox', '--disable-gpu');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless, args, viewport: headless ? { width: 900, height: 900 } : null,
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const id = new URL(worker.url()).host;
  return { context, url: (path) => `chrome-extension://${id}/${path}` };
}

const sandbox = await startSandbox({ port: PORT, quiet: !headful });
const profile = mkdtempSync(join(tmpdir(), 'keypost-demo-'));
let browser;
const cleanup = async () => {
  await browser?.context.close().catch(() => {});
  await sandbox.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
};

try {
  if (headful) await interactive();
  else await walkthrough();
} catch (err) {
  console.error(`demo failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

// ----- with a display: leave the browser to the user -----
async function interactive() {
  browser = await launch(profile, false);
  printKeys(sandbox.url);
  say('Chromium is open with Keypost loaded; its settings page walks through the setup.');
  say('Paste the four keys of @keypost_demo above, then post from the toolbar button (pin Keypost');
  say('from the puzzle-piece menu). Close the browser or press Ctrl+C to end the demo.');
  await new Promise((done) => {
    browser.context.on('close', done);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

// ----- without a display: a scripted walk with screenshots -----
async function walkthrough() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  browser = await launch(profile, true);
  const shots = [];
  const shot = async (page, name, what) => {
    const path = join(OUT, name);
    await page.screenshot({ path, fullPage: true });
    shots.push(`${name}  ${what}`);
  };
  say(`X sandbox on ${sandbox.url}; headless Chromium with ${EXTENSION}`);

  // 1. First run: the options page, which the extension opens by itself on install (as a user
  // sees it), choose a passphrase. Opening it from here too raced with that tab (Chromium may
  // put it in the page being navigated: "navigation interrupted").
  // It may be the browser's first tab, navigated there: looked for until it shows.
  const isOptions = (p) => p.url().startsWith(browser.url('options.html'));
  let options;
  for (let waited = 0; !(options = browser.context.pages().find(isOptions)); waited += 100) {
    if (waited > 15_000) throw new Error('the extension did not open its setup page on install');
    await new Promise((r) => setTimeout(r, 100));
  }
  await options.waitForLoadState('domcontentloaded');
  await options.locator('#setup-pass').waitFor();
  await options.fill('#setup-pass', PASSPHRASE);
  await options.fill('#setup-confirm', PASSPHRASE);
  await options.waitForTimeout(300);
  await shot(options, '01-setup.png', 'first run: choose a passphrase');
  await options.click('#setup-form button[type=submit]');
  say('vault created');

  // 2. Add an account with its four keys: Keypost checks them with X (the sandbox).
  const demo = accountByUsername('keypost_demo');
  await options.locator('#acc-api_key').waitFor();
  await options.fill('#acc-label', 'Demo');
  await options.fill('#acc-api_key', demo.apiKey);
  await options.fill('#acc-api_secret', demo.apiSecret);
  await options.fill('#acc-access_token', demo.accessToken);
  await options.fill('#acc-access_token_secret', demo.accessTokenSecret);
  await shot(options, '02-add-account.png', 'adding an account: the four keys (masked)');
  await options.click('#account-save');
  await options.locator('li.account').first().waitFor();
  await options.locator('li.account .message:not([hidden])').first().waitFor().catch(() => {});
  await shot(options, '03-accounts.png', 'the account list: @keypost_demo verified');
  say(`account added: ${(await options.locator('li.account .handle').first().textContent()).trim()}`);

  // 3. The popup: a text post.
  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 420, height: 640 });
  await popup.goto(browser.url('popup.html'));
  await popup.locator('#text-0').waitFor();
  const text = 'Hello from Keypost: signed in the browser with my own keys & nothing in between! 🔑 中文也可以';
  await popup.fill('#text-0', text);
  await shot(popup, '04-composer.png', 'the composer: account, counter, cost');
  await postAndWait(popup);
  await shot(popup, '05-posted.png', 'posted: the link to the post');
  say('text posted');

  // 4. An image with alt text.
  await popup.fill('#text-0', 'A picture with a description for screen readers');
  await popup.setInputFiles('#file-input', { name: 'keypost-blue.png', mimeType: 'image/png', buffer: makePng(320, 180, [29, 155, 240]) });
  await popup.locator('#alt-0-0').waitFor();
  await popup.fill('#alt-0-0', 'A flat blue rectangle in Keypost blue');
  await shot(popup, '06-image.png', 'an image with its alt text');
  await postAndWait(popup);
  await shot(popup, '07-image-posted.png', 'the image post, posted');
  say('image posted');

  // 5. A thread: one long text split at word boundaries.
  const long = Array.from({ length: 3 }, (_, i) => `Part of a longer thought, number ${i + 1}: Keypost counts characters the way X does, `
    + 'splits long texts at word boundaries into numbered posts, and chains them as replies, so a thread '
    + 'arrives in order, and a failed step can be resumed without posting anything twice.').join(' ');
  await popup.fill('#text-0', long);
  await shot(popup, '08-over-limit.png', 'too long for one post: the excess marked, Post blocked');
  await popup.click('#split');
  await popup.locator('#text-1').waitFor();
  await shot(popup, '09-thread.png', 'split into a numbered thread');
  await postAndWait(popup);
  await shot(popup, '10-thread-posted.png', 'the thread, posted');
  say('thread posted');

  // 6. What was sent, in the popup and in the sandbox.
  await popup.click('#tab-sent');
  await popup.locator('#sent-list li').first().waitFor();
  await shot(popup, '11-sent.png', 'Sent: the last posts with their links');
  await options.reload();
  await options.locator('li.account').first().waitFor();
  await shot(options, '12-accounts-after.png', 'the account list after posting');

  const posts = await sandboxPosts(sandbox);
  say(`the sandbox received ${posts.length} posts:`);
  for (const p of posts) {
    console.log(`  ${p.id}  @${p.username}${p.reply_to ? `  (reply to ${p.reply_to})` : ''}`);
    console.log(`    ${JSON.stringify(p.text)}`);
    for (const m of p.media ?? []) console.log(`    image ${m.id} ${m.media_type}, ${m.bytes} bytes, alt ${JSON.stringify(m.alt_text)}`);
  }
  say(`screenshots in ${OUT}/:`);
  for (const s of shots) console.log(`  ${s}`);
  if (posts.length < 4 || !posts.some((p) => p.media?.length) || !posts.some((p) => p.reply_to)) {
    throw new Error(`expected a text, an image and a thread; the sandbox has ${posts.length} posts`);
  }
}

async function postAndWait(page) {
  await page.click('#post');
  await page.locator('#result:not([hidden]), #failure:not([hidden])').first().waitFor({ timeout: 30_000 });
  if (await page.locator('#failure').isVisible()) {
    throw new Error(`posting failed: ${await page.locator('#failure-text').textContent()}`);
  }
}
