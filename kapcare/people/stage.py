"""Where a client is on the care pathway, derived from what the record holds (pure).

The stage is never typed in (DESIGN.md: "derived from the record, never typed in by
hand"). It is the first stage of ``STAGE_RULES`` whose condition the client's facts
meet; the conditions are read from the top, so a later stage wins over an earlier one:

- integration: the latest medicine session held has no completed integration session
  after it (clients cycle medicine ⇄ integration);
- medicine: a medicine session is booked and not yet held;
- ongoing: the plan is closed, or no further medicine session is planned (one was held
  and none is booked, or the plan does not include KAP);
- preparation: the plan is active, KAP informed consent is signed and current, and a
  preparation session is booked (or held);
- planning: a clearance decision is recorded;
- screening: a medical screening or a measure is recorded;
- consultation: none of the above (a new client).

Each condition is a disjunction of conjunctions of fact names (``StageFacts`` fields),
so the same table drives this pure function and the database expression of
``people.stage_query`` (one definition, two evaluators, a test that they agree).
"""

from dataclasses import dataclass, fields

from kapcare.people.vocabulary import PathwayStage

__all__ = ["FACT_NAMES", "STAGE_RULES", "StageFacts", "derive_stage"]


@dataclass(frozen=True)
class StageFacts:
    """What the record says about a client, as yes/no answers."""

    screened: bool = False
    """A medical screening or a measure is recorded."""
    cleared: bool = False
    """A clearance decision is recorded (whatever it decided)."""
    plan_active: bool = False
    plan_closed: bool = False
    plan_without_kap: bool = False
    """A plan exists and does not include ketamine-assisted psychotherapy."""
    kap_consent: bool = False
    """KAP informed consent is signed and not revoked."""
    preparation_booked: bool = False
    """A preparation session is booked or held."""
    medicine_booked: bool = False
    """A medicine session is booked and not yet held."""
    medicine_held: bool = False
    integration_pending: bool = False
    """The latest medicine session held has no completed integration session after it."""


FACT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(StageFacts))

# (stage, any of (all of facts)); read top to bottom, the first that holds wins.
STAGE_RULES: tuple[tuple[PathwayStage, tuple[tuple[str, ...], ...]], ...] = (
    (PathwayStage.INTEGRATION, (("integration_pending",),)),
    (PathwayStage.MEDICINE, (("medicine_booked",),)),
    (PathwayStage.ONGOING, (("plan_closed",), ("medicine_held",), ("plan_without_kap",))),
    (PathwayStage.PREPARATION, (("plan_active", "kap_consent", "preparation_booked"),)),
    (PathwayStage.PLANNING, (("cleared",),)),
    (PathwayStage.SCREENING, (("screened",),)),
)
DEFAULT_STAGE = PathwayStage.CONSULTATION


def derive_stage(facts: StageFacts) -> PathwayStage:
    """The client's pathway stage: the first rule of ``STAGE_RULES`` that holds."""
    for stage, any_of in STAGE_RULES:
        if any(all(getattr(facts, name) for name in all_of) for all_of in any_of):
            return stage
    return DEFAULT_STAGE
