"""/api/v1/clients/import: check (dry run) or import clients from CSV or FHIR Patients."""

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from kapcare.core import clock
from kapcare.core.api_errors import error_responses
from kapcare.core.api_fields import Text
from kapcare.core.api_schema import Schema
from kapcare.interop.imports import service
from kapcare.people.access import staff_actor

router = Router(tags=["clients"])


class ImportIn(Schema):
    format: Literal["csv", "fhir"] = Field(
        description=(
            "csv: the template's columns; fhir: Patient resources (NDJSON, one, or a Bundle)."
        )
    )
    content: Text = Field(description="The file's text.", max_length=5_000_000)
    dry_run: bool = Field(True, description="Only check; nothing is added.")


class ImportProblemOut(Schema):
    line: int
    field: str
    message: str


class ImportOut(Schema):
    rows: int
    valid: bool
    dry_run: bool
    created: list[int]
    problems: list[ImportProblemOut]

    @staticmethod
    def of(result: service.ImportResult) -> "ImportOut":
        problems = [
            ImportProblemOut(line=p.line, field=p.field, message=p.message) for p in result.problems
        ]
        return ImportOut(
            rows=result.rows, valid=result.valid, dry_run=result.dry_run, created=result.created,
            problems=problems,
        )  # fmt: skip


@router.post(
    "/clients/import",
    response={
        200: ImportOut,
        201: ImportOut,
        422: ImportOut,
        **error_responses(400, 401, 403, 404, 413, 415),
    },
)
def import_clients(request: HttpRequest, payload: ImportIn) -> Status[ImportOut]:
    """Check every row (200, with line, field and message for each problem); with
    ``dry_run: false`` and no problem, add every client in one transaction (201), else
    add none (422)."""
    actor = staff_actor(request)
    result = service.import_clients(
        actor=actor, kind=payload.format, text=payload.content, dry_run=payload.dry_run,
        today=clock.today(),
    )  # fmt: skip
    status = 200 if result.dry_run else 201 if result.valid else 422
    return Status(status, ImportOut.of(result))
