"""Invariants the database keeps whatever the application does (SQLite and PostgreSQL)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from kapcare.pathway.models import Consent, DoseOrder, TreatmentPlan, TreatmentPlanVersion
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import Role

NOW = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)


def test_an_unknown_plan_status_is_refused(
    staff: dict[Role, StaffMember], team_client: Client
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentPlan.objects.create(
            client=team_client,
            format="ongoing",
            status="abandoned",
            updated_by=staff[Role.THERAPIST],
            updated_at=NOW,
        )


def test_plan_history_is_append_only(staff: dict[Role, StaffMember], team_client: Client) -> None:
    therapist = staff[Role.THERAPIST]
    plan = TreatmentPlan.objects.create(
        client=team_client, format="ongoing", status="active", updated_by=therapist, updated_at=NOW
    )
    version = TreatmentPlanVersion.objects.create(
        plan=plan,
        client=team_client,
        format="ongoing",
        status="active",
        includes_kap=True,
        includes_parts_work=False,
        includes_emdr=False,
        changed_by=therapist,
        changed_at=NOW,
    )
    version.status = "paused"

    with pytest.raises(ValueError, match="append-only"):
        version.save()


@pytest.mark.parametrize(
    ("revoked_on", "with_revoker"),
    [(dt.date(2026, 1, 3), False), (dt.date(2025, 12, 31), True)],
    ids=["revocation-without-who", "revoked-before-signed"],
)
def test_a_revocation_is_dated_after_signing_and_says_who(
    staff: dict[Role, StaffMember], team_client: Client, revoked_on: dt.date, with_revoker: bool
) -> None:
    therapist = staff[Role.THERAPIST]
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            client=team_client,
            kind="kap_informed_consent",
            version="1",
            signed_on=dt.date(2026, 1, 1),
            recorded_by=therapist,
            recorded_at=NOW,
            revoked_on=revoked_on,
            revoked_by=therapist if with_revoker else None,
        )


def test_a_dose_cannot_exceed_its_maximum(
    staff: dict[Role, StaffMember], team_client: Client
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DoseOrder.objects.create(
            client=team_client,
            route="sublingual",
            dose_mg=Decimal("200"),
            max_dose_mg=Decimal("100"),
            active_from=dt.date(2026, 1, 1),
            ordered_by=staff[Role.MEDICAL_PROVIDER],
            ordered_at=NOW,
        )
