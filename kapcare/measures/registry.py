"""Every instrument the practice can score, by code: the built-ins plus its own.

Built-in instruments ship as JSON documents in ``kapcare/measures/instruments/``
and are validated the first time they are needed (and by the system check
``kapcare.measures.E001``); a mistake in one raises :class:`InstrumentError`
naming the file and the place. A practice's own instruments are loaded with
``manage.py load_instrument`` into :class:`~kapcare.measures.models.InstrumentDefinition`;
the registry serves the most recently loaded version of each code.

Codes are matched without regard to case (``phq-9`` finds ``PHQ-9``).
"""

import functools
import threading
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from kapcare.measures.definitions import Instrument, InstrumentError, load_json, parse_instrument
from kapcare.measures.models import InstrumentDefinition

__all__ = [
    "BUILTIN_DIR",
    "Instrument",
    "InstrumentError",
    "UnknownInstrument",
    "builtin_instruments",
    "get_instrument",
    "list_instruments",
    "normalize_code",
]

BUILTIN_DIR = Path(__file__).resolve().parent / "instruments"


class UnknownInstrument(LookupError):
    """No instrument (or no such version of it) has this code."""


def normalize_code(code: str) -> str:
    return code.strip().upper()


def load_builtin_file(path: Path) -> Instrument:
    """One built-in document; errors name the file."""
    try:
        return parse_instrument(load_json(path.read_text(encoding="utf-8")), builtin=True)
    except InstrumentError as exc:
        where = f"{path.name}: {exc.where}" if exc.where else path.name
        raise InstrumentError(where, exc.message) from None


@functools.cache
def builtin_instruments() -> Mapping[str, Instrument]:
    """The instruments shipped with KAP Care, by code, validated once per process."""
    found: dict[str, Instrument] = {}
    for path in sorted(BUILTIN_DIR.glob("*.json")):
        instrument = load_builtin_file(path)
        if instrument.code in found:
            raise InstrumentError(
                path.name, f"a second built-in instrument coded {instrument.code}."
            )
        found[instrument.code] = instrument
    return MappingProxyType(found)


_parsed: dict[tuple[int, str], Instrument] = {}
_parsed_lock = threading.Lock()


def _from_row(row: InstrumentDefinition) -> Instrument:
    # Parsing validates the FHIR resource too; each stored version is parsed once per process.
    key = (row.pk, row.digest)
    with _parsed_lock:
        cached = _parsed.get(key)
    if cached is not None:
        return cached
    instrument = parse_instrument(row.document())
    with _parsed_lock:
        _parsed[key] = instrument
    return instrument


def get_instrument(code: str, *, version: str | None = None) -> Instrument:
    """The instrument coded ``code`` (its latest version unless ``version`` is given).

    Raises :class:`UnknownInstrument` when there is none.
    """
    key = normalize_code(code)
    builtin = builtin_instruments().get(key)
    if builtin is not None:
        if version is None or version == builtin.version:
            return builtin
        raise UnknownInstrument(f"{builtin.code} has no version {version!r}.")
    rows = InstrumentDefinition.objects.filter(code=key)
    if version is not None:
        rows = rows.filter(version=version)
    row = rows.order_by("-loaded_at", "-id").first()
    if row is None:
        raise UnknownInstrument(f"No instrument is coded {code!r}.")
    return _from_row(row)


def list_instruments() -> list[Instrument]:
    """Every instrument by code: the built-ins, then the practice's own (latest versions)."""
    instruments = sorted(builtin_instruments().values(), key=lambda i: i.code)
    latest: dict[str, InstrumentDefinition] = {}
    for row in InstrumentDefinition.objects.order_by("code", "-loaded_at", "-id"):
        latest.setdefault(row.code, row)
    return instruments + [_from_row(row) for row in latest.values()]
