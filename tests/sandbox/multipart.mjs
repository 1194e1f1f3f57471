// A small multipart/form-data parser that keeps each part's bytes exactly as sent
// (undici's formData() turns a part without a filename into a UTF-8 string).

/**
 * Parse a multipart/form-data body. Returns [{name, filename, contentType, data: Buffer}].
 * Throws Error with a readable message when the body is not well formed.
 */
export function parseMultipart(body, contentTypeHeader) {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentTypeHeader || '');
  if (!/^multipart\/form-data/i.test(contentTypeHeader || '') || !match) {
    throw new Error('the body must be multipart/form-data with a boundary');
  }
  const delimiter = Buffer.from(`--${match[1] || match[2]}`);
  const nextDelimiter = Buffer.concat([Buffer.from('\r\n'), delimiter]);
  const parts = [];
  let pos = body.indexOf(delimiter);
  if (pos === -1) throw new Error('multipart boundary not found in the body');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new Error('malformed multipart delimiter');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd === -1) throw new Error('malformed multipart part headers');
    const headers = parseHeaders(body.subarray(pos, headerEnd).toString('utf8'));
    const end = body.indexOf(nextDelimiter, headerEnd + 4);
    if (end === -1) throw new Error('multipart body is not terminated');
    const disposition = headers['content-disposition'] || '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Error('multipart part without a name');
    parts.push({
      name,
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      contentType: headers['content-type'],
      data: body.subarray(headerEnd + 4, end),
    });
    pos = end + 2;
  }
  return parts;
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
