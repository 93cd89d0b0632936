"""The derived pathway stage as a database expression, for lists, filters and counts.

``people.stage`` says which facts make each stage; this module turns every fact into
a correlated ``EXISTS`` over the client's own rows and the ordered rules into one
``CASE``, so a list of clients gets its stages, a filter by stage and a count per stage
in the same single query (no query per client). Every subquery is on an indexed
``client_id``.

The pathway's records, the appointments and the measure responses are reached through
the client's reverse relations (``Client.treatment_plan``, ``Client.appointments``, ...)
rather than imported: those apps sit above ``people`` in the layering (.importlinter),
and the stage is shown wherever a client is (the home page, the client API). The stored
values they are compared with are spelled here; a test checks them against the enums.
"""

from functools import reduce
from operator import and_, or_
from typing import Any

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from kapcare.people.models import Client
from kapcare.people.stage import DEFAULT_STAGE, FACT_NAMES, STAGE_RULES, StageFacts
from kapcare.people.vocabulary import PathwayStage

__all__ = [
    "STAGE_ANNOTATION",
    "stage_expression",
    "stage_facts_of",
    "stage_of",
    "with_stage",
    "with_stage_by_lookup",
]

STAGE_ANNOTATION = "derived_stage"

# Stored values of the apps above (scheduling.vocabulary, pathway.vocabulary), spelled
# here because those apps may not be imported; test_stage checks them against the enums.
PREPARATION, MEDICINE, INTEGRATION = "preparation", "medicine", "integration"
BOOKED, COMPLETED = "booked", "completed"
PLAN_ACTIVE, PLAN_CLOSED = "active", "closed"
KAP_CONSENT = "kap_informed_consent"


def _related(name: str) -> Any:
    """The model behind one of the client's reverse relations."""
    return Client._meta.get_field(name).related_model


def _exists(model: Any, **lookups: object) -> Exists:
    return Exists(model.objects.filter(client=OuterRef("pk"), **lookups))


def _fact_expressions() -> dict[str, Q]:
    appointments = _related("appointments")
    held_medicine = appointments.objects.filter(
        client=OuterRef("pk"), kind=MEDICINE, status=COMPLETED
    )
    # A held medicine session with no completed integration after it. If the latest one
    # has one, so has every earlier one: this is "the latest one has none".
    integration_after = appointments.objects.filter(
        client=OuterRef("client"),
        kind=INTEGRATION,
        status=COMPLETED,
        start__gt=OuterRef("start"),
    )
    plan = _related("treatment_plan").objects.filter(client=OuterRef("pk"))
    facts = {
        "screened": Q(_exists(_related("medical_screenings")))
        | Q(_exists(_related("measure_responses"))),
        "cleared": Q(_exists(_related("clearances"))),
        "plan_active": Q(Exists(plan.filter(status=PLAN_ACTIVE))),
        "plan_closed": Q(Exists(plan.filter(status=PLAN_CLOSED))),
        "plan_without_kap": Q(Exists(plan.filter(includes_kap=False))),
        "kap_consent": Q(_exists(_related("consents"), kind=KAP_CONSENT, revoked_on__isnull=True)),
        "preparation_booked": Q(
            _exists(appointments, kind=PREPARATION, status__in=[BOOKED, COMPLETED])
        ),
        "medicine_booked": Q(_exists(appointments, kind=MEDICINE, status=BOOKED)),
        "medicine_held": Q(Exists(held_medicine)),
        "integration_pending": Q(Exists(held_medicine.filter(~Exists(integration_after)))),
    }
    return facts


def stage_expression() -> Case:
    """``CASE`` over the rules of ``people.stage``, in their order."""
    facts = _fact_expressions()
    whens = [
        When(
            reduce(or_, (reduce(and_, (facts[name] for name in all_of)) for all_of in any_of)),
            then=Value(stage.value),
        )
        for stage, any_of in STAGE_RULES
    ]
    return Case(*whens, default=Value(DEFAULT_STAGE.value), output_field=CharField())


def with_stage(clients: QuerySet[Client]) -> QuerySet[Client]:
    """The clients, each with its derived stage as ``derived_stage``."""
    return clients.annotate(**{STAGE_ANNOTATION: stage_expression()})


# The stage of every client as SQL, compiled once per database: compiling the CASE of
# ten EXISTS takes the ORM several milliseconds, running it for one client well under
# one. Only the query's text and its constants (stored values spelled above) are kept,
# never a row: nothing read for one request is shown to another.
_STAGE_SQL: dict[str, tuple[str, tuple[Any, ...]]] = {}
_LOOKUP_ALIAS, _LOOKUP_KEY = "client_stage", "stage_client_id"


def _stage_sql(using: str) -> tuple[str, tuple[Any, ...]]:
    vendor = connections[using].vendor
    if vendor not in _STAGE_SQL:
        every = (
            with_stage(Client.objects.using(using).order_by())
            .annotate(**{_LOOKUP_KEY: F("pk")})
            .values_list(_LOOKUP_KEY, STAGE_ANNOTATION)
        )
        sql, params = every.query.get_compiler(using=using).as_sql()
        _STAGE_SQL[vendor] = (sql, tuple(params))
    return _STAGE_SQL[vendor]


def with_stage_by_lookup(clients: QuerySet[Client]) -> QuerySet[Client]:
    """The clients, each with its derived stage as ``derived_stage``, looked up in the
    precompiled stage query by the client's id: for pages of one client (the chart),
    where compiling ``stage_expression`` would cost more than the query. Lists keep
    ``with_stage``, whose stage is computed inline for every row. The lookup names the
    client table as itself: read these clients, never nest them in another query (which
    would rename the table and leave the lookup pointing at the outer one)."""
    sql, params = _stage_sql(clients.db)
    table = Client._meta.db_table
    # Every piece is this module's own (the SQL the ORM compiled, fixed names); the
    # values travel as parameters.
    lookup = (
        f'SELECT "{_LOOKUP_ALIAS}"."{STAGE_ANNOTATION}" FROM ({sql}) "{_LOOKUP_ALIAS}" '  # noqa: S608
        f'WHERE "{_LOOKUP_ALIAS}"."{_LOOKUP_KEY}" = "{table}"."id"'
    )
    stage = RawSQL(lookup, params, CharField())  # noqa: S611 -- the SQL above, values as parameters
    return clients.annotate(**{STAGE_ANNOTATION: stage})


def stage_of(client_id: int) -> PathwayStage:
    """One client's derived stage (one query)."""
    value = (
        with_stage_by_lookup(Client.objects.filter(pk=client_id))
        .values_list(STAGE_ANNOTATION, flat=True)
        .get()
    )
    return PathwayStage(value)


def stage_facts_of(client_id: int) -> StageFacts:
    """The facts behind one client's stage (one query), e.g. to explain it on the chart."""
    facts = _fact_expressions()
    row = (
        Client.objects.filter(pk=client_id)
        .annotate(**{f"fact_{name}": _as_bool(q) for name, q in facts.items()})
        .values(*(f"fact_{name}" for name in FACT_NAMES))
        .get()
    )
    return StageFacts(**{name: bool(row[f"fact_{name}"]) for name in FACT_NAMES})


def _as_bool(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
