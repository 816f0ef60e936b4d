/* tslint:disable */
/* eslint-disable */
import type {
    ActionStatus, Actor, Command, CriteriaSetDocument, CriterionInfo, DossierDocument, DossierView,
    Entry, ErrorCode, Evaluation, Event, GroupInfo, OpenDossier, Precheck, Ranking, Results,
    ResultsFilter, SetRef, State, Unit,
} from "./types.js";


/**
 * A validated, immutable criteria set (bộ chỉ tiêu).
 */
export class CriteriaSet {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Every criterion, in reading order, with its group and bounds.
     */
    criteria(): CriterionInfo[];
    /**
     * The criterion with this code, or `null`.
     */
    criterion(code: string): CriterionInfo | null;
    /**
     * Reads and validates the compact TOML form.
     */
    static fromCompact(text: string): CriteriaSet;
    /**
     * Reads and validates the JSON document.
     */
    static fromJson(text: string): CriteriaSet;
    /**
     * Reads and validates the JSON document given as a plain object.
     */
    static fromObject(doc: CriteriaSetDocument): CriteriaSet;
    /**
     * Every group, in pre-order, with its parent, depth and children.
     */
    groups(): GroupInfo[];
    /**
     * Reads either form: JSON when the text starts with `{`, else the compact form.
     */
    static parse(text: string): CriteriaSet;
    /**
     * The compact TOML form.
     */
    toCompact(): string;
    /**
     * The JSON document, compact.
     */
    toJson(): string;
    /**
     * The JSON document as a plain object.
     */
    toObject(): CriteriaSetDocument;
    /**
     * Stable id.
     */
    readonly id: string;
    /**
     * Display name.
     */
    readonly name: string;
    /**
     * Decimal places scaled values are rounded to.
     */
    readonly precision: number;
    /**
     * Revision.
     */
    readonly revision: number;
}

/**
 * A dossier (hồ sơ). It changes only through `execute` (or `decide` then `apply`).
 */
export class Dossier {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Folds events (from `decide`, or a stored history) into the dossier.
     */
    apply(events: Event[]): void;
    /**
     * Every command of the actor's role with whether it is allowed now, and why not.
     */
    availableActions(set: CriteriaSet, actor: Actor, now: string): ActionStatus[];
    /**
     * The events `command` would produce, without applying them.
     */
    decide(set: CriteriaSet, actor: Actor, command: Command | string, now: string): Event[];
    /**
     * The entry of a criterion, or `null`.
     */
    entry(criterion: string): Entry | null;
    /**
     * Decides `command` for `actor` at `now` and applies the events; the dossier changes only
     * when the command is accepted. Returns the events recorded.
     */
    execute(set: CriteriaSet, actor: Actor, command: Command | string, now: string): Event[];
    /**
     * Reads the JSON form.
     */
    static fromJson(text: string): Dossier;
    /**
     * Reads the JSON form given as a plain object.
     */
    static fromObject(doc: DossierDocument): Dossier;
    /**
     * Every event, oldest first; or those of one criterion.
     */
    history(criterion?: string | null): Event[];
    /**
     * Opens a dossier against a criteria set: an empty entry per criterion and an `opened`
     * event.
     */
    static open(spec: OpenDossier, set: CriteriaSet, actor: Actor, now: string): Dossier;
    /**
     * The pre-submit check: blockers and warnings; `previous` is last period's results.
     */
    precheck(set: CriteriaSet, previous?: Results | null): Precheck;
    /**
     * Rebuilds a dossier from its history (the first event is `opened`).
     */
    static replay(events: Event[]): Dossier;
    /**
     * The results: every track, or as `options.actor` may see them; `options.filter` keeps a
     * group or the criteria an explanation was requested on.
     */
    results(set: CriteriaSet, options?: { actor?: Actor; filter?: ResultsFilter }): Results;
    /**
     * The JSON form.
     */
    toJson(): string;
    /**
     * The JSON form as a plain object.
     */
    toObject(): DossierDocument;
    /**
     * The dossier as `actor` may see it.
     */
    view(actor: Actor): DossierView;
    /**
     * The assessing unit's id.
     */
    readonly assessingUnit: string;
    /**
     * The criteria set it is scored against (`{id, revision}`).
     */
    readonly criteriaSet: SetRef;
    /**
     * Whether the unit ticked "explanation finished" for the current round.
     */
    readonly explanationFinished: boolean;
    /**
     * The dossier's id.
     */
    readonly id: string;
    /**
     * The period's id.
     */
    readonly period: string;
    /**
     * Whether the unit may see the review.
     */
    readonly reviewReleased: boolean;
    /**
     * The workflow state.
     */
    readonly state: State;
    /**
     * The assessed unit's id.
     */
    readonly unit: string;
    /**
     * 1 when opened, one more per accepted command that changed something.
     */
    readonly version: number;
}

/**
 * The criteria sets and dossiers of an evaluation, gathered one by one: JavaScript cannot hand
 * a list of `CriteriaSet` or `Dossier` objects to WebAssembly without giving them up, so
 * `evaluate` (in `index.js`) adds them here by reference.
 */
export class EvaluationInput {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Adds a dossier (shared, not copied; a later change to it copies it first).
     */
    addDossier(dossier: Dossier): void;
    /**
     * Adds a criteria set (shared, not copied).
     */
    addSet(set: CriteriaSet): void;
    /**
     * The results of every dossier (each against its own set, found by id and revision) and
     * their ranking (units found by id). `{criteria: false}` leaves out each result's
     * per-criterion list, for a ranking table or a chart of a whole period.
     */
    evaluate(units: Unit[], options?: { criteria?: boolean }): Evaluation;
    /**
     * An empty evaluation.
     */
    constructor();
}

/**
 * Every stable error code of the core, in declaration order.
 */
export function errorCodes(): ErrorCode[];

/**
 * Ranks results with their units: one table per criteria set, by final points, descending;
 * equal points share a rank; then by unit code.
 */
export function rank(items: { unit: Unit; results: Results }[]): Ranking;

/**
 * The library version (the core crate's).
 */
export function version(): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_criteriaset_free: (a: number, b: number) => void;
    readonly __wbg_dossier_free: (a: number, b: number) => void;
    readonly __wbg_evaluationinput_free: (a: number, b: number) => void;
    readonly criteriaset_criteria: (a: number) => [number, number, number];
    readonly criteriaset_criterion: (a: number, b: number, c: number) => [number, number, number];
    readonly criteriaset_fromCompact: (a: number, b: number) => [number, number, number];
    readonly criteriaset_fromJson: (a: number, b: number) => [number, number, number];
    readonly criteriaset_fromObject: (a: unknown) => [number, number, number];
    readonly criteriaset_groups: (a: number) => [number, number, number];
    readonly criteriaset_id: (a: number) => [number, number];
    readonly criteriaset_name: (a: number) => [number, number];
    readonly criteriaset_parse: (a: number, b: number) => [number, number, number];
    readonly criteriaset_precision: (a: number) => number;
    readonly criteriaset_revision: (a: number) => number;
    readonly criteriaset_toCompact: (a: number) => [number, number];
    readonly criteriaset_toJson: (a: number) => [number, number];
    readonly criteriaset_toObject: (a: number) => [number, number, number];
    readonly dossier_apply: (a: number, b: unknown) => [number, number];
    readonly dossier_assessing_unit: (a: number) => [number, number];
    readonly dossier_availableActions: (a: number, b: number, c: unknown, d: number, e: number) => [number, number, number];
    readonly dossier_criteria_set: (a: number) => [number, number, number];
    readonly dossier_decide: (a: number, b: number, c: unknown, d: unknown, e: number, f: number) => [number, number, number];
    readonly dossier_entry: (a: number, b: number, c: number) => [number, number, number];
    readonly dossier_execute: (a: number, b: number, c: unknown, d: unknown, e: number, f: number) => [number, number, number];
    readonly dossier_explanation_finished: (a: number) => number;
    readonly dossier_fromJson: (a: number, b: number) => [number, number, number];
    readonly dossier_fromObject: (a: unknown) => [number, number, number];
    readonly dossier_history: (a: number, b: number, c: number) => [number, number, number];
    readonly dossier_id: (a: number) => [number, number];
    readonly dossier_open: (a: unknown, b: number, c: unknown, d: number, e: number) => [number, number, number];
    readonly dossier_period: (a: number) => [number, number];
    readonly dossier_precheck: (a: number, b: number, c: number) => [number, number, number];
    readonly dossier_replay: (a: unknown) => [number, number, number];
    readonly dossier_results: (a: number, b: number, c: number) => [number, number, number];
    readonly dossier_review_released: (a: number) => number;
    readonly dossier_state: (a: number) => [number, number];
    readonly dossier_toJson: (a: number) => [number, number];
    readonly dossier_toObject: (a: number) => [number, number, number];
    readonly dossier_unit: (a: number) => [number, number];
    readonly dossier_version: (a: number) => number;
    readonly dossier_view: (a: number, b: unknown) => [number, number, number];
    readonly errorCodes: () => [number, number];
    readonly evaluationinput_addDossier: (a: number, b: number) => void;
    readonly evaluationinput_addSet: (a: number, b: number) => void;
    readonly evaluationinput_evaluate: (a: number, b: unknown, c: number) => [number, number, number];
    readonly evaluationinput_new: () => number;
    readonly rank: (a: unknown) => [number, number, number];
    readonly version: () => [number, number];
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
