"""The questionnaire: a FHIR R4 Questionnaire read into the items scoring needs (their
scores, ranges and enable-when conditions).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast

import pydantic
from fhir.resources.R4B.questionnaire import Questionnaire

from kapcare.measures.definitions.reading import (
    InstrumentError,
    list_at,
    number_at,
    object_at,
    path_of,
    text_at,
)
from kapcare.measures.scoring import (
    OPS,
    EnableWhen,
    ItemSpec,
    Number,
    Op,
)

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


def check_fhir(raw: dict[str, Any]) -> None:
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
            "questionnaire" + path_of(error.get("loc", ())),
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
        return number_at(option["valueInteger"], f"{where}.valueInteger")
    if "valueCoding" in option:
        coding = object_at(option["valueCoding"], f"{where}.valueCoding")
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
        return number_at(weight, f"{where}.extension(ordinalValue)")
    raise InstrumentError(
        where,
        "only valueCoding (with an ordinalValue score) or valueInteger answers can be scored.",
    )


def _enable_when(raw: dict[str, Any], where: str) -> tuple[tuple[EnableWhen, ...], str]:
    conditions: list[EnableWhen] = []
    for index, entry in enumerate(list_at(raw["enableWhen"], f"{where}.enableWhen")):
        path = f"{where}.enableWhen[{index}]"
        entry = object_at(entry, path)
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
            value = number_at(value, f"{path}.{answers[0]}")
        conditions.append(
            EnableWhen(
                question=text_at(entry.get("question"), f"{path}.question"),
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
    link_id = text_at(raw.get("linkId"), f"{where}.linkId")
    label = str(raw.get("prefix") or position).strip()
    text = text_at(raw.get("text"), f"{where}.text")
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
        for index, option in enumerate(list_at(raw["answerOption"], f"{where}.answerOption")):
            path = f"{where}.answerOption[{index}]"
            value = _option_score(object_at(option, path), path)
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
        minimum, maximum = number_at(low, f"{where}.minValue"), number_at(high, f"{where}.maxValue")
        if not isinstance(minimum, int) or not isinstance(maximum, int) or minimum > maximum:
            raise InstrumentError(where, "minValue and maxValue must be whole numbers, min ≤ max.")
        return ItemSpec(kind="integer", minimum=minimum, maximum=maximum, **common)
    return ItemSpec(kind="boolean", **common)


def _items(raw_items: list[Any], where: str, found: list[ItemSpec]) -> None:
    for index, raw in enumerate(raw_items):
        path = f"{where}.item[{index}]"
        raw = object_at(raw, path)
        kind = raw.get("type")
        if kind == "group":
            _items(list_at(raw.get("item", []), f"{path}.item", empty=True), path, found)
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


def questionnaire_items(raw: dict[str, Any]) -> tuple[ItemSpec, ...]:
    found: list[ItemSpec] = []
    _items(list_at(raw.get("item", []), "questionnaire.item", empty=True), "questionnaire", found)
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
            check_comparison(target, condition.operator, condition.answer, where)
    return tuple(found)


def check_comparison(item: ItemSpec, op: str, value: object, where: str) -> None:
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
