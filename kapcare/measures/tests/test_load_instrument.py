"""manage.py load_instrument: a practice's own instrument, validated, stored, served."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from kapcare.audit.models import AuditAction, AuditEvent
from kapcare.core import clock
from kapcare.measures import registry
from kapcare.measures.models import DefinitionImmutableError, InstrumentDefinition
from kapcare.measures.tests.test_definitions import CASES, EXAMPLE, Mutation, example

pytestmark = pytest.mark.django_db


def load(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("load_instrument", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, document: object, name: str = "instrument.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def stored() -> list[tuple[str, str]]:
    return list(InstrumentDefinition.objects.order_by("id").values_list("code", "version"))


def audit_details() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("detail", flat=True))


def test_loads_validates_stores_audits_and_serves() -> None:
    # when
    output = load(EXAMPLE)
    # then
    assert output == "SESSION-CHECK version 1.0 (Session check-in (example), 5 items) loaded.\n"
    row = InstrumentDefinition.objects.get()
    assert (row.code, row.version, row.name, row.loaded_from) == (
        "SESSION-CHECK",
        "1.0",
        "Session check-in (example)",
        "session-check.json",
    )
    assert row.document() == example()
    event = AuditEvent.objects.get()
    assert (event.action, event.category, event.actor, event.client_id, event.detail) == (
        AuditAction.CREATE,
        "instrument",
        None,
        None,
        "load_instrument SESSION-CHECK 1.0",
    )
    instrument = registry.get_instrument("session-check")
    assert not instrument.builtin
    assert instrument.score([4, 0, 0, False, None]).severity == "settled"
    assert [i.code for i in registry.list_instruments()][-1] == "SESSION-CHECK"


def test_loading_the_same_file_again_changes_nothing() -> None:
    load(EXAMPLE)
    output = load(EXAMPLE)
    assert output == (
        "SESSION-CHECK version 1.0 (Session check-in (example), 5 items) is already loaded, "
        "unchanged.\n"
    )
    assert stored() == [("SESSION-CHECK", "1.0")]
    assert audit_details() == ["load_instrument SESSION-CHECK 1.0"]


def test_changed_content_under_the_same_version_is_refused(tmp_path: Path) -> None:
    load(EXAMPLE)
    document = example()
    document["scoring"]["severity"]["bands"][1]["min"] = 6
    path = write(tmp_path, document)
    with pytest.raises(CommandError) as caught:
        load(path)
    assert str(caught.value) == (
        f"{path}: questionnaire.version: SESSION-CHECK version 1.0 is already loaded with "
        "different content; give the changed definition a new version."
    )
    assert stored() == [("SESSION-CHECK", "1.0")]
    assert audit_details() == ["load_instrument SESSION-CHECK 1.0"]


def test_a_new_version_is_served_and_the_old_one_kept(tmp_path: Path, settings: Any) -> None:
    load(EXAMPLE)
    document = example()
    document["questionnaire"]["version"] = "1.1"
    document["scoring"]["severity"]["bands"][1]["min"] = 6
    load(write(tmp_path, document))
    assert stored() == [("SESSION-CHECK", "1.0"), ("SESSION-CHECK", "1.1")]
    assert registry.get_instrument("SESSION-CHECK").version == "1.1"
    assert registry.get_instrument("SESSION-CHECK", version="1.0").version == "1.0"
    assert registry.get_instrument("SESSION-CHECK").score([4, 0, 1, False, None]).severity == (
        "settled"
    )
    assert [i.version for i in registry.list_instruments() if i.code == "SESSION-CHECK"] == ["1.1"]
    with pytest.raises(registry.UnknownInstrument):
        registry.get_instrument("SESSION-CHECK", version="2.0")


def test_check_only_validates(tmp_path: Path) -> None:
    output = load(EXAMPLE, "--check")
    assert output == (
        "SESSION-CHECK version 1.0 (Session check-in (example), 5 items) is valid "
        "(nothing stored).\n"
    )
    assert stored() == []
    assert audit_details() == []


def test_a_built_in_code_is_refused(tmp_path: Path) -> None:
    document = example()
    document["code"] = "PHQ-9"
    path = write(tmp_path, document)
    with pytest.raises(CommandError) as caught:
        load(path)
    assert str(caught.value) == (
        f"{path}: code: PHQ-9 is a built-in instrument; give yours its own code "
        "(for example PHQ-9-PRACTICE)."
    )
    assert stored() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"code": "X",', "not valid JSON: Expecting property name enclosed in double quotes"),
        (b"\xff\xfe{}", "the file is not UTF-8 text."),
        (b'{"code": "X", "code": "Y"}', "the key 'code' appears twice in one object."),
        (b"[]", "document: must be a JSON object."),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert stored() == []


def test_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    with pytest.raises(CommandError) as caught:
        load(path)
    assert str(caught.value) == f"{path}: cannot read the file (No such file or directory)."


@pytest.mark.parametrize(
    ("mutate", "where", "message"),
    [pytest.param(m, w, msg, id=name) for name, m, w, msg in CASES],
)
def test_each_validation_error_is_reported_and_nothing_stored(
    tmp_path: Path, mutate: Mutation, where: str, message: str
) -> None:
    document = example()
    mutate(document)
    path = write(tmp_path, document)
    with pytest.raises(CommandError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: {where}: ")
    assert message in str(caught.value)
    assert stored() == []
    assert audit_details() == []


def test_a_stored_definition_is_never_edited() -> None:
    load(EXAMPLE)
    row = InstrumentDefinition.objects.get()
    row.name = "Changed"
    with pytest.raises(DefinitionImmutableError):
        row.save()


def test_one_row_per_code_and_version() -> None:
    load(EXAMPLE)
    row = InstrumentDefinition.objects.get()
    with pytest.raises(IntegrityError):
        InstrumentDefinition.objects.create(
            code=row.code,
            version=row.version,
            name=row.name,
            questionnaire=row.questionnaire,
            scoring=row.scoring,
            source=row.source,
            digest="0" * 64,
            loaded_at=clock.now(),
        )


def test_stored_definitions_are_checked(tmp_path: Path) -> None:
    from kapcare.measures.checks import check_builtin_instruments, check_stored_instruments

    load(EXAMPLE)
    assert check_builtin_instruments(app_configs=None) == []
    assert check_stored_instruments(app_configs=None, databases=["default"]) == []
    # A definition stored by an older, laxer release that no longer validates:
    InstrumentDefinition.objects.filter(code="SESSION-CHECK").update(scoring={"total": 1})
    [error] = check_stored_instruments(app_configs=None, databases=["default"])
    assert error.id == "kapcare.measures.E002"
    assert error.msg == "Stored instrument SESSION-CHECK 1.0: scoring.total: must be a JSON object."
