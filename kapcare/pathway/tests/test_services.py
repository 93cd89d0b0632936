"""The pathway's screening and clearance services through the database: every rule path."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from kapcare.core import clock
from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.violations import Refused
from kapcare.medicine.tests.fixtures import screening_all_no
from kapcare.pathway import services as pathway
from kapcare.pathway.models import Clearance, MedicalScreening
from kapcare.pathway.screening import ScreeningEvaluation
from kapcare.pathway.vocabulary import Answer, ClearanceStatus, PregnancyStatus
from kapcare.people.access import Actor, NotFound
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

MakeActor = Callable[[Role], Actor]
MINUTE = dt.timedelta(minutes=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def now() -> dt.datetime:
    return clock.now().replace(microsecond=0)


def _rules(refused: pytest.ExceptionInfo[Refused]) -> list[str]:
    return [v.rule for v in refused.value.violations]


def _screen(
    actor: Actor, client: Client, now: dt.datetime, **answers: Answer
) -> tuple[MedicalScreening, ScreeningEvaluation]:
    given = {code: (Answer.NO, "") for code in pathway.QUESTION_CODES}
    given.update({f"contraindication.{k}": (v, "") for k, v in answers.items()})
    return pathway.record_screening(
        actor=actor,
        client_id=client.pk,
        data=pathway.ScreeningInput(
            answers=given,
            pregnancy_status=PregnancyStatus.NOT_PREGNANT,
            baseline_systolic=120,
            baseline_diastolic=76,
        ),
        now=now,
    )


def _clear(
    actor: Actor, client: Client, now: dt.datetime, justifications: dict[str, str] | None = None
) -> Clearance:
    return pathway.record_clearance(
        actor=actor,
        client_id=client.pk,
        status=ClearanceStatus.CLEARED,
        valid_until=now.date() + dt.timedelta(days=90),
        note="",
        now=now,
        justifications=justifications,
    )


def test_screening_without_measures_leaves_des_ii_unknown_and_clearing_refused(
    actor: MakeActor, team_client: Client, now: dt.datetime
) -> None:
    doctor = actor(Role.MEDICAL_PROVIDER)
    record, evaluation = _screen(doctor, team_client, now)

    assert [u.code for u in evaluation.unknown] == ["contraindication.high_dissociation"]
    assert record.unreviewed_suicide_flag is False
    with pytest.raises(Refused) as refused:
        _clear(doctor, team_client, now)
    assert _rules(refused) == ["clearance.unknown_items"]
    assert not Clearance.objects.exists()


def test_an_absolute_contraindication_cannot_be_cleared(
    actor: MakeActor, team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> None:
    screening_all_no(team_client, staff[Role.MEDICAL_PROVIDER], now)
    doctor = actor(Role.MEDICAL_PROVIDER)
    _screen(doctor, team_client, now, mania=Answer.YES)
    # the new version takes the DES-II from measures (none yet): give it a low one
    MedicalScreening.objects.filter(version=2).update(des_ii_total=Decimal(10))

    with pytest.raises(Refused) as refused:
        _clear(doctor, team_client, now, {"contraindication.mania": "Stable for a year."})

    assert _rules(refused) == ["clearance.absolute_contraindication"]
    not_cleared = pathway.record_clearance(
        actor=doctor,
        client_id=team_client.pk,
        status=ClearanceStatus.NOT_CLEARED,
        valid_until=now.date(),
        note="",
        now=now,
    )
    assert not_cleared.status == "not_cleared"


def test_a_relative_contraindication_needs_a_written_justification(
    actor: MakeActor, team_client: Client, staff: dict[Role, StaffMember], now: dt.datetime
) -> None:
    record = screening_all_no(team_client, staff[Role.MEDICAL_PROVIDER], now)
    record.answers.filter(code="contraindication.cystitis").update(answer="yes")
    doctor = actor(Role.MEDICAL_PROVIDER)

    with pytest.raises(Refused) as refused:
        _clear(doctor, team_client, now, {"contraindication.cystitis": "   "})
    assert _rules(refused) == ["clearance.justification_required"]

    first = _clear(doctor, team_client, now, {"contraindication.cystitis": "Urology: resolved."})
    second = _clear(doctor, team_client, now + MINUTE, {"contraindication.cystitis": "Still fine."})

    details = Clearance.objects.order_by("version")
    assert [(d.pk, d.version, d.screening_id) for d in details] == [
        (first.pk, 1, record.pk),
        (second.pk, 2, record.pk),
    ]
    assert details[0].justifications == {"contraindication.cystitis": "Urology: resolved."}


def test_no_clearance_without_a_screening(
    actor: MakeActor, team_client: Client, now: dt.datetime
) -> None:
    with pytest.raises(Refused) as refused:
        _clear(actor(Role.MEDICAL_PROVIDER), team_client, now)

    assert _rules(refused) == ["clearance.no_screening"]


def test_only_the_medical_provider_records_a_screening(
    actor: MakeActor, team_client: Client, now: dt.datetime
) -> None:
    with pytest.raises(PermissionDenied):
        _screen(actor(Role.THERAPIST), team_client, now)
    with pytest.raises(NotFound):
        _screen(actor(Role.FRONT_DESK), team_client, now)


def test_pregnancy_is_answered_by_the_pregnancy_status(
    actor: MakeActor, team_client: Client, now: dt.datetime
) -> None:
    with pytest.raises(FieldError) as error:
        _screen(actor(Role.MEDICAL_PROVIDER), team_client, now, pregnancy=Answer.NO)

    assert error.value.field == "answers"
