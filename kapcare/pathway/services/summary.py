"""The medical summary: the latest screening (evaluated), clearance and dose orders."""

import datetime as dt
from dataclasses import dataclass

from kapcare.pathway.facts import client_pathway
from kapcare.pathway.models import Clearance, DoseOrder, MedicalScreening
from kapcare.pathway.screening import ScreeningEvaluation
from kapcare.pathway.services.screening import evaluation_of, latest_screening
from kapcare.pathway.vocabulary import ClearanceStatus
from kapcare.people.access import Actor, access_client
from kapcare.people.models import Client
from kapcare.people.policy import Category

__all__ = ["MedicalSummary", "get_medical_summary"]

ORDERS_SHOWN = 10


@dataclass(frozen=True)
class MedicalSummary:
    client: Client
    screening: MedicalScreening | None
    evaluation: ScreeningEvaluation | None
    clearance: Clearance | None
    orders: list[DoseOrder]
    today: dt.date

    @property
    def clearance_in_force(self) -> bool:
        c = self.clearance
        return (
            c is not None
            and c.status == ClearanceStatus.CLEARED.value
            and c.valid_until >= self.today
        )

    @property
    def active_orders(self) -> list[DoseOrder]:
        return [
            o
            for o in self.orders
            if o.active_from <= self.today and (o.active_to is None or o.active_to >= self.today)
        ]


def get_medical_summary(
    *, actor: Actor, client_id: int, today: dt.date, shared: bool = False
) -> MedicalSummary:
    """Latest screening (evaluated), latest clearance, dose orders: an audited medical read.

    ``shared``: take the clearances and dose orders from the page view's pathway records
    (``pathway.facts.client_pathway``: the chart, whose plan panel reads them too)."""
    client = access_client(actor, client_id, Category.MEDICAL, detail="medical:summary")
    latest = latest_screening(client.pk)
    if shared:
        rows = client_pathway(actor, client.pk)
        clearance = rows.clearances[0] if rows.clearances else None
        orders = rows.dose_orders[:ORDERS_SHOWN]
    else:
        clearance = (
            Clearance.objects.filter(client=client)
            .select_related("recorded_by__user")
            .order_by("-recorded_at", "-id")
            .first()
        )
        orders = list(
            DoseOrder.objects.filter(client=client)
            .select_related("ordered_by__user")
            .order_by("-ordered_at", "-id")[:ORDERS_SHOWN]
        )
    return MedicalSummary(
        client=client,
        screening=latest,
        evaluation=evaluation_of(latest) if latest else None,
        clearance=clearance,
        orders=orders,
        today=today,
    )
