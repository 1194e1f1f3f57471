// A slow uplink (fidelity review §8.9): the sandbox reads API request bodies at no more than
// `read_bytes_per_s`, so a client's upload takes as long as it would over such a link and a
// client timeout can fire mid-upload. Off by default; `POST /__sandbox/throttle
// {"read_bytes_per_s": n}` turns it on, `null` turns it off, a reset turns it off.

/**
 * Read a request body of at most `limit` bytes, at `bytesPerS` when given (pausing the socket
 * between chunks), else as fast as it comes. Rejects with "body too large" past `limit`, and
 * with the request's error when the client goes away.
 */
export function readBody(req, limit, bytesPerS = null) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const started = Date.now();
    let size = 0;
    let timer = null;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.pause();
        return;
      }
      chunks.push(chunk);
      if (!bytesPerS) return;
      const due = (size * 1000) / bytesPerS - (Date.now() - started);
      if (due > 0) {
        req.pause();
        timer = setTimeout(() => {
          timer = null;
          req.resume();
        }, due);
        timer.unref();
      }
    });
    // The last bytes arrive only when the link would have carried them.
    req.on('end', () => {
      if (!bytesPerS) {
        resolve(Buffer.concat(chunks));
        return;
      }
      const due = (size * 1000) / bytesPerS - (Date.now() - started);
      setTimeout(() => resolve(Buffer.concat(chunks)), Math.max(0, due)).unref();
    });
    req.on('error', reject);
    req.on('close', () => {
      if (timer) clearTimeout(timer);
    });
  });
}

/** POST /__sandbox/throttle {read_bytes_per_s}: a positive integer, or null for no throttle. */
export function setThrottle(state, body) {
  const rate = body.read_bytes_per_s;
  if (rate !== null && (!Number.isInteger(rate) || rate < 1)) {
    return { status: 400, body: { error: 'read_bytes_per_s must be a positive integer or null' } };
  }
  state.readBytesPerS = rate;
  return { status: 200, body: { read_bytes_per_s: state.readBytesPerS } };
}
