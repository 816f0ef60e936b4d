// chamdiem for Node.js, as an ES module: the same objects as the CommonJS entry point.
import { createRequire } from 'node:module';

const chamdiem = createRequire(import.meta.url)('./index.js');

export const {
  CriteriaSet,
  Dossier,
  SqliteStore,
  rank,
  evaluate,
  evaluateAsync,
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
  VERSION,
} = chamdiem;
export default chamdiem;
