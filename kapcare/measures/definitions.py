"""Instrument definitions: a JSON document validated into an :class:`Instrument`.

One document holds everything about one instrument (the format is described in
``kapcare/measures/README.md``)::

    {
      "code": "PHQ-9",
      "source": "Kroenke K, Spitzer RL, Williams JBW. ... 2001.",
      "questionnaire": { a FHIR R4 Questionnaire },
      "scoring": { how to score it },
      "change": { reliable-change parameters, each with its source }
    }

Every mistake raises :class:`InstrumentError` naming where it is
(``scoring.subscales[1].items[3]``) and what to do about it. No Django here:
built-in instruments and the ``load_instrument`` command use the same parser.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import pydantic
from fhir.resources.R4B.questionnaire import Questionnaire

from kapcare.measures import scoring
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
    EnableWhen,
    FlagRule,
    ItemIs,
    ItemSpec,
    Not,
    Number,
    Op,
    Outcome,
    ScoreIs,
    ScoreResult,
    ScoringSpec,
    Severity,
)

__all__ = [
    "CODE_PATTERN",
    "Instrument",
    "InstrumentError",
    "SourcedChange",
    "document_digest",
    "load_json",
    "parse_instrument",
]

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
MAX_CODE_LENGTH = 32
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Keys of the scoring API's answer; an outcome cannot take one of these names.
RESERVED_NAMES = frozenset({"instrument", "version", "total", "severity", "subscales", "flags"})

ORDINAL_VALUE_URLS = frozenset(
    {
        "http://hl7.org/fhir/StructureDefinition/ordinalValue",  # R4
        "http://hl7.org/fhir/StructureDefinition/itemWeight",  # R5 name of the same idea
    }
)
MIN_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/maxValue"
SCORED_TYPES = ("choice", "integer", "boolean")
UNSCORED_TYPES = ("display", "group")

_CONDITION_SHAPES = (
    '{"item", "op", "value"}, {"score", "op", "value"}, '
    '{"count", "op", "value", "at_least"}, {"all": [...]}, {"any": [...]}, '
    '{"not": {...}} or {"condition": name}'
)


class InstrumentError(ValueError):
    """A definition that cannot be used; ``where`` is the path of the mistake."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


@dataclass(frozen=True)
class SourcedChange:
    """Reliable-change parameters with where each number comes from."""

    parameters: ChangeParameters
    sd_source: str
    reliability_source: str
    clinical_cutoff_source: str


@dataclass(frozen=True, eq=False)
class Instrument:
    code: str
    name: str
    version: str
    source: str
    licence: str
    questionnaire: Mapping[str, Any]
    scoring: ScoringSpec
    change: SourcedChange | None
    change_note: str
    document: Mapping[str, Any]
    digest: str
    builtin: bool = False

    @property
    def item_count(self) -> int:
        return len(self.scoring.items)

    @property
    def total_range(self) -> tuple[Number, Number] | None:
        if self.scoring.total is None:
            return None
        return scoring.score_range(self.scoring, "total")

    def score(self, answers: object) -> ScoreResult:
        """Score one set of answers; :class:`~kapcare.measures.scoring.AnswerError` if unusable."""
        return scoring.score(self.scoring, answers)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InstrumentError("", f"the key {key!r} appears twice in one object.")
        result[key] = value
    return result


def _no_constant(name: str) -> object:
    raise InstrumentError("", f"{name} is not a JSON number.")


def load_json(text: str) -> object:
    """Strict JSON: a repeated key or NaN/Infinity is a mistake, not silently accepted."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None


def document_digest(document: Mapping[str, Any]) -> str:
    """SHA-256 of the document's canonical JSON: equal content, equal digest."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---------------------------------------------------------------- JSON helpers


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InstrumentError(where, "must be a JSON object.")
    return cast(dict[str, Any], value)


def _list(value: object, where: str, *, empty: bool = False) -> list[Any]:
    if not isinstance(value, list):
        raise InstrumentError(where, "must be a JSON list.")
    if not value and not empty:
        raise InstrumentError(where, "must not be empty.")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InstrumentError(where, "must be a non-empty string.")
    return value.strip()


def _number(value: object, where: str) -> Number:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InstrumentError(where, f"must be a number (got {json.dumps(value)}).")
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _keys(
    obj: Mapping[str, Any],
    where: str,
    *,
    required: Sequence[str] = (),
    optional: Sequence[str] = (),
) -> None:
    allowed = [*required, *optional]
    for key in obj:
        if key not in allowed:
            raise InstrumentError(
                f"{where}.{key}" if where else key,
                f"unknown key; expected {', '.join(repr(k) for k in allowed)}.",
            )
    for key in required:
        if key not in obj:
            raise InstrumentError(where or "document", f"missing the required key {key!r}.")


def _loc(loc: Sequence[object]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


# ---------------------------------------------------------------- the questionnaire


def _check_fhir(raw: dict[str, Any]) -> None:
    if raw.get("resourceType") != "Questionnaire":
        raise InstrumentError(
            "questionnaire.resourceType", 'must be "Questionnaire" (a FHIR R4 Questionnaire).'
        )
    try:
        Questionnaire.model_validate(raw)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        message = str(error.get("msg", "is not valid FHIR.")).removeprefix("Value error, ")
        raise InstrumentError(
            "questionnaire" + _loc(error.get("loc", ())),
            f"not a valid FHIR R4 Questionnaire: {message}",
        ) from None
    except (ValueError, TypeError) as exc:  # fhir.resources' own checks
        raise InstrumentError(
            "questionnaire", f"not a valid FHIR R4 Questionnaire: {exc}"
        ) from None


def _extension_value(obj: Mapping[str, Any], urls: frozenset[str] | set[str], key: str) -> object:
    for extension in obj.get("extension", []) or []:
        if isinstance(extension, dict) and extension.get("url") in urls:
            return extension.get(key)
    return None


def _option_score(option: dict[str, Any], where: str) -> Number:
    if "valueInteger" in option:
        return _number(option["valueInteger"], f"{where}.valueInteger")
    if "valueCoding" in option:
        coding = _object(option["valueCoding"], f"{where}.valueCoding")
        weight = _extension_value(option, ORDINAL_VALUE_URLS, "valueDecimal")
        if weight is None:
            weight = _extension_value(coding, ORDINAL_VALUE_URLS, "valueDecimal")
        if weight is None:
            raise InstrumentError(
                where,
                "this answer has no score: add the ordinalValue extension "
                "(http://hl7.org/fhir/StructureDefinition/ordinalValue, valueDecimal) "
                "or use valueInteger.",
            )
        return _number(weight, f"{where}.extension(ordinalValue)")
    raise InstrumentError(
        where,
        "only valueCoding (with an ordinalValue score) or valueInteger answers can be scored.",
    )


def _enable_when(raw: dict[str, Any], where: str) -> tuple[tuple[EnableWhen, ...], str]:
    conditions: list[EnableWhen] = []
    for index, entry in enumerate(_list(raw["enableWhen"], f"{where}.enableWhen")):
        path = f"{where}.enableWhen[{index}]"
        entry = _object(entry, path)
        operator = entry.get("operator")
        if operator not in OPS:
            raise InstrumentError(
                f"{path}.operator",
                f"{json.dumps(operator)} is not supported; use one of {', '.join(OPS)}.",
            )
        answers = [k for k in ("answerBoolean", "answerInteger", "answerDecimal") if k in entry]
        if len(answers) != 1:
            raise InstrumentError(
                path, "needs exactly one of answerBoolean, answerInteger or answerDecimal."
            )
        value = entry[answers[0]]
        if answers[0] != "answerBoolean":
            value = _number(value, f"{path}.{answers[0]}")
        conditions.append(
            EnableWhen(
                question=_text(entry.get("question"), f"{path}.question"),
                operator=cast(Op, operator),
                answer=value,
            )
        )
    behavior = raw.get("enableBehavior", "all")
    if len(conditions) > 1 and "enableBehavior" not in raw:
        raise InstrumentError(
            f"{where}.enableBehavior", 'is required with several enableWhen: "all" or "any".'
        )
    if behavior not in ("all", "any"):
        raise InstrumentError(f"{where}.enableBehavior", 'must be "all" or "any".')
    return tuple(conditions), behavior


def _item(raw: dict[str, Any], where: str, position: int) -> ItemSpec:
    kind = raw["type"]
    if raw.get("repeats"):
        raise InstrumentError(f"{where}.repeats", "an item that repeats cannot be scored.")
    link_id = _text(raw.get("linkId"), f"{where}.linkId")
    label = str(raw.get("prefix") or position).strip()
    text = _text(raw.get("text"), f"{where}.text")
    enable_when: tuple[EnableWhen, ...] = ()
    behavior = "all"
    if "enableWhen" in raw:
        enable_when, behavior = _enable_when(raw, where)
    common: dict[str, Any] = {
        "link_id": link_id,
        "label": label,
        "text": text,
        "required": bool(raw.get("required", False)),
        "enable_when": enable_when,
        "enable_behavior": behavior,
    }
    if kind == "choice":
        if "answerValueSet" in raw:
            raise InstrumentError(
                f"{where}.answerValueSet", "is not supported: list the answers in answerOption."
            )
        if "answerOption" not in raw:
            raise InstrumentError(where, "a choice item needs answerOption.")
        values: list[Number] = []
        for index, option in enumerate(_list(raw["answerOption"], f"{where}.answerOption")):
            path = f"{where}.answerOption[{index}]"
            value = _option_score(_object(option, path), path)
            if value in values:
                raise InstrumentError(path, f"the score {value} is given to two answers.")
            values.append(value)
        return ItemSpec(kind="choice", values=tuple(values), **common)
    if kind == "integer":
        low = _extension_value(raw, {MIN_VALUE_URL}, "valueInteger")
        high = _extension_value(raw, {MAX_VALUE_URL}, "valueInteger")
        if low is None or high is None:
            raise InstrumentError(
                where,
                "an integer item needs the minValue and maxValue extensions "
                f"({MIN_VALUE_URL}, {MAX_VALUE_URL}) with valueInteger.",
            )
        minimum, maximum = _number(low, f"{where}.minValue"), _number(high, f"{where}.maxValue")
        if not isinstance(minimum, int) or not isinstance(maximum, int) or minimum > maximum:
            raise InstrumentError(where, "minValue and maxValue must be whole numbers, min ≤ max.")
        return ItemSpec(kind="integer", minimum=minimum, maximum=maximum, **common)
    return ItemSpec(kind="boolean", **common)


def _items(raw_items: list[Any], where: str, found: list[ItemSpec]) -> None:
    for index, raw in enumerate(raw_items):
        path = f"{where}.item[{index}]"
        raw = _object(raw, path)
        kind = raw.get("type")
        if kind == "group":
            _items(_list(raw.get("item", []), f"{path}.item", empty=True), path, found)
        elif kind == "display":
            continue
        elif kind in SCORED_TYPES:
            found.append(_item(raw, path, len(found) + 1))
        else:
            raise InstrumentError(
                f"{path}.type",
                f"{json.dumps(kind)} cannot be scored; use "
                f"{', '.join(SCORED_TYPES)} (or {' / '.join(UNSCORED_TYPES)} for text and groups).",
            )


def _questionnaire_items(raw: dict[str, Any]) -> tuple[ItemSpec, ...]:
    found: list[ItemSpec] = []
    _items(_list(raw.get("item", []), "questionnaire.item", empty=True), "questionnaire", found)
    if not found:
        raise InstrumentError("questionnaire.item", "has no item to answer.")
    seen: set[str] = set()
    for item in found:
        if item.link_id in seen:
            raise InstrumentError(
                "questionnaire.item", f"two items have the linkId {item.link_id!r}."
            )
        seen.add(item.link_id)
    by_link = {item.link_id: item for item in found}
    for item in found:
        for condition in item.enable_when:
            target = by_link.get(condition.question)
            where = f"questionnaire item {item.link_id!r} enableWhen"
            if target is None:
                raise InstrumentError(
                    where, f"refers to no item with linkId {condition.question!r}."
                )
            if target is item:
                raise InstrumentError(where, "an item cannot depend on itself.")
            _check_comparison(target, condition.operator, condition.answer, where)
    return tuple(found)


def _check_comparison(item: ItemSpec, op: str, value: object, where: str) -> None:
    if op not in OPS:
        raise InstrumentError(
            where, f"{json.dumps(op)} is not an operator; use one of {', '.join(OPS)}."
        )
    if item.kind == "boolean":
        if not isinstance(value, bool) or op not in ("=", "!="):
            raise InstrumentError(
                where, f"item {item.link_id!r} is yes/no: compare it with = or != and true/false."
            )
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise InstrumentError(where, f"item {item.link_id!r} is numeric: compare it with a number.")


# ---------------------------------------------------------------- the scoring spec


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
    obj = _object(raw, where)
    _keys(
        obj,
        where,
        required=("method", "items"),
        optional=("code",) if name == "total" else ("name", "code"),
    )
    coding = None
    if "code" in obj:
        code = _object(obj["code"], f"{where}.code")
        _keys(code, f"{where}.code", required=("system", "code"), optional=("display",))
        coding = (
            _text(code["system"], f"{where}.code.system"),
            _text(code["code"], f"{where}.code.code"),
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
            for index, link_id in enumerate(_list(obj["items"], f"{where}.items"))
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
    )


def _comparison(obj: dict[str, Any], where: str) -> tuple[Op, object]:
    op = obj.get("op")
    if op not in OPS:
        raise InstrumentError(
            f"{where}.op", f"must be one of {', '.join(OPS)} (got {json.dumps(op)})."
        )
    return cast(Op, op), obj.get("value")


def _condition(raw: object, where: str, scope: _Scope) -> Condition:
    obj = _object(raw, where)
    if "item" in obj:
        _keys(obj, where, required=("item", "op", "value"))
        item = scope.item(obj["item"], f"{where}.item")
        op, value = _comparison(obj, where)
        _check_comparison(item, op, value, f"{where}.value")
        return ItemIs(item=item.link_id, op=op, value=cast(bool | int | float, value))
    if "score" in obj:
        _keys(obj, where, required=("score", "op", "value"))
        if obj["score"] not in scope.scores:
            raise InstrumentError(
                f"{where}.score",
                f"no score is named {json.dumps(obj['score'])} "
                f"(scores: {', '.join(sorted(scope.scores)) or 'none'}).",
            )
        op, value = _comparison(obj, where)
        return ScoreIs(score=obj["score"], op=op, value=_number(value, f"{where}.value"))
    if "count" in obj:
        _keys(obj, where, required=("count", "op", "value", "at_least"))
        items = [
            scope.item(link_id, f"{where}.count[{index}]")
            for index, link_id in enumerate(_list(obj["count"], f"{where}.count"))
        ]
        op, value = _comparison(obj, where)
        for item in items:
            _check_comparison(item, op, value, f"{where}.value")
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
            _keys(obj, where, required=(key,))
            parts = tuple(
                _condition(part, f"{where}.{key}[{index}]", scope)
                for index, part in enumerate(_list(obj[key], f"{where}.{key}"))
            )
            return kind(conditions=parts)
    if "not" in obj:
        _keys(obj, where, required=("not",))
        return Not(condition=_condition(obj["not"], f"{where}.not", scope))
    if "condition" in obj:
        _keys(obj, where, required=("condition",))
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
    obj = _object(raw, where)
    _keys(obj, where, required=("score", "bands"))
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
    for index, raw_band in enumerate(_list(obj["bands"], f"{where}.bands")):
        path = f"{where}.bands[{index}]"
        band = _object(raw_band, path)
        _keys(band, path, required=("code", "min"), optional=("label",))
        code = _name(band["code"], f"{path}.code", codes, "band code")
        minimum = _number(band["min"], f"{path}.min")
        if index == 0 and minimum != low:
            raise InstrumentError(
                f"{path}.min", f"the first band must start at the lowest possible score, {low}."
            )
        if bands and minimum <= bands[-1].minimum:
            raise InstrumentError(f"{path}.min", "bands must be in ascending order of min.")
        if minimum > high:
            raise InstrumentError(f"{path}.min", f"is above the highest possible score, {high}.")
        label = band.get("label", code.replace("_", " ").capitalize())
        bands.append(Band(code=code, label=_text(label, f"{path}.label"), minimum=minimum))
    return Severity(score=name, bands=tuple(bands))


def _outcome(raw: object, where: str, scope: _Scope, names: set[str]) -> Outcome:
    obj = _object(raw, where)
    if "cases" in obj:
        _keys(obj, where, required=("name", "cases", "otherwise"))
        name = _name(obj["name"], f"{where}.name", names, "name")
        cases: list[tuple[str, Condition]] = []
        for index, raw_case in enumerate(_list(obj["cases"], f"{where}.cases")):
            path = f"{where}.cases[{index}]"
            case = _object(raw_case, path)
            _keys(case, path, required=("value", "when"))
            cases.append(
                (
                    _text(case["value"], f"{path}.value"),
                    _condition(case["when"], f"{path}.when", scope),
                )
            )
        otherwise = _text(obj["otherwise"], f"{where}.otherwise")
        return CategoryOutcome(name=name, cases=tuple(cases), otherwise=otherwise)
    _keys(obj, where, required=("name", "when"))
    name = _name(obj["name"], f"{where}.name", names, "name")
    return BooleanOutcome(name=name, when=_condition(obj["when"], f"{where}.when", scope))


def _scoring(raw: object, items: tuple[ItemSpec, ...], code: str) -> ScoringSpec:
    where = "scoring"
    obj = _object(raw, where)
    _keys(
        obj,
        where,
        optional=("reverse", "total", "subscales", "severity", "conditions", "outcomes", "flags"),
    )
    scope = _Scope(items)

    reverse: set[str] = set()
    for index, link_id in enumerate(_list(obj.get("reverse", []), f"{where}.reverse", empty=True)):
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
        _list(obj.get("subscales", []), f"{where}.subscales", empty=True)
    ):
        path = f"{where}.subscales[{index}]"
        name = _text(_object(raw_subscale, path).get("name"), f"{path}.name")
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
    for name, raw_condition in _object(obj.get("conditions", {}), f"{where}.conditions").items():
        path = f"{where}.conditions.{name}"
        _name(name, path, names, "condition name")
        conditions.append((name, _condition(raw_condition, path, scope)))
        scope.conditions.add(name)

    outcome_names: set[str] = set()
    outcomes = tuple(
        _outcome(raw_outcome, f"{where}.outcomes[{index}]", scope, outcome_names)
        for index, raw_outcome in enumerate(
            _list(obj.get("outcomes", []), f"{where}.outcomes", empty=True)
        )
    )

    flags: list[FlagRule] = []
    flag_codes: set[str] = set()
    for index, raw_flag in enumerate(_list(obj.get("flags", []), f"{where}.flags", empty=True)):
        path = f"{where}.flags[{index}]"
        flag = _object(raw_flag, path)
        _keys(flag, path, required=("code", "when"), optional=("label",))
        flags.append(
            FlagRule(
                code=_name(flag["code"], f"{path}.code", flag_codes, "flag code"),
                when=_condition(flag["when"], f"{path}.when", scope),
                label=_text(flag["label"], f"{path}.label") if "label" in flag else "",
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


# ---------------------------------------------------------------- reliable change


def _change(raw: object, spec: ScoringSpec) -> tuple[SourcedChange | None, str]:
    where = "change"
    if raw is None:
        return None, ""
    obj = _object(raw, where)
    if "sd" not in obj and "reliability" not in obj:
        if set(obj) != {"note"}:
            raise InstrumentError(
                where,
                "give higher_is_worse, sd and reliability with their sources, or only a note "
                "saying why reliable change does not apply.",
            )
        return None, _text(obj["note"], f"{where}.note")
    _keys(
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
    sd = _number(obj["sd"], f"{where}.sd")
    reliability = _number(obj["reliability"], f"{where}.reliability")
    try:
        parameters = ChangeParameters(
            sd=float(sd),
            reliability=float(reliability),
            higher_is_worse=obj["higher_is_worse"],
            clinical_cutoff=(
                None if cutoff is None else float(_number(cutoff, f"{where}.clinical_cutoff"))
            ),
        )
    except InstrumentError:
        raise
    except ValueError as exc:
        raise InstrumentError(where, str(exc)) from None
    sourced = SourcedChange(
        parameters=parameters,
        sd_source=_text(obj["sd_source"], f"{where}.sd_source"),
        reliability_source=_text(obj["reliability_source"], f"{where}.reliability_source"),
        clinical_cutoff_source=(
            _text(obj["clinical_cutoff_source"], f"{where}.clinical_cutoff_source")
            if cutoff is not None
            else ""
        ),
    )
    return sourced, _text(obj["note"], f"{where}.note") if "note" in obj else ""


# ---------------------------------------------------------------- the document


def parse_instrument(document: object, *, builtin: bool = False) -> Instrument:
    """Validate one instrument document; :class:`InstrumentError` names the first mistake."""
    obj = _object(document, "document")
    _keys(obj, "", required=("code", "source", "questionnaire", "scoring"), optional=("change",))
    code = obj["code"]
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH or not CODE_PATTERN.match(code):
        raise InstrumentError(
            "code",
            f"must be capital letters and digits, groups joined by single hyphens, at most "
            f"{MAX_CODE_LENGTH} characters, such as PHQ-9 or DES-II (got {json.dumps(code)}).",
        )
    source = _text(obj["source"], "source")
    raw_questionnaire = _object(obj["questionnaire"], "questionnaire")
    _check_fhir(raw_questionnaire)
    name = _text(raw_questionnaire.get("title"), "questionnaire.title")
    version = raw_questionnaire.get("version")
    if not isinstance(version, str) or not VERSION_PATTERN.match(version):
        raise InstrumentError(
            "questionnaire.version",
            "is required: letters, digits, '.', '_' or '-', at most 32 characters (e.g. \"1.0\").",
        )
    licence = raw_questionnaire.get("copyright", "")
    items = _questionnaire_items(raw_questionnaire)
    spec = _scoring(obj["scoring"], items, code)
    change, note = _change(obj.get("change"), spec)
    frozen_document = copy.deepcopy(obj)
    if frozen_document.get("change") is None:
        frozen_document.pop("change", None)  # "change": null and no "change" are the same
    return Instrument(
        code=code,
        name=name,
        version=version,
        source=source,
        licence=licence if isinstance(licence, str) else "",
        questionnaire=frozen_document["questionnaire"],
        scoring=spec,
        change=change,
        change_note=note,
        document=frozen_document,
        digest=document_digest(frozen_document),
        builtin=builtin,
    )
