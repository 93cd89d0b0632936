"""The scheduling facts one page view shows in several panels, each read once.

The chart shows the client's appointments in its sessions panel, checks the pathway's
readiness over them in its plan panel, and plots the medicine sessions on the measures
panel; the practice's policy gives the readiness rules and the zone of sessions without
a place. Within ``people.access.one_page_view`` each is loaded once and shared
(``people.access.page_fact``); outside one, each call loads. Nothing here checks a
permission: a caller has reached the client through ``people.access`` first.
"""

import zoneinfo

from django.db.models import Prefetch

from kapcare.pathway.facts import client_pathway
from kapcare.people.access import Actor, page_fact
from kapcare.scheduling import rules
from kapcare.scheduling.facts import as_rule_appointment, policy_for_practice
from kapcare.scheduling.models import Appointment, AppointmentStaff
from kapcare.scheduling.thresholds import SchedulingPolicy

__all__ = ["appointments_of", "pathway_of", "policy_of", "zone_of_practice"]


def appointments_of(actor: Actor, client_id: int) -> list[Appointment]:
    """All the client's appointments, any status, oldest first, with their place and
    staff (two queries, whatever the history)."""
    return page_fact(
        actor,
        f"scheduling.appointments:{client_id}",
        lambda: list(
            Appointment.objects.filter(client_id=client_id)
            .select_related("location", "room")
            .prefetch_related(
                Prefetch("staff_links", AppointmentStaff.objects.select_related("staff__user"))
            )
            .order_by("start", "id")
        ),
    )


def policy_of(actor: Actor, practice_id: int) -> SchedulingPolicy:
    """The practice's scheduling policy (one query)."""
    return page_fact(
        actor, f"scheduling.policy:{practice_id}", lambda: policy_for_practice(practice_id)
    )


def zone_of_practice(actor: Actor, practice_id: int) -> zoneinfo.ZoneInfo:
    """The practice's zone, for sessions without a location."""
    return zoneinfo.ZoneInfo(policy_of(actor, practice_id).time_zone.value)


def pathway_of(actor: Actor, client_id: int) -> rules.PathwayFacts:
    """Where the client stands on the pathway, from the page's shared records and
    appointments (``scheduling.facts.pathway_facts`` for one request's own)."""
    records = client_pathway(actor, client_id).records
    return rules.PathwayFacts(
        plan=records.plan,
        consents=records.consents,
        clearances=records.clearances,
        dose_orders=records.dose_orders,
        unreviewed_risk_flags=records.unreviewed_risk_flags,
        appointments=tuple(as_rule_appointment(a) for a in appointments_of(actor, client_id)),
    )
