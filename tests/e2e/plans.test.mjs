// Bulk plans, end to end in Chromium against the sandbox: a CSV file of 20 rows imported from
// the queue view. With two bad rows the page lists exactly those two by line and nothing is
// queued; fixed, all 20 are queued (an image picked with the file included), at the local
// times written; the export reads back in the same format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { accountByUsername } from '../sandbox/accounts.mjs';
import { sandbox, launch, freshProfile, removeProfile, ask, keysOf, PASSPHRASES, makePng } from './harness.mjs';

const PASSPHRASE = PASSPHRASES.schedule;
const RUN = Date.now().toString(36);

let sb, profile, browser, page;

before(async () => {
  sb = await sandbox();
  profile = freshProfile();
  browser = await launch(profile);
  await browser.firstRunPage?.close();
  page = await browser.context.newPage();
  await page.goto(browser.url('popup.html'));
  assert.equal((await ask(page, 'vault_create', { passphrase: PASSPHRASE })).error, undefined);
  for (const username of ['keypost_demo', 'keypost_second']) {
    const added = await ask(page, 'account_add', { label: username, keys: keysOf(accountByUsername(username)) });
    assert.equal(added.error, undefined, JSON.stringify(added.error));
  }
  await page.goto(browser.url('queue.html'));
});

after(async () => {
  await browser?.context.close().catch(() => {});
  await sb?.close();
  if (profile) removeProfile(profile);
});

const pad = (n) => String(n).padStart(2, '0');
/** A local wall-clock time `days` ahead at hh:mm, as the file writes it and as the epoch. */
function localTime(days, hh, mm) {
  const d = new Date();
  const at = new Date(d.getFullYear(), d.getMonth(), d.getDate() + days, hh, mm);
  return { text: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(hh)}:${pad(mm)}`, ms: at.getTime() };
}

/** 20 rows (lines 2-21); `bad` makes line 5 name an unknown handle and line 14 too long. */
function csvFile(bad) {
  const rows = ['account,due,text,media,alt'];
  for (let i = 0; i < 20; i++) {
    const line = i + 2;
    let account = i % 2 ? '@keypost_second' : '@keypost_demo';
    let text = `"import ${RUN} #${i}, with a comma"`;
    if (bad && line === 5) account = '@nobody_here';
    if (bad && line === 14) text = `import ${RUN} ${'x'.repeat(290)}`;
    const media = i === 0 ? 'chart.png,A chart' : ',';
    rows.push(`${account},${localTime(2, 9, i).text},${text},${media}`);
  }
  return `\ufeff${rows.join('\r\n')}\r\n`;
}

async function importFile(csv) {
  await page.setInputFiles('#import-csv', { name: 'plan.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.setInputFiles('#import-media', { name: 'chart.png', mimeType: 'image/png', buffer: makePng(8, 8, [0, 90, 200]) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('#import-message:not([hidden])').waitFor();
  await page.waitForFunction(() => !(/** @type {HTMLButtonElement} */ (document.getElementById('import-button'))).disabled);
}

async function mine() {
  const answer = await ask(page, 'schedule_list');
  assert.equal(answer.error, undefined);
  return answer.ok.upcoming.filter((i) => i.posts[0].text.includes(RUN));
}

test('a CSV with two bad rows lists them by line and queues nothing; fixed, it queues all 20', async () => {
  await importFile(csvFile(true));
  const errors = await page.locator('#import-errors li').allTextContents();
  assert.equal(errors.length, 2, errors.join('\n'));
  assert.match(errors[0], /^Line 5: .*@nobody_here/);
  assert.match(errors[1], /^Line 14: .*length limit/);
  assert.match(await page.locator('#import-message').textContent(), /Nothing was queued/);
  assert.equal((await mine()).length, 0, 'nothing is queued while a row is bad');

  await importFile(csvFile(false));
  assert.equal(await page.locator('#import-errors').isHidden(), true);
  assert.match(await page.locator('#import-message').textContent(), /^20 post\(s\) queued/);
  const items = await mine();
  assert.equal(items.length, 20);
  const first = items.find((i) => i.posts[0].text === `import ${RUN} #0, with a comma`);
  assert.ok(first, 'the quoted text, comma included');
  assert.equal(first.due_at_ms, localTime(2, 9, 0).ms, 'a time without a zone is local');
  assert.equal(first.username, 'keypost_demo');
  assert.equal(first.posts[0].media.length, 1);
  assert.equal(first.posts[0].media[0].alt, 'A chart');
  assert.equal(items.filter((i) => i.username === 'keypost_second').length, 10);

  const exported = await ask(page, 'schedule_export');
  assert.equal(exported.error, undefined);
  const lines = exported.ok.csv.split('\r\n');
  assert.equal(lines[0], 'account,due,text,part,media,alt');
  assert.equal(lines.filter((l) => l.includes(RUN)).length, 20);
  assert.ok(lines.some((l) => l.startsWith('keypost_second,')), 'the handle, without the @ a spreadsheet would run');
});
