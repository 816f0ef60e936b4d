'use strict';
// chamdiem for Node.js: the native addon, with its errors as `ChamdiemError` subclasses.
// The API is documented in docs/js-api.md; the types are in index.d.ts.

const native = require('./native.js');
const errors = require('./errors.js');

native.setErrorFactory(errors.errorFor);

module.exports = {
  CriteriaSet: native.CriteriaSet,
  Dossier: native.Dossier,
  SqliteStore: native.SqliteStore,
  rank: native.rank,
  evaluate: native.evaluate,
  evaluateAsync: native.evaluateAsync,
  ChamdiemError: errors.ChamdiemError,
  WrongStateError: errors.WrongStateError,
  ForbiddenError: errors.ForbiddenError,
  UnknownCriterionError: errors.UnknownCriterionError,
  UnknownCaseError: errors.UnknownCaseError,
  ValueOutOfRangeError: errors.ValueOutOfRangeError,
  GuardFailedError: errors.GuardFailedError,
  DeadlinePassedError: errors.DeadlinePassedError,
  VersionConflictError: errors.VersionConflictError,
  InvalidInputError: errors.InvalidInputError,
  InvalidCriteriaSetError: errors.InvalidCriteriaSetError,
  NotFoundError: errors.NotFoundError,
  AlreadyExistsError: errors.AlreadyExistsError,
  StorageError: errors.StorageError,
  ERROR_CODES: errors.ERROR_CODES,
  VERSION: native.VERSION,
};
