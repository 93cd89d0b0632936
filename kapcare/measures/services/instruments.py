"""Loading a practice's own instrument definition (validated, audited, one version each)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import AuditSource, record_event
from kapcare.core import clock
from kapcare.measures.definitions import Instrument, InstrumentError, parse_instrument
from kapcare.measures.models import (
    InstrumentDefinition,
)
from kapcare.measures.registry import builtin_instruments, get_instrument

AUDIT_CATEGORY = "instrument"


@dataclass(frozen=True)
class LoadResult:
    instrument: Instrument
    created: bool


def check_instrument_document(document: object) -> Instrument:
    """Validate a practice's document without storing it; :class:`InstrumentError` if unusable."""
    instrument = parse_instrument(document)
    if instrument.code in builtin_instruments():
        raise InstrumentError(
            "code",
            f"{instrument.code} is a built-in instrument; give yours its own code "
            f"(for example {instrument.code}-PRACTICE).",
        )
    return instrument


def load_instrument_definition(
    *, document: object, loaded_from: str, source: AuditSource
) -> LoadResult:
    """Store a validated definition as a new version, with an audit event.

    Loading the same content again changes nothing; a different content under a
    version already loaded is refused (responses scored by it must stay
    reproducible).
    """
    instrument = check_instrument_document(document)
    conflict = InstrumentError(
        "questionnaire.version",
        f"{instrument.code} version {instrument.version} is already loaded with different "
        "content; give the changed definition a new version.",
    )
    with transaction.atomic():
        existing = InstrumentDefinition.objects.filter(
            code=instrument.code, version=instrument.version
        ).first()
        if existing is not None:
            if existing.digest != instrument.digest:
                raise conflict
            return LoadResult(
                instrument=get_instrument(instrument.code, version=instrument.version),
                created=False,
            )
        try:
            with transaction.atomic():
                InstrumentDefinition.objects.create(
                    code=instrument.code,
                    version=instrument.version,
                    name=instrument.name[:200],
                    questionnaire=instrument.document["questionnaire"],
                    scoring=instrument.document["scoring"],
                    change=instrument.document.get("change"),
                    source=instrument.source,
                    digest=instrument.digest,
                    loaded_from=loaded_from[-255:],
                    loaded_at=clock.now(),
                )
        except IntegrityError:
            raise InstrumentError(
                "questionnaire.version",
                f"{instrument.code} version {instrument.version} was being loaded by someone "
                "else at the same moment; run the command again.",
            ) from None
        record_event(
            source=source,
            action=AuditAction.CREATE,
            category=AUDIT_CATEGORY,
            detail=f"load_instrument {instrument.code} {instrument.version}",
        )
    return LoadResult(
        instrument=get_instrument(instrument.code, version=instrument.version), created=True
    )
