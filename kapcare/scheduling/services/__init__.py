"""Every change to appointments, staff schedules and the practice's scheduling settings.

Each service takes keyword-only arguments, an explicit ``actor`` and the time (``now``),
reaches the client through ``people.access.access_client`` (not found and not allowed
look the same and are audited), changes the data in one transaction and writes the
audit row inside it.

One module per concern: ``booking`` (:func:`book_appointment`, the one entry point the
API, the UI, the portal, the admin and imports all use, and
:func:`check_appointment_request`, what it would refuse), ``status``, ``rescheduling``,
``availability`` (the search), ``hours`` (working hours and time off), ``settings`` and
``client`` (what a client does to their own sessions in the portal: cancel within the
practice's notice, confirm where they are for a virtual session).
The facts the pure rules need come from ``scheduling.facts``, one query per kind of
fact. Concurrency: the client's row is locked
(``SELECT ... FOR UPDATE``) for the check and the insert, which serializes bookings of
one client; two bookings of the same staff member or room for different clients are
stopped by the PostgreSQL exclusion constraints (answered as a lost race,
:class:`~kapcare.core.violations.Refused` with ``conflict=True``). On SQLite every transaction is
``IMMEDIATE`` (settings), so the check and the insert are serialized outright.
"""

from kapcare.scheduling.requests import AppointmentRequest, FollowUpRequest
from kapcare.scheduling.services.booking import (
    BookedAppointments,
    book_appointment,
    check_appointment_request,
)
from kapcare.scheduling.services.rescheduling import KEEP, reschedule_appointment
from kapcare.scheduling.services.status import (
    MAX_REASON_LENGTH,
    StatusChanged,
    set_appointment_status,
)

__all__ = [
    "KEEP",
    "MAX_REASON_LENGTH",
    "AppointmentRequest",
    "BookedAppointments",
    "FollowUpRequest",
    "StatusChanged",
    "book_appointment",
    "check_appointment_request",
    "reschedule_appointment",
    "set_appointment_status",
]
