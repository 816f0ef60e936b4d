// The data shapes of chamdiem's JavaScript API, shared by the Node package (`bindings-node`) and
// the browser package (`bindings-wasm`): the core's JSON forms (docs/formats.md), keys as written
// there. Hand-written; `tests/js/types-check.mjs` feeds every test vector's real outputs through
// these types with `tsc --strict`, so they cannot drift from what the core returns.
//
// Conventions: decimals are strings ("0.25"); in inputs an integer number is also accepted
// (`DecimalInput`). Instants are RFC 3339 strings. A key marked `?` may be absent; a key typed
// `| null` is always present.

/** An exact decimal, written as a string: `"0.25"`, `"-1"`, `"83.33"`. */
export type Decimal = string;
/** A decimal as input: a string, or an integer number (a number with a fraction is refused). */
export type DecimalInput = string | number;
/** A UTC instant in RFC 3339: `"2026-03-31T17:00:00Z"` (an offset is accepted on input). */
export type Instant = string;

// ---------------------------------------------------------------------------------------------
// Units and actors

export type Role = "unit" | "reviewer" | "admin" | "viewer";
export type UnitKind = "province" | "department" | "sub_department" | "district" | "commune";

/** Who issues a command: the host says who the user is; the core decides what they may do. */
export interface Actor {
  user: string;
  role: Role;
  /** The id of the unit the user belongs to. */
  unit: string;
}

/** An organisation in the tree of units. */
export interface Unit {
  id: string;
  /** Short code; rankings order equal totals by it. */
  code: string;
  name: string;
  kind: UnitKind;
  /** The parent unit's id; `null` (or absent on input) for the root. */
  parent?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Criteria sets

export type GroupKind = "standard" | "bonus" | "penalty";
export type CriterionKind = "choice" | "banded" | "scaled";
export type EvidenceRule = "none" | "optional" | "required";

/** A classification band: totals at or above `min_percent` of the maximum get `label`. */
export interface Band {
  label: string;
  min_percent: Decimal;
}

/** An evaluation case (trường hợp đánh giá). */
export interface Case {
  code: string;
  label: string;
  /** Required unless `not_applicable`. */
  points?: Decimal;
  not_applicable?: boolean;
  /** Banded criteria: the values it covers, in interval notation (`"[90, 100]"`, `"[70, 90)"`). */
  range?: string;
}

/** The measured value of a banded or scaled criterion. */
export interface ValueSpec {
  unit?: string;
  min?: Decimal;
  max?: Decimal;
}

/** The linear scale of a scaled criterion. */
export interface Scale {
  low: Decimal;
  high: Decimal;
}

/** A criterion (chỉ tiêu), as written in the set's document. */
export interface Criterion {
  code: string;
  title: string;
  guidance?: string;
  /** Absent means `"choice"`. */
  kind?: CriterionKind;
  /** Absent means `"optional"`. */
  evidence?: EvidenceRule;
  max_points?: Decimal;
  min_points?: Decimal;
  value?: ValueSpec;
  scale?: Scale;
  cases?: Case[];
}

/** A criteria group (nhóm chỉ tiêu). */
export interface Group {
  code: string;
  title: string;
  description?: string;
  /** Absent means `"standard"`. */
  kind?: GroupKind;
  /** Bonus and penalty groups: the most they add or take away. */
  cap?: Decimal;
  criteria?: Criterion[];
  groups?: Group[];
}

/** The JSON document of a criteria set (`chamdiem.criteria_set`). */
export interface CriteriaSetDocument {
  format: "chamdiem.criteria_set";
  format_version: number;
  id: string;
  /** Absent on input means 1. */
  revision?: number;
  name: string;
  description?: string;
  /** Decimal places of scaled points; absent on input means 2. */
  precision?: number;
  explanation_instead_of_evidence?: boolean;
  bands?: Band[];
  groups: Group[];
}

/** A group with its place in the tree (`CriteriaSet.groups()`). */
export interface GroupInfo {
  code: string;
  title: string;
  description: string;
  kind: GroupKind;
  cap: Decimal | null;
  /** The parent group's code; `null` at the top level. */
  parent: string | null;
  /** 0 at the top level. */
  depth: number;
  /** The codes of the nested groups. */
  groups: string[];
  /** The codes of the group's own criteria. */
  criteria: string[];
}

/** A criterion as written, with its group and derived bounds (`CriteriaSet.criteria()`). */
export interface CriterionInfo extends Criterion {
  /** The code of its group. */
  group: string;
  /** Its maximum points (explicit, or the best case). */
  max: Decimal;
  /** Its minimum points (explicit, or the worst case, never above 0). */
  min: Decimal;
}

/** The criteria set a dossier is scored against. */
export interface SetRef {
  id: string;
  revision: number;
}

// ---------------------------------------------------------------------------------------------
// Dossiers

export type State =
  | "self_assessment"
  | "self_assessed"
  | "explanation_requested"
  | "reviewed"
  | "completed";

/** What was chosen for a criterion: a case, or a measured value. */
export type Score = { case: string } | { value: Decimal };

/** A score resolved against its criterion: the case it lands in and the points it gives. */
export interface Scored {
  /** The case chosen, or the case whose range holds the value (absent for a scaled value). */
  case?: string;
  /** The measured value, for banded and scaled criteria. */
  value?: Decimal;
  points: Decimal;
  not_applicable?: boolean;
}

/** A file attached as evidence: the host keeps the bytes, the dossier the metadata. */
export interface Evidence {
  id: string;
  file_name: string;
  size: number;
  media_type: string;
  sha256: string;
  uploaded_by: string;
  uploaded_at: Instant;
  /** 0 during self-assessment; N during explanation round N. */
  round: number;
}

/** An explanation request on one criterion; `round` is `null` while flagged but not yet sent. */
export interface Request {
  note: string;
  round: number | null;
}

/** One criterion of a dossier. */
export interface Entry {
  criterion: string;
  self?: Score;
  self_opinion?: string;
  evidence?: Evidence[];
  review?: Score;
  review_opinion?: string;
  request?: Request;
  explanation?: string;
  explained?: boolean;
  /** The dossier version at which the entry last changed (0: never). */
  version: number;
  changed_by?: string;
}

/** One criterion's review as frozen when an explanation round was requested. */
export interface ReviewSnapshot {
  criterion: string;
  score?: Score;
  opinion?: string;
}

export interface RoundRequest {
  criterion: string;
  note: string;
}

/** An explanation round. */
export interface Round {
  number: number;
  requested_at: Instant;
  requested_by: string;
  deadline: Instant | null;
  requests: RoundRequest[];
  review?: ReviewSnapshot[];
  finished_at: Instant | null;
}

/** The JSON document of a dossier (`chamdiem.dossier`). */
export interface DossierDocument {
  format: "chamdiem.dossier";
  format_version: number;
  id: string;
  period: string;
  unit: string;
  assessing_unit: string;
  criteria_set: SetRef;
  state: State;
  version: number;
  self_deadline: Instant | null;
  requires_report: boolean;
  explanation_finished: boolean;
  review_released: boolean;
  review_started: boolean;
  rounds: Round[];
  /** The dossier-level documents (the signed self-assessment report). */
  report: Evidence[];
  entries: Entry[];
  history: Event[];
}

/** What a host says when it opens a dossier (`Dossier.open`). */
export interface OpenDossier {
  id: string;
  period: string;
  unit: string;
  assessing_unit: string;
  self_deadline?: Instant | null;
  requires_report?: boolean;
}

/** A dossier as one actor may see it (`Dossier.view`). */
export interface DossierView {
  format: "chamdiem.view";
  format_version: number;
  role: Role;
  /** Whether the review is included. */
  review_visible: boolean;
  dossier: DossierDocument;
}

// ---------------------------------------------------------------------------------------------
// Commands

export type CommandName =
  | "save_self"
  | "attach_evidence"
  | "remove_evidence"
  | "submit"
  | "withdraw"
  | "save_review"
  | "request_explanation"
  | "save_explanation"
  | "finish_explanation"
  | "finish_review"
  | "release_review"
  | "return_for_rework"
  | "reopen"
  | "archive"
  | "unlock";

/** Give at most one of `case`, `value` and `clear`; none keeps the score. */
export interface SelfInput {
  criterion: string;
  case?: string;
  value?: DecimalInput;
  clear?: boolean;
  /** Absent leaves the opinion unchanged. */
  opinion?: string;
}

export interface ReviewInput {
  criterion: string;
  case?: string;
  value?: DecimalInput;
  clear?: boolean;
  opinion?: string;
  /** Flag (`true`) or unflag (`false`) the criterion for explanation; absent leaves it. */
  request_explanation?: boolean;
  request_note?: string;
}

export interface ExplanationInput {
  criterion: string;
  explanation?: string;
  opinion?: string;
  /** The "explained" tick (Huyện, Sở đã giải trình xong). */
  explained?: boolean;
}

/** The metadata of an uploaded file; the host stores the bytes under `id`. */
export interface EvidenceInput {
  id: string;
  file_name: string;
  size: number;
  media_type: string;
  /** 64 hex digits. */
  sha256: string;
}

interface CommandTag {
  /** Optional on commands; when present it must be `"chamdiem.command"`. */
  format?: "chamdiem.command";
  format_version?: number;
}

export type SaveSelfCommand = CommandTag & {
  type: "save_self";
  /** The dossier version the form was loaded at (see docs/formats.md, "Saves and versions"). */
  base_version?: number;
  entries: SelfInput[];
};
export type AttachEvidenceCommand = CommandTag & {
  type: "attach_evidence";
  /** Absent: a dossier-level document (the signed report). */
  criterion?: string;
  evidence: EvidenceInput;
};
export type RemoveEvidenceCommand = CommandTag & {
  type: "remove_evidence";
  criterion?: string;
  evidence_id: string;
};
export type SaveReviewCommand = CommandTag & {
  type: "save_review";
  base_version?: number;
  entries: ReviewInput[];
};
export type RequestExplanationCommand = CommandTag & {
  type: "request_explanation";
  /** The unit's deadline for this round. */
  deadline?: Instant;
};
export type SaveExplanationCommand = CommandTag & {
  type: "save_explanation";
  base_version?: number;
  entries: ExplanationInput[];
};
export type ReturnForReworkCommand = CommandTag & { type: "return_for_rework"; reason: string };
export type UnlockCommand = CommandTag & { type: "unlock"; reason: string; deadline: Instant };
export type SimpleCommand = CommandTag & {
  type:
    | "submit"
    | "withdraw"
    | "finish_explanation"
    | "finish_review"
    | "release_review"
    | "reopen"
    | "archive";
};

/** A command (`{"type": "save_self", ...}`); the command table is in docs/formats.md. */
export type Command =
  | SaveSelfCommand
  | AttachEvidenceCommand
  | RemoveEvidenceCommand
  | SaveReviewCommand
  | RequestExplanationCommand
  | SaveExplanationCommand
  | ReturnForReworkCommand
  | UnlockCommand
  | SimpleCommand;

// ---------------------------------------------------------------------------------------------
// Events

export interface TextChange {
  old: string;
  new: string;
}
/** `null`: not scored before / cleared. */
export interface ScoreChange {
  old: Scored | null;
  new: Scored | null;
}
/** `null`: not flagged. */
export interface RequestChange {
  old: Request | null;
  new: Request | null;
}

export type Change =
  | {
      type: "opened";
      dossier: string;
      period: string;
      unit: string;
      assessing_unit: string;
      criteria_set: SetRef;
      self_deadline: Instant | null;
      requires_report: boolean;
      criteria: string[];
    }
  | { type: "self_saved"; criterion: string; score?: ScoreChange; opinion?: TextChange }
  | { type: "evidence_attached"; criterion?: string; evidence: Evidence }
  | { type: "evidence_removed"; criterion?: string; evidence: Evidence }
  | { type: "submitted" }
  | { type: "withdrawn" }
  | {
      type: "review_saved";
      criterion: string;
      score?: ScoreChange;
      opinion?: TextChange;
      request?: RequestChange;
    }
  | { type: "explanation_requested"; round: number; deadline: Instant | null; criteria: string[] }
  | {
      type: "explanation_saved";
      criterion: string;
      explanation?: TextChange;
      opinion?: TextChange;
      explained?: boolean;
    }
  | { type: "explanation_finished"; round: number }
  | { type: "review_finished" }
  | { type: "review_released" }
  | { type: "returned_for_rework"; reason: string }
  | { type: "reopened" }
  | { type: "archived" }
  | {
      type: "unlocked";
      reason: string;
      phase: "self_assessment" | "explanation";
      old_deadline: Instant | null;
      new_deadline: Instant;
    };

export type ChangeType = Change["type"];

/** A recorded event: who did what, when, from which state to which. */
export interface Event {
  /** The dossier version it produced (all events of one command share it). */
  version: number;
  at: Instant;
  actor: Actor;
  from: State;
  to: State;
  change: Change;
}

// ---------------------------------------------------------------------------------------------
// Workflow answers

export type MissingCode =
  | "self_score"
  | "evidence"
  | "evidence_or_explanation"
  | "report"
  | "review_started"
  | "review_score"
  | "unsent_request"
  | "no_request"
  | "not_explained"
  | "explanation_not_finished"
  | "explanation_finished"
  | "not_requested"
  | "evidence_from_earlier_round"
  | "reason"
  | "deadline_in_past"
  | "already_released";

/** What a guard found missing. */
export interface Missing {
  code: MissingCode;
  criterion?: string;
  message: string;
}

/** One command an actor could issue, and whether it is allowed now. */
export interface ActionStatus {
  command: CommandName;
  allowed: boolean;
  /** Why not: the error the command would get. */
  reason?: ErrorBody;
}

export type WarningCode =
  | "full_points_without_evidence"
  | "above_last_review"
  | "total_above_last_review";

export interface Warning {
  code: WarningCode;
  criterion?: string;
  message: string;
}

/** The pre-submit check. */
export interface Precheck {
  blockers: Missing[];
  warnings: Warning[];
}

// ---------------------------------------------------------------------------------------------
// Results and rankings

/** Points, maximum and percentage of one track. */
export interface Track {
  points: Decimal;
  max: Decimal;
  /** Two decimal places (`"83.33"`); `null` when the maximum is 0. */
  percent: Decimal | null;
  /** `false` when every criterion below is not applicable. */
  applicable: boolean;
}

export interface Totals {
  self: Track;
  /** As frozen by the first explanation round (when there was one and the review is visible). */
  first_review?: Track;
  /** When the review is visible. */
  review?: Track;
  final: Track;
}

/** The band of the total per track; `null` (or absent) when no band is met or none defined. */
export interface Classification {
  self: string | null;
  first_review?: string;
  review?: string;
  final: string | null;
}

export interface GroupResult extends Totals {
  code: string;
  title: string;
  parent: string | null;
  depth: number;
  kind: GroupKind;
  cap?: Decimal;
}

export interface CriterionResult {
  code: string;
  group: string;
  max: Decimal;
  self: Scored | null;
  first_review?: Scored;
  review?: Scored;
  final: Scored | null;
  explanation_requested: boolean;
}

export interface Difference {
  criterion: string;
  self: Decimal;
  review: Decimal;
  /** review − self. */
  difference: Decimal;
}

export interface Unscored {
  self: string[];
  review: string[];
}

/** The results of one dossier (`chamdiem.results`). */
export interface Results {
  format: "chamdiem.results";
  format_version: number;
  dossier: string;
  unit: string;
  period: string;
  criteria_set: SetRef;
  state: State;
  review_visible: boolean;
  total: Totals;
  classification: Classification;
  /** Every group, pre-order. */
  groups: GroupResult[];
  /** Every criterion, reading order. */
  criteria: CriterionResult[];
  unscored: Unscored;
  differences: Difference[];
}

/** Which groups and criteria `results` keeps (manual §4.3, §4.4). */
export interface ResultsFilter {
  group?: string | null;
  explanation_requested?: boolean;
}

export interface RankingRow {
  /** 1-based; equal totals share a rank (1, 1, 3). */
  rank: number;
  unit: string;
  unit_code: string;
  unit_name: string;
  dossier: string;
  state: State;
  points: Decimal;
  max: Decimal;
  percent: Decimal | null;
  classification: string | null;
  self: Decimal;
  review: Decimal | null;
}

export interface RankingTable {
  criteria_set: SetRef;
  rows: RankingRow[];
}

/** Rankings: one table per criteria set (`chamdiem.ranking`). */
export interface Ranking {
  format: "chamdiem.ranking";
  format_version: number;
  tables: RankingTable[];
}

/** `evaluate`'s options. */
export interface EvaluateOptions {
  /**
   * `false` leaves out each result's per-criterion list (`criteria: []`); the totals, groups,
   * classification, unscored criteria and differences stay. Default `true`.
   */
  criteria?: boolean;
}

/** `evaluate`: one result per dossier, in the order given, and their ranking. */
export interface Evaluation {
  results: Results[];
  ranking: Ranking;
}

// ---------------------------------------------------------------------------------------------
// Errors

export type ErrorCode =
  | "wrong_state"
  | "forbidden"
  | "unknown_criterion"
  | "unknown_case"
  | "value_out_of_range"
  | "guard_failed"
  | "deadline_passed"
  | "version_conflict"
  | "invalid_input"
  | "invalid_criteria_set"
  | "not_found"
  | "already_exists"
  | "storage";

/** The details of each error code (docs/formats.md, "Stable error codes"). */
export interface ErrorDetailsMap {
  wrong_state: { command: CommandName; state: State; allowed: State[] };
  forbidden: { command?: CommandName; reason: string };
  unknown_criterion: { criterion: string };
  unknown_case: { criterion: string; case: string; known: string[] };
  value_out_of_range: {
    criterion: string;
    value: Decimal | null;
    min: Decimal | null;
    max: Decimal | null;
    message: string;
  };
  guard_failed: { command: CommandName; missing: Missing[] };
  deadline_passed: { command: CommandName; deadline: Instant; now: Instant };
  version_conflict: {
    criterion?: string;
    base_version: number;
    current_version: number;
    changed_by?: string;
  };
  invalid_input: { path: string; message: string };
  invalid_criteria_set: { offending_code?: string; path: string; message: string };
  not_found: { kind: string; id: string };
  already_exists: { kind: string; id: string };
  storage: { message: string; transient: boolean };
}

export type ErrorDetails<C extends ErrorCode = ErrorCode> = ErrorDetailsMap[C];

/** An error as JSON (`{code, message, details}`), e.g. the `reason` of an `ActionStatus`. */
export type ErrorBody = {
  [C in ErrorCode]: { code: C; message: string; details: ErrorDetailsMap[C] };
}[ErrorCode];

// ---------------------------------------------------------------------------------------------
// Stores (Node only)

export interface PeriodSet {
  unit_kind: UnitKind;
  criteria_set: SetRef;
}

/** An assessment period (`chamdiem.period`). */
export interface Period {
  format?: "chamdiem.period";
  format_version?: number;
  id: string;
  name: string;
  year?: number | null;
  /** The assessing unit (the province). */
  assessing_unit: string;
  /** One criteria set per kind of assessed unit. */
  criteria_sets: PeriodSet[];
  self_deadline?: Instant | null;
  requires_report?: boolean;
}

/** A stored criteria set, as listed. */
export interface SetInfo {
  id: string;
  revision: number;
  name: string;
}

/** Which dossiers a store lists; every given field must match. */
export interface DossierQuery {
  period?: string | null;
  unit?: string | null;
  assessing_unit?: string | null;
  state?: State | null;
  /** Only dossiers whose id sorts after this one (paging). */
  after?: string | null;
  limit?: number | null;
}

/** One dossier as a store lists it. */
export interface DossierSummary {
  id: string;
  period: string;
  unit: string;
  assessing_unit: string;
  criteria_set: SetRef;
  state: State;
  version: number;
  updated_at: Instant;
}

/** What a store's `execute` did. */
export interface Executed {
  version: number;
  state: State;
  events: Event[];
}
