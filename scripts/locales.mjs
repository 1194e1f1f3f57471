// Merges extension/_locales/<lang>/*.json (one file per feature, so features are edited
// apart) into <out>/_locales/<lang>/messages.json, and fails the build when a key is defined
// twice or when a language lacks a key another has: every string ships in every language.
import { readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [src, out] = process.argv.slice(2);
const langs = readdirSync(src);
const merged = {};
const problems = [];
for (const lang of langs) {
  merged[lang] = {};
  for (const file of readdirSync(join(src, lang)).filter((f) => f.endsWith('.json')).sort()) {
    const part = JSON.parse(readFileSync(join(src, lang, file), 'utf8'));
    for (const [key, value] of Object.entries(part)) {
      if (key in merged[lang]) problems.push(`${lang}: ${key} defined twice (${file})`);
      if (typeof value?.message !== 'string' || !value.message) problems.push(`${lang}: ${key} has no message`);
      merged[lang][key] = value;
    }
  }
}
const all = new Set(langs.flatMap((l) => Object.keys(merged[l])));
for (const lang of langs) {
  for (const key of all) if (!(key in merged[lang])) problems.push(`${lang}: missing ${key}`);
}
if (problems.length) {
  console.error(`locale problems:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
for (const lang of langs) {
  const dir = join(out, '_locales', lang);
  for (const f of readdirSync(dir)) rmSync(join(dir, f));
  writeFileSync(join(dir, 'messages.json'), `${JSON.stringify(merged[lang], null, 1)}\n`);
}
console.error(`locales: ${langs.join(', ')}, ${all.size} strings each`);
