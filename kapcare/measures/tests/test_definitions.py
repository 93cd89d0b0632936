"""Validating an instrument document: every mistake is refused with where and what."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kapcare.measures.definitions import InstrumentError, load_json, parse_instrument

EXAMPLE = Path(__file__).parent / "data" / "session-check.json"

Document = dict[str, Any]
Mutation = Callable[[Document], None]


def example() -> Document:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def item(document: Document, link_id: str) -> Document:
    found: Document = next(i for i in document["questionnaire"]["item"] if i["linkId"] == link_id)
    return found


def test_the_example_is_valid_and_scores() -> None:
    instrument = parse_instrument(example())
    assert (instrument.code, instrument.version, instrument.item_count) == (
        "SESSION-CHECK",
        "1.0",
        5,
    )
    assert not instrument.builtin
    # item 1 is reversed: 4 - 1 = 3; total 3 + 2 + 4 = 9
    result = instrument.score([1, 2, 4, True, False])
    assert result.total == 9
    assert result.severity == "distressed"
    assert result.subscales == {"distress": 3.0}
    assert result.flags == ["wants_pause"]
    assert result.outcomes == {"check_in": True, "next_step": "pause"}
    calm = instrument.score([4, 0, 0, False, None])
    assert (calm.total, calm.severity, calm.flags) == (0, "settled", [])
    assert calm.outcomes == {"check_in": False, "next_step": "continue"}


def test_explicit_null_change_is_the_same_document_as_none() -> None:
    without = example()
    del without["change"]
    with_null = {**without, "change": None}
    assert parse_instrument(without).digest == parse_instrument(with_null).digest


def _set(path: str, value: object) -> Mutation:
    def mutate(document: Document) -> None:
        *parents, last = path.split("/")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(document: Document) -> None:
        *parents, last = path.split("/")
        target: Any = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return mutate


def _item(link_id: str, **changes: object) -> Mutation:
    def mutate(document: Document) -> None:
        target = item(document, link_id)
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value

    return mutate


INTEGER: Document = {
    "linkId": "r",
    "type": "integer",
    "required": True,
    "text": "Rate it",
    "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 5}],
}


def _append_item(new: Document) -> Mutation:
    def mutate(document: Document) -> None:
        document["questionnaire"]["item"].append(copy.deepcopy(new))

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(document: Document) -> None:
        for m in mutations:
            m(document)

    return mutate


CASES: list[tuple[str, Mutation, str, str]] = [
    # the document
    ("unknown key", _set("scorng", {}), "scorng", "unknown key; expected 'code', 'source'"),
    ("no source", _delete("source"), "document", "missing the required key 'source'."),
    ("blank source", _set("source", "  "), "source", "must be a non-empty string."),
    ("bad code", _set("code", "phq 9"), "code", "must be capital letters and digits"),
    ("long code", _set("code", "A" * 33), "code", "at most 32 characters"),
    # the FHIR Questionnaire
    (
        "not a questionnaire",
        _set("questionnaire/resourceType", "Patient"),
        "questionnaire.resourceType",
        'must be "Questionnaire"',
    ),
    (
        "FHIR: status missing",
        _delete("questionnaire/status"),
        "questionnaire.status",
        "not a valid FHIR R4 Questionnaire: Value for the field 'status' is required.",
    ),
    (
        "FHIR: unknown element",
        _set("questionnaire/bogus", 1),
        "questionnaire.bogus",
        "not a valid FHIR R4 Questionnaire: Extra inputs are not permitted",
    ),
    (
        "FHIR: bad decimal",
        _set("questionnaire/item/1/answerOption/0/extension/0/valueDecimal", "zero"),
        "questionnaire.item[1].answerOption[0].extension[0].valueDecimal",
        "not a valid FHIR R4 Questionnaire",
    ),
    ("no title", _delete("questionnaire/title"), "questionnaire.title", "must be a non-empty"),
    ("no version", _delete("questionnaire/version"), "questionnaire.version", "is required"),
    # items
    (
        "free text item",
        _item("2", type="string"),
        "questionnaire.item[2].type",
        '"string" cannot be scored; use choice, integer, boolean',
    ),
    (
        "duplicate linkId",
        _item("3", linkId="2"),
        "questionnaire.item",
        "two items have the linkId '2'.",
    ),
    ("no text", _item("2", text=None), "questionnaire.item[2].text", "must be a non-empty string."),
    (
        "repeats",
        _item("2", repeats=True),
        "questionnaire.item[2].repeats",
        "an item that repeats cannot be scored.",
    ),
    (
        "choice without options",
        _item("2", answerOption=None),
        "questionnaire.item[2]",
        "a choice item needs answerOption.",
    ),
    (
        "value set",
        _item("2", answerValueSet="http://example.org/vs"),
        "questionnaire.item[2].answerValueSet",
        "is not supported: list the answers in answerOption.",
    ),
    (
        "option without score",
        _delete("questionnaire/item/2/answerOption/1/extension"),
        "questionnaire.item[2].answerOption[1]",
        "this answer has no score: add the ordinalValue extension",
    ),
    (
        "option as text",
        _set("questionnaire/item/2/answerOption/1", {"valueString": "A little"}),
        "questionnaire.item[2].answerOption[1]",
        "only valueCoding (with an ordinalValue score) or valueInteger answers can be scored.",
    ),
    (
        "two options with one score",
        _set("questionnaire/item/2/answerOption/1/extension/0/valueDecimal", 0),
        "questionnaire.item[2].answerOption[1]",
        "the score 0 is given to two answers.",
    ),
    (
        "integer without maxValue",
        _append_item(INTEGER),
        "questionnaire.item[6]",
        "an integer item needs the minValue and maxValue extensions",
    ),
    (
        "integer min above max",
        _append_item(
            {
                **INTEGER,
                "extension": [
                    *INTEGER["extension"],
                    {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 1},
                ],
            }
        ),
        "questionnaire.item[6]",
        "minValue and maxValue must be whole numbers, min ≤ max.",
    ),
    (
        "only text",
        _set("questionnaire/item", [{"linkId": "t", "type": "display", "text": "Hello"}]),
        "questionnaire.item",
        "has no item to answer.",
    ),
    (
        "enableWhen to nowhere",
        _set("questionnaire/item/5/enableWhen/0/question", "9"),
        "questionnaire item '5' enableWhen",
        "refers to no item with linkId '9'.",
    ),
    (
        "enableWhen on itself",
        _set("questionnaire/item/5/enableWhen/0/question", "5"),
        "questionnaire item '5' enableWhen",
        "an item cannot depend on itself.",
    ),
    (
        "enableWhen exists",
        _set("questionnaire/item/5/enableWhen/0/operator", "exists"),
        "questionnaire.item[5].enableWhen[0].operator",
        '"exists" is not supported',
    ),
    (
        "enableWhen coding",
        _set(
            "questionnaire/item/5/enableWhen/0",
            {"question": "4", "operator": "=", "answerCoding": {"code": "y"}},
        ),
        "questionnaire.item[5].enableWhen[0]",
        "needs exactly one of answerBoolean, answerInteger or answerDecimal.",
    ),
    (
        "enableWhen type mismatch",
        _set(
            "questionnaire/item/5/enableWhen/0",
            {"question": "4", "operator": "=", "answerInteger": 1},
        ),
        "questionnaire item '5' enableWhen",
        "item '4' is yes/no: compare it with = or != and true/false.",
    ),
    (
        "several enableWhen without behaviour",
        _item(
            "5",
            enableWhen=[
                {"question": "4", "operator": "=", "answerBoolean": True},
                {"question": "2", "operator": ">", "answerInteger": 2},
            ],
        ),
        "questionnaire.item[5].enableBehavior",
        'is required with several enableWhen: "all" or "any".',
    ),
    # the scoring spec
    ("unknown scoring key", _set("scoring/totals", {}), "scoring.totals", "unknown key"),
    (
        "total of an unknown item",
        _set("scoring/total/items", ["1", "2", "7"]),
        "scoring.total.items[2]",
        'no item has the linkId "7" (linkIds: 1, 2, 3, 4, 5).',
    ),
    (
        "median",
        _set("scoring/total/method", "median"),
        "scoring.total.method",
        'must be "sum" or "mean" (got "median").',
    ),
    (
        "yes/no in a total",
        _set("scoring/total/items", "all"),
        "scoring.total.items",
        "item '4' is yes/no, so it cannot be part of a sum.",
    ),
    (
        "optional item in a total",
        _item("3", required=False),
        "scoring.total.items",
        "item '3' is not required: mark it \"required\": true, so it cannot be part of a sum.",
    ),
    (
        "conditional item in a total",
        _both(
            _item("3", enableWhen=[{"question": "4", "operator": "=", "answerBoolean": True}]),
        ),
        "scoring.total.items",
        "item '3' is asked only sometimes (enableWhen), so it cannot be part of a sum.",
    ),
    (
        "item twice",
        _set("scoring/total/items", ["1", "2", "2"]),
        "scoring.total.items",
        "lists an item twice.",
    ),
    (
        "name on the total",
        _set("scoring/total/name", "sum"),
        "scoring.total.name",
        "unknown key; expected 'method', 'items', 'code'.",
    ),
    ("reverse yes/no", _set("scoring/reverse", ["4"]), "scoring.reverse[0]", "item '4' is yes/no."),
    (
        "blank subscale label",
        _set("scoring/subscales/0/label", "  "),
        "scoring.subscales[0].label",
        "must be a non-empty string.",
    ),
    (
        "label on the total",
        _set("scoring/total/label", "all of it"),
        "scoring.total.label",
        "unknown key; expected 'method', 'items', 'code'.",
    ),
    (
        "subscale called total",
        _set("scoring/subscales/0/name", "total"),
        "scoring.subscales[0].name",
        "'total' is already a score name.",
    ),
    (
        "severity not from the lowest score",
        _set("scoring/severity/bands/0/min", 1),
        "scoring.severity.bands[0].min",
        "the first band must start at the lowest possible score, 0.",
    ),
    (
        "severity out of order",
        _set("scoring/severity/bands/2/min", 5),
        "scoring.severity.bands[2].min",
        "bands must be in ascending order of min.",
    ),
    (
        "severity above the top",
        _set("scoring/severity/bands/2/min", 13),
        "scoring.severity.bands[2].min",
        "is above the highest possible score, 12.",
    ),
    (
        "severity of an unknown score",
        _set("scoring/severity/score", "anxiety"),
        "scoring.severity.score",
        'no score is named "anxiety" (scores: distress, total).',
    ),
    (
        "band code with spaces",
        _set("scoring/severity/bands/1/code", "Un settled"),
        "scoring.severity.bands[1].code",
        "a band code is lower_snake_case",
    ),
    (
        "not a condition",
        _set("scoring/conditions/wants_pause", {"answer": "4"}),
        "scoring.conditions.wants_pause",
        "is not a condition; write one of",
    ),
    (
        "unknown operator",
        _set("scoring/conditions/wants_pause/op", "=="),
        "scoring.conditions.wants_pause.op",
        'must be one of =, !=, >, >=, <, <= (got "==").',
    ),
    (
        "yes/no compared with a number",
        _set("scoring/conditions/wants_pause/value", 1),
        "scoring.conditions.wants_pause.value",
        "item '4' is yes/no: compare it with = or != and true/false.",
    ),
    (
        "number compared with yes",
        _set("scoring/conditions/wants_pause", {"item": "2", "op": ">", "value": True}),
        "scoring.conditions.wants_pause.value",
        "item '2' is numeric: compare it with a number.",
    ),
    (
        "unknown score in a condition",
        _set("scoring/outcomes/0/when/any/1/score", "sum"),
        "scoring.outcomes[0].when.any[1].score",
        'no score is named "sum"',
    ),
    (
        "condition used before it is defined",
        _set("scoring/outcomes/0/when/any/0/condition", "later"),
        "scoring.outcomes[0].when.any[0].condition",
        'no condition named "later" is defined before this point (defined: wants_pause).',
    ),
    (
        "count asks too much",
        _set(
            "scoring/conditions/wants_pause",
            {"count": ["2", "3"], "op": ">=", "value": 2, "at_least": 3},
        ),
        "scoring.conditions.wants_pause.at_least",
        "must be a whole number from 1 to 2.",
    ),
    (
        "reserved outcome name",
        _set("scoring/outcomes/0/name", "total"),
        "scoring.outcomes[0].name",
        "'total' is reserved by the scoring API.",
    ),
    (
        "outcome named twice",
        _set("scoring/outcomes/1/name", "check_in"),
        "scoring.outcomes[1].name",
        "'check_in' is defined twice.",
    ),
    (
        "empty cases",
        _set("scoring/outcomes/1/cases", []),
        "scoring.outcomes[1].cases",
        "must not be empty.",
    ),
    (
        "flag code in capitals",
        _set("scoring/flags/0/code", "WantsPause"),
        "scoring.flags[0].code",
        "a flag code is lower_snake_case",
    ),
    # reliable change
    ("sd of zero", _set("change/sd", 0), "change", "The standard deviation must be a positive"),
    ("reliability of one", _set("change/reliability", 1), "change", "The reliability must be"),
    ("sd as text", _set("change/sd", "2.5"), "change.sd", 'must be a number (got "2.5").'),
    ("sd without source", _delete("change/sd_source"), "change", "missing the required key"),
    (
        "cut-off without source",
        _delete("change/clinical_cutoff_source"),
        "change",
        "a clinical_cutoff needs its clinical_cutoff_source.",
    ),
    (
        "neither parameters nor a note",
        _set("change", {"higher_is_worse": True}),
        "change",
        "give higher_is_worse, sd and reliability with their sources, or only a note",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [pytest.param(m, w, msg, id=name) for name, m, w, msg in CASES],
)
def test_each_mistake_is_named(mutate: Mutation, where: str, message: str) -> None:
    document = example()
    mutate(document)
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(document)
    assert caught.value.where == where
    assert message in caught.value.message
    assert str(caught.value) == f"{where}: {caught.value.message}"


def test_a_subscale_label_is_its_name_in_words() -> None:
    document = example()
    assert parse_instrument(document).scoring.subscales[0].label == ""
    document["scoring"]["subscales"][0]["label"] = "distress in the session"
    assert parse_instrument(document).scoring.subscales[0].label == "distress in the session"


def test_change_needs_a_total() -> None:
    document = example()
    document["scoring"]["total"] = None
    del document["scoring"]["severity"]
    document["scoring"]["outcomes"][0]["when"]["any"].pop()
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(document)
    assert (caught.value.where, caught.value.message) == (
        "change",
        "reliable change is computed on the total, and there is none.",
    )


def test_not_an_object() -> None:
    with pytest.raises(InstrumentError) as caught:
        parse_instrument([1, 2])
    assert str(caught.value) == "document: must be a JSON object."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"code": "A", "code": "B"}', "the key 'code' appears twice in one object."),
        ('{"sd": NaN}', "NaN is not a JSON number."),
        ('{"sd": Infinity}', "Infinity is not a JSON number."),
        (
            '{"code": "A",}',
            "not valid JSON: Expecting property name enclosed in double quotes at "
            "line 1, column 14.",
        ),
    ],
)
def test_strict_json(text: str, message: str) -> None:
    with pytest.raises(InstrumentError) as caught:
        load_json(text)
    assert str(caught.value) == message
