"""Every read and change of medicine-session records, one module per step of a session.

The API, the console pages, the chart panels, the PDF and the demo loader all come
here: ``checklist``, ``vitals``, ``dosing``, ``events``, ``note`` (the therapist's),
``discharge``, ``signing`` change the record; ``record`` is its read model,
``sessions`` the chart's list, ``settings`` the practice's thresholds; ``state`` holds
what they share. Each function takes keyword-only arguments, an explicit ``actor``
and ``now``; reaches the record through ``medicine.access`` (missing and not allowed
are the same 404, audited); feeds the pure rules (``session_rules``, ``billing``)
plain data; changes rows in one transaction with the audit row inside it.

A change the rules refuse raises ``core.violations.Refused`` with **every** reason, and
leaves two audit rows: the refused attempt (outcome ``failure``) and a read, since the
reasons describe the record. A record is locked by its first signature: after that
only signatures and addenda are added.

Concurrency: changes to one client's records take the client's row lock first
(``SELECT ... FOR UPDATE``, then the audit chain), the order scheduling uses, so two
doses recorded at once are checked one after the other against the order's maximum.
"""

from kapcare.medicine.services.checklist import ChecklistInput, save_checklist
from kapcare.medicine.services.discharge import record_discharge
from kapcare.medicine.services.dosing import record_dose
from kapcare.medicine.services.events import record_adverse_event, record_observation
from kapcare.medicine.services.note import NOTE_LIMIT, save_therapist_note
from kapcare.medicine.services.record import RecordView, get_record, print_record
from kapcare.medicine.services.sessions import SessionRow, list_medicine_sessions
from kapcare.medicine.services.signing import add_addendum, sign_record
from kapcare.medicine.services.vitals import acknowledge_predose, record_vitals

__all__ = [
    "NOTE_LIMIT",
    "ChecklistInput",
    "RecordView",
    "SessionRow",
    "acknowledge_predose",
    "add_addendum",
    "get_record",
    "list_medicine_sessions",
    "print_record",
    "record_adverse_event",
    "record_discharge",
    "record_dose",
    "record_observation",
    "record_vitals",
    "save_checklist",
    "save_therapist_note",
    "sign_record",
]
