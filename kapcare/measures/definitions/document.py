"""The instrument document as a whole: code, version, source, licence, questionnaire,
scoring and change, validated into an :class:`Instrument`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kapcare.measures import scoring
from kapcare.measures.definitions.items import check_fhir, questionnaire_items
from kapcare.measures.definitions.reading import (
    InstrumentError,
    check_keys,
    document_digest,
    object_at,
    text_at,
)
from kapcare.measures.definitions.spec import SourcedChange, parse_change, parse_scoring
from kapcare.measures.scoring import (
    Number,
    ScoreResult,
    ScoringSpec,
)

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")


MAX_CODE_LENGTH = 32


VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


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


def parse_instrument(document: object, *, builtin: bool = False) -> Instrument:
    """Validate one instrument document; :class:`InstrumentError` names the first mistake."""
    obj = object_at(document, "document")
    check_keys(
        obj, "", required=("code", "source", "questionnaire", "scoring"), optional=("change",)
    )
    code = obj["code"]
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH or not CODE_PATTERN.match(code):
        raise InstrumentError(
            "code",
            f"must be capital letters and digits, groups joined by single hyphens, at most "
            f"{MAX_CODE_LENGTH} characters, such as PHQ-9 or DES-II (got {json.dumps(code)}).",
        )
    source = text_at(obj["source"], "source")
    raw_questionnaire = object_at(obj["questionnaire"], "questionnaire")
    check_fhir(raw_questionnaire)
    name = text_at(raw_questionnaire.get("title"), "questionnaire.title")
    version = raw_questionnaire.get("version")
    if not isinstance(version, str) or not VERSION_PATTERN.match(version):
        raise InstrumentError(
            "questionnaire.version",
            "is required: letters, digits, '.', '_' or '-', at most 32 characters (e.g. \"1.0\").",
        )
    licence = raw_questionnaire.get("copyright", "")
    items = questionnaire_items(raw_questionnaire)
    spec = parse_scoring(obj["scoring"], items, code)
    change, note = parse_change(obj.get("change"), spec)
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
