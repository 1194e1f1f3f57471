// Thumbnails of the draft's images: object URLs by media id. A DOM resource, not state: the
// media view reads it, the effects that add or load images fill it.
/** @type {Map<string, string>} */
const urls = new Map();

/** @param {string} id */
export const thumbUrl = (id) => urls.get(id);

/** @param {string} id @param {Blob} blob */
export function setThumb(id, blob) {
  if (!urls.has(id)) urls.set(id, URL.createObjectURL(blob));
}

/** @param {string} id */
export function dropThumb(id) {
  const url = urls.get(id);
  if (url) URL.revokeObjectURL(url);
  urls.delete(id);
}

export function clearThumbs() {
  for (const url of urls.values()) URL.revokeObjectURL(url);
  urls.clear();
}
