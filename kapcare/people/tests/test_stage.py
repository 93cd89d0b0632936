"""The pathway stage, derived from the record: the pure rule and its database expression."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kapcare.pathway.models import Consent, TreatmentPlan
from kapcare.pathway.vocabulary import PlanStatus
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.people.stage import FACT_NAMES, StageFacts, derive_stage
from kapcare.people.stage_query import (
    STAGE_ANNOTATION,
    stage_facts_of,
    stage_of,
    with_stage,
    with_stage_by_lookup,
)
from kapcare.people.vocabulary import PathwayStage
from kapcare.scheduling.vocabulary import AppointmentKind, AppointmentStatus
from tests.factories import make_client
from tests.stages import AT, appointment, give_stage

S = PathwayStage


def facts(*names: str) -> StageFacts:
    return StageFacts(**dict.fromkeys(names, True))


# --- the pure rule -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stage"),
    [
        ((), S.CONSULTATION),
        (("screened",), S.SCREENING),
        (("screened", "cleared"), S.PLANNING),
        (("cleared", "plan_active", "kap_consent", "preparation_booked"), S.PREPARATION),
        # each of the three is needed for preparation
        (("cleared", "kap_consent", "preparation_booked"), S.PLANNING),
        (("cleared", "plan_active", "preparation_booked"), S.PLANNING),
        (("cleared", "plan_active", "kap_consent"), S.PLANNING),
        (("plan_active", "kap_consent", "preparation_booked", "medicine_booked"), S.MEDICINE),
        (("medicine_held", "integration_pending"), S.INTEGRATION),
        # cycling: the integration of the last one not done yet wins over the next booking
        (("medicine_held", "integration_pending", "medicine_booked"), S.INTEGRATION),
        (("medicine_held", "medicine_booked"), S.MEDICINE),
        (("medicine_held",), S.ONGOING),
        (("plan_closed", "screened", "cleared"), S.ONGOING),
        (("plan_without_kap", "plan_active", "screened"), S.ONGOING),
    ],
)
def test_stage_of_the_facts(given: tuple[str, ...], stage: PathwayStage) -> None:
    assert derive_stage(facts(*given)) is stage


def test_every_combination_of_facts_has_exactly_the_first_stage_that_holds() -> None:
    # Exhaustive over the 2**10 combinations: the precedence of the sequence.
    for values in itertools.product((False, True), repeat=len(FACT_NAMES)):
        f = StageFacts(**dict(zip(FACT_NAMES, values, strict=True)))
        stage = derive_stage(f)
        if f.integration_pending:
            assert stage is S.INTEGRATION
        elif f.medicine_booked:
            assert stage is S.MEDICINE
        elif f.plan_closed or f.medicine_held or f.plan_without_kap:
            assert stage is S.ONGOING
        elif f.plan_active and f.kap_consent and f.preparation_booked:
            assert stage is S.PREPARATION
        elif f.cleared:
            assert stage is S.PLANNING
        elif f.screened:
            assert stage is S.SCREENING
        else:
            assert stage is S.CONSULTATION


# --- the database expression -------------------------------------------------------


@pytest.fixture
def by(staff: dict[Role, StaffMember]) -> StaffMember:
    return staff[Role.THERAPIST]


def _agree(client: Client) -> PathwayStage:
    """The stage from the database, checked against the pure rule over the same facts."""
    stage = stage_of(client.pk)
    assert derive_stage(stage_facts_of(client.pk)) is stage
    return stage


@pytest.mark.parametrize("stage", list(PathwayStage))
def test_the_records_of_each_stage_give_that_stage(
    practice: Practice, by: StaffMember, stage: PathwayStage
) -> None:
    client = make_client(practice=practice)
    give_stage(client, stage, by=by)
    assert _agree(client) is stage


def test_clients_cycle_between_medicine_and_integration(
    practice: Practice, by: StaffMember
) -> None:
    client = make_client(practice=practice, stage=S.ONGOING)  # one session held, integrated
    week = dt.timedelta(days=7)
    # a next medicine session is booked
    second = appointment(client, AppointmentKind.MEDICINE, by=by, start=AT + 3 * week)
    assert _agree(client) is S.MEDICINE
    # it is held
    second.status, second.status_changed_by = AppointmentStatus.COMPLETED.value, by
    second.save()
    assert _agree(client) is S.INTEGRATION
    # its integration is booked, then missed: still integration
    missed = appointment(
        client,
        AppointmentKind.INTEGRATION,
        by=by,
        start=AT + 3 * week + dt.timedelta(days=2),
        status=AppointmentStatus.NO_SHOW,
    )
    assert missed.status == AppointmentStatus.NO_SHOW.value
    assert _agree(client) is S.INTEGRATION
    # and completed on a later day: no further session planned
    appointment(
        client,
        AppointmentKind.INTEGRATION,
        by=by,
        start=AT + 4 * week,
        status=AppointmentStatus.COMPLETED,
    )
    assert _agree(client) is S.ONGOING


def test_a_cancelled_medicine_session_does_not_count(practice: Practice, by: StaffMember) -> None:
    client = make_client(practice=practice, stage=S.PREPARATION)
    appointment(
        client,
        AppointmentKind.MEDICINE,
        by=by,
        start=AT + dt.timedelta(days=7),
        status=AppointmentStatus.CANCELLED,
    )
    assert _agree(client) is S.PREPARATION


def test_revoked_consent_or_a_paused_plan_is_not_preparation(
    practice: Practice, by: StaffMember
) -> None:
    revoked = make_client(practice=practice, stage=S.PREPARATION)
    Consent.objects.filter(client=revoked).update(revoked_on=AT.date(), revoked_by=by)
    paused = make_client(practice=practice, stage=S.PREPARATION)
    TreatmentPlan.objects.filter(client=paused).update(status=PlanStatus.PAUSED.value)
    assert (_agree(revoked), _agree(paused)) == (S.PLANNING, S.PLANNING)


def test_a_closed_plan_or_one_without_kap_is_ongoing(practice: Practice, by: StaffMember) -> None:
    closed = make_client(practice=practice, stage=S.PREPARATION)
    TreatmentPlan.objects.filter(client=closed).update(status=PlanStatus.CLOSED.value)
    talking = make_client(practice=practice, stage=S.PREPARATION)
    TreatmentPlan.objects.filter(client=talking).update(includes_kap=False)
    assert (_agree(closed), _agree(talking)) == (S.ONGOING, S.ONGOING)


def test_a_list_gets_every_stage_filters_and_counts_in_one_query_each(
    practice: Practice, by: StaffMember
) -> None:
    for stage in PathwayStage:
        for _ in range(2):
            give_stage(make_client(practice=practice), stage, by=by)
    clients = with_stage(Client.objects.filter(practice=practice))
    with CaptureQueriesContext(connection) as listed:
        stages = [getattr(c, STAGE_ANNOTATION) for c in clients]
    with CaptureQueriesContext(connection) as filtered:
        preparing = list(clients.filter(**{STAGE_ANNOTATION: S.PREPARATION.value}))
    assert len(listed) == len(filtered) == 1
    assert sorted(stages) == sorted([s.value for s in PathwayStage] * 2)
    assert len(preparing) == 2


def test_the_precompiled_lookup_gives_every_client_the_stage_computed_inline(
    practice: Practice, by: StaffMember
) -> None:
    # given two clients at each stage
    for stage in PathwayStage:
        for _ in range(2):
            give_stage(make_client(practice=practice), stage, by=by)
    clients = Client.objects.filter(practice=practice).order_by("pk")
    inline = list(with_stage(clients).values_list("pk", STAGE_ANNOTATION))
    # when the stage is looked up in the query compiled once (the chart's way), twice
    with CaptureQueriesContext(connection) as looked_up:
        first = list(with_stage_by_lookup(clients).values_list("pk", STAGE_ANNOTATION))
        second = list(with_stage_by_lookup(clients).values_list("pk", STAGE_ANNOTATION))
    # then each client has the same stage as inline, in one query each time
    assert first == second == inline
    assert sorted(stage for _, stage in first) == sorted([s.value for s in PathwayStage] * 2)
    assert len(looked_up) == 2


def test_the_api_and_the_home_page_show_the_derived_stage(
    practice: Practice, staff: dict[Role, StaffMember], signed_in: object
) -> None:
    client = make_client(practice=practice, stage=S.MEDICINE)
    make_client(practice=practice, stage=S.SCREENING)
    http = signed_in(Role.FRONT_DESK)  # type: ignore[operator]

    assert http.get(f"/api/v1/clients/{client.pk}").json()["stage"] == "medicine"
    listed = http.get("/api/v1/clients?stage=medicine").json()
    assert [c["id"] for c in listed["items"]] == [client.pk]
    home = http.get("/?stage=medicine").content.decode()
    assert client.display_name in home
    assert 'Medicine sessions <span class="count">1</span>' in home
    # the stage cannot be typed in
    refused = http.patch(
        f"/api/v1/clients/{client.pk}", {"stage": "ongoing"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert stage_of(client.pk) is S.MEDICINE


def test_the_stored_values_spelled_in_the_query_are_the_enums_values() -> None:
    from kapcare.pathway.vocabulary import ConsentKind, PlanStatus
    from kapcare.people import stage_query as q

    assert (
        AppointmentKind.PREPARATION.value,
        AppointmentKind.MEDICINE.value,
        AppointmentKind.INTEGRATION.value,
    ) == (q.PREPARATION, q.MEDICINE, q.INTEGRATION)
    assert (
        AppointmentStatus.BOOKED.value,
        AppointmentStatus.COMPLETED.value,
    ) == (q.BOOKED, q.COMPLETED)
    assert (PlanStatus.ACTIVE.value, PlanStatus.CLOSED.value) == (q.PLAN_ACTIVE, q.PLAN_CLOSED)
    assert ConsentKind.KAP_INFORMED_CONSENT.value == q.KAP_CONSENT
