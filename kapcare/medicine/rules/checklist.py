"""The pre-dose checklist and the hold rule on pre-dose vitals."""

import datetime as dt

from kapcare.core.violations import Violation
from kapcare.medicine.rules.facts import (
    PreDoseChecklist,
    VitalSigns,
    require_aware,
)
from kapcare.medicine.rules.record_time import whole_minutes
from kapcare.medicine.thresholds import SessionPolicy
from kapcare.medicine.vocabulary import (
    CHECKLIST_INCOMPLETE,
    PREDOSE_VITALS_ACK_REQUIRED,
    PREDOSE_VITALS_HOLD,
    PREPARATION_INCOMPLETE,
)


def check_checklist(
    checklist: PreDoseChecklist,
    *,
    predose_vitals: VitalSigns | None,
    dose_at: dt.datetime,
    policy: SessionPolicy,
) -> list[Violation]:
    """Every item missing before a dose at ``dose_at`` (use ``now`` to show the list).

    ``predose_vitals`` is the latest reading at or before ``dose_at``. The plan, the
    KAP consent and the clearance are the pathway's rules
    (``scheduling.rules.check_pathway_at_dosing``), which the dose service runs too.
    """
    require_aware(dose_at, "dose_at")
    missing: list[Violation] = []

    def need(subject: str, message: str) -> None:
        missing.append(Violation(rule=CHECKLIST_INCOMPLETE, message=message, subject=subject))

    if not checklist.identity_confirmed:
        need("identity_confirmed", "Confirm the client's identity.")
    food_hours = policy.fasting_food.total_seconds() / 3600
    liquid_hours = policy.fasting_liquids.total_seconds() / 3600
    if not checklist.fasting_confirmed:
        need(
            "fasting_confirmed",
            f"Confirm nothing to eat in the last {food_hours:g} hours and nothing to drink "
            f"in the last {liquid_hours:g} hours.",
        )
    if checklist.last_food_at is not None:
        require_aware(checklist.last_food_at, "last_food_at")
        if dose_at - checklist.last_food_at < policy.fasting_food:
            need(
                "fasting_confirmed",
                f"Last food was less than {food_hours:g} hours before the dose.",
            )
    if checklist.last_liquids_at is not None:
        require_aware(checklist.last_liquids_at, "last_liquids_at")
        if dose_at - checklist.last_liquids_at < policy.fasting_liquids:
            need(
                "fasting_confirmed",
                f"Last drink was less than {liquid_hours:g} hours before the dose.",
            )
    if not checklist.escort_name.strip():
        need("escort_name", "Name the adult who will take the client home.")
    if not checklist.no_driving_agreed:
        need("no_driving_agreed", "The client must agree not to drive until the next day.")
    if not checklist.todays_measures_done:
        need("todays_measures_done", "Today's PHQ-9 and ASQ are not done yet.")
    if checklist.unreviewed_risk_flag:
        need(
            "unreviewed_risk_flag",
            "A risk flag from today's measures must be reviewed by the care team first.",
        )
    if not checklist.intention.strip():
        need("intention", "Record the client's intention for this session.")
    max_age = whole_minutes(policy.predose_vitals_max_age)
    if predose_vitals is None:
        need("predose_vitals", "Take and record pre-dose vitals.")
    elif predose_vitals.at > dose_at or dose_at - predose_vitals.at > policy.predose_vitals_max_age:
        need(
            "predose_vitals",
            f"The latest vitals are more than {max_age} minutes before the dose; take them again.",
        )
    if checklist.preparation_completed < checklist.preparation_required:
        missing.append(
            Violation(
                rule=PREPARATION_INCOMPLETE,
                message=(
                    f"{checklist.preparation_completed} of {checklist.preparation_required} "
                    "preparation sessions are completed; the plan needs all of them before a dose."
                ),
                subject="preparation",
            )
        )
    return missing


def check_predose_vitals(
    reading: VitalSigns, *, acknowledged: bool, policy: SessionPolicy
) -> list[Violation]:
    """The hold rule on the reading before a dose.

    ``acknowledged``: a medical provider has acknowledged THIS reading. It lifts
    the acknowledgement requirement, never a hold.
    """
    bp = f"{reading.systolic}/{reading.diastolic}"
    violations: list[Violation] = []
    if (
        reading.systolic >= policy.hold_systolic_at_or_above
        or reading.diastolic >= policy.hold_diastolic_at_or_above
    ):
        violations.append(
            Violation(
                rule=PREDOSE_VITALS_HOLD,
                message=(
                    f"Blood pressure {bp} is at or above {policy.hold_systolic_at_or_above}/"
                    f"{policy.hold_diastolic_at_or_above}: no dose today unless a later "
                    "reading is lower."
                ),
                subject="blood_pressure",
            )
        )
    elif (
        reading.systolic >= policy.ack_systolic_at_or_above
        or reading.diastolic >= policy.ack_diastolic_at_or_above
    ) and not acknowledged:
        violations.append(
            Violation(
                rule=PREDOSE_VITALS_ACK_REQUIRED,
                message=(
                    f"Blood pressure {bp} is at or above {policy.ack_systolic_at_or_above}/"
                    f"{policy.ack_diastolic_at_or_above}: a medical provider must acknowledge "
                    "it before the dose."
                ),
                subject="blood_pressure",
            )
        )
    if reading.spo2 < policy.hold_spo2_below:
        violations.append(
            Violation(
                rule=PREDOSE_VITALS_HOLD,
                message=(
                    f"Oxygen saturation {reading.spo2} % is below {policy.hold_spo2_below} %: "
                    "no dose unless a later reading is higher."
                ),
                subject="spo2",
            )
        )
    return violations
