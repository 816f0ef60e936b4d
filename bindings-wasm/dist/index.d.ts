// The browser package of chamdiem: the same API as the Node package (docs/js-api.md).
import type { CriteriaSet, Dossier } from './chamdiem_wasm.js';
import type { Evaluation, Unit } from './types.js';

export * from './types.js';
export { CriteriaSet, Dossier, rank } from './chamdiem_wasm.js';
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

/** The library version (the core crate's). */
export declare const VERSION: string;

/**
 * The results of every dossier (each against its own criteria set, found by id and revision)
 * and their ranking (units found by id).
 */
export declare function evaluate(
  sets: CriteriaSet[],
  units: Unit[],
  dossiers: Dossier[],
  options?: { criteria?: boolean },
): Evaluation;

/** `evaluate` as a Promise (computed at once in the browser; off the event loop in Node). */
export declare function evaluateAsync(
  sets: CriteriaSet[],
  units: Unit[],
  dossiers: Dossier[],
  options?: { criteria?: boolean },
): Promise<Evaluation>;
