// Small DOM helpers shared by the pages.

/**
 * The element with this id (pages only ask for ids their HTML has).
 * @param {string} id
 * @returns {any}
 */
export const $ = (id) => document.getElementById(id);

/**
 * Creates an element: el('button', {type: 'button', className: 'x', dataset: {id}}, ...children).
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {any}
 */
export function el(tag, props = {}, ...children) {
  const { dataset, attrs, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  Object.assign(node.dataset, dataset ?? {});
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, String(value));
  for (const c of children) if (c != null && c !== false) node.append(c);
  return node;
}

/**
 * A copy of a <template>'s first element.
 * @param {string} id
 * @returns {any}
 */
export function fromTemplate(id) {
  const template = /** @type {HTMLTemplateElement} */ (document.getElementById(id));
  return /** @type {Element} */ (template.content.firstElementChild).cloneNode(true);
}

/**
 * Shows or hides an element.
 * @param {HTMLElement} node
 * @param {boolean} visible
 */
export function show(node, visible) {
  node.hidden = !visible;
}

/**
 * Marks a button as working (disabled, aria-busy) or done.
 * @param {HTMLButtonElement} button
 * @param {boolean} on
 */
export function busy(button, on) {
  button.disabled = on;
  button.setAttribute('aria-busy', String(on));
}

/**
 * Shows a message (or hides it when text is empty) with its kind: ok, note, warning, error.
 * @param {HTMLElement} node
 * @param {string|Node[]} content
 * @param {'ok'|'note'|'warning'|'error'} [kind]
 */
export function message(node, content, kind = 'ok') {
  if (typeof content === 'string') node.textContent = content;
  else node.replaceChildren(...content);
  node.dataset.kind = kind;
  show(node, content.length > 0);
}
