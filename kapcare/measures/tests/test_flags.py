"""The plain-data questions other apps ask: open safety flags, the latest DES-II."""

import datetime as dt
from decimal import Decimal

import pytest

from kapcare.measures import flags
from kapcare.measures.models import MeasureResponse, ResponseSource, RiskFlag
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

AT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


def _response(
    client: Client, staff: StaffMember, code: str, total: str | None, at: dt.datetime
) -> MeasureResponse:
    return MeasureResponse.objects.create(
        client=client,
        instrument_code=code,
        instrument_version="1",
        answers=[],
        source=ResponseSource.STAFF,
        entered_by=staff,
        completed_at=at,
        total=Decimal(total) if total is not None else None,
    )


@pytest.mark.django_db
def test_open_safety_flags_lists_unreviewed_codes_oldest_first(
    team_client: Client, other_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = staff[Role.THERAPIST]
    first = _response(team_client, therapist, "PHQ-9", "12", AT)
    second = _response(team_client, therapist, "ASQ", None, AT + dt.timedelta(days=1))
    RiskFlag.objects.create(
        client=team_client,
        code="suicide_risk",
        response=second,
        raised_at=AT + dt.timedelta(days=1),
    )
    RiskFlag.objects.create(client=team_client, code="suicidality", response=first, raised_at=AT)
    reviewed = _response(team_client, therapist, "DES-II", "35", AT)
    RiskFlag.objects.create(
        client=team_client,
        code="high_dissociation",
        response=reviewed,
        raised_at=AT,
        reviewed_at=AT,
        reviewed_by=therapist,
        review_note="Discussed; grounding plan in place.",
    )

    assert flags.open_safety_flags(team_client.pk) == ["suicidality", "suicide_risk"]
    assert flags.count_unreviewed_booking_flags(team_client.pk) == 2
    assert flags.open_safety_flags(other_client.pk) == []
    assert flags.count_unreviewed_booking_flags(other_client.pk) == 0


@pytest.mark.django_db
def test_high_dissociation_alone_does_not_block_booking(
    team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    response = _response(team_client, staff[Role.THERAPIST], "DES-II", "40", AT)
    RiskFlag.objects.create(
        client=team_client, code="high_dissociation", response=response, raised_at=AT
    )

    assert flags.open_safety_flags(team_client.pk) == ["high_dissociation"]
    assert flags.count_unreviewed_booking_flags(team_client.pk) == 0


@pytest.mark.django_db
def test_latest_des_total_is_the_most_recent_des_ii(
    team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = staff[Role.THERAPIST]
    assert flags.latest_des_total(team_client.pk) is None
    _response(team_client, therapist, "DES-II", "42.5", AT)
    _response(team_client, therapist, "DES-II", "12.14", AT + dt.timedelta(days=30))
    _response(team_client, therapist, "PHQ-9", "20", AT + dt.timedelta(days=40))

    assert flags.latest_des_total(team_client.pk) == 12.14
