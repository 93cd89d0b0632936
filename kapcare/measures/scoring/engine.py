"""Checking answers and scoring them: exact arithmetic, reversed items, sums and means,
conditions, outcomes and flags.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from kapcare.measures.scoring.spec import (
    Aggregate,
    AllOf,
    Answer,
    AnswerError,
    AnyOf,
    BooleanOutcome,
    Condition,
    ConditionRef,
    CountAtLeast,
    ItemIs,
    ItemSpec,
    Not,
    Number,
    Op,
    ScoreIs,
    ScoreResult,
    ScoringSpec,
    Severity,
)


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
