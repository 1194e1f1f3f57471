// Re-vendors requests.json from X's OpenAPI document (see SOURCE.md):
//   node tests/sandbox/openapi/extract.mjs path/to/openapi.json > tests/sandbox/openapi/requests.json
// Keeps, verbatim, the request-body schemas of the operations Keypost calls and every component
// schema they reference, nothing else.

import { readFileSync } from 'node:fs';

/** The operations Keypost calls that take a body, and the body's content types. */
export const OPERATIONS = [
  ['POST', '/2/tweets'],
  ['POST', '/2/media/upload/initialize'],
  ['POST', '/2/media/upload/{id}/append'],
  ['POST', '/2/media/upload/{id}/finalize'],
  ['POST', '/2/media/metadata'],
];

function extract(spec) {
  const schemas = spec.components.schemas;
  const kept = {};
  const visit = (node) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!(name in kept)) {
          kept[name] = schemas[name];
          visit(schemas[name]);
        }
      } else {
        visit(value);
      }
    }
  };
  const operations = {};
  for (const [method, path] of OPERATIONS) {
    const op = spec.paths[path][method.toLowerCase()];
    operations[`${method} ${path}`] = { operationId: op.operationId, requestBody: op.requestBody ?? null };
    visit(op.requestBody ?? {});
  }
  const sorted = Object.fromEntries(Object.keys(kept).sort().map((k) => [k, kept[k]]));
  return { openapi: spec.openapi, info: { title: spec.info.title, version: spec.info.version }, operations, components: { schemas: sorted } };
}

if (process.argv[2]) {
  process.stdout.write(`${JSON.stringify(extract(JSON.parse(readFileSync(process.argv[2], 'utf8'))), null, 2)}\n`);
}
