// chamdiem in the browser (and in any JavaScript engine with WebAssembly): the core compiled to
// WebAssembly, with the same API as the Node package (docs/js-api.md).
//
// The module loads its `.wasm` with a top-level `await`, so once `import` has resolved every
// export works synchronously, as in Node. No bundler is needed: a page can
// `import { CriteriaSet, Dossier } from './chamdiem/index.js'`.

import initWasm, {
  initSync,
  CriteriaSet,
  Dossier,
  EvaluationInput,
  rank,
  version,
} from './chamdiem_wasm.js';

export {
  ChamdiemError,
  WrongStateError,
  ForbiddenError,
  UnknownCriterionError,
  UnknownCaseError,
  ValueOutOfRangeError,
  GuardFailedError,
  DeadlinePassedError,
  VersionConflictError,
  InvalidInputError,
  InvalidCriteriaSetError,
  NotFoundError,
  AlreadyExistsError,
  StorageError,
  ERROR_CODES,
} from './errors.js';

const wasmUrl = new URL('./chamdiem_wasm_bg.wasm', import.meta.url);
if (wasmUrl.protocol === 'file:' && typeof process === 'object' && process.versions?.node) {
  // Node's fetch cannot read files: read the bytes and instantiate them.
  const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
  initSync({ module: await readFile(wasmUrl) });
} else {
  await initWasm({ module_or_path: wasmUrl });
}

export { CriteriaSet, Dossier, rank };

/** The library version (the core crate's). */
export const VERSION = version();

/**
 * The results of every dossier (each against its own criteria set, found by id and revision)
 * and their ranking (units found by id); `{criteria: false}` leaves out the per-criterion lists.
 */
export function evaluate(sets, units, dossiers, options) {
  const input = new EvaluationInput();
  try {
    for (const set of sets) input.addSet(set);
    for (const dossier of dossiers) input.addDossier(dossier);
    return input.evaluate(units, options);
  } finally {
    input.free();
  }
}

/**
 * `evaluate` as a Promise, for code shared with Node (where it runs off the event loop). Here
 * it computes at once, on the calling thread, with the dossiers as they are now, and returns a
 * settled Promise.
 */
export async function evaluateAsync(sets, units, dossiers, options) {
  return evaluate(sets, units, dossiers, options);
}
