"""The bulk export streams: its memory does not grow with the practice (10,000 clients).

Measured with tracemalloc (peak bytes allocated by Python while the job runs), first
with 1,000 clients, then with 10,000: a job that held its rows would need ten times
as much; a streamed one needs about the same. No time is measured.
"""

import datetime as dt
import tracemalloc

from kapcare.core import clock
from kapcare.interop.exports import run_export
from kapcare.interop.models import ExportJob, ExportLevel
from kapcare.people.models import Client, Practice, StaffMember
from kapcare.people.policy import Role
from kapcare.scheduling.models import Appointment, AppointmentStaff

START = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.UTC)


def _add_clients(practice: Practice, therapist: StaffMember, first: int, count: int) -> None:
    clients = Client.objects.bulk_create(
        Client(
            practice=practice, legal_given_name=f"Given{n}", legal_family_name=f"Family{n}",
            date_of_birth=dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000), home_state="PA",
            email=f"client{n}@example.com",
        )
        for n in range(first, first + count)
    )  # fmt: skip
    appointments = Appointment.objects.bulk_create(
        Appointment(
            client=c, kind="therapy", modality="telehealth", client_location_state="PA",
            start=START + dt.timedelta(hours=first + i),
            end=START + dt.timedelta(hours=first + i, minutes=50),
            created_by=therapist, created_at=START,
        )
        for i, c in enumerate(clients)
    )  # fmt: skip
    AppointmentStaff.objects.bulk_create(
        AppointmentStaff(appointment=a, staff=therapist, start=a.start, end=a.end, status="booked")
        for a in appointments
    )


def _peak_of_export(staff: StaffMember) -> tuple[int, dict[str, int]]:
    job = ExportJob.objects.create(
        practice_id=staff.practice_id, requested_by=staff, level=ExportLevel.PATIENT,
        types=["Patient", "Appointment"], requested_at=clock.now(),
    )  # fmt: skip
    tracemalloc.start()
    try:
        run_export(job.pk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, {f.resource_type: f.count for f in job.files.all()}


def test_export_memory_is_flat_from_1000_to_10000_clients(
    practice: Practice, staff: dict[Role, StaffMember]
) -> None:
    therapist, front_desk = staff[Role.THERAPIST], staff[Role.FRONT_DESK]
    _add_clients(practice, therapist, 0, 1_000)
    small_peak, small_counts = _peak_of_export(front_desk)
    _add_clients(practice, therapist, 1_000, 9_000)
    large_peak, large_counts = _peak_of_export(front_desk)

    assert small_counts == {"Patient": 1_000, "Appointment": 1_000}
    assert large_counts == {"Patient": 10_000, "Appointment": 10_000}
    # Ten times the rows, well under twice the memory (a held export would be ~10x).
    assert large_peak < 2 * small_peak, (small_peak, large_peak)
    # The figures, for the report (pytest -s shows them).
    print(f"export peak: 1,000 clients {small_peak} B; 10,000 clients {large_peak} B")  # noqa: T201
