// Chrome writes the state of a page's form fields into the profile's session files (to restore
// a tab) unless the field has autocomplete="off". What a user types into Keypost is sealed or
// never stored: a key pasted into the composer (refused by the leak guard), a draft, alt text,
// a passphrase shown with "Show". So every field of the pages that takes text says
// autocomplete="off" (a clean clone's profile scan found a pasted token in Session and Tabs
// files). The fields the queue page makes in JavaScript are checked by name below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'parse5';

// The queue page's HTML has no text field of its own (its forms are made in JavaScript).
const PAGES = ['popup.html', 'options.html', 'queue.html'];
// Input types that hold no text a user typed.
const NO_TEXT = new Set(['checkbox', 'radio', 'file', 'button', 'submit', 'reset', 'hidden', 'range', 'color',
  'date', 'time', 'datetime-local', 'month', 'week', 'number']);

/** Every element under `node`, templates' contents included. */
function* elements(node) {
  for (const child of [...(node.childNodes ?? []), ...(node.content?.childNodes ?? [])]) {
    if (child.tagName) yield child;
    yield* elements(child);
  }
}

const attr = (el, name) => el.attrs.find((a) => a.name === name)?.value;

for (const page of PAGES) {
  test(`${page}: every text field has autocomplete="off"`, () => {
    const doc = parse(readFileSync(new URL(`../../extension/${page}`, import.meta.url), 'utf8'));
    const fields = [...elements(doc)].filter((el) => el.tagName === 'textarea'
      || (el.tagName === 'input' && !NO_TEXT.has(attr(el, 'type') ?? 'text')));
    if (page !== 'queue.html') assert.ok(fields.length > 0, `no text field found in ${page}`);
    const open = fields.filter((el) => attr(el, 'autocomplete') !== 'off')
      .map((el) => `<${el.tagName} id=${attr(el, 'id') ?? '?'} class=${attr(el, 'class') ?? '?'}>`);
    assert.deepEqual(open, [], `${page}: fields Chrome would save into its session files`);
  });
}

test('the text fields the queue page makes in JavaScript have autocomplete="off"', () => {
  for (const file of ['queue/series.js', 'queue/item-forms.js']) {
    const source = readFileSync(new URL(`../../extension/${file}`, import.meta.url), 'utf8');
    const made = [...source.matchAll(/el\('(textarea|input)', \{([^}]*)/g)]
      .filter(([, tag, props]) => tag === 'textarea' || /type: 'text'/.test(props));
    assert.ok(made.length > 0, `${file} makes no text field`);
    for (const [whole, , props] of made) assert.match(props, /autocomplete: 'off'/, `${file}: ${whole}`);
  }
});
