// The package under test: `CHAMDIEM_JS_PACKAGE` names it (a path, relative to the current
// folder, or a package specifier); by default the Node package of this repository.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const given = process.env.CHAMDIEM_JS_PACKAGE;

function specifier(s) {
  if (!s) return new URL('../../bindings-node/index.mjs', import.meta.url).href;
  if (s.startsWith('.') || isAbsolute(s)) return pathToFileURL(resolve(s)).href;
  return s;
}

/** What the tests import. */
export const PACKAGE = specifier(given);
const pkg = await import(PACKAGE);
export default pkg;
