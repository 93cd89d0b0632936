"""/api/v1/clients/import: check (dry run) or import clients from CSV or FHIR Patients."""

from typing import Literal

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from kapcare.core import clock
from kapcare.core.api_errors import (
    FieldMessage,
    FieldMessageOut,
    error_responses,
    validation_detail,
)
from kapcare.core.api_fields import Text
from kapcare.core.api_schema import Schema
from kapcare.interop.imports import service
from kapcare.interop.imports.rows import Problem
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


class ImportRefusedOut(ImportOut):
    """An import refused for its rows (422): the API's error shape, ``detail`` and
    ``errors`` naming the ``content`` field line by line, around the import's own answer."""

    detail: str
    errors: list[FieldMessageOut]

    @staticmethod
    def of_refused(result: service.ImportResult) -> "ImportRefusedOut":
        errors: list[FieldMessage] = [
            {"field": "content", "message": _line_message(p)} for p in result.problems
        ]
        return ImportRefusedOut(
            **ImportOut.of(result).model_dump(),
            detail=validation_detail(errors),
            errors=[FieldMessageOut(**e) for e in errors],
        )


def _line_message(problem: Problem) -> str:
    where = f"Line {problem.line}" + (f", {problem.field}" if problem.field else "")
    return f"{where}: {problem.message}"


@router.post(
    "/clients/import",
    response={
        200: ImportOut,
        201: ImportOut,
        422: ImportRefusedOut,
        **error_responses(400, 401, 403, 404, 413, 415),
    },
)
def import_clients(
    request: HttpRequest, payload: ImportIn
) -> Status[ImportOut] | Status[ImportRefusedOut]:
    """Check every row (200, with line, field and message for each problem); with
    ``dry_run: false`` and no problem, add every client in one transaction (201), else
    add none (422: the API's ``detail`` and ``errors`` on ``content``, a line each, with
    the problems as the check lists them)."""
    actor = staff_actor(request)
    result = service.import_clients(
        actor=actor, kind=payload.format, text=payload.content, dry_run=payload.dry_run,
        today=clock.today(),
    )  # fmt: skip
    if result.dry_run:
        return Status(200, ImportOut.of(result))
    if result.valid:
        return Status(201, ImportOut.of(result))
    return Status(422, ImportRefusedOut.of_refused(result))
