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


@pytest.mark.django_db
def test_latest_scores_reads_each_wanted_score_from_its_newest_response(
    team_client: Client, staff: dict[Role, StaffMember]
) -> None:
    therapist = staff[Role.THERAPIST]
    older = _response(team_client, therapist, "PCL-5", "40", AT)
    older.subscales = {"B": 14, "C": 5}
    older.save()
    newer = _response(team_client, therapist, "PCL-5", "30", AT + dt.timedelta(days=30))
    newer.subscales = {"B": 7}  # C missing here: the older one answers it
    newer.save()
    _response(team_client, therapist, "PHQ-9", "9", AT + dt.timedelta(days=40))

    found = flags.latest_scores(
        team_client.pk,
        [("PCL-5", flags.TOTAL), ("PCL-5", "B"), ("PCL-5", "C"), ("PCL-5", "Z"), ("GAD-7", "")],
    )
    assert {key: (v.total, v.response_id) for key, v in found.items()} == {
        ("PCL-5", ""): (Decimal("30.00"), newer.pk),
        ("PCL-5", "B"): (Decimal("7.00"), newer.pk),
        ("PCL-5", "C"): (Decimal("5.00"), older.pk),
    }


@pytest.mark.django_db
def test_goal_measures_offer_totals_and_subscales_in_words() -> None:
    measures = flags.goal_measures()
    assert measures["PCL-5"].has_total
    assert measures["PCL-5"].subscales["B"] == "intrusion (cluster B)"
    assert not measures["ECR-RS"].has_total
    assert measures["ECR-RS"].subscales == {"avoidance": "avoidance", "anxiety": "anxiety"}
    assert "ASQ" not in measures  # neither a total nor a subscale
