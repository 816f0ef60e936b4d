// The error classes of chamdiem's JavaScript API (shared by the Node and browser packages).
import type { ErrorCode, ErrorDetailsMap } from './types.js';

/** Every stable error code, in the core's order. */
export declare const ERROR_CODES: readonly ErrorCode[];

/**
 * The base class of every error chamdiem throws. `code` is the core's stable code, `details`
 * the error's details; each detail is also a property of the error (except `message`, which is
 * the full message: the detail is `details.message`).
 */
export declare class ChamdiemError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(message: string, details?: ErrorDetailsMap[C], code?: C);
  readonly code: C;
  readonly details: ErrorDetailsMap[C];
  static readonly code?: ErrorCode;
}

type Props<C extends ErrorCode> = Readonly<Omit<ErrorDetailsMap[C], 'message'>>;

export declare class WrongStateError extends ChamdiemError<'wrong_state'> {
  static readonly code: 'wrong_state';
}
export interface WrongStateError extends Props<'wrong_state'> {}
export declare class ForbiddenError extends ChamdiemError<'forbidden'> {
  static readonly code: 'forbidden';
}
export interface ForbiddenError extends Props<'forbidden'> {}
export declare class UnknownCriterionError extends ChamdiemError<'unknown_criterion'> {
  static readonly code: 'unknown_criterion';
}
export interface UnknownCriterionError extends Props<'unknown_criterion'> {}
export declare class UnknownCaseError extends ChamdiemError<'unknown_case'> {
  static readonly code: 'unknown_case';
}
export interface UnknownCaseError extends Props<'unknown_case'> {}
export declare class ValueOutOfRangeError extends ChamdiemError<'value_out_of_range'> {
  static readonly code: 'value_out_of_range';
}
export interface ValueOutOfRangeError extends Props<'value_out_of_range'> {}
export declare class GuardFailedError extends ChamdiemError<'guard_failed'> {
  static readonly code: 'guard_failed';
}
export interface GuardFailedError extends Props<'guard_failed'> {}
export declare class DeadlinePassedError extends ChamdiemError<'deadline_passed'> {
  static readonly code: 'deadline_passed';
}
export interface DeadlinePassedError extends Props<'deadline_passed'> {}
export declare class VersionConflictError extends ChamdiemError<'version_conflict'> {
  static readonly code: 'version_conflict';
}
export interface VersionConflictError extends Props<'version_conflict'> {}
export declare class InvalidInputError extends ChamdiemError<'invalid_input'> {
  static readonly code: 'invalid_input';
}
export interface InvalidInputError extends Props<'invalid_input'> {}
export declare class InvalidCriteriaSetError extends ChamdiemError<'invalid_criteria_set'> {
  static readonly code: 'invalid_criteria_set';
}
export interface InvalidCriteriaSetError extends Props<'invalid_criteria_set'> {}
export declare class NotFoundError extends ChamdiemError<'not_found'> {
  static readonly code: 'not_found';
}
export interface NotFoundError extends Props<'not_found'> {}
export declare class AlreadyExistsError extends ChamdiemError<'already_exists'> {
  static readonly code: 'already_exists';
}
export interface AlreadyExistsError extends Props<'already_exists'> {}
export declare class StorageError extends ChamdiemError<'storage'> {
  static readonly code: 'storage';
}
export interface StorageError extends Props<'storage'> {}

/** The error for a code (an unknown code gets the base class with that code). */
export declare function errorFor(
  code: string,
  message: string,
  details: Record<string, unknown>,
): ChamdiemError;
