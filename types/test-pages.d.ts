// For the type-check of tests/ (tests/tsconfig.json) only. The end-to-end tests hand callbacks
// to extension pages and to the worker (page.evaluate, waitForFunction); inside them:
// - the extension's own modules are imported by their URL in the page, not by a path the
//   type-check could follow;
// - DOM lookups are `any`: the callback reads whatever the element has, and the test's
//   assertions check it (these overloads, merged first, win over the DOM's Element-typed ones);
// - the worker exposes the right-click share handler (extension/background.js).
declare module '*/media-store.js';

interface Document {
  getElementById(elementId: string): any;
  querySelector(selectors: string): any;
}
interface ParentNode {
  querySelector(selectors: string): any;
}

declare var keypostShare: ((info: object, tab?: object) => Promise<any>) | undefined;
