"""The demo medicine records: complete, signed, rule-abiding, and loaded only once."""

from django.core.management import call_command

from kapcare.medicine.models import MedicineSession, Signature, VitalsAlert
from kapcare.pathway.models import Clearance, MedicalScreening


def _counts() -> tuple[int, ...]:
    return (
        MedicalScreening.objects.count(),
        Clearance.objects.filter(screening__isnull=False).count(),
        MedicineSession.objects.count(),
        Signature.objects.count(),
    )


def test_load_demo_adds_a_signed_session_record_once(db: None) -> None:
    call_command("load_demo", verbosity=0)
    first = _counts()
    call_command("load_demo", verbosity=0)

    assert _counts() == first
    session = MedicineSession.objects.get()
    assert session.completed_at is not None
    assert session.discharged_at is not None
    assert sorted(Signature.objects.values_list("role", flat=True)) == [
        "medical_provider",
        "monitor",
        "therapist",
    ]
    assert list(VitalsAlert.objects.values_list("code", flat=True)) == ["vitals.systolic_high"]
    assert Clearance.objects.filter(screening__isnull=False).count() == Clearance.objects.count()
    assert MedicalScreening.objects.count() == Clearance.objects.values("client").distinct().count()
