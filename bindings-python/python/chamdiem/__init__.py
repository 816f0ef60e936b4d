"""chamdiem: scoring and workflow for public-sector assessments ("chấm điểm").

Assessed units (departments, districts) score themselves against a criteria set and attach
evidence; the assessing unit (the province) reviews, may ask for explanations, and finishes;
the dossier is archived and everyone sees the results, self-assessment and review side by side.
The rules and the arithmetic live in a Rust core; this package converts and delegates.

A quick look::

    import chamdiem as cd

    store = cd.SqliteStore("chamdiem.db")           # the reference server's database
    ranking = store.period_ranking("2026")
    ranking.to_pandas()                            # rank, unit, points, percent, ...
    store.period_results("2026").to_pandas("groups")

Conventions:

- points, maxima, values and percentages are :class:`decimal.Decimal` in the object API
  (DataFrames use float64 unless ``exact=True``);
- instants are timezone-aware :class:`datetime.datetime` (UTC) on output, and an aware
  ``datetime`` or an RFC 3339 string on input (naive datetimes are refused);
- commands are :class:`Command` objects, dicts in the JSON format of ``docs/formats.md``, or
  JSON strings;
- every refusal raises a subclass of :class:`Error` with the core's stable ``code``
  (see :mod:`chamdiem.exceptions`).
"""

from __future__ import annotations

from typing import Dict, List

from . import exceptions
from ._native import (
    ActionStatus,
    Actor,
    Band,
    Case,
    Command,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Difference,
    Dossier,
    DossierView,
    Entry,
    Evaluation,
    Event,
    Group,
    GroupResult,
    History,
    Period,
    PeriodResults,
    Precheck,
    PrecheckWarning,
    MemoryStore,
    PostgresStore,
    Ranking,
    RankingRow,
    RankingTable,
    Results,
    Scored,
    SqliteStore,
    Store,
    DossierSummary,
    Executed,
    Totals,
    Track,
    Unit,
    evaluate,
    rank,
    results,
)
from ._native import ERROR_CODES as _ERROR_CODES
from ._native import __version__ as _version
from .exceptions import (
    AlreadyExists,
    DeadlinePassed,
    Error,
    Forbidden,
    GuardFailed,
    InvalidCriteriaSet,
    InvalidInput,
    Missing,
    NotFound,
    Storage,
    UnknownCase,
    UnknownCriterion,
    ValueOutOfRange,
    VersionConflict,
    WrongState,
)

__version__: str = _version
"""The version of the package (and of the core it was built with)."""

ERROR_CODES: List[str] = list(_ERROR_CODES)
"""Every stable error code of the core, in declaration order."""

STATES: List[str] = [
    "self_assessment",
    "self_assessed",
    "explanation_requested",
    "reviewed",
    "completed",
]
"""The manual's five states, in workflow order."""

STATE_LABELS: Dict[str, str] = {
    "self_assessment": "Cấp Sở tự chấm",
    "self_assessed": "Cấp Sở chấm xong",
    "explanation_requested": "Tỉnh yêu cầu giải trình",
    "reviewed": "Tỉnh chấm xong",
    "completed": "Hoàn thành HS (lưu trữ)",
}
"""The manual's Vietnamese label of each state."""

__all__ = [
    # criteria
    "CriteriaSet",
    "Group",
    "Criterion",
    "Case",
    "Band",
    # units, periods
    "Actor",
    "Unit",
    "Period",
    # dossiers and the workflow
    "Dossier",
    "Entry",
    "Command",
    "Event",
    "History",
    "ActionStatus",
    "DossierView",
    "Precheck",
    "PrecheckWarning",
    # results
    "Results",
    "Totals",
    "Track",
    "GroupResult",
    "CriterionResult",
    "Scored",
    "Difference",
    "PeriodResults",
    "Ranking",
    "RankingTable",
    "RankingRow",
    "Evaluation",
    "results",
    "rank",
    "evaluate",
    # stores
    "Store",
    "MemoryStore",
    "SqliteStore",
    "PostgresStore",
    "DossierSummary",
    "Executed",
    # errors
    "exceptions",
    "Error",
    "WrongState",
    "Forbidden",
    "UnknownCriterion",
    "UnknownCase",
    "ValueOutOfRange",
    "GuardFailed",
    "DeadlinePassed",
    "VersionConflict",
    "InvalidInput",
    "InvalidCriteriaSet",
    "NotFound",
    "AlreadyExists",
    "Storage",
    "Missing",
    # constants
    "ERROR_CODES",
    "STATES",
    "STATE_LABELS",
    "__version__",
]
