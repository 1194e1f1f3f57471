// The release zip holds only what the extension loads, and no test surface. Reads the zip a
// release build (`make build`) wrote: dist/keypost-<version>.zip. make test's release-zip layer
// builds it first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const version = readFileSync('Cargo.toml', 'utf8').match(/^version = "(.+)"/m)[1];
const ZIP = `dist/keypost-${version}.zip`;

// Every entry of the zip with its bytes (base64), through Python's zipfile (a prerequisite of
// the build, which packs the zip with it).
function readZip(path) {
  const script = `
import base64, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    print(json.dumps({i.filename: base64.b64encode(z.read(i)).decode() for i in z.infolist() if not i.is_dir()}))
`;
  const out = execFileSync('python3', ['-c', script, path], { maxBuffer: 256 * 1024 * 1024 });
  /** @type {Record<string, string>} */
  const entries = JSON.parse(out.toString());
  return new Map(Object.entries(entries).map(([name, b64]) => [name, Buffer.from(b64, 'base64')]));
}

// What the extension loads: the manifest, the merged locales, the icons, the pages with their
// styles and scripts, the worker and its media store, and the core (glue, snippets, wasm): the
// worker's (keypost*) and the pages' small one (keypost_page*).
const ALLOWED = [
  /^manifest\.json$/,
  /^_locales\/[A-Za-z_]+\/messages\.json$/,
  /^icons\/icon\d+\.png$/,
  /^(options|popup|queue)\.(html|js)$/,
  /^(popup|ui)\.css$/,
  /^(background|media-store|messaging)\.js$/,
  /^(lib|popup|options|queue)\/([\w-]+\/)*[\w-]+\.js$/,
  /^pkg\/keypost(_spare|_page)?\.js$/,
  /^pkg\/keypost(_page)?_bg\.wasm$/,
  /^pkg\/snippets\/([\w.-]+\/)*[\w.-]+\.js$/,
];

// Names that exist only in sandbox builds (cargo feature test-hooks).
// Every test-only name: the wasm's exports and messages of sandbox builds, and the worker's
// handle for the e2e tests (removed from a release build's background.js by scripts/build.sh).
const TEST_SURFACE = ['sign_authorization', 'verify_keys', 'test_trap', 'test_age_queue',
  'test_clock_advance', 'test_idle', 'test_config', 'keypostShare'];

test('the release zip exists (make build wrote it)', () => {
  assert.ok(existsSync(ZIP), `${ZIP} is missing: run make build first`);
});

test('the release zip holds only what the extension loads', { skip: !existsSync(ZIP) }, () => {
  const names = [...readZip(ZIP).keys()];
  const stray = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
  assert.deepEqual(stray, [], `not on the allow-list: ${stray.join(', ')}`);
  for (const needed of ['manifest.json', 'background.js', 'pkg/keypost.js', 'pkg/keypost_bg.wasm',
    'pkg/keypost_page.js', 'pkg/keypost_page_bg.wasm',
    '_locales/en/messages.json', 'popup.html', 'options.html', 'queue.html']) {
    assert.ok(names.includes(needed), `${needed} is missing`);
  }
});

test('the release zip has no test export or test message, and talks to X only', { skip: !existsSync(ZIP) }, () => {
  const entries = readZip(ZIP);
  for (const [name, bytes] of entries) {
    if (!/\.(js|wasm|json|html)$/.test(name)) continue;
    const text = bytes.toString('latin1');
    for (const word of TEST_SURFACE) assert.ok(!text.includes(word), `${name} contains ${word}`);
  }
  const manifest = JSON.parse(entries.get('manifest.json').toString('utf8'));
  const hosts = JSON.stringify(manifest.host_permissions ?? []);
  assert.ok(!/127\.0\.0\.1|localhost|http:/.test(hosts), `host permissions: ${hosts}`);
  // The pages and the worker connect to X's API only, and load images only from the extension,
  // its blobs and X's image host (a crafted backup cannot make a page load a tracker).
  const csp = manifest.content_security_policy?.extension_pages ?? '';
  const directive = (name) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));
  assert.equal(directive('connect-src'), "connect-src 'self' https://api.x.com", csp);
  assert.equal(directive('img-src'), "img-src 'self' blob: https://pbs.twimg.com https://abs.twimg.com", csp);
});
