"""The facts the pathway's rules need, loaded in one place for every entry point.

``load_pathway_records`` answers, in one query whatever the client's history, the
records as ``pathway.rules`` reads them: the plan, the consents, the clearances, the
dose orders and the unreviewed risk flags that stop a medicine session. Booking, the
availability search, the chart and dosing all read them here (``scheduling.facts``
adds the client's appointments). Nothing here checks a permission: a caller has
reached the client through ``people.access`` first.

The safety facts come from measures (unreviewed risk flags, the latest DES-II), and so
do the instruments a plan goal can target and their latest totals at a plan review:
``measures.flags`` answers them as plain data, and this is the one place the pathway
reads measures (the exception is written down in the import contracts).
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet
from django.db.models.expressions import Combinable

from kapcare.core.json_rows import as_date, as_date_or_none, as_moment, rows_of
from kapcare.measures.flags import (
    TOTAL,
    GoalMeasure,
    LatestTotal,
    client_risk_flags,
    count_unreviewed_booking_flags,
    goal_measures,
    latest_des_total,
    latest_scores,
    unreviewed_booking_flags_among,
    unreviewed_booking_flags_column,
)
from kapcare.pathway import rules
from kapcare.pathway.models import Clearance, Consent, DoseOrder, TreatmentPlan
from kapcare.pathway.vocabulary import ClearanceStatus, ConsentKind, PlanFormat, PlanStatus
from kapcare.people.access import Actor, page_fact
from kapcare.people.models import Client

__all__ = [
    "TOTAL",
    "ClientPathway",
    "GoalMeasure",
    "LatestTotal",
    "PathwayRecords",
    "ScreeningInputs",
    "client_pathway",
    "goal_instruments",
    "goal_scores",
    "load_pathway_records",
    "pathway_record_columns",
    "pathway_records_from",
    "screening_inputs",
]


@dataclass(frozen=True)
class PathwayRecords:
    """A client's pathway records as the rules read them."""

    plan: rules.TreatmentPlan | None
    consents: tuple[rules.Consent, ...]
    clearances: tuple[rules.Clearance, ...]
    dose_orders: tuple[rules.DoseOrder, ...]
    unreviewed_risk_flags: int
    """Unreviewed suicidality / suicide-risk flags (DESIGN.md ``safety.unreviewed_risk_flag``)."""


def pathway_record_columns(client: OuterRef) -> dict[str, Combinable]:
    """The client's pathway records as columns of one query on its row (``client`` its
    id): each kind a JSON column (``core.json_rows``), read by :func:`pathway_records_from`.

    ``scheduling.facts`` adds the client's appointments and its practice's policy to the
    same query: a booking reads all it knows of the client in one statement.
    """
    return {
        "plan_rows": rows_of(
            TreatmentPlan.objects.filter(client_id=client), "client_id", "format", "status"
        ),
        "consent_rows": rows_of(
            Consent.objects.filter(client_id=client),
            "client_id",
            "signed_on",
            "id",
            "kind",
            "revoked_on",
            "version",
        ),
        "clearance_rows": rows_of(
            Clearance.objects.filter(client_id=client),
            "client_id",
            "recorded_at",
            "id",
            "status",
            "valid_until",
        ),
        "dose_order_rows": rows_of(
            DoseOrder.objects.filter(client_id=client),
            "client_id",
            "active_from",
            "id",
            "active_to",
        ),
        "unreviewed_risk_flag_count": unreviewed_booking_flags_column(client),
    }


def pathway_records_from(row: Mapping[str, Any]) -> PathwayRecords:
    """The records of a row read with :func:`pathway_record_columns`, each kind in the
    order the rules read it (by date, then id)."""
    plans = row["plan_rows"] or []  # one at most: a client has one plan
    return PathwayRecords(
        plan=(
            rules.TreatmentPlan(format=PlanFormat(plans[0][0]), status=PlanStatus(plans[0][1]))
            if plans
            else None
        ),
        consents=tuple(
            rules.Consent(
                kind=ConsentKind(kind),
                signed_on=as_date(signed_on),
                revoked_on=as_date_or_none(revoked_on),
                version=version,
            )
            for signed_on, _, kind, revoked_on, version in _by_first_two(row["consent_rows"])
        ),
        clearances=tuple(
            rules.Clearance(
                status=ClearanceStatus(status),
                valid_until=as_date(valid_until),
                recorded_at=as_moment(recorded_at),
            )
            for recorded_at, _, status, valid_until in _by_first_two(
                row["clearance_rows"], moments=True
            )
        ),
        dose_orders=tuple(
            rules.DoseOrder(active_from=as_date(active_from), active_to=as_date_or_none(active_to))
            for active_from, _, active_to in _by_first_two(row["dose_order_rows"])
        ),
        unreviewed_risk_flags=row["unreviewed_risk_flag_count"],
    )


def _by_first_two(rows: list[list[Any]] | None, *, moments: bool = False) -> list[list[Any]]:
    """JSON rows sorted by their first two columns (a date or moment, then the id).

    Dates sort as their ISO text; moments are compared as moments (SQLite writes them
    without an offset, PostgreSQL with one)."""
    if not rows:
        return []
    if moments:
        return sorted(rows, key=lambda r: (as_moment(r[0]), r[1]))
    return sorted(rows, key=lambda r: (r[0], r[1]))


@functools.cache
def _records_query() -> QuerySet[Client, Any]:
    """Built once per process (``core.json_rows``); each call narrows it to a client."""
    return Client.objects.order_by().values(**pathway_record_columns(OuterRef("pk")))


def load_pathway_records(client_id: int) -> PathwayRecords:
    """The client's pathway records as the rules read them, in one query."""
    row: Mapping[str, Any] | None = _records_query().filter(pk=client_id).first()
    if row is None:
        return PathwayRecords(
            plan=None, consents=(), clearances=(), dose_orders=(), unreviewed_risk_flags=0
        )
    return pathway_records_from(row)


@dataclass(frozen=True)
class ClientPathway:
    """A client's pathway records as rows, for a page that shows them and checks the
    rules over them (the chart): each kind read once, shared by the page's panels."""

    plan: TreatmentPlan | None
    consents: list[Consent]  # newest signed first
    clearances: list[Clearance]  # newest recorded first, with who recorded it
    dose_orders: list[DoseOrder]  # newest ordered first, with who ordered it
    records: PathwayRecords  # the same, as the rules read them


def client_pathway(actor: Actor, client_id: int) -> ClientPathway:
    """The client's pathway records, once per page view (four queries, and the risk flags
    the page's safety panel shows). The caller has reached the client through access."""
    return page_fact(actor, f"pathway.records:{client_id}", lambda: _load(actor, client_id))


def _load(actor: Actor, client_id: int) -> ClientPathway:
    plan = TreatmentPlan.objects.filter(client_id=client_id).first()
    consents = list(Consent.objects.filter(client_id=client_id).order_by("-signed_on", "-id"))
    clearances = list(
        Clearance.objects.filter(client_id=client_id)
        .select_related("recorded_by__user")
        .order_by("-recorded_at", "-id")
    )
    orders = list(
        DoseOrder.objects.filter(client_id=client_id)
        .select_related("ordered_by__user")
        .order_by("-ordered_at", "-id")
    )
    records = PathwayRecords(
        plan=(
            rules.TreatmentPlan(format=PlanFormat(plan.format), status=PlanStatus(plan.status))
            if plan is not None
            else None
        ),
        consents=tuple(
            rules.Consent(
                kind=ConsentKind(c.kind),
                signed_on=c.signed_on,
                revoked_on=c.revoked_on,
                version=c.version,
            )
            for c in consents
        ),
        clearances=tuple(
            rules.Clearance(
                status=ClearanceStatus(c.status),
                valid_until=c.valid_until,
                recorded_at=c.recorded_at,
            )
            for c in clearances
        ),
        dose_orders=tuple(
            rules.DoseOrder(active_from=o.active_from, active_to=o.active_to) for o in orders
        ),
        unreviewed_risk_flags=unreviewed_booking_flags_among(client_risk_flags(actor, client_id)),
    )
    return ClientPathway(
        plan=plan, consents=consents, clearances=clearances, dose_orders=orders, records=records
    )


@dataclass(frozen=True)
class ScreeningInputs:
    """What a medical screening records from measures, as they stand when it is made."""

    des_ii_total: Decimal | None  # None: the client has no DES-II yet (unknown)
    open_suicide_flag: bool  # an unreviewed suicidality (PHQ-9 item 9) or ASQ flag


def screening_inputs(client_id: int) -> ScreeningInputs:
    total = latest_des_total(client_id)
    return ScreeningInputs(
        des_ii_total=(
            Decimal(str(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if total is not None
            else None
        ),
        open_suicide_flag=count_unreviewed_booking_flags(client_id) > 0,
    )


def goal_instruments() -> dict[str, GoalMeasure]:
    """The instruments a measurable goal may name (those with a total or a subscale),
    with their subscales in words."""
    return goal_measures()


def goal_scores(
    client_id: int, wanted: list[tuple[str, str]]
) -> dict[tuple[str, str], LatestTotal]:
    """The client's latest value of each ``(instrument, subscale)`` its goals target
    (subscale ``TOTAL``: the total), in one query."""
    return latest_scores(client_id, wanted) if wanted else {}
