// Reading request bodies as the endpoints expect them.

import { invalidRequest } from './problems.mjs';

/**
 * Parse a JSON object body. Returns {value} or {problem} (a 400 saying what is wrong).
 * Form-encoded or other bodies are refused: X's v2 write endpoints take JSON only.
 */
export function jsonObjectBody(body, contentType) {
  const mime = String(contentType || '').split(';')[0].trim().toLowerCase();
  if (mime !== 'application/json') {
    return { problem: invalidRequest(`The request body must be JSON (content-type application/json), not "${mime || 'none'}".`) };
  }
  let value;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return { problem: invalidRequest('The request body is not valid JSON.') };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { problem: invalidRequest('The request body must be a JSON object.') };
  }
  return { value };
}
