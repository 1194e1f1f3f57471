// Writes the version (from Cargo.toml) and the X API host permission into the built manifest.
import { readFileSync, writeFileSync } from 'node:fs';

const [file, version, apiBase] = process.argv.slice(2);
const origin = new URL(apiBase);
if (!['https:', 'http:'].includes(origin.protocol)) {
  throw new Error(`X_API_BASE must be an http(s) origin, got ${apiBase}`);
}
const manifest = JSON.parse(readFileSync(file, 'utf8'));
manifest.version = version;
// Match patterns ignore the port, so the pattern names scheme and host only.
manifest.host_permissions = [`${origin.protocol}//${origin.hostname}/*`];
// The pages and the worker connect only to X's API (and load their own files); images come
// only from the extension, its blobs (thumbnails) and X's image host. A build for another
// origin (the sandbox) connects to it, on any port (each test file runs its own sandbox), and
// loads the avatars it serves.
if (origin.origin !== 'https://api.x.com') {
  const sandbox = `${origin.protocol}//${origin.hostname}:*`;
  const csp = manifest.content_security_policy;
  csp.extension_pages = csp.extension_pages
    .replace('connect-src \'self\' https://api.x.com', `connect-src 'self' ${sandbox}`)
    .replace('https://abs.twimg.com;', `https://abs.twimg.com ${sandbox};`);
  if (!csp.extension_pages.includes(sandbox)) throw new Error('the CSP of the built manifest did not take the API origin');
}
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
