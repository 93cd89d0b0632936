"""System checks for instrument definitions (stable ids ``kapcare.measures.E00x``).

- ``E001`` — a built-in instrument file does not validate (runs with every check).
- ``E002`` — a stored practice instrument no longer validates (``check --database``).
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from kapcare.measures.definitions import InstrumentError, parse_instrument
from kapcare.measures.registry import BUILTIN_DIR, load_builtin_file

__all__ = ["check_builtin_instruments", "check_stored_instruments"]

TAG = "kapcare"


@register(TAG)
def check_builtin_instruments(
    *, app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    codes: set[str] = set()
    for path in sorted(BUILTIN_DIR.glob("*.json")):
        try:
            instrument = load_builtin_file(path)
        except InstrumentError as exc:
            errors.append(
                Error(
                    f"Built-in instrument {exc}",
                    hint="Fix the file: every instrument must validate before it can score.",
                    id="kapcare.measures.E001",
                )
            )
            continue
        if instrument.code in codes:
            errors.append(
                Error(
                    f"Built-in instrument {path.name}: a second instrument coded "
                    f"{instrument.code}.",
                    id="kapcare.measures.E001",
                )
            )
        codes.add(instrument.code)
    return errors


@register(TAG, Tags.database)
def check_stored_instruments(
    *,
    app_configs: Sequence[AppConfig] | None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    if not databases:
        return []
    from kapcare.measures.models import InstrumentDefinition

    errors: list[CheckMessage] = []
    try:
        rows = list(InstrumentDefinition.objects.all())
    except DatabaseError:
        return []  # not migrated yet: nothing stored to check
    for row in rows:
        try:
            parse_instrument(row.document())
        except InstrumentError as exc:
            errors.append(
                Error(
                    f"Stored instrument {row.code} {row.version}: {exc}",
                    hint="Load a corrected definition as a new version with "
                    "manage.py load_instrument.",
                    id="kapcare.measures.E002",
                )
            )
    return errors
