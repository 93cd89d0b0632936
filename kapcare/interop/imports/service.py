"""Importing clients: check every row (the dry run), then add them all or none.

Each row is checked as the people service would check it (the model's field rules, a
date of birth neither in the future nor over 130 years ago) and for duplicates, both
of a client on file (``people.duplicates``) and of another row of the same file. The
import itself adds each client through ``people.services.create_client`` inside one
transaction, so a row that fails there undoes every row before it.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.core.inputs import check_text
from kapcare.interop.fhir.patient import patient_fields
from kapcare.interop.imports.rows import CSV_COLUMNS, Problem, Row, read_csv, read_fhir
from kapcare.people import policy
from kapcare.people.access import Actor, refuse_change
from kapcare.people.duplicates import PossibleDuplicate, find_duplicate_client, same_name
from kapcare.people.models import Client, Practice
from kapcare.people.policy import Category
from kapcare.people.services import create_client

__all__ = ["ImportResult", "import_clients"]

Kind = Literal["csv", "fhir"]
MAX_ROWS = 5000
DUPLICATE_ON_FILE = "A client with this legal name and date of birth is already on file."


@dataclass
class ImportResult:
    rows: int
    problems: list[Problem]
    created: list[int] = field(default_factory=list)
    dry_run: bool = True

    @property
    def valid(self) -> bool:
        return not self.problems


def _read(kind: Kind, text: str) -> tuple[list[Row], list[Problem]]:
    return read_csv(text) if kind == "csv" else read_fhir(text, patient_fields)


def _field_problems(row: Row, practice_id: int, today: dt.date) -> list[Problem]:
    problems = list(row.problems)
    values = {k: v for k, v in row.fields.items() if k in CSV_COLUMNS}
    # The same rule as every other text input (core.inputs), here per line and column:
    # a file is checked in full, so every bad value is listed, not only the first.
    unreadable = []
    for name, value in values.items():
        try:
            check_text(value)
        except ValueError as error:
            unreadable.append(Problem(row.line, name, str(error)))
    if unreadable:
        return problems + unreadable
    client = Client(practice_id=practice_id)
    for name, value in values.items():
        setattr(client, name, value)
    try:
        client.full_clean(exclude=["practice", "status", "stage"])
    except ValidationError as error:
        problems += [
            Problem(row.line, name, " ".join(messages))
            for name, messages in error.message_dict.items()
        ]
    known = {p.field for p in problems}
    born = client.date_of_birth if isinstance(client.date_of_birth, dt.date) else None
    if born is not None and "date_of_birth" not in known:
        if born > today:
            problems.append(
                Problem(row.line, "date_of_birth", "Date of birth cannot be in the future.")
            )
        elif born.year < today.year - 130:
            problems.append(
                Problem(row.line, "date_of_birth", "Date of birth is more than 130 years ago.")
            )
    return problems


def _duplicate_problems(
    rows: list[Row], practice_id: int, checked: dict[int, list[Problem]]
) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for row in rows:
        if checked[row.line]:
            continue  # a row with other problems is fixed first
        f = row.fields
        key = (
            same_name(f["legal_given_name"]),
            same_name(f["legal_family_name"]),
            f["date_of_birth"],
        )
        if key in seen:
            checked[row.line].append(
                Problem(row.line, "", f"Same legal name and date of birth as line {seen[key]}.")
            )
            continue
        seen[key] = row.line
        existing = find_duplicate_client(
            practice_id=practice_id,
            given_name=f["legal_given_name"],
            family_name=f["legal_family_name"],
            date_of_birth=dt.date.fromisoformat(f["date_of_birth"]),
        )
        if existing is not None:
            checked[row.line].append(Problem(row.line, "", DUPLICATE_ON_FILE))


def check_rows(rows: list[Row], *, practice_id: int, today: dt.date) -> list[Problem]:
    """Every problem of every row, in line order."""
    checked = {row.line: _field_problems(row, practice_id, today) for row in rows}
    _duplicate_problems(rows, practice_id, checked)
    return [p for row in rows for p in checked[row.line]]


def import_clients(
    *, actor: Actor, kind: Kind, text: str, dry_run: bool, today: dt.date,
    create: Callable[..., Client] = create_client,
) -> ImportResult:  # fmt: skip
    """Check the file; unless ``dry_run`` (and only when nothing is wrong), add every row.

    Audited: one event for the check or the import as a whole, and the people service's
    own event for each client added.
    """
    if actor.staff is None or not policy.may_create_clients(actor.roles):
        raise refuse_change(
            actor, client_id=None, category=Category.DEMOGRAPHICS, detail="import:clients"
        )
    rows, problems = _read(kind, text)
    if len(rows) > MAX_ROWS:
        problems.append(
            Problem(1, "", f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time.")
        )
    if not problems:
        problems = check_rows(rows, practice_id=actor.staff.practice_id, today=today)
    result = ImportResult(rows=len(rows), problems=problems, dry_run=dry_run)
    with transaction.atomic():
        if not (dry_run or problems):
            # Two imports of the same person at once: both checks above find no one
            # on file. Imports of one practice take turns here (the practice row is
            # locked to the end of the transaction) and check again in their turn, so
            # the second finds the first's client and adds nothing: its line is listed
            # (422), never a second record and never an error page.
            Practice.objects.select_for_update().filter(pk=actor.staff.practice_id).first()
            result.problems = problems = check_rows(
                rows, practice_id=actor.staff.practice_id, today=today
            )
        detail = f"import:{kind}:{'check' if dry_run or problems else 'run'}:{len(rows)}"
        record_event(
            source=actor.audit_source,
            action=AuditAction.CREATE,
            category=Category.DEMOGRAPHICS,
            detail=detail,
        )
        if dry_run or problems:
            return result
        for row in rows:
            fields = {k: v for k, v in row.fields.items() if k in CSV_COLUMNS}
            fields["date_of_birth"] = dt.date.fromisoformat(fields["date_of_birth"])  # type: ignore[assignment]
            try:
                result.created.append(create(actor=actor, fields=fields, today=today).pk)
            except FieldError as error:
                # Checked above; a change between the check and now undoes everything.
                transaction.set_rollback(True)
                result.created = []
                result.problems = [Problem(row.line, error.field, error.message)]
                return result
            except PossibleDuplicate:
                # Added by someone else since the check: undone, as above.
                transaction.set_rollback(True)
                result.created = []
                result.problems = [Problem(row.line, "", DUPLICATE_ON_FILE)]
                return result
    return result
