// Every string a person reads is localised, in both languages (run by `node --test tests/ui/`,
// no browser). It fails, naming the file and line, when:
//   (a) a key of extension/_locales/en is missing in zh_CN or the other way round, a message is
//       empty (or blank in one language only), or the two languages do not use the same $placeholders$ (the build merges the
//       per-feature files, scripts/locales.mjs; the same merge is done here);
//   (b) a key used in code does not exist: t('key'), getMessage('key'), data-i18n="key",
//       data-i18n-<attribute>="key", __MSG_key__ in the manifest, the worker's
//       platform::message("key") in src/worker; a key built at run time (t(`err_${code}`)) must
//       at least match some key by its literal prefix;
//   (c) the HTML pages (extension/*.html, <template> contents included) hold text with letters
//       outside an element that has data-i18n, or an aria-label, title, placeholder, alt, ...
//       with letters and no data-i18n-<attribute> beside it;
//   (d) the JavaScript under extension/ (not the generated pkg/) puts a string literal with
//       letters where it is shown: assigned to textContent, innerText, innerHTML, title,
//       placeholder, alt, ariaLabel, ...; set with setAttribute('aria-label', ...); passed to
//       createTextNode, append, prepend, replaceChildren, alert, confirm; or given as such a
//       property in an object literal (el('p', {textContent: 'Saved'})). A literal that is
//       itself a message key (a name looked up later) is allowed, and so is a line ending with
//       the comment `i18n-exempt: <why>`.
// The last test feeds the checks hard-coded strings, so a check that stops catching them
// fails too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Linter } from 'eslint';
import { parse } from 'parse5';

const ROOT = new URL('../..', import.meta.url).pathname;
const EXT = join(ROOT, 'extension');
const LOCALES = join(EXT, '_locales');
const rel = (path) => relative(ROOT, path);

// ----- the locale files -----

/** @typedef {{message: string, description?: string, placeholders?: Record<string, {content: string}>}} Entry */

/** @returns {Record<string, Record<string, Entry & {file: string}>>} language -> key -> entry */
function loadLocales() {
  /** @type {Record<string, Record<string, Entry & {file: string}>>} */
  const out = {};
  for (const lang of readdirSync(LOCALES)) {
    out[lang] = {};
    for (const file of readdirSync(join(LOCALES, lang)).filter((f) => f.endsWith('.json')).sort()) {
      const path = join(LOCALES, lang, file);
      for (const [key, entry] of Object.entries(JSON.parse(readFileSync(path, 'utf8')))) {
        out[lang][key] = { ...entry, file: rel(path) };
      }
    }
  }
  return out;
}
const locales = loadLocales();
const keys = new Set(Object.values(locales).flatMap((l) => Object.keys(l)));

// What a message substitutes: its $NAME$ placeholders and direct $1..$9, as a sorted list.
function substitutions(entry) {
  const named = [...entry.message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => `$${m[1].toLowerCase()}$`);
  const withoutNamed = entry.message.replace(/\$[A-Za-z0-9_@]+\$/g, '');
  const positional = [...withoutNamed.replace(/\$\$/g, '').matchAll(/\$([1-9])/g)].map((m) => `$${m[1]}`);
  const contents = Object.entries(entry.placeholders ?? {})
    .map(([name, p]) => `$${name.toLowerCase()}$=${p.content}`);
  return [...new Set([...named, ...positional])].sort().concat(contents.sort());
}

test('(a) en and zh_CN have the same keys, no empty message, the same placeholders', () => {
  const langs = Object.keys(locales);
  assert.deepEqual(langs.sort(), ['en', 'zh_CN']);
  const problems = [];
  for (const lang of langs) {
    const other = langs.find((l) => l !== lang);
    for (const [key, entry] of Object.entries(locales[lang])) {
      if (!(key in locales[other])) problems.push(`${entry.file}: "${key}" has no ${other} text`);
      // A message of only spaces says "nothing to add" on purpose (strengthHint_passphrase_strong):
      // allowed when it is so in both languages. An empty one is what Chrome answers for a
      // missing key, so it is never allowed.
      const blank = (e) => typeof e?.message === 'string' && e.message.length > 0 && !e.message.trim();
      if (typeof entry.message !== 'string' || !entry.message) problems.push(`${entry.file}: "${key}" has an empty message`);
      else if (!entry.message.trim() && !blank(locales[other][key])) problems.push(`${entry.file}: "${key}" is blank in ${lang} only`);
      for (const name of entry.message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)) {
        if (!Object.keys(entry.placeholders ?? {}).some((p) => p.toLowerCase() === name[1].toLowerCase())) {
          problems.push(`${entry.file}: "${key}" uses $${name[1]}$ but defines no such placeholder`);
        }
      }
    }
  }
  for (const [key, en] of Object.entries(locales.en)) {
    const zh = locales.zh_CN[key];
    if (!zh || typeof en.message !== 'string' || typeof zh.message !== 'string') continue;
    const a = substitutions(en);
    const b = substitutions(zh);
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      problems.push(`"${key}": ${en.file} substitutes [${a.join(', ')}] but ${zh.file} [${b.join(', ')}]`);
    }
  }
  assert.deepEqual(problems, [], `locale problems:\n  ${problems.join('\n  ')}`);
});

// ----- the sources -----

function walk(dir, accept, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (path !== join(EXT, 'pkg') && name !== '_locales' && name !== 'node_modules') walk(path, accept, out);
    } else if (accept(name)) {
      out.push(path);
    }
  }
  return out;
}
const jsFiles = () => walk(EXT, (n) => /\.m?js$/.test(n));
const htmlFiles = () => walk(EXT, (n) => n.endsWith('.html'));
const rustFiles = () => walk(join(ROOT, 'src'), (n) => n.endsWith('.rs'));

const lineOf = (text, index) => text.slice(0, index).split('\n').length;

/**
 * The message keys a source text uses, with their lines: {key} for a literal key, {prefix}
 * for one built at run time from a literal start.
 * @returns {{key?: string, prefix?: string, line: number}[]}
 */
export function keysUsed(text) {
  const found = [];
  const patterns = [
    // t('key'), getMessage('key'), i18n.getMessage("key"), message("key") (Rust, the worker)
    /\b(?:t|getMessage|message)\(\s*(['"])([A-Za-z0-9_@]+)\1/g,
    // data-i18n="key", data-i18n-aria-label='key' (HTML, or markup built in JS)
    /\bdata-i18n(?:-[a-z-]+)?\s*=\s*(["'])([A-Za-z0-9_@]+)\1/g,
    // el.dataset.i18n = 'key', el.dataset.i18nTitle = 'key', setAttribute('data-i18n', 'key')
    /\bdataset\.i18n[A-Za-z]*\s*=\s*(['"])([A-Za-z0-9_@]+)\1/g,
    /setAttribute\(\s*['"]data-i18n[a-z-]*['"]\s*,\s*(['"])([A-Za-z0-9_@]+)\1/g,
    // __MSG_key__ (the manifest)
    /__MSG_()([A-Za-z0-9_@]+)__/g,
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) found.push({ key: m[2], line: lineOf(text, m.index) });
  }
  // t(`err_${code}`), getMessage(`field_${field}`): the literal head must start some key.
  for (const m of text.matchAll(/\b(?:t|getMessage|message)\(\s*`([A-Za-z0-9_@]*)\$\{/g)) {
    found.push({ prefix: m[1], line: lineOf(text, m.index) });
  }
  return found;
}

test('(b) every message key used in the pages, the worker, the manifest and the core exists', () => {
  const sources = [
    ...jsFiles(), ...htmlFiles(), join(EXT, 'manifest.json'),
    ...rustFiles().filter((p) => p.includes(`${join('src', 'worker')}`)),
  ];
  const problems = [];
  let used = 0;
  for (const path of sources) {
    const text = readFileSync(path, 'utf8');
    for (const use of keysUsed(text)) {
      used++;
      if (use.key !== undefined && !keys.has(use.key)) {
        problems.push(`${rel(path)}:${use.line}: no message "${use.key}" in extension/_locales`);
      }
      if (use.prefix !== undefined && use.prefix && ![...keys].some((k) => k.startsWith(use.prefix))) {
        problems.push(`${rel(path)}:${use.line}: no message starts with "${use.prefix}"`);
      }
    }
  }
  assert.ok(used > 50, `only ${used} key uses found: did the patterns stop matching the code?`);
  assert.deepEqual(problems, [], `missing messages:\n  ${problems.join('\n  ')}`);
});

// ----- hard-coded text in HTML -----

const LETTER = /\p{L}/u;
// Attributes a person reads or hears, and their data-i18n-* counterpart.
const SHOWN_ATTRIBUTES = ['aria-label', 'aria-description', 'aria-roledescription', 'aria-placeholder',
  'aria-valuetext', 'title', 'placeholder', 'alt', 'label'];
const NOT_TEXT = new Set(['script', 'style']);

/**
 * Hard-coded text in an HTML document: [{line, what}].
 * @param {string} html
 */
export function hardCodedInHtml(html) {
  const problems = [];
  const attr = (node, name) => node.attrs?.find((a) => a.name === name);
  const visit = (node, localised) => {
    if (node.nodeName === '#text') {
      if (!localised && LETTER.test(node.value)) {
        problems.push({ line: node.sourceCodeLocation?.startLine, what: `text "${node.value.trim().slice(0, 40)}" without data-i18n` });
      }
      return;
    }
    if (NOT_TEXT.has(node.nodeName)) return;
    const here = localised || Boolean(attr(node, 'data-i18n'));
    for (const name of SHOWN_ATTRIBUTES) {
      const a = attr(node, name);
      if (a && LETTER.test(a.value) && !attr(node, `data-i18n-${name}`)) {
        problems.push({ line: node.sourceCodeLocation?.attrs?.[name]?.startLine ?? node.sourceCodeLocation?.startLine, what: `${name}="${a.value}" without data-i18n-${name}` });
      }
    }
    if (node.nodeName === 'input' && /^(button|submit|reset)$/i.test(attr(node, 'type')?.value ?? '')) {
      const v = attr(node, 'value');
      if (v && LETTER.test(v.value) && !attr(node, 'data-i18n-value')) {
        problems.push({ line: node.sourceCodeLocation?.startLine, what: `value="${v.value}" without data-i18n-value` });
      }
    }
    for (const child of node.childNodes ?? []) visit(child, here);
    if (node.content) for (const child of node.content.childNodes ?? []) visit(child, here); // <template>
  };
  visit(parse(html, { sourceCodeLocationInfo: true }), false);
  return problems;
}

test('(c) the HTML pages show no hard-coded text: text and shown attributes come from data-i18n', () => {
  const files = htmlFiles();
  assert.ok(files.length >= 3, 'no HTML pages found');
  const problems = files.flatMap((path) => hardCodedInHtml(readFileSync(path, 'utf8'))
    .map((p) => `${rel(path)}:${p.line}: ${p.what}`));
  assert.deepEqual(problems, [], `hard-coded text in HTML:\n  ${problems.join('\n  ')}`);
});

// ----- hard-coded text in JavaScript -----

// Properties whose value is shown (or read out) as it is.
const SHOWN_PROPERTIES = new Set(['textContent', 'innerText', 'innerHTML', 'outerHTML', 'title', 'placeholder',
  'alt', 'label', 'ariaLabel', 'ariaDescription', 'ariaRoleDescription', 'ariaPlaceholder', 'ariaValueText',
  'aria-label', 'aria-description', 'aria-roledescription', 'aria-placeholder', 'aria-valuetext']);
// Calls whose string arguments are shown.
const SHOWING_METHODS = new Set(['createTextNode', 'append', 'prepend', 'replaceChildren', 'before', 'after',
  'insertAdjacentText', 'alert', 'confirm', 'prompt', 'replaceWith']);

// The literal strings an expression evaluates to as a whole (not those passed to a call,
// such as t('key'), nor compared or indexed): 'a', `a ${x}`, x ? 'a' : b, x || 'a', 'a' + x.
function shownLiterals(node) {
  switch (node?.type) {
    case 'Literal': return typeof node.value === 'string' ? [node.value] : [];
    case 'TemplateLiteral':
      return [node.quasis.map((q) => q.value.cooked ?? '').join(' '), ...node.expressions.flatMap(shownLiterals)];
    case 'BinaryExpression': return node.operator === '+' ? [...shownLiterals(node.left), ...shownLiterals(node.right)] : [];
    case 'ConditionalExpression': return [...shownLiterals(node.consequent), ...shownLiterals(node.alternate)];
    case 'LogicalExpression': return [...shownLiterals(node.left), ...shownLiterals(node.right)];
    case 'SequenceExpression': return shownLiterals(node.expressions.at(-1));
    case 'AssignmentExpression': return shownLiterals(node.right);
    default: return [];
  }
}
const nameOf = (node) => (node?.type === 'Identifier' ? node.name
  : node?.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined);
const visibleText = (s, markup) => (markup ? s.replace(/<[^>]*>/g, ' ') : s);

/** @type {import('eslint').Rule.RuleModule} */
const hardCodedRule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const check = (valueNode, where, markup = false) => {
      for (const s of shownLiterals(valueNode)) {
        const text = visibleText(s, markup);
        if (LETTER.test(text) && !keys.has(s)) {
          context.report({ node: valueNode, message: `${where}: "${s.slice(0, 40)}" is hard-coded; use a message (t('key'))` });
        }
      }
    };
    return {
      AssignmentExpression(node) {
        const name = node.left.type === 'MemberExpression' && !node.left.computed ? nameOf(node.left.property) : undefined;
        if (name && SHOWN_PROPERTIES.has(name)) check(node.right, `.${name} =`, /HTML$/.test(name));
      },
      Property(node) {
        const name = node.computed ? undefined : nameOf(node.key);
        if (name && SHOWN_PROPERTIES.has(name) && node.parent.type === 'ObjectExpression') {
          check(node.value, `{${name}: ...}`, /HTML$/.test(name));
        }
      },
      CallExpression(node) {
        const callee = node.callee;
        const name = callee.type === 'MemberExpression' ? nameOf(callee.property) : nameOf(callee);
        if (name === 'setAttribute' && node.arguments.length >= 2) {
          const attr = nameOf(node.arguments[0]);
          if (attr && SHOWN_PROPERTIES.has(attr)) check(node.arguments[1], `setAttribute('${attr}', ...)`);
        } else if (name && SHOWING_METHODS.has(name)) {
          const args = name === 'insertAdjacentText' ? node.arguments.slice(1) : node.arguments;
          for (const a of args) check(a, `${name}(...)`);
        }
      },
    };
  },
};

/**
 * Hard-coded shown strings in a JavaScript module: [{line, what}].
 * @param {string} code
 */
export function hardCodedInJs(code, filename = 'page.js') {
  const linter = new Linter();
  const messages = linter.verify(code, [{
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { keypost: { rules: { 'no-hard-coded-text': hardCodedRule } } },
    rules: { 'keypost/no-hard-coded-text': 'error' },
  }], filename);
  const lines = code.split('\n');
  return messages
    .filter((m) => !/\bi18n-exempt:\s*\S/.test(lines[m.line - 1] ?? ''))
    .map((m) => ({ line: m.line, what: m.fatal ? `does not parse: ${m.message}` : m.message }));
}

test('(d) the JavaScript puts no hard-coded string where it is shown', () => {
  const files = jsFiles();
  assert.ok(files.length >= 2, 'no extension JavaScript found');
  const problems = files.flatMap((path) => hardCodedInJs(readFileSync(path, 'utf8'), path)
    .map((p) => `${rel(path)}:${p.line}: ${p.what}`));
  assert.deepEqual(problems, [], `hard-coded text in JavaScript:\n  ${problems.join('\n  ')}`);
});

// ----- the checks themselves -----

test('the checks catch hard-coded text and let localised text through', () => {
  const html = [
    '<!doctype html><html><head><title data-i18n="popupTitle">Keypost</title></head><body>',
    '<h1><span data-i18n="popupHeading"></span></h1>',
    '<p>Saved</p>',
    '<button aria-label="Close" data-i18n="cancel"></button>',
    '<input placeholder="Search" data-i18n-placeholder="queueHeading">',
    '<img src="a.png" alt="">',
    '<template id="row"><li><span class="n">—</span> <b>Retry</b></li></template>',
    '<input type="submit" value="Go">',
    '</body></html>',
  ].join('\n');
  assert.deepEqual(hardCodedInHtml(html).map((p) => `${p.line}: ${p.what.split(' ')[0]}`), [
    '3: text', '4: aria-label="Close"', '7: text', '8: value="Go"',
  ]);

  const js = [
    "el.textContent = 'Saved';",
    "el.textContent = t('settingsSaved');",
    "el.textContent = ok ? t('a') : 'Failed';",
    "el.title = `Posted ${n} times`;",
    "el.textContent = `${n} / ${max}`;",
    "button.setAttribute('aria-label', 'Remove image');",
    "row.append(el('span', { textContent: 'Retry' }), ' · ');",
    "list.innerHTML = '<li>Nothing yet</li>';",
    "list.innerHTML = '';",
    "const m = { title: 'menuShareSelection' }; // a message key, looked up later",
    "alert('Oops');",
    "note.textContent = 'Beta'; // i18n-exempt: a brand mark",
    "el.dataset.kind = 'error';",
  ].join('\n');
  assert.deepEqual(hardCodedInJs(js).map((p) => p.line), [1, 3, 4, 6, 7, 8, 11]);
  assert.deepEqual(keysUsed("t('a_b'); getMessage(\"c\"); t(`err_${x}`); <p data-i18n-title='d'>")
    .map((u) => u.key ?? `${u.prefix}*`), ['a_b', 'c', 'd', 'err_*']);
});
