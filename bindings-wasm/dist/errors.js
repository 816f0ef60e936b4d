// Generated from bindings-node/errors.js by bindings-wasm/js/esm-errors.mjs: do not edit.
const module = { exports: {} };
(function (module, exports) {
'use strict';
// The error classes of chamdiem's JavaScript API: one `ChamdiemError` subclass per stable code of
// the core. Plain JavaScript with no dependency, so the Node and browser packages share it.

/** Every stable error code, in the core's order. */
const ERROR_CODES = Object.freeze([
  'wrong_state',
  'forbidden',
  'unknown_criterion',
  'unknown_case',
  'value_out_of_range',
  'guard_failed',
  'deadline_passed',
  'version_conflict',
  'invalid_input',
  'invalid_criteria_set',
  'not_found',
  'already_exists',
  'storage',
]);

// Keys an error already has: a detail of that name stays in `details` only.
const RESERVED = new Set(['code', 'details', 'message', 'name', 'stack', 'cause']);

/** The base class of every error chamdiem throws: `.code`, `.details`, and each detail. */
class ChamdiemError extends Error {
  constructor(message, details = {}, code = new.target.code) {
    super(message);
    this.code = code;
    this.details = details;
    for (const key of Object.keys(details)) {
      if (!RESERVED.has(key)) this[key] = details[key];
    }
  }
}

class WrongStateError extends ChamdiemError {
  static code = 'wrong_state';
}
class ForbiddenError extends ChamdiemError {
  static code = 'forbidden';
}
class UnknownCriterionError extends ChamdiemError {
  static code = 'unknown_criterion';
}
class UnknownCaseError extends ChamdiemError {
  static code = 'unknown_case';
}
class ValueOutOfRangeError extends ChamdiemError {
  static code = 'value_out_of_range';
}
class GuardFailedError extends ChamdiemError {
  static code = 'guard_failed';
}
class DeadlinePassedError extends ChamdiemError {
  static code = 'deadline_passed';
}
class VersionConflictError extends ChamdiemError {
  static code = 'version_conflict';
}
class InvalidInputError extends ChamdiemError {
  static code = 'invalid_input';
}
class InvalidCriteriaSetError extends ChamdiemError {
  static code = 'invalid_criteria_set';
}
class NotFoundError extends ChamdiemError {
  static code = 'not_found';
}
class AlreadyExistsError extends ChamdiemError {
  static code = 'already_exists';
}
class StorageError extends ChamdiemError {
  static code = 'storage';
}

const byCode = {
  wrong_state: WrongStateError,
  forbidden: ForbiddenError,
  unknown_criterion: UnknownCriterionError,
  unknown_case: UnknownCaseError,
  value_out_of_range: ValueOutOfRangeError,
  guard_failed: GuardFailedError,
  deadline_passed: DeadlinePassedError,
  version_conflict: VersionConflictError,
  invalid_input: InvalidInputError,
  invalid_criteria_set: InvalidCriteriaSetError,
  not_found: NotFoundError,
  already_exists: AlreadyExistsError,
  storage: StorageError,
};
for (const cls of [ChamdiemError, ...Object.values(byCode)]) {
  Object.defineProperty(cls.prototype, 'name', { value: cls.name, writable: true, configurable: true });
}

/** The error for a code (an unknown code gets the base class with that code). */
function errorFor(code, message, details) {
  return Object.hasOwn(byCode, code)
    ? new byCode[code](message, details)
    : new ChamdiemError(message, details, code);
}

module.exports = {
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
  errorFor,
};
})(module, module.exports);
export const { ChamdiemError, WrongStateError, ForbiddenError, UnknownCriterionError, UnknownCaseError, ValueOutOfRangeError, GuardFailedError, DeadlinePassedError, VersionConflictError, InvalidInputError, InvalidCriteriaSetError, NotFoundError, AlreadyExistsError, StorageError, ERROR_CODES, errorFor } = module.exports;
