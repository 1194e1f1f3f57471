// One post of the draft (the post-item template) and its images (media-item), wired to the
// effects. Built again only when the draft's structure changes (see store.js rule 3).
import { fromTemplate } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { bytes } from '../../lib/format.js';
import { thumbUrl } from '../thumbs.js';

/**
 * @typedef {object} PostContext
 * @property {number} n how many posts the draft has
 * @property {boolean} imagesAvailable the media store opened
 * @property {import('../../lib/core.js').Limits} limits
 * @property {import('../effects.js').Effects} fx
 * @property {(index: number) => void} pickImages opens the file picker for a post
 * @property {(index: number, files: File[]) => void} addFiles
 */

/**
 * @param {import('../../lib/protocol.js').DraftPost} post
 * @param {number} i
 * @param {PostContext} ctx
 * @returns {HTMLLIElement}
 */
export function postItem(post, i, ctx) {
  const li = fromTemplate('post-item');
  li.dataset.index = String(i);
  const label = li.querySelector('.post-head label');
  label.htmlFor = `text-${i}`;
  label.textContent = ctx.n === 1 ? t('popupTextLabel') : t('popupPostNofM', [String(i + 1), String(ctx.n)]);
  const remove = li.querySelector('.remove-post');
  remove.hidden = ctx.n === 1;
  remove.textContent = t('popupRemovePost');
  remove.setAttribute('aria-label', t('popupRemovePostLabel', [String(i + 1)]));
  remove.addEventListener('click', () => ctx.fx.removePost(i));

  const area = li.querySelector('textarea.post-text');
  const backdrop = li.querySelector('.backdrop');
  area.id = `text-${i}`;
  area.value = post.text;
  area.setAttribute('aria-describedby', `count-${i} excess-${i} rule-error-${i}`);
  area.placeholder = i === 0 ? t('popupPlaceholder') : '';
  area.addEventListener('input', () => ctx.fx.editText(i, area.value));
  area.addEventListener('scroll', () => { backdrop.scrollTop = area.scrollTop; });
  area.addEventListener('paste', (/** @type {ClipboardEvent} */ e) => {
    const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/') || f.type === '');
    if (!files.length) return;
    e.preventDefault();
    ctx.addFiles(i, files);
  });

  li.querySelector('.counter').id = `count-${i}`;
  const addImage = li.querySelector('.add-image');
  addImage.textContent = t('popupAddImage');
  addImage.setAttribute('aria-label', ctx.n === 1 ? t('popupAddImage') : t('popupAddImageTo', [String(i + 1)]));
  addImage.disabled = !ctx.imagesAvailable || post.media.length >= ctx.limits.max_images;
  addImage.addEventListener('click', () => ctx.pickImages(i));
  li.querySelector('.excess').id = `excess-${i}`;
  li.querySelector('.media-error').id = `media-error-${i}`;
  li.querySelector('.rule-error').id = `rule-error-${i}`;
  li.querySelector('ul.media').append(...post.media.map((m, j) => mediaItem(m, i, j, ctx)));
  const unavailable = li.querySelector('.images-unavailable');
  unavailable.hidden = ctx.imagesAvailable;
  unavailable.textContent = ctx.imagesAvailable ? '' : t('popupImagesUnavailable');

  // Drop images anywhere on the post.
  li.addEventListener('dragover', (/** @type {DragEvent} */ e) => {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
    e.preventDefault();
    li.classList.add('drop');
  });
  li.addEventListener('dragleave', () => li.classList.remove('drop'));
  li.addEventListener('drop', (/** @type {DragEvent} */ e) => {
    li.classList.remove('drop');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    ctx.addFiles(i, files);
  });
  return li;
}

/**
 * @param {import('../../lib/protocol.js').DraftMedia} m
 * @param {number} i the post
 * @param {number} j the image
 * @param {PostContext} ctx
 */
function mediaItem(m, i, j, ctx) {
  const li = fromTemplate('media-item');
  li.dataset.mediaId = m.media_id;
  const img = li.querySelector('img');
  img.alt = t('popupThumbAlt', [m.name ?? '']);
  const url = thumbUrl(m.media_id);
  if (url) img.src = url;
  const label = li.querySelector('label');
  label.htmlFor = `alt-${i}-${j}`;
  label.textContent = t('popupAltLabel', [String(j + 1), m.name ?? '']);
  const alt = li.querySelector('textarea.alt-text');
  alt.id = `alt-${i}-${j}`;
  alt.maxLength = ctx.limits.max_alt_chars;
  alt.value = m.alt ?? '';
  alt.setAttribute('aria-describedby', `alt-count-${i}-${j}`);
  const count = li.querySelector('.alt-count');
  count.id = `alt-count-${i}-${j}`;
  const setCount = () => {
    count.textContent = t('popupAltCount', [String([...alt.value].length), String(ctx.limits.max_alt_chars)]);
  };
  setCount();
  alt.addEventListener('input', () => {
    setCount();
    ctx.fx.editAlt(i, j, alt.value);
  });
  li.querySelector('.info').textContent = `${m.name ?? ''} · ${bytes(m.size ?? 0)}`;
  const remove = li.querySelector('.remove-image');
  remove.textContent = t('popupRemoveImage');
  remove.setAttribute('aria-label', t('popupRemoveImageLabel', [m.name ?? String(j + 1)]));
  remove.addEventListener('click', () => ctx.fx.removeImage(i, j));
  return li;
}
