"""The scoring specification as data: items, aggregates, severity bands, conditions,
outcomes, flags, and the result of scoring (built by ``measures.definitions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

Number: TypeAlias = int | float


Answer: TypeAlias = bool | int | float | None


Op: TypeAlias = Literal["=", "!=", ">", ">=", "<", "<="]


ItemKind: TypeAlias = Literal["choice", "integer", "boolean"]


OPS: tuple[Op, ...] = ("=", "!=", ">", ">=", "<", "<=")


@dataclass(frozen=True)
class EnableWhen:
    """FHIR ``enableWhen``: the item is asked when ``question``'s answer ``operator`` ``answer``."""

    question: str
    operator: Op
    answer: bool | int | float


@dataclass(frozen=True)
class ItemSpec:
    """One answerable item and the answers it accepts.

    A ``choice`` item accepts the scores of its answer options (``values``); an
    ``integer`` item any whole number from ``minimum`` to ``maximum``; a
    ``boolean`` item true or false.
    """

    link_id: str
    label: str
    text: str
    kind: ItemKind
    values: tuple[Number, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    required: bool = True
    enable_when: tuple[EnableWhen, ...] = ()
    enable_behavior: Literal["all", "any"] = "all"

    @property
    def low(self) -> Number:
        """The lowest score of a numeric item."""
        if self.kind == "choice":
            return min(self.values)
        if self.kind == "integer" and self.minimum is not None:
            return self.minimum
        raise TypeError(f"Item {self.label} is not numeric.")

    @property
    def high(self) -> Number:
        """The highest score of a numeric item."""
        if self.kind == "choice":
            return max(self.values)
        if self.kind == "integer" and self.maximum is not None:
            return self.maximum
        raise TypeError(f"Item {self.label} is not numeric.")

    @property
    def numeric(self) -> bool:
        return self.kind != "boolean"

    @property
    def conditional(self) -> bool:
        return bool(self.enable_when)


class AnswerError(ValueError):
    """Answers that cannot be scored; ``field`` is ``answers`` or ``answers.<index>``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Aggregate:
    """A sum or mean of items (by linkId), named ``total`` or a subscale name."""

    name: str
    method: Literal["sum", "mean"]
    items: tuple[str, ...]
    coding: tuple[str, str] | None = None  # (system, code), e.g. LOINC 44261-6 for the PHQ-9 total
    # A subscale's name in words for a page ("intrusion (cluster B)"); empty: its name.
    label: str = ""


@dataclass(frozen=True)
class Band:
    """A severity band: from ``minimum`` up to the next band's minimum."""

    code: str
    label: str
    minimum: Number


@dataclass(frozen=True)
class Severity:
    score: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class ItemIs:
    """The answer to ``item`` compares true with ``value``."""

    item: str
    op: Op
    value: bool | int | float


@dataclass(frozen=True)
class ScoreIs:
    """The reported ``score`` (``total`` or a subscale) compares true with ``value``."""

    score: str
    op: Op
    value: Number


@dataclass(frozen=True)
class CountAtLeast:
    """At least ``at_least`` of ``items`` have an answer that compares true with ``value``.

    The DSM-5 and ICD-11 symptom-cluster rules: "an item rated 2 or more counts".
    """

    items: tuple[str, ...]
    op: Op
    value: bool | int | float
    at_least: int


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    condition: Condition


@dataclass(frozen=True)
class ConditionRef:
    """A named condition defined earlier in the spec."""

    name: str


Condition: TypeAlias = ItemIs | ScoreIs | CountAtLeast | AllOf | AnyOf | Not | ConditionRef


@dataclass(frozen=True)
class BooleanOutcome:
    name: str
    when: Condition


@dataclass(frozen=True)
class CategoryOutcome:
    """The value of the first case whose condition holds, else ``otherwise``."""

    name: str
    cases: tuple[tuple[str, Condition], ...]
    otherwise: str


Outcome: TypeAlias = BooleanOutcome | CategoryOutcome


@dataclass(frozen=True)
class FlagRule:
    code: str
    when: Condition
    label: str = ""


@dataclass(frozen=True)
class ScoringSpec:
    code: str
    items: tuple[ItemSpec, ...]
    reverse: frozenset[str] = frozenset()
    total: Aggregate | None = None
    subscales: tuple[Aggregate, ...] = ()
    severity: Severity | None = None
    conditions: tuple[tuple[str, Condition], ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    flags: tuple[FlagRule, ...] = ()

    def item(self, link_id: str) -> ItemSpec:
        for item in self.items:
            if item.link_id == link_id:
                return item
        raise KeyError(link_id)

    def aggregate(self, name: str) -> Aggregate:
        if name == "total" and self.total is not None:
            return self.total
        for subscale in self.subscales:
            if subscale.name == name:
                return subscale
        raise KeyError(name)


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    total: Number | None
    severity: str | None
    subscales: dict[str, Number]
    flags: list[str]
    outcomes: dict[str, bool | str] = field(default_factory=dict)
