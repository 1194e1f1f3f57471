// Request bodies checked against X's own OpenAPI v2.167 schemas (openapi/requests.json, see
// openapi/SOURCE.md), so a change in the shape of what Keypost sends (an unknown field, a
// wrong type, a missing required field) fails the way X fails it: a 400 invalid-request.
//
// The validator covers exactly the JSON Schema subset those schemas use: $ref, type,
// properties, required, additionalProperties, enum, pattern, minLength/maxLength,
// minimum/maximum, minItems/maxItems, items, anyOf and format (binary, byte). `description` and
// `default` do not constrain. A multipart body is read as OpenAPI form data: each part a field,
// its text coerced to an integer where the schema wants one.

import { readFileSync } from 'node:fs';
import { parseMultipart } from './multipart.mjs';
import { invalidRequest } from './problems.mjs';

const SPEC = JSON.parse(readFileSync(new URL('./openapi/requests.json', import.meta.url), 'utf8'));
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function resolve(schema) {
  let s = schema;
  while (s && s.$ref) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const target = SPEC.components.schemas[name];
    if (!target) throw new Error(`unknown schema ${s.$ref}`);
    // Sibling keywords of a $ref (a description) do not constrain.
    s = target;
  }
  return s;
}

function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function typeMatches(type, value) {
  const actual = typeOf(value);
  return type === actual || (type === 'number' && actual === 'integer');
}

/**
 * Errors of `value` against `schema`, as [{path, message}] (empty when valid). `path` is a JSON
 * path like `$.media.media_ids[0]`; `coerce` turns form-data text into integers where needed.
 */
export function validate(schemaOrRef, value, path = '$', coerce = false) {
  const schema = resolve(schemaOrRef);
  const errors = [];
  const fail = (message) => errors.push({ path, message: `${path}: ${message}` });
  if (schema.anyOf) {
    if (!schema.anyOf.some((s) => validate(s, value, path, coerce).length === 0)) fail('matches none of the allowed schemas');
    return errors;
  }
  let v = value;
  if (coerce && schema.type === 'integer' && typeof v === 'string' && /^-?\d+$/.test(v)) v = Number(v);
  if (schema.type && !typeMatches(schema.type, v)) {
    fail(`${typeOf(v)} found, ${schema.type} expected`);
    return errors;
  }
  if (schema.enum && !schema.enum.includes(v)) fail(`${JSON.stringify(v)} is not one of ${schema.enum.join(', ')}`);
  if (typeof v === 'string') {
    const length = [...v].length;
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(v)) fail(`does not match the pattern ${schema.pattern}`);
    if (schema.minLength !== undefined && length < schema.minLength) fail(`shorter than ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && length > schema.maxLength) fail(`longer than ${schema.maxLength} characters`);
    if (schema.format === 'byte' && !BASE64.test(v)) fail('is not base64');
  }
  if (typeof v === 'number') {
    if (schema.minimum !== undefined && v < schema.minimum) fail(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && v > schema.maximum) fail(`must be at most ${schema.maximum}`);
  }
  if (Array.isArray(v)) {
    if (schema.minItems !== undefined && v.length < schema.minItems) fail(`needs at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && v.length > schema.maxItems) fail(`takes at most ${schema.maxItems} items`);
    if (schema.items) v.forEach((item, i) => errors.push(...validate(schema.items, item, `${path}[${i}]`, coerce)));
  }
  if (typeOf(v) === 'object') {
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) {
      if (!(name in v)) fail(`required property '${name}' is missing`);
    }
    for (const [name, item] of Object.entries(v)) {
      const child = `${path}.${name}`;
      if (name in properties) {
        errors.push(...validate(properties[name], item, child, coerce));
      } else if (schema.additionalProperties === false) {
        errors.push({ path: child, message: `${path}: property '${name}' is not defined in the schema and the schema does not allow additional properties` });
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        errors.push(...validate(schema.additionalProperties, item, child, coerce));
      }
    }
  }
  return errors;
}

function mimeOf(contentType) {
  return String(contentType || '').split(';')[0].trim().toLowerCase();
}

/** The multipart body as form-data fields: each part's text, or a marker for file parts. */
function formFields(body, contentType) {
  const fields = {};
  for (const part of parseMultipart(body, contentType)) {
    fields[part.name] = part.filename !== undefined && part.filename !== null ? '(binary)' : part.data.toString('utf8');
  }
  return fields;
}

/**
 * The 400 X gives when a request body breaks the operation's schema (`operation` is a key of
 * requests.json, like "POST /2/tweets"), or null. Bodies that are not JSON or form data of a
 * declared type are left to the endpoint, which refuses them with its own message.
 */
export function schemaProblem(operation, contentType, body) {
  const op = SPEC.operations[operation];
  if (!op) throw new Error(`no vendored schema for ${operation}`);
  const content = op.requestBody?.content;
  if (!content) return null;
  const mime = mimeOf(contentType);
  const declared = content[mime];
  if (!declared) return null;
  let value;
  try {
    value = mime === 'multipart/form-data' ? formFields(body, contentType) : JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return null; // malformed: the endpoint says what is wrong
  }
  const errors = validate(declared.schema, value, '$', mime === 'multipart/form-data');
  if (errors.length === 0) return null;
  return invalidRequest(errors[0].message, errors[0].path.replace(/^\$\.?/, '') || undefined);
}

/** The operations whose request bodies the vendored excerpt describes. */
export const OPERATIONS = Object.keys(SPEC.operations);
