// node-fetch 2 (client-node's Watch) takes `URL` from node:url and falls back to whatwg-url only
// where Node has none; loading whatwg-url (and tr46's Unicode table) cost every deploy and the
// controller ~12 ms and a few MiB for a fallback never used. The bundles get Node's own instead.
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
export default { URL, URLSearchParams };
