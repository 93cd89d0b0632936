"""An instrument as a short form: one question per fieldset, answers as radio groups.

Pure (no Django): builds what the template shows from the instrument's FHIR
Questionnaire and scoring items, and reads a submitted form (field ``q<index>``)
back into the answer list the scoring engine takes. A question asked only after
some answers (ASQ question 5) is shown with a note and, without script, is simply
ignored when its condition does not hold.
"""

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kapcare.measures.definitions import Instrument
from kapcare.measures.scoring import ItemSpec, Number, compare

__all__ = [
    "Answered",
    "Option",
    "Question",
    "QuestionForm",
    "answered",
    "build_form",
    "read_answers",
]

# Integer items with at most this many values are radio groups (SUD 0-10, VOC 1-7).
MAX_RADIO_VALUES = 11


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class Question:
    index: int
    name: str  # the form field: q0, q1, ...
    link_id: str
    prefix: str
    text: str
    options: tuple[Option, ...]
    required: bool
    condition: str = ""  # when it is asked, in words ("" always)
    when: str = ""  # the condition as JSON for the script: [{"name", "op", "value"}]
    behavior: str = "all"
    selected: str = ""
    error: str = ""
    minimum: int | None = None  # a number field's range (when there are no options)
    maximum: int | None = None


@dataclass
class QuestionForm:
    code: str
    name: str
    intro: tuple[str, ...]
    questions: list[Question]
    licence: str
    errors: list[Question] = field(default_factory=list)
    problem: str = ""  # a problem with the answers as a whole

    @property
    def invalid(self) -> bool:
        return bool(self.errors or self.problem)


def _walk(items: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for item in items:
        yield item
        yield from _walk(item.get("item", ()))


def _number(value: Number) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _options(item: ItemSpec, fhir: Mapping[str, Any]) -> tuple[Option, ...]:
    if item.kind == "boolean":
        return (Option("yes", "Yes"), Option("no", "No"))
    if item.kind == "choice":
        labels: list[str] = []
        for option in fhir.get("answerOption", ()):
            coding = option.get("valueCoding") or {}
            labels.append(str(coding.get("display") or coding.get("code") or ""))
        return tuple(
            Option(_number(value), label or _number(value))
            for value, label in zip(item.values, labels or [""] * len(item.values), strict=False)
        )
    low, high = item.minimum or 0, item.maximum or 0
    if high - low >= MAX_RADIO_VALUES:
        return ()  # a wide scale (a practice's own 0-100): a number field instead
    return tuple(Option(str(v), str(v)) for v in range(low, high + 1))


def _shown(answer: bool | int | float) -> str:
    """An enableWhen answer as the form submits it (yes/no, or the number)."""
    if isinstance(answer, bool):
        return "yes" if answer else "no"
    return _number(answer)


def _condition(item: ItemSpec, labels: Mapping[str, str]) -> str:
    if not item.enable_when:
        return ""
    if any(rule.operator != "=" for rule in item.enable_when):
        return "Answer this only if it applies to you, after the questions above."
    named = [labels.get(rule.question, rule.question) for rule in item.enable_when]
    answers = {_shown(rule.answer) for rule in item.enable_when}
    if len(answers) == 1:
        joiner = " or " if item.enable_behavior == "any" else " and "
        questions = ", ".join(named[:-1]) + joiner + named[-1] if len(named) > 1 else named[0]
        plural = "s" if len(named) > 1 else ""
        return f"Answer this only if you answered {answers.pop()} to question{plural} {questions}."
    joiner = " or " if item.enable_behavior == "any" else " and "
    parts = [
        f"question {name} is {_shown(rule.answer)}"
        for name, rule in zip(named, item.enable_when, strict=True)
    ]
    return "Answer this only if " + joiner.join(parts) + "."


def build_form(instrument: Instrument) -> QuestionForm:
    """The form for ``instrument``: its instructions, then one question per item."""
    fhir_items = list(_walk(instrument.questionnaire.get("item", ())))
    by_link = {str(i.get("linkId")): i for i in fhir_items}
    intro = tuple(str(i.get("text", "")) for i in fhir_items if i.get("type") == "display")
    labels = {item.link_id: item.label for item in instrument.scoring.items}
    names = {item.link_id: f"q{index}" for index, item in enumerate(instrument.scoring.items)}
    questions = []
    for index, item in enumerate(instrument.scoring.items):
        fhir = by_link.get(item.link_id, {})
        questions.append(
            Question(
                index=index,
                name=f"q{index}",
                link_id=item.link_id,
                prefix=str(fhir.get("prefix") or ""),
                text=item.text or str(fhir.get("text", "")),
                options=_options(item, fhir),
                required=item.required,
                minimum=item.minimum,
                maximum=item.maximum,
                condition=_condition(item, labels),
                when=json.dumps(
                    [
                        {"name": names[r.question], "op": r.operator, "value": _shown(r.answer)}
                        for r in item.enable_when
                        if r.question in names
                    ]
                )
                if item.enable_when
                else "",
                behavior=item.enable_behavior,
            )
        )
    return QuestionForm(
        code=instrument.code,
        name=instrument.name,
        intro=intro,
        questions=questions,
        licence=instrument.licence,
    )


@dataclass(frozen=True)
class Answered:
    prefix: str
    text: str
    answer: str  # in words: the option's label, the number given, or "Not asked"


def answered(instrument: Instrument, answers: Sequence[object]) -> list[Answered]:
    """Each question of ``instrument`` with the answer given, in words (a flag's reviewer
    reads what the client said, not only the score)."""
    rows = []
    for question, value in zip(build_form(instrument).questions, answers, strict=False):
        if isinstance(value, bool | int | float):
            raw = _shown(value)
            shown = next((o.label for o in question.options if o.value == raw), raw)
        else:
            shown = "Not asked"
        rows.append(Answered(question.prefix, question.text, shown))
    return rows


def _parse(item: ItemSpec, raw: str) -> bool | int | float | None:
    if raw == "":
        return None
    if item.kind == "boolean":
        return {"yes": True, "no": False}.get(raw)
    try:
        number = float(raw)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _whole_numbers(item: ItemSpec, raw: str) -> set[str]:
    """For a number field: ``{raw}`` when it is a whole number in the item's range."""
    try:
        value = int(raw)
    except ValueError:
        return set()
    low, high = item.minimum or 0, item.maximum or 0
    return {raw} if low <= value <= high and str(value) == raw else set()


def _enabled(item: ItemSpec, answers: Mapping[str, object]) -> bool:
    if not item.enable_when:
        return True
    results = [compare(answers.get(r.question), r.operator, r.answer) for r in item.enable_when]
    return any(results) if item.enable_behavior == "any" else all(results)


def read_answers(
    instrument: Instrument, form: QuestionForm, data: Mapping[str, str]
) -> list[object] | None:
    """The answers in item order, or None with each missing or unknown answer marked.

    A question whose condition does not hold is answered ``None`` (not asked),
    whatever was sent for it.
    """
    answers: list[object] = []
    by_link: dict[str, object] = {}
    form.errors = []
    for item, question in zip(instrument.scoring.items, form.questions, strict=True):
        raw = str(data.get(question.name, "")).strip()
        allowed = {o.value for o in question.options} or _whole_numbers(item, raw)
        question.selected = raw if raw in allowed else ""
        value = _parse(item, raw) if raw in allowed else None
        if not _enabled(item, by_link):
            value = None
            question.selected = ""
        elif value is None and item.required:
            question.error = (
                "Choose an answer."
                if raw == ""
                else "Choose one of the answers shown."
                if question.options
                else f"Enter a whole number from {item.minimum} to {item.maximum}."
            )
            form.errors.append(question)
        answers.append(value)
        by_link[item.link_id] = value
    return None if form.errors else answers
