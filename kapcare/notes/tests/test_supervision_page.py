"""The practice admin's co-signature page: whose notes need a supervisor, and whose."""

from collections.abc import Callable

import pytest
from django.test import Client as HttpClient

from kapcare.notes.models import NoteSupervision
from kapcare.people.models import StaffMember
from kapcare.people.policy import Role

SignIn = Callable[[Role], HttpClient]
URL = "/practice/note-supervision/"


def test_the_practice_admin_sets_and_clears_a_supervisor(
    signed_in: SignIn, staff: dict[Role, StaffMember]
) -> None:
    http = signed_in(Role.FRONT_DESK)
    therapist, doctor = staff[Role.THERAPIST], staff[Role.MEDICAL_PROVIDER]
    assert URL.encode() in http.get("/practice/").content
    page = http.get(URL)
    assert page.status_code == 200
    assert b"No co-signature needed" in page.content
    # A clinician cannot supervise themself: the choice is not offered, and refused
    refused = http.post(URL, {f"staff_{therapist.pk}": therapist.pk})
    assert refused.status_code == 422
    assert not NoteSupervision.objects.exists()
    saved = http.post(URL, {f"staff_{therapist.pk}": doctor.pk})
    assert saved.status_code == 302
    assert NoteSupervision.objects.get().supervisor_id == doctor.pk
    http.post(URL, {f"staff_{therapist.pk}": ""})
    assert not NoteSupervision.objects.exists()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.MEDICAL_PROVIDER, Role.MONITOR])
def test_others_do_not_reach_the_setting(
    signed_in: SignIn, staff: dict[Role, StaffMember], role: Role
) -> None:
    http = signed_in(role)
    assert http.get(URL).status_code == 404
    body = {f"staff_{staff[Role.THERAPIST].pk}": staff[Role.MEDICAL_PROVIDER].pk}
    assert http.post(URL, body).status_code == 404
    assert not NoteSupervision.objects.exists()
