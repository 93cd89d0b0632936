"""Rules of the medicine session: checklist, hold, dose, monitoring, alerts, discharge.

Pure functions over plain data; every threshold comes from ``SessionPolicy``. All
``check_*`` functions return **every** violation (an empty list means allowed).
Times must be timezone-aware; a naive datetime is a programming error
(``ValueError``).

Definitions chosen here:

* **Pre-dose reading** of a dose: the latest vitals taken at or before the
  dose's time. It must be no older than ``predose_vitals_max_age`` (default
  60 min) and is what the hold rule judges. So a supplemental dose is judged on
  the latest reading before it, not on the first pre-dose reading.
* **Hold rule** (inclusive): systolic >= 160 or diastolic >= 100, or SpO2 below
  92 %, blocks dosing (``dose.predose_vitals_hold``); no acknowledgement
  overrides it. Otherwise systolic >= 140 or diastolic >= 90 needs a medical
  provider's acknowledgement of that reading (``dose.predose_vitals_ack_required``).
* **Order maximum**: the sum of this session's earlier doses plus this one may
  not exceed the order's maximum (equal is allowed); the route must be the
  order's; the order must be active at the time of administration.
* **Schedule**: checks at +15, +30, +40, +60, +90, +120 min after the FIRST
  dose. A reading counts for a check from ``vitals_early_window`` (5 min) before
  it until the next check's window opens; a check not done
  ``vitals_overdue_after`` (2 min) after its time is overdue, and once the next
  check's window opens it is missed. Minimum monitoring time runs from the LAST
  dose.
* **Discharge range** of the last vitals: blood pressure is in range when
  systolic < 140 and diastolic < 90, OR when both systolic <= 1.10 x pre-dose
  systolic and diastolic <= 1.10 x pre-dose diastolic ("within 10 %" read as
  at most 10 % above: lower is never a reason to keep a client for blood
  pressure). A reading that raises a blood-pressure alert is never in range.
  Heart rate and SpO2 must also be inside the alert range. The last
  vitals must be taken within ``discharge_vitals_max_age`` (15 min) before
  discharge (``discharge.vitals_not_recent``).
"""

from kapcare.medicine.rules.checklist import check_checklist, check_predose_vitals
from kapcare.medicine.rules.discharge import check_discharge, discharge_bp_in_range
from kapcare.medicine.rules.dosing import check_dose
from kapcare.medicine.rules.facts import (
    CheckKind,
    CheckState,
    DischargeAssessment,
    DoseAdministration,
    DoseOrder,
    PreDoseChecklist,
    ScheduledCheck,
    VitalAlert,
    VitalSigns,
)
from kapcare.medicine.rules.record_time import (
    check_record_time,
    check_session_day,
    predose_reading,
)
from kapcare.medicine.rules.vitals import (
    check_vitals,
    next_vitals_due,
    overdue_vitals,
    vital_alerts,
    vitals_schedule,
)

__all__ = [
    "CheckKind",
    "CheckState",
    "DischargeAssessment",
    "DoseAdministration",
    "DoseOrder",
    "PreDoseChecklist",
    "ScheduledCheck",
    "VitalAlert",
    "VitalSigns",
    "check_checklist",
    "check_discharge",
    "check_dose",
    "check_predose_vitals",
    "check_record_time",
    "check_session_day",
    "check_vitals",
    "discharge_bp_in_range",
    "next_vitals_due",
    "overdue_vitals",
    "predose_reading",
    "vital_alerts",
    "vitals_schedule",
]
