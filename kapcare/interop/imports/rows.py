"""Reading an import file into rows: (line, fields) with the problems found on the way.

Pure: no database. A row's fields are the client's fields as the people service takes
them (strings; dates as ``YYYY-MM-DD``). Lines count from 1 as an editor shows them.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CSV_COLUMNS",
    "CSV_TEMPLATE",
    "Problem",
    "Row",
    "read_csv",
    "read_fhir",
]

# The CSV template: these columns, in any order, with this header line (docs/import.md).
CSV_COLUMNS: dict[str, str] = {
    "legal_given_name": "Legal first name (required)",
    "legal_family_name": "Legal last name (required)",
    "preferred_name": "Name they go by",
    "pronouns": "Pronouns",
    "date_of_birth": "Date of birth, YYYY-MM-DD (required)",
    "email": "E-mail address",
    "phone": "Phone number",
    "home_state": "Home state, two letters, e.g. PA (required)",
    "emergency_contact_name": "Emergency contact's name",
    "emergency_contact_relationship": "Emergency contact's relationship",
    "emergency_contact_phone": "Emergency contact's phone",
}
REQUIRED = ("legal_given_name", "legal_family_name", "date_of_birth", "home_state")
CSV_TEMPLATE = (
    ",".join(CSV_COLUMNS)
    + "\r\nRowan,Example,Ro,they/them,1988-04-12,rowan@example.com,215-555-0100,PA,"
    "Sam Example,Sibling,215-555-0101\r\n"
)


@dataclass(frozen=True)
class Problem:
    line: int
    field: str  # a column of the template, or "" for the whole line
    message: str


@dataclass
class Row:
    line: int
    fields: dict[str, str]
    problems: list[Problem] = field(default_factory=list)


def read_csv(text: str) -> tuple[list[Row], list[Problem]]:
    """The data rows of a CSV file in the template's shape, and problems with the file."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return [], [Problem(1, "", "The file is empty: start it with the template's header line.")]
    except csv.Error as error:
        return [], [Problem(1, "", f"The file is not readable as CSV ({error}).")]
    # A heading the template does not know is named by its place, not echoed: the
    # answer must not repeat what the file holds (ADR 0004).
    problems = [
        Problem(1, "", f"The heading of column {place} is not one of the template's.")
        for place, name in enumerate(header, start=1)
        if name not in CSV_COLUMNS
    ]
    problems += [
        Problem(1, name, "This required column is missing.")
        for name in REQUIRED
        if name not in header
    ]
    if problems:
        return [], problems
    rows: list[Row] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            row = Row(
                line, {name: (value.strip()) for name, value in zip(header, values, strict=False)}
            )
            if len(values) != len(header):
                row.problems.append(
                    Problem(
                        line,
                        "",
                        f"The line has {len(values)} values; the header has {len(header)}.",
                    )
                )
            rows.append(row)
    except csv.Error as error:
        return rows, [Problem(reader.line_num, "", f"The file is not readable as CSV ({error}).")]
    return rows, []


def read_fhir(text: str, patient_fields: Any) -> tuple[list[Row], list[Problem]]:
    """Patient resources: NDJSON (one per line), one Patient, or a Bundle of them.

    ``patient_fields(resource) -> (fields, [(field, message)])`` reads one resource.
    """
    stripped = text.strip()
    resources: list[tuple[int, Any]] = []
    if stripped.startswith("{") and "\n{" not in stripped:
        try:
            document = json.loads(stripped)
        except ValueError:
            return [], [Problem(1, "", "The file is not valid JSON.")]
        if isinstance(document, dict) and document.get("resourceType") == "Bundle":
            for index, entry in enumerate(document.get("entry") or [], start=1):
                resources.append(
                    (index, entry.get("resource") if isinstance(entry, dict) else None)
                )
        else:
            resources.append((1, document))
    else:
        for line, content in enumerate(text.splitlines(), start=1):
            if not content.strip():
                continue
            try:
                resources.append((line, json.loads(content)))
            except ValueError:
                resources.append((line, None))
    rows: list[Row] = []
    for line, resource in resources:
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            rows.append(Row(line, {}, [Problem(line, "", "This is not a FHIR Patient resource.")]))
            continue
        fields, problems = patient_fields(resource)
        rows.append(Row(line, fields, [Problem(line, f, m) for f, m in problems]))
    if not rows:
        return [], [Problem(1, "", "The file holds no Patient resources.")]
    return rows, []
