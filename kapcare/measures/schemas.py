"""API shapes for instruments and scoring (a stable contract: add, never rename)."""

from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from kapcare.measures.definitions import Instrument
from kapcare.measures.scoring import ScoreResult

MAX_ANSWERS = 500


class InstrumentOut(Schema):
    code: str
    name: str
    version: str
    item_count: int
    source: str = Field(description="Citation of the instrument and its scoring.")
    licence: str
    builtin: bool = Field(description="Shipped with KAP Care (false: loaded by the practice).")

    @staticmethod
    def of(instrument: Instrument) -> "InstrumentOut":
        return InstrumentOut(
            code=instrument.code,
            name=instrument.name,
            version=instrument.version,
            item_count=instrument.item_count,
            source=instrument.source,
            licence=instrument.licence,
            builtin=instrument.builtin,
        )


class InstrumentList(Schema):
    items: list[InstrumentOut]
    count: int


class ScoreIn(Schema):
    answers: list[Any] = Field(
        max_length=MAX_ANSWERS,
        description=(
            "One answer per item in the published item order: the item's score (a number) "
            "or true/false for yes/no items; null for an item that was not asked (ASQ "
            "question 5 when questions 1-4 are all no)."
        ),
        examples=[[0, 1, 2, 3, 0, 1, 2, 3, 0]],
    )


class ScoreOut(Schema):
    """A score. Instruments with outcomes add them as further keys (listed below)."""

    model_config = ConfigDict(extra="allow")

    instrument: str
    version: str
    total: int | float | None
    severity: str | None
    subscales: dict[str, int | float]
    flags: list[str]
    provisional_ptsd: bool | None = Field(
        default=None, description="PCL-5 only: the DSM-5 symptom rule is met."
    )
    probable_ptsd: bool | None = Field(
        default=None, description="PCL-5 only: the total is at or above the cut-off (33)."
    )
    diagnosis: str | None = Field(default=None, description="ITQ only: CPTSD, PTSD or none.")
    risk: str | None = Field(default=None, description="ASQ only: negative, non_acute or acute.")

    @staticmethod
    def of(instrument: Instrument, result: ScoreResult) -> "ScoreOut":
        """The answer: outcomes only for the instruments that have them (``exclude_unset``).

        Built without re-validation: ninja's validation of a response would drop
        the outcomes of a practice's own instruments, which are extra keys.
        """
        values: dict[str, Any] = {
            "instrument": result.instrument,
            "version": instrument.version,
            "total": result.total,
            "severity": result.severity,
            "subscales": dict(result.subscales),
            "flags": list(result.flags),
            **result.outcomes,
        }
        return ScoreOut.model_construct(**values)
