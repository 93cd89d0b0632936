"""manage.py load_instrument FILE: add a practice's own instrument (kapcare/measures/README.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kapcare.audit.services import AuditSource
from kapcare.measures.definitions import Instrument, InstrumentError, load_json
from kapcare.measures.services import check_instrument_document, load_instrument_definition


class Command(BaseCommand):
    help = (
        "Load a practice's own instrument: one JSON file holding a FHIR R4 Questionnaire and its "
        "scoring specification (format: kapcare/measures/README.md). Validates it first and "
        "names any mistake; loading the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The instrument's JSON file.")
        parser.add_argument(
            "--check", action="store_true", help="Only validate the file; store nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror}).") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: the file is not UTF-8 text.") from None
        try:
            document = load_json(text)
            if options["check"]:
                self._report(check_instrument_document(document), "is valid (nothing stored)")
                return
            result = load_instrument_definition(
                document=document,
                loaded_from=path.name,
                source=AuditSource(user=None, source_ip=None),
            )
        except InstrumentError as exc:
            raise CommandError(f"{path}: {exc}") from None
        self._report(
            result.instrument, "loaded" if result.created else "is already loaded, unchanged"
        )

    def _report(self, instrument: Instrument, outcome: str) -> None:
        self.stdout.write(
            f"{instrument.code} version {instrument.version} ({instrument.name}, "
            f"{instrument.item_count} items) {outcome}."
        )
