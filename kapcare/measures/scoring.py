"""Scoring engines for measures: pure functions over plain data (no Django, no I/O).

An instrument's scoring is data: a :class:`ScoringSpec` that
``kapcare.measures.definitions`` builds from the instrument's JSON file. This
module checks a list of answers against the items and evaluates the spec:

1. ``check_answers`` — one answer per item in the published order; each on the
   item's scale; required items answered; conditional items (FHIR
   ``enableWhen``) answered only when asked. The first problem, in item order,
   raises :class:`AnswerError` naming the item (``answers.3`` is the fourth).
2. Reversed items are rescored as ``low + high - answer`` of their own scale
   (ECR-RS: ``8 - x`` on 1-7). Reversing twice gives the answer back.
3. ``total`` and subscales are sums or means of the (rescored) items. Sums of
   whole numbers stay whole; means are rounded to 2 decimals, halves away from
   zero (``ROUND_HALF_UP``), computed exactly with fractions first.
4. Conditions, outcomes (``provisional_ptsd``, ``diagnosis``, ``risk``) and
   flags (``suicidality``) are evaluated over the **answers as given** (before
   reversal) and the **reported** (rounded) scores, so that anyone can re-check
   a flag from the numbers shown. A comparison with an unanswered item is false.

Reliable change follows Jacobson & Truax (1991): see :func:`classify_change`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, TypeAlias

__all__ = [
    "RELIABLE_CHANGE_Z",
    "Aggregate",
    "AllOf",
    "Answer",
    "AnswerError",
    "AnyOf",
    "Band",
    "BooleanOutcome",
    "CategoryOutcome",
    "ChangeCategory",
    "ChangeParameters",
    "ChangeResult",
    "Condition",
    "ConditionRef",
    "CountAtLeast",
    "EnableWhen",
    "FlagRule",
    "ItemIs",
    "ItemSpec",
    "Not",
    "Number",
    "Op",
    "Outcome",
    "ScoreIs",
    "ScoreResult",
    "ScoringSpec",
    "Severity",
    "check_answers",
    "classify_change",
    "compare",
    "mean_2dp",
    "reliable_change_index",
    "reverse_score",
    "round_half_up",
    "score",
    "score_range",
]

Number: TypeAlias = int | float
Answer: TypeAlias = bool | int | float | None
Op: TypeAlias = Literal["=", "!=", ">", ">=", "<", "<="]
ItemKind: TypeAlias = Literal["choice", "integer", "boolean"]

OPS: tuple[Op, ...] = ("=", "!=", ">", ">=", "<", "<=")

# Jacobson & Truax (1991): change beyond 1.96 standard errors of the difference
# would arise by measurement error alone less than 5 % of the time.
RELIABLE_CHANGE_Z = 1.96


# ---------------------------------------------------------------- items


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


# ---------------------------------------------------------------- the spec


@dataclass(frozen=True)
class Aggregate:
    """A sum or mean of items (by linkId), named ``total`` or a subscale name."""

    name: str
    method: Literal["sum", "mean"]
    items: tuple[str, ...]
    coding: tuple[str, str] | None = None  # (system, code), e.g. LOINC 44261-6 for the PHQ-9 total


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


# ---------------------------------------------------------------- arithmetic


def _exact(value: Number) -> Fraction:
    # str() first: 0.1 is the decimal 0.1, not its binary approximation.
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def round_half_up(value: Fraction | Number, places: int = 2) -> float:
    """``value`` rounded to ``places`` decimals, halves away from zero (2.345 → 2.35)."""
    exact = value if isinstance(value, Fraction) else _exact(value)
    scale = 10**places
    magnitude = math.floor(abs(exact) * scale + Fraction(1, 2))
    return math.copysign(magnitude / scale, exact) if magnitude else 0.0


def mean_2dp(values: Sequence[Number]) -> float:
    """The mean of ``values`` rounded to 2 decimals, halves away from zero."""
    if not values:
        raise ValueError("The mean of no values is undefined.")
    return round_half_up(sum((_exact(v) for v in values), Fraction(0)) / len(values))


def _sum(values: Sequence[Number]) -> Number:
    exact = sum((_exact(v) for v in values), Fraction(0))
    return int(exact) if exact.denominator == 1 else round_half_up(exact)


def reverse_score(value: Number, low: Number, high: Number) -> Number:
    """A reverse-keyed answer on a ``low``-``high`` scale: ``low + high - value``."""
    result = _exact(low) + _exact(high) - _exact(value)
    return int(result) if result.denominator == 1 else float(result)


def compare(left: object, op: Op, right: object) -> bool:
    """``left op right``; false whenever ``left`` is missing (an unanswered item)."""
    if left is None:
        return False
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if isinstance(left, bool) or isinstance(right, bool):
        return False  # order comparisons are for numbers only (refused at load)
    if not isinstance(left, int | float) or not isinstance(right, int | float):
        return False
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    if op == "<":
        return left < right
    return left <= right


# ---------------------------------------------------------------- answers


def _shown(value: object) -> str:
    """An answer as it was sent, short enough for a message."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    text = json.dumps(value, default=str)
    return text if len(text) <= 20 else text[:17] + "..."


def _join(values: Sequence[Number]) -> str:
    return ", ".join(_shown(v) for v in values)


def _normalize(code: str, item: ItemSpec, value: object) -> tuple[Answer, str | None]:
    """The answer as a score, or a message saying why it is not one."""
    name = f"{code} item {item.label}"
    if value is None:
        return None, None
    if item.kind == "boolean":
        if isinstance(value, bool):
            return value, None
        return None, f"{name} must be true or false (got {_shown(value)})."
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, f"{name} must be a number (got {_shown(value)})."
    if isinstance(value, float):
        if not math.isfinite(value):
            return None, f"{name} must be a finite number."
        if value.is_integer():
            value = int(value)
    if item.kind == "choice":
        for allowed in item.values:
            if value == allowed:
                return allowed, None
        return None, f"{name} must be one of {_join(item.values)} (got {_shown(value)})."
    if (
        isinstance(value, float)
        or item.minimum is None
        or item.maximum is None
        or not item.minimum <= value <= item.maximum
    ):
        return None, (
            f"{name} must be a whole number from {item.minimum} to {item.maximum} "
            f"(got {_shown(value)})."
        )
    return value, None


def _enabled(item: ItemSpec, answers: Mapping[str, Answer]) -> bool:
    if not item.enable_when:
        return True
    results = (compare(answers.get(c.question), c.operator, c.answer) for c in item.enable_when)
    return any(results) if item.enable_behavior == "any" else all(results)


def _asked_when(item: ItemSpec, labels: Mapping[str, str]) -> str:
    parts = [
        f"item {labels.get(c.question, c.question)} {c.operator} {_shown(c.answer)}"
        for c in item.enable_when
    ]
    joiner = " or " if item.enable_behavior == "any" else " and "
    return joiner.join(parts)


def check_answers(code: str, items: Sequence[ItemSpec], answers: object) -> tuple[Answer, ...]:
    """The answers as scores, one per item; :class:`AnswerError` on the first problem."""
    if not isinstance(answers, list | tuple):
        raise AnswerError("answers", "Send the answers as a list, one per item.")
    if len(answers) != len(items):
        raise AnswerError(
            "answers",
            f"{code} has {len(items)} item{'s' if len(items) != 1 else ''}; "
            f"{len(answers)} answer{'s were' if len(answers) != 1 else ' was'} sent "
            "(send one per item in the published order, null for an item not asked).",
        )
    values: list[Answer] = []
    problems: dict[int, str] = {}
    for index, (item, raw) in enumerate(zip(items, answers, strict=True)):
        value, problem = _normalize(code, item, raw)
        values.append(value)
        if problem:
            problems[index] = problem
    by_link = {item.link_id: value for item, value in zip(items, values, strict=True)}
    labels = {item.link_id: item.label for item in items}
    for index, item in enumerate(items):
        if index in problems:
            continue
        enabled = _enabled(item, by_link)
        if not enabled and values[index] is not None:
            problems[index] = (
                f"{code} item {item.label} is asked only when {_asked_when(item, labels)}; "
                "send null for it."
            )
        elif enabled and item.required and values[index] is None:
            problems[index] = (
                f"{code} item {item.label} is required"
                + (f" when {_asked_when(item, labels)}" if item.enable_when else "")
                + "."
            )
    if problems:
        first = min(problems)
        raise AnswerError(f"answers.{first}", problems[first])
    return tuple(values)


# ---------------------------------------------------------------- scoring


def _aggregate(aggregate: Aggregate, scored: Mapping[str, Answer]) -> Number:
    values: list[Number] = []
    for link_id in aggregate.items:
        value = scored[link_id]
        if value is None or isinstance(value, bool):
            # The loader refuses optional or yes/no items in a sum or mean.
            raise TypeError(f"Item {link_id} cannot be summed.")
        values.append(value)
    return _sum(values) if aggregate.method == "sum" else mean_2dp(values)


@dataclass
class _Context:
    answers: Mapping[str, Answer]
    scores: Mapping[str, Number | None]
    conditions: dict[str, bool]

    def holds(self, condition: Condition) -> bool:
        match condition:
            case ItemIs(item=item, op=op, value=value):
                return compare(self.answers[item], op, value)
            case ScoreIs(score=name, op=op, value=value):
                return compare(self.scores[name], op, value)
            case CountAtLeast(items=items, op=op, value=value, at_least=at_least):
                met = sum(1 for i in items if compare(self.answers[i], op, value))
                return met >= at_least
            case AllOf(conditions=parts):
                return all(self.holds(part) for part in parts)
            case AnyOf(conditions=parts):
                return any(self.holds(part) for part in parts)
            case Not(condition=inner):
                return not self.holds(inner)
            case ConditionRef(name=name):
                return self.conditions[name]
        raise TypeError(f"Not a condition: {condition!r}")  # pragma: no cover


def _band(severity: Severity, value: Number | None) -> str | None:
    if value is None:
        return None
    chosen: str | None = None
    for band in severity.bands:
        if value >= band.minimum:
            chosen = band.code
    return chosen


def score(spec: ScoringSpec, answers: object) -> ScoreResult:
    """Score ``answers`` (one per item, published order) by ``spec``.

    Raises :class:`AnswerError` when the answers cannot be scored.
    """
    values = check_answers(spec.code, spec.items, answers)
    given = {item.link_id: value for item, value in zip(spec.items, values, strict=True)}
    scored = dict(given)
    for item in spec.items:
        value = given[item.link_id]
        if item.link_id in spec.reverse and value is not None and not isinstance(value, bool):
            scored[item.link_id] = reverse_score(value, item.low, item.high)

    total = _aggregate(spec.total, scored) if spec.total is not None else None
    subscales = {s.name: _aggregate(s, scored) for s in spec.subscales}
    scores: dict[str, Number | None] = {"total": total, **subscales}

    context = _Context(answers=given, scores=scores, conditions={})
    for name, condition in spec.conditions:
        context.conditions[name] = context.holds(condition)

    outcomes: dict[str, bool | str] = {}
    for outcome in spec.outcomes:
        if isinstance(outcome, BooleanOutcome):
            outcomes[outcome.name] = context.holds(outcome.when)
        else:
            outcomes[outcome.name] = next(
                (value for value, when in outcome.cases if context.holds(when)),
                outcome.otherwise,
            )

    return ScoreResult(
        instrument=spec.code,
        total=total,
        severity=_band(spec.severity, scores[spec.severity.score]) if spec.severity else None,
        subscales=subscales,
        flags=[flag.code for flag in spec.flags if context.holds(flag.when)],
        outcomes=outcomes,
    )


def score_range(spec: ScoringSpec, name: str) -> tuple[Number, Number]:
    """The lowest and highest value score ``name`` (``total`` or a subscale) can take."""
    aggregate = spec.aggregate(name)
    items = [spec.item(link_id) for link_id in aggregate.items]
    lows = [item.low for item in items]
    highs = [item.high for item in items]
    if aggregate.method == "sum":
        return _sum(lows), _sum(highs)
    return mean_2dp(lows), mean_2dp(highs)


# ---------------------------------------------------------------- change


ChangeCategory: TypeAlias = Literal["recovered", "improved", "unchanged", "deteriorated"]


@dataclass(frozen=True)
class ChangeParameters:
    """What reliable change needs for one score, each value published with its source.

    ``clinical_cutoff`` is the first score of the clinical range (a case at or
    above it when ``higher_is_worse``, at or below it otherwise); without one an
    instrument can show reliable change but never "recovered".
    """

    sd: float
    reliability: float
    higher_is_worse: bool = True
    clinical_cutoff: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.sd) and self.sd > 0):
            raise ValueError("The standard deviation must be a positive number.")
        if not (math.isfinite(self.reliability) and 0 <= self.reliability < 1):
            raise ValueError("The reliability must be at least 0 and less than 1.")

    def in_clinical_range(self, value: Number) -> bool:
        if self.clinical_cutoff is None:
            return False
        if self.higher_is_worse:
            return value >= self.clinical_cutoff
        return value <= self.clinical_cutoff


@dataclass(frozen=True)
class ChangeResult:
    rci: float
    reliable: bool
    category: ChangeCategory


def reliable_change_index(pre: Number, post: Number, *, sd: float, reliability: float) -> float:
    """Jacobson & Truax (1991): ``(post - pre) / (SD·√2·√(1 - r))``, unrounded."""
    parameters = ChangeParameters(sd=sd, reliability=reliability)  # validates both
    standard_error_of_difference = parameters.sd * math.sqrt(2) * math.sqrt(1 - reliability)
    return (post - pre) / standard_error_of_difference


def classify_change(pre: Number, post: Number, parameters: ChangeParameters) -> ChangeResult:
    """Reliable and clinically significant change from ``pre`` to ``post``.

    - ``deteriorated``: \\|RCI\\| > 1.96 in the worse direction;
    - ``recovered``: \\|RCI\\| > 1.96 in the better direction, ``pre`` in the
      clinical range and ``post`` out of it (Jacobson & Truax's "recovered",
      with the instrument's published clinical cut-off as the criterion);
    - ``improved``: \\|RCI\\| > 1.96 in the better direction, not recovered;
    - ``unchanged``: \\|RCI\\| ≤ 1.96.

    The decision uses the unrounded RCI; ``rci`` is reported to 2 decimals.
    """
    rci = reliable_change_index(pre, post, sd=parameters.sd, reliability=parameters.reliability)
    reliable = abs(rci) > RELIABLE_CHANGE_Z
    better = (rci < 0) if parameters.higher_is_worse else (rci > 0)
    category: ChangeCategory
    if not reliable:
        category = "unchanged"
    elif not better:
        category = "deteriorated"
    elif parameters.in_clinical_range(pre) and not parameters.in_clinical_range(post):
        category = "recovered"
    else:
        category = "improved"
    return ChangeResult(rci=round_half_up(rci), reliable=reliable, category=category)
