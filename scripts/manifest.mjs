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
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
