// The wasm-bindgen glue (extension/pkg/keypost.js, its spare copy, the pages' keypost_page.js) exists only in a build
// (scripts/build.sh runs wasm-bindgen with --no-typescript), so the type-check sees it as an
// untyped module: what a page or the worker imports from it is `any`. The typed surface is
// the messages, in extension/lib (mirroring docs/PROTOCOL.md).
declare module '*/pkg/keypost.js';
declare module '*/pkg/keypost_spare.js';
declare module '*/pkg/keypost_page.js';
