/* @ts-self-types="./chamdiem_wasm.d.ts" */
import { errorFor } from './errors.js';


/**
 * A validated, immutable criteria set (bộ chỉ tiêu).
 */
export class CriteriaSet {
    static __wrap(ptr) {
        const obj = Object.create(CriteriaSet.prototype);
        obj.__wbg_ptr = ptr;
        CriteriaSetFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        CriteriaSetFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_criteriaset_free(ptr, 0);
    }
    /**
     * Every criterion, in reading order, with its group and bounds.
     * @returns {CriterionInfo[]}
     */
    criteria() {
        const ret = wasm.criteriaset_criteria(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The criterion with this code, or `null`.
     * @param {string} code
     * @returns {CriterionInfo | null}
     */
    criterion(code) {
        const ptr0 = passStringToWasm0(code, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.criteriaset_criterion(this.__wbg_ptr, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Reads and validates the compact TOML form.
     * @param {string} text
     * @returns {CriteriaSet}
     */
    static fromCompact(text) {
        const ptr0 = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.criteriaset_fromCompact(ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return CriteriaSet.__wrap(ret[0]);
    }
    /**
     * Reads and validates the JSON document.
     * @param {string} text
     * @returns {CriteriaSet}
     */
    static fromJson(text) {
        const ptr0 = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.criteriaset_fromJson(ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return CriteriaSet.__wrap(ret[0]);
    }
    /**
     * Reads and validates the JSON document given as a plain object.
     * @param {CriteriaSetDocument} doc
     * @returns {CriteriaSet}
     */
    static fromObject(doc) {
        const ret = wasm.criteriaset_fromObject(doc);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return CriteriaSet.__wrap(ret[0]);
    }
    /**
     * Every group, in pre-order, with its parent, depth and children.
     * @returns {GroupInfo[]}
     */
    groups() {
        const ret = wasm.criteriaset_groups(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Stable id.
     * @returns {string}
     */
    get id() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.criteriaset_id(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * Display name.
     * @returns {string}
     */
    get name() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.criteriaset_name(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * Reads either form: JSON when the text starts with `{`, else the compact form.
     * @param {string} text
     * @returns {CriteriaSet}
     */
    static parse(text) {
        const ptr0 = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.criteriaset_parse(ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return CriteriaSet.__wrap(ret[0]);
    }
    /**
     * Decimal places scaled values are rounded to.
     * @returns {number}
     */
    get precision() {
        const ret = wasm.criteriaset_precision(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * Revision.
     * @returns {number}
     */
    get revision() {
        const ret = wasm.criteriaset_revision(this.__wbg_ptr);
        return ret >>> 0;
    }
    /**
     * The compact TOML form.
     * @returns {string}
     */
    toCompact() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.criteriaset_toCompact(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The JSON document, compact.
     * @returns {string}
     */
    toJson() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.criteriaset_toJson(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The JSON document as a plain object.
     * @returns {CriteriaSetDocument}
     */
    toObject() {
        const ret = wasm.criteriaset_toObject(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
}
if (Symbol.dispose) CriteriaSet.prototype[Symbol.dispose] = CriteriaSet.prototype.free;

/**
 * A dossier (hồ sơ). It changes only through `execute` (or `decide` then `apply`).
 */
export class Dossier {
    static __wrap(ptr) {
        const obj = Object.create(Dossier.prototype);
        obj.__wbg_ptr = ptr;
        DossierFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
    }
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        DossierFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_dossier_free(ptr, 0);
    }
    /**
     * Folds events (from `decide`, or a stored history) into the dossier.
     * @param {Event[]} events
     */
    apply(events) {
        const ret = wasm.dossier_apply(this.__wbg_ptr, events);
        if (ret[1]) {
            throw takeFromExternrefTable0(ret[0]);
        }
    }
    /**
     * The assessing unit's id.
     * @returns {string}
     */
    get assessingUnit() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.dossier_assessing_unit(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * Every command of the actor's role with whether it is allowed now, and why not.
     * @param {CriteriaSet} set
     * @param {Actor} actor
     * @param {string} now
     * @returns {ActionStatus[]}
     */
    availableActions(set, actor, now) {
        _assertClass(set, CriteriaSet);
        const ptr0 = passStringToWasm0(now, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.dossier_availableActions(this.__wbg_ptr, set.__wbg_ptr, actor, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The criteria set it is scored against (`{id, revision}`).
     * @returns {SetRef}
     */
    get criteriaSet() {
        const ret = wasm.dossier_criteria_set(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The events `command` would produce, without applying them.
     * @param {CriteriaSet} set
     * @param {Actor} actor
     * @param {Command | string} command
     * @param {string} now
     * @returns {Event[]}
     */
    decide(set, actor, command, now) {
        _assertClass(set, CriteriaSet);
        const ptr0 = passStringToWasm0(now, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.dossier_decide(this.__wbg_ptr, set.__wbg_ptr, actor, command, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The entry of a criterion, or `null`.
     * @param {string} criterion
     * @returns {Entry | null}
     */
    entry(criterion) {
        const ptr0 = passStringToWasm0(criterion, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.dossier_entry(this.__wbg_ptr, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Decides `command` for `actor` at `now` and applies the events; the dossier changes only
     * when the command is accepted. Returns the events recorded.
     * @param {CriteriaSet} set
     * @param {Actor} actor
     * @param {Command | string} command
     * @param {string} now
     * @returns {Event[]}
     */
    execute(set, actor, command, now) {
        _assertClass(set, CriteriaSet);
        const ptr0 = passStringToWasm0(now, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.dossier_execute(this.__wbg_ptr, set.__wbg_ptr, actor, command, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Whether the unit ticked "explanation finished" for the current round.
     * @returns {boolean}
     */
    get explanationFinished() {
        const ret = wasm.dossier_explanation_finished(this.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * Reads the JSON form.
     * @param {string} text
     * @returns {Dossier}
     */
    static fromJson(text) {
        const ptr0 = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.dossier_fromJson(ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Dossier.__wrap(ret[0]);
    }
    /**
     * Reads the JSON form given as a plain object.
     * @param {DossierDocument} doc
     * @returns {Dossier}
     */
    static fromObject(doc) {
        const ret = wasm.dossier_fromObject(doc);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Dossier.__wrap(ret[0]);
    }
    /**
     * Every event, oldest first; or those of one criterion.
     * @param {string | null} [criterion]
     * @returns {Event[]}
     */
    history(criterion) {
        var ptr0 = isLikeNone(criterion) ? 0 : passStringToWasm0(criterion, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        var len0 = WASM_VECTOR_LEN;
        const ret = wasm.dossier_history(this.__wbg_ptr, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The dossier's id.
     * @returns {string}
     */
    get id() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.dossier_id(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * Opens a dossier against a criteria set: an empty entry per criterion and an `opened`
     * event.
     * @param {OpenDossier} spec
     * @param {CriteriaSet} set
     * @param {Actor} actor
     * @param {string} now
     * @returns {Dossier}
     */
    static open(spec, set, actor, now) {
        _assertClass(set, CriteriaSet);
        const ptr0 = passStringToWasm0(now, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.dossier_open(spec, set.__wbg_ptr, actor, ptr0, len0);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Dossier.__wrap(ret[0]);
    }
    /**
     * The period's id.
     * @returns {string}
     */
    get period() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.dossier_period(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The pre-submit check: blockers and warnings; `previous` is last period's results.
     * @param {CriteriaSet} set
     * @param {Results | null} [previous]
     * @returns {Precheck}
     */
    precheck(set, previous) {
        _assertClass(set, CriteriaSet);
        const ret = wasm.dossier_precheck(this.__wbg_ptr, set.__wbg_ptr, isLikeNone(previous) ? 0 : addToExternrefTable0(previous));
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Rebuilds a dossier from its history (the first event is `opened`).
     * @param {Event[]} events
     * @returns {Dossier}
     */
    static replay(events) {
        const ret = wasm.dossier_replay(events);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return Dossier.__wrap(ret[0]);
    }
    /**
     * The results: every track, or as `options.actor` may see them; `options.filter` keeps a
     * group or the criteria an explanation was requested on.
     * @param {CriteriaSet} set
     * @param {{ actor?: Actor; filter?: ResultsFilter }} [options]
     * @returns {Results}
     */
    results(set, options) {
        _assertClass(set, CriteriaSet);
        const ret = wasm.dossier_results(this.__wbg_ptr, set.__wbg_ptr, isLikeNone(options) ? 0 : addToExternrefTable0(options));
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * Whether the unit may see the review.
     * @returns {boolean}
     */
    get reviewReleased() {
        const ret = wasm.dossier_review_released(this.__wbg_ptr);
        return ret !== 0;
    }
    /**
     * The workflow state.
     * @returns {State}
     */
    get state() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.dossier_state(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The JSON form.
     * @returns {string}
     */
    toJson() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.dossier_toJson(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * The JSON form as a plain object.
     * @returns {DossierDocument}
     */
    toObject() {
        const ret = wasm.dossier_toObject(this.__wbg_ptr);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * The assessed unit's id.
     * @returns {string}
     */
    get unit() {
        let deferred1_0;
        let deferred1_1;
        try {
            const ret = wasm.dossier_unit(this.__wbg_ptr);
            deferred1_0 = ret[0];
            deferred1_1 = ret[1];
            return getStringFromWasm0(ret[0], ret[1]);
        } finally {
            wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
    }
    /**
     * 1 when opened, one more per accepted command that changed something.
     * @returns {number}
     */
    get version() {
        const ret = wasm.dossier_version(this.__wbg_ptr);
        return ret;
    }
    /**
     * The dossier as `actor` may see it.
     * @param {Actor} actor
     * @returns {DossierView}
     */
    view(actor) {
        const ret = wasm.dossier_view(this.__wbg_ptr, actor);
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
}
if (Symbol.dispose) Dossier.prototype[Symbol.dispose] = Dossier.prototype.free;

/**
 * The criteria sets and dossiers of an evaluation, gathered one by one: JavaScript cannot hand
 * a list of `CriteriaSet` or `Dossier` objects to WebAssembly without giving them up, so
 * `evaluate` (in `index.js`) adds them here by reference.
 */
export class EvaluationInput {
    __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        EvaluationInputFinalization.unregister(this);
        return ptr;
    }
    free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_evaluationinput_free(ptr, 0);
    }
    /**
     * Adds a dossier (shared, not copied; a later change to it copies it first).
     * @param {Dossier} dossier
     */
    addDossier(dossier) {
        _assertClass(dossier, Dossier);
        wasm.evaluationinput_addDossier(this.__wbg_ptr, dossier.__wbg_ptr);
    }
    /**
     * Adds a criteria set (shared, not copied).
     * @param {CriteriaSet} set
     */
    addSet(set) {
        _assertClass(set, CriteriaSet);
        wasm.evaluationinput_addSet(this.__wbg_ptr, set.__wbg_ptr);
    }
    /**
     * The results of every dossier (each against its own set, found by id and revision) and
     * their ranking (units found by id). `{criteria: false}` leaves out each result's
     * per-criterion list, for a ranking table or a chart of a whole period.
     * @param {Unit[]} units
     * @param {{ criteria?: boolean }} [options]
     * @returns {Evaluation}
     */
    evaluate(units, options) {
        const ret = wasm.evaluationinput_evaluate(this.__wbg_ptr, units, isLikeNone(options) ? 0 : addToExternrefTable0(options));
        if (ret[2]) {
            throw takeFromExternrefTable0(ret[1]);
        }
        return takeFromExternrefTable0(ret[0]);
    }
    /**
     * An empty evaluation.
     */
    constructor() {
        const ret = wasm.evaluationinput_new();
        this.__wbg_ptr = ret;
        EvaluationInputFinalization.register(this, this.__wbg_ptr, this);
        return this;
    }
}
if (Symbol.dispose) EvaluationInput.prototype[Symbol.dispose] = EvaluationInput.prototype.free;

/**
 * Every stable error code of the core, in declaration order.
 * @returns {ErrorCode[]}
 */
export function errorCodes() {
    const ret = wasm.errorCodes();
    var v1 = getArrayJsValueFromWasm0(ret[0], ret[1]);
    wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
    return v1;
}

/**
 * Ranks results with their units: one table per criteria set, by final points, descending;
 * equal points share a rank; then by unit code.
 * @param {{ unit: Unit; results: Results }[]} items
 * @returns {Ranking}
 */
export function rank(items) {
    const ret = wasm.rank(items);
    if (ret[2]) {
        throw takeFromExternrefTable0(ret[1]);
    }
    return takeFromExternrefTable0(ret[0]);
}

/**
 * The library version (the core crate's).
 * @returns {string}
 */
export function version() {
    let deferred1_0;
    let deferred1_1;
    try {
        const ret = wasm.version();
        deferred1_0 = ret[0];
        deferred1_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
    } finally {
        wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
    }
}
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg___wbindgen_is_null_c22311b1cc228e3a: function(arg0) {
            const ret = arg0 === null;
            return ret;
        },
        __wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
            const ret = arg0 === undefined;
            return ret;
        },
        __wbg___wbindgen_string_get_7ce8eee7fd327545: function(arg0, arg1) {
            const obj = arg1;
            const ret = typeof(obj) === 'string' ? obj : undefined;
            var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            var len1 = WASM_VECTOR_LEN;
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
        },
        __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
            throw new Error(getStringFromWasm0(arg0, arg1));
        },
        __wbg_errorFor_827b07ced3ad9cd4: function(arg0, arg1, arg2, arg3, arg4) {
            const ret = errorFor(getStringFromWasm0(arg0, arg1), getStringFromWasm0(arg2, arg3), arg4);
            return ret;
        },
        __wbg_instanceof_ThrownError_c84a0469e5016823: function(arg0) {
            let result;
            try {
                result = arg0 instanceof Error;
            } catch (_) {
                result = false;
            }
            const ret = result;
            return ret;
        },
        __wbg_message_16c95270ab9f7fdc: function(arg0, arg1) {
            const ret = arg1.message;
            const ptr1 = passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
            const len1 = WASM_VECTOR_LEN;
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
            getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
        },
        __wbg_parse_3136a1f4eb637eb4: function(arg0, arg1) {
            const ret = JSON.parse(getStringFromWasm0(arg0, arg1));
            return ret;
        },
        __wbg_stringify_4c032b0cb89bb732: function() { return handleError(function (arg0) {
            const ret = JSON.stringify(arg0);
            return ret;
        }, arguments); },
        __wbindgen_generic_0000000000000001: function(arg0, arg1) {
            // Cast intrinsic for `Ref(String) -> Externref`.
            const ret = getStringFromWasm0(arg0, arg1);
            return ret;
        },
        __wbindgen_init_externref_table: function() {
            const table = wasm.__wbindgen_externrefs;
            table.set(0, undefined);
            table.set(1024, undefined);
            table.set(1025, null);
            table.set(1026, true);
            table.set(1027, false);
        },
    };
    return {
        __proto__: null,
        "./chamdiem_wasm_bg.js": import0,
    };
}

const CriteriaSetFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_criteriaset_free(ptr, 1));
const DossierFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_dossier_free(ptr, 1));
const EvaluationInputFinalization = (typeof FinalizationRegistry === 'undefined')
    ? { register: () => {}, unregister: () => {} }
    : new FinalizationRegistry(ptr => wasm.__wbg_evaluationinput_free(ptr, 1));

function addToExternrefTable0(obj) {
    const idx = wasm.__externref_table_alloc();
    wasm.__wbindgen_externrefs.set(idx, obj);
    return idx;
}

function _assertClass(instance, klass) {
    if (!(instance instanceof klass)) {
        throw new Error(`expected instance of ${klass.name}`);
    }
}

function getArrayJsValueFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    const mem = getDataViewMemory0();
    const result = [];
    for (let i = ptr; i < ptr + 4 * len; i += 4) {
        result.push(wasm.__wbindgen_externrefs.get(mem.getUint32(i, true)));
    }
    wasm.__externref_drop_slice(ptr, len);
    return result;
}

let cachedDataViewMemory0 = null;
function getDataViewMemory0() {
    if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {
        cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
    }
    return cachedDataViewMemory0;
}

function getStringFromWasm0(ptr, len) {
    ptr = ptr >>> 0;
    return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}

let cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
    if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
        cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
    }
    return cachedUint8ArrayMemory0;
}

function handleError(f, args) {
    try {
        return f.apply(this, args);
    } catch (e) {
        const idx = addToExternrefTable0(e);
        wasm.__wbindgen_exn_store(idx);
    }
}

function isLikeNone(x) {
    return x === undefined || x === null;
}

function passStringToWasm0(arg, malloc, realloc) {
    if (realloc === undefined) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr, ptr + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr;
    }

    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }

    WASM_VECTOR_LEN = offset;
    return ptr;
}

function takeFromExternrefTable0(idx) {
    const value = wasm.__wbindgen_externrefs.get(idx);
    wasm.__externref_table_dealloc(idx);
    return value;
}

let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
cachedTextDecoder.decode();
const MAX_SAFARI_DECODE_BYTES = 2146435072;
let numBytesDecoded = 0;
function decodeText(bytes) {
    numBytesDecoded += bytes.length;
    if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
        cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
        cachedTextDecoder.decode();
        numBytesDecoded = bytes.length;
    }
    return cachedTextDecoder.decode(bytes);
}

const cachedTextEncoder = new TextEncoder();

if (!('encodeInto' in cachedTextEncoder)) {
    cachedTextEncoder.encodeInto = function (arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
            read: arg.length,
            written: buf.length
        };
    };
}

let WASM_VECTOR_LEN = 0;

let wasmModule, wasmInstance, wasm;
function __wbg_finalize_init(instance, module) {
    wasmInstance = instance;
    wasm = instance.exports;
    wasmModule = module;
    cachedDataViewMemory0 = null;
    cachedUint8ArrayMemory0 = null;
    wasm.__wbindgen_start();
    return wasm;
}

async function __wbg_load(module, imports) {
    if (typeof Response === 'function' && module instanceof Response) {
        if (!module.ok) {
            throw new Error(`failed to fetch Wasm: ${module.status} ${module.statusText} fetching '${module.url}'`);
        }

        if (typeof WebAssembly.instantiateStreaming === 'function') {
            try {
                return await WebAssembly.instantiateStreaming(module, imports);
            } catch (e) {
                const validResponse = expectedResponseType(module.type);

                if (validResponse && module.headers.get('Content-Type') !== 'application/wasm') {
                    console.warn("`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\n", e);

                } else { throw e; }
            }
        }

        const bytes = await module.arrayBuffer();
        return await WebAssembly.instantiate(bytes, imports);
    } else {
        const instance = await WebAssembly.instantiate(module, imports);

        if (instance instanceof WebAssembly.Instance) {
            return { instance, module };
        } else {
            return instance;
        }
    }

    function expectedResponseType(type) {
        switch (type) {
            case 'basic': case 'cors': case 'default': return true;
        }
        return false;
    }
}

function initSync(module) {
    if (wasm !== undefined) return wasm;


    if (module !== undefined) {
        if (Object.getPrototypeOf(module) === Object.prototype) {
            ({module} = module)
        } else {
            console.warn('using deprecated parameters for `initSync()`; pass a single object instead')
        }
    }

    const imports = __wbg_get_imports();
    if (!(module instanceof WebAssembly.Module)) {
        module = new WebAssembly.Module(module);
    }
    const instance = new WebAssembly.Instance(module, imports);
    return __wbg_finalize_init(instance, module);
}

let __wbg_init_promise;
async function __wbg_init(module_or_path) {
    if (wasm !== undefined) return wasm;
    if (__wbg_init_promise === undefined) {
        __wbg_init_promise = __wbg_init_once(module_or_path);
        __wbg_init_promise.catch(() => { __wbg_init_promise = undefined; });
    }
    return __wbg_init_promise;
}

async function __wbg_init_once(module_or_path) {

    if (module_or_path !== undefined) {
        if (Object.getPrototypeOf(module_or_path) === Object.prototype) {
            ({module_or_path} = module_or_path)
        } else {
            console.warn('using deprecated parameters for the initialization function; pass a single object instead')
        }
    }

    if (module_or_path === undefined) {
        module_or_path = new URL('chamdiem_wasm_bg.wasm', import.meta.url);
    }
    const imports = __wbg_get_imports();

    if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
        module_or_path = fetch(module_or_path);
    }

    const { instance, module } = await __wbg_load(await module_or_path, imports);

    return __wbg_finalize_init(instance, module);
}

export { initSync, __wbg_init as default };
