"""The exceptions chamdiem raises.

Every error of the core has a stable snake_case code (``docs/formats.md``, "Stable error
codes"). Each code has its own subclass of :class:`Error`, which carries:

- ``code``: the stable code (also a class attribute, so ``WrongState.code == "wrong_state"``);
- ``message``: the sentence for people (also ``str(err)``);
- ``details``: the error's details as a plain JSON-like ``dict`` (exactly the ``details`` of the
  JSON body the reference server sends);
- the details again as typed attributes (``err.missing``, ``err.state``, ``err.value`` ...), with
  decimals as :class:`decimal.Decimal` and instants as timezone-aware :class:`datetime.datetime`.

Where Python users expect a built-in exception, the subclass also derives from it:

==================== =========================== ===========================
code                 class                       also a
==================== =========================== ===========================
invalid_input        :class:`InvalidInput`       :class:`ValueError`
invalid_criteria_set :class:`InvalidCriteriaSet` :class:`ValueError`
unknown_criterion    :class:`UnknownCriterion`   :class:`ValueError`
unknown_case         :class:`UnknownCase`        :class:`ValueError`
value_out_of_range   :class:`ValueOutOfRange`    :class:`ValueError`
not_found            :class:`NotFound`           :class:`LookupError`
==================== =========================== ===========================

Arguments of the wrong Python type raise :class:`TypeError` (a ``float`` where a decimal is
expected, a naive ``datetime`` where an instant is expected, an ``int`` where a command is
expected).
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, ClassVar, Dict, List, NamedTuple, Optional, Tuple, Type

__all__ = [
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
    "ERROR_CLASSES",
]


class Missing(NamedTuple):
    """One thing a guard found missing (an item of :attr:`GuardFailed.missing`, or a blocker of
    a pre-submit check)."""

    code: str
    """Stable code of what is missing: ``self_score``, ``evidence``, ``not_explained`` ..."""
    criterion: Optional[str]
    """The criterion concerned, or ``None`` when the item is about the whole dossier."""
    message: str
    """What to do, for people."""


def _rebuild(cls: Type["Error"], message: str, details: Dict[str, Any], attrs: Dict[str, Any]) -> "Error":
    return cls._from_native(message, details, attrs)


class Error(Exception):
    """The base of every error chamdiem raises; ``code`` says which one."""

    code: ClassVar[str] = ""
    """The stable snake_case code of the error."""
    message: str
    """The sentence for people; the same as ``str(err)``."""
    details: Dict[str, Any]
    """The error's details, as in the JSON body ``{"code", "message", "details"}``."""

    def __init__(self, message: str, details: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = dict(details or {})

    @classmethod
    def _from_native(cls, message: str, details: Dict[str, Any], attrs: Dict[str, Any]) -> "Error":
        err = cls(message, details)
        for key, value in attrs.items():
            setattr(err, key, value)
        return err

    def to_dict(self) -> Dict[str, Any]:
        """``{"code": ..., "message": ..., "details": {...}}``: the body every host sends."""
        return {"code": self.code, "message": self.message, "details": dict(self.details)}

    def __reduce__(self) -> Tuple[Any, ...]:
        attrs = {k: v for k, v in self.__dict__.items() if k not in ("message", "details")}
        return (_rebuild, (type(self), self.message, self.details, attrs))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class WrongState(Error):
    """The command is not allowed in the dossier's current state."""

    code: ClassVar[str] = "wrong_state"
    command: str
    """The refused command."""
    state: str
    """The dossier's state."""
    allowed: List[str]
    """The states in which the command is allowed."""


class Forbidden(Error):
    """The actor may not do this (wrong role, or a unit or reviewer of another unit)."""

    code: ClassVar[str] = "forbidden"
    command: Optional[str]
    """The refused command, when the refusal is about a command."""
    reason: str
    """Why."""


class UnknownCriterion(Error, ValueError):
    """A criterion code that the criteria set does not have."""

    code: ClassVar[str] = "unknown_criterion"
    criterion: str
    """The unknown code."""


class UnknownCase(Error, ValueError):
    """An evaluation case that the criterion does not have."""

    code: ClassVar[str] = "unknown_case"
    criterion: str
    """The criterion."""
    case: str
    """The unknown case code."""
    known: List[str]
    """The cases the criterion has."""


class ValueOutOfRange(Error, ValueError):
    """A measured value outside the criterion's range, or a value where a case is expected."""

    code: ClassVar[str] = "value_out_of_range"
    criterion: str
    """The criterion."""
    value: Optional[decimal.Decimal]
    """The value given."""
    min: Optional[decimal.Decimal]
    """The smallest allowed value."""
    max: Optional[decimal.Decimal]
    """The largest allowed value."""


class GuardFailed(Error):
    """The command's guard refused; :attr:`missing` lists everything to do first."""

    code: ClassVar[str] = "guard_failed"
    command: str
    """The refused command."""
    missing: List[Missing]
    """Everything that is missing, in order."""


class DeadlinePassed(Error):
    """The phase's deadline has passed for this dossier."""

    code: ClassVar[str] = "deadline_passed"
    command: str
    """The refused command."""
    deadline: datetime.datetime
    """The deadline that passed (UTC)."""
    now: datetime.datetime
    """The instant of the attempt (UTC)."""


class VersionConflict(Error):
    """Someone else changed what this save changes after the version it was based on."""

    code: ClassVar[str] = "version_conflict"
    criterion: Optional[str]
    """The criterion changed by someone else, when the conflict is on one entry."""
    base_version: int
    """The version the save was based on."""
    current_version: int
    """The version at which it was last changed."""
    changed_by: Optional[str]
    """Who changed it."""


class InvalidInput(Error, ValueError):
    """Malformed input: a document that does not parse, a missing field, a wrong value."""

    code: ClassVar[str] = "invalid_input"
    path: str
    """Where in the input (a JSON path, a field name); empty if unknown."""


class InvalidCriteriaSet(Error, ValueError):
    """A criteria set that does not pass validation."""

    code: ClassVar[str] = "invalid_criteria_set"
    offending_code: Optional[str]
    """The code of the offending group, criterion or band, when there is one."""
    path: str
    """Where in the document (a JSON path, or a line of the compact form)."""


class NotFound(Error, LookupError):
    """Something looked up by id does not exist."""

    code: ClassVar[str] = "not_found"
    kind: str
    """What kind of thing (``dossier``, ``unit``, ``period``, ``criteria_set``)."""
    id: str
    """Its id."""


class AlreadyExists(Error):
    """Something created with an id that is already taken."""

    code: ClassVar[str] = "already_exists"
    kind: str
    """What kind of thing."""
    id: str
    """Its id."""


class Storage(Error):
    """The storage failed (I/O, database); nothing was changed."""

    code: ClassVar[str] = "storage"
    transient: bool
    """Whether trying again later may succeed (a busy or unreachable database)."""


ERROR_CLASSES: Dict[str, Type[Error]] = {
    cls.code: cls
    for cls in (
        WrongState,
        Forbidden,
        UnknownCriterion,
        UnknownCase,
        ValueOutOfRange,
        GuardFailed,
        DeadlinePassed,
        VersionConflict,
        InvalidInput,
        InvalidCriteriaSet,
        NotFound,
        AlreadyExists,
        Storage,
    )
}
"""Each stable code and its exception class."""
