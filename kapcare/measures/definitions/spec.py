"""The scoring specification: totals, subscales, severity bands, outcomes and flags; and
the reliable-change parameters, each with its source.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal, cast

from kapcare.measures import scoring
from kapcare.measures.definitions.items import check_comparison
from kapcare.measures.definitions.reading import (
    InstrumentError,
    check_keys,
    list_at,
    number_at,
    object_at,
    text_at,
)
from kapcare.measures.scoring import (
    OPS,
    Aggregate,
    AllOf,
    AnyOf,
    Band,
    BooleanOutcome,
    CategoryOutcome,
    ChangeParameters,
    Condition,
    ConditionRef,
    CountAtLeast,
    FlagRule,
    ItemIs,
    ItemSpec,
    Not,
    Op,
    Outcome,
    ScoreIs,
    ScoringSpec,
    Severity,
)

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


# Keys of the scoring API's answer; an outcome cannot take one of these names.
RESERVED_NAMES = frozenset({"instrument", "version", "total", "severity", "subscales", "flags"})


_CONDITION_SHAPES = (
    '{"item", "op", "value"}, {"score", "op", "value"}, '
    '{"count", "op", "value", "at_least"}, {"all": [...]}, {"any": [...]}, '
    '{"not": {...}} or {"condition": name}'
)


@dataclass(frozen=True)
class SourcedChange:
    """Reliable-change parameters with where each number comes from."""

    parameters: ChangeParameters
    sd_source: str
    reliability_source: str
    clinical_cutoff_source: str


class _Scope:
    """What the scoring spec may refer to while it is being read."""

    def __init__(self, items: tuple[ItemSpec, ...]) -> None:
        self.items = {item.link_id: item for item in items}
        self.order = [item.link_id for item in items]
        self.scores: set[str] = set()
        self.conditions: set[str] = set()

    def item(self, link_id: object, where: str) -> ItemSpec:
        if not isinstance(link_id, str) or link_id not in self.items:
            raise InstrumentError(
                where,
                f"no item has the linkId {json.dumps(link_id)} (linkIds: {', '.join(self.order)}).",
            )
        return self.items[link_id]


def _aggregate(raw: object, where: str, scope: _Scope, name: str) -> Aggregate:
    obj = object_at(raw, where)
    check_keys(
        obj,
        where,
        required=("method", "items"),
        optional=("code",) if name == "total" else ("name", "code", "label"),
    )
    coding = None
    if "code" in obj:
        code = object_at(obj["code"], f"{where}.code")
        check_keys(code, f"{where}.code", required=("system", "code"), optional=("display",))
        coding = (
            text_at(code["system"], f"{where}.code.system"),
            text_at(code["code"], f"{where}.code.code"),
        )
    method = obj["method"]
    if method not in ("sum", "mean"):
        raise InstrumentError(
            f"{where}.method", f'must be "sum" or "mean" (got {json.dumps(method)}).'
        )
    if obj["items"] == "all":
        link_ids = list(scope.order)
    else:
        link_ids = [
            scope.item(link_id, f"{where}.items[{index}]").link_id
            for index, link_id in enumerate(list_at(obj["items"], f"{where}.items"))
        ]
    if len(set(link_ids)) != len(link_ids):
        raise InstrumentError(f"{where}.items", "lists an item twice.")
    for link_id in link_ids:
        item = scope.items[link_id]
        problem = (
            "is yes/no"
            if not item.numeric
            else "is asked only sometimes (enableWhen)"
            if item.conditional
            else 'is not required: mark it "required": true'
            if not item.required
            else ""
        )
        if problem:
            raise InstrumentError(
                f"{where}.items", f"item {link_id!r} {problem}, so it cannot be part of a {method}."
            )
    return Aggregate(
        name=name,
        method=cast(Literal["sum", "mean"], method),
        items=tuple(link_ids),
        coding=coding,
        label=text_at(obj["label"], f"{where}.label") if "label" in obj else "",
    )


def _comparison(obj: dict[str, Any], where: str) -> tuple[Op, object]:
    op = obj.get("op")
    if op not in OPS:
        raise InstrumentError(
            f"{where}.op", f"must be one of {', '.join(OPS)} (got {json.dumps(op)})."
        )
    return cast(Op, op), obj.get("value")


def _condition(raw: object, where: str, scope: _Scope) -> Condition:
    obj = object_at(raw, where)
    if "item" in obj:
        check_keys(obj, where, required=("item", "op", "value"))
        item = scope.item(obj["item"], f"{where}.item")
        op, value = _comparison(obj, where)
        check_comparison(item, op, value, f"{where}.value")
        return ItemIs(item=item.link_id, op=op, value=cast(bool | int | float, value))
    if "score" in obj:
        check_keys(obj, where, required=("score", "op", "value"))
        if obj["score"] not in scope.scores:
            raise InstrumentError(
                f"{where}.score",
                f"no score is named {json.dumps(obj['score'])} "
                f"(scores: {', '.join(sorted(scope.scores)) or 'none'}).",
            )
        op, value = _comparison(obj, where)
        return ScoreIs(score=obj["score"], op=op, value=number_at(value, f"{where}.value"))
    if "count" in obj:
        check_keys(obj, where, required=("count", "op", "value", "at_least"))
        items = [
            scope.item(link_id, f"{where}.count[{index}]")
            for index, link_id in enumerate(list_at(obj["count"], f"{where}.count"))
        ]
        op, value = _comparison(obj, where)
        for item in items:
            check_comparison(item, op, value, f"{where}.value")
        at_least = obj["at_least"]
        if (
            isinstance(at_least, bool)
            or not isinstance(at_least, int)
            or not 1 <= at_least <= len(items)
        ):
            raise InstrumentError(
                f"{where}.at_least", f"must be a whole number from 1 to {len(items)}."
            )
        return CountAtLeast(
            items=tuple(item.link_id for item in items),
            op=op,
            value=cast(bool | int | float, value),
            at_least=at_least,
        )
    for key, kind in (("all", AllOf), ("any", AnyOf)):
        if key in obj:
            check_keys(obj, where, required=(key,))
            parts = tuple(
                _condition(part, f"{where}.{key}[{index}]", scope)
                for index, part in enumerate(list_at(obj[key], f"{where}.{key}"))
            )
            return kind(conditions=parts)
    if "not" in obj:
        check_keys(obj, where, required=("not",))
        return Not(condition=_condition(obj["not"], f"{where}.not", scope))
    if "condition" in obj:
        check_keys(obj, where, required=("condition",))
        name = obj["condition"]
        if name not in scope.conditions:
            raise InstrumentError(
                f"{where}.condition",
                f"no condition named {json.dumps(name)} is defined before this point "
                f"(defined: {', '.join(sorted(scope.conditions)) or 'none'}).",
            )
        return ConditionRef(name=name)
    raise InstrumentError(where, f"is not a condition; write one of {_CONDITION_SHAPES}.")


def _name(value: object, where: str, taken: set[str], what: str) -> str:
    if not isinstance(value, str) or not NAME_PATTERN.match(value):
        raise InstrumentError(
            where, f"a {what} is lower_snake_case: a-z, 0-9 and _ (got {json.dumps(value)})."
        )
    if value in RESERVED_NAMES:
        raise InstrumentError(where, f"{value!r} is reserved by the scoring API.")
    if value in taken:
        raise InstrumentError(where, f"{value!r} is defined twice.")
    taken.add(value)
    return value


def _severity(raw: object, scope: _Scope, spec: ScoringSpec) -> Severity:
    where = "scoring.severity"
    obj = object_at(raw, where)
    check_keys(obj, where, required=("score", "bands"))
    name = obj["score"]
    if name not in scope.scores:
        raise InstrumentError(
            f"{where}.score",
            f"no score is named {json.dumps(name)} "
            f"(scores: {', '.join(sorted(scope.scores)) or 'none'}).",
        )
    low, high = scoring.score_range(spec, name)
    bands: list[Band] = []
    codes: set[str] = set()
    for index, raw_band in enumerate(list_at(obj["bands"], f"{where}.bands")):
        path = f"{where}.bands[{index}]"
        band = object_at(raw_band, path)
        check_keys(band, path, required=("code", "min"), optional=("label",))
        code = _name(band["code"], f"{path}.code", codes, "band code")
        minimum = number_at(band["min"], f"{path}.min")
        if index == 0 and minimum != low:
            raise InstrumentError(
                f"{path}.min", f"the first band must start at the lowest possible score, {low}."
            )
        if bands and minimum <= bands[-1].minimum:
            raise InstrumentError(f"{path}.min", "bands must be in ascending order of min.")
        if minimum > high:
            raise InstrumentError(f"{path}.min", f"is above the highest possible score, {high}.")
        label = band.get("label", code.replace("_", " ").capitalize())
        bands.append(Band(code=code, label=text_at(label, f"{path}.label"), minimum=minimum))
    return Severity(score=name, bands=tuple(bands))


def _outcome(raw: object, where: str, scope: _Scope, names: set[str]) -> Outcome:
    obj = object_at(raw, where)
    if "cases" in obj:
        check_keys(obj, where, required=("name", "cases", "otherwise"))
        name = _name(obj["name"], f"{where}.name", names, "name")
        cases: list[tuple[str, Condition]] = []
        for index, raw_case in enumerate(list_at(obj["cases"], f"{where}.cases")):
            path = f"{where}.cases[{index}]"
            case = object_at(raw_case, path)
            check_keys(case, path, required=("value", "when"))
            cases.append(
                (
                    text_at(case["value"], f"{path}.value"),
                    _condition(case["when"], f"{path}.when", scope),
                )
            )
        otherwise = text_at(obj["otherwise"], f"{where}.otherwise")
        return CategoryOutcome(name=name, cases=tuple(cases), otherwise=otherwise)
    check_keys(obj, where, required=("name", "when"))
    name = _name(obj["name"], f"{where}.name", names, "name")
    return BooleanOutcome(name=name, when=_condition(obj["when"], f"{where}.when", scope))


def parse_scoring(raw: object, items: tuple[ItemSpec, ...], code: str) -> ScoringSpec:
    where = "scoring"
    obj = object_at(raw, where)
    check_keys(
        obj,
        where,
        optional=("reverse", "total", "subscales", "severity", "conditions", "outcomes", "flags"),
    )
    scope = _Scope(items)

    reverse: set[str] = set()
    for index, link_id in enumerate(
        list_at(obj.get("reverse", []), f"{where}.reverse", empty=True)
    ):
        item = scope.item(link_id, f"{where}.reverse[{index}]")
        if not item.numeric:
            raise InstrumentError(f"{where}.reverse[{index}]", f"item {link_id!r} is yes/no.")
        reverse.add(item.link_id)

    total = None
    if obj.get("total") is not None:
        total = _aggregate(obj["total"], f"{where}.total", scope, "total")
        scope.scores.add("total")

    subscales: list[Aggregate] = []
    for index, raw_subscale in enumerate(
        list_at(obj.get("subscales", []), f"{where}.subscales", empty=True)
    ):
        path = f"{where}.subscales[{index}]"
        name = text_at(object_at(raw_subscale, path).get("name"), f"{path}.name")
        if name in scope.scores or name == "total":
            raise InstrumentError(f"{path}.name", f"{name!r} is already a score name.")
        subscales.append(_aggregate(raw_subscale, path, scope, name))
        scope.scores.add(name)

    spec = ScoringSpec(
        code=code, items=items, reverse=frozenset(reverse), total=total, subscales=tuple(subscales)
    )

    severity = _severity(obj["severity"], scope, spec) if obj.get("severity") is not None else None

    conditions: list[tuple[str, Condition]] = []
    names: set[str] = set()
    for name, raw_condition in object_at(obj.get("conditions", {}), f"{where}.conditions").items():
        path = f"{where}.conditions.{name}"
        _name(name, path, names, "condition name")
        conditions.append((name, _condition(raw_condition, path, scope)))
        scope.conditions.add(name)

    outcome_names: set[str] = set()
    outcomes = tuple(
        _outcome(raw_outcome, f"{where}.outcomes[{index}]", scope, outcome_names)
        for index, raw_outcome in enumerate(
            list_at(obj.get("outcomes", []), f"{where}.outcomes", empty=True)
        )
    )

    flags: list[FlagRule] = []
    flag_codes: set[str] = set()
    for index, raw_flag in enumerate(list_at(obj.get("flags", []), f"{where}.flags", empty=True)):
        path = f"{where}.flags[{index}]"
        flag = object_at(raw_flag, path)
        check_keys(flag, path, required=("code", "when"), optional=("label",))
        flags.append(
            FlagRule(
                code=_name(flag["code"], f"{path}.code", flag_codes, "flag code"),
                when=_condition(flag["when"], f"{path}.when", scope),
                label=text_at(flag["label"], f"{path}.label") if "label" in flag else "",
            )
        )

    return ScoringSpec(
        code=code,
        items=items,
        reverse=frozenset(reverse),
        total=total,
        subscales=tuple(subscales),
        severity=severity,
        conditions=tuple(conditions),
        outcomes=outcomes,
        flags=tuple(flags),
    )


def parse_change(raw: object, spec: ScoringSpec) -> tuple[SourcedChange | None, str]:
    where = "change"
    if raw is None:
        return None, ""
    obj = object_at(raw, where)
    if "sd" not in obj and "reliability" not in obj:
        if set(obj) != {"note"}:
            raise InstrumentError(
                where,
                "give higher_is_worse, sd and reliability with their sources, or only a note "
                "saying why reliable change does not apply.",
            )
        return None, text_at(obj["note"], f"{where}.note")
    check_keys(
        obj,
        where,
        required=("higher_is_worse", "sd", "sd_source", "reliability", "reliability_source"),
        optional=("clinical_cutoff", "clinical_cutoff_source", "note"),
    )
    if spec.total is None:
        raise InstrumentError(where, "reliable change is computed on the total, and there is none.")
    if not isinstance(obj["higher_is_worse"], bool):
        raise InstrumentError(f"{where}.higher_is_worse", "must be true or false.")
    cutoff = obj.get("clinical_cutoff")
    if cutoff is not None and "clinical_cutoff_source" not in obj:
        raise InstrumentError(where, "a clinical_cutoff needs its clinical_cutoff_source.")
    sd = number_at(obj["sd"], f"{where}.sd")
    reliability = number_at(obj["reliability"], f"{where}.reliability")
    try:
        parameters = ChangeParameters(
            sd=float(sd),
            reliability=float(reliability),
            higher_is_worse=obj["higher_is_worse"],
            clinical_cutoff=(
                None if cutoff is None else float(number_at(cutoff, f"{where}.clinical_cutoff"))
            ),
        )
    except InstrumentError:
        raise
    except ValueError as exc:
        raise InstrumentError(where, str(exc)) from None
    sourced = SourcedChange(
        parameters=parameters,
        sd_source=text_at(obj["sd_source"], f"{where}.sd_source"),
        reliability_source=text_at(obj["reliability_source"], f"{where}.reliability_source"),
        clinical_cutoff_source=(
            text_at(obj["clinical_cutoff_source"], f"{where}.clinical_cutoff_source")
            if cutoff is not None
            else ""
        ),
    )
    return sourced, text_at(obj["note"], f"{where}.note") if "note" in obj else ""
