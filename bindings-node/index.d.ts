// chamdiem for Node.js: the JavaScript API of docs/js-api.md.
// The classes and functions are declared in native.d.ts (generated from the Rust sources by
// `napi build`), the data shapes in types.d.ts and the errors in errors.d.ts (both shared with
// the browser package).

export * from './types';
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
} from './errors';
export { CriteriaSet, Dossier, SqliteStore, rank, evaluate, evaluateAsync, VERSION } from './native';
