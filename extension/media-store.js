// Images the user attached, kept in IndexedDB (database "keypost", store "media") until they
// are posted or the draft is discarded. Pages add them; the worker's core reads and deletes
// them (imported into the wasm module by wasm-bindgen). Files never leave this browser except
// as the upload to X.
const DB = 'keypost';
const STORE = 'media';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, fn) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req?.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

// Stores a File/Blob; returns what a draft records about it.
export async function putMedia(file) {
  const media_id = crypto.randomUUID();
  const bytes = new Uint8Array(await file.arrayBuffer());
  await run('readwrite', (s) => s.put({ bytes, type: file.type, name: file.name ?? '' }, media_id));
  return { media_id, name: file.name ?? '', type: file.type, size: bytes.byteLength };
}

// {bytes: Uint8Array, type} or null.
export async function getMedia(mediaId) {
  return (await run('readonly', (s) => s.get(mediaId))) ?? null;
}

export async function deleteMedia(mediaId) {
  await run('readwrite', (s) => s.delete(mediaId));
}
