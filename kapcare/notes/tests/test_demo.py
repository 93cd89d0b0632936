"""The demo's therapy story: written once, signed, the Watcher's timeline across stages."""

from io import StringIO

import pytest
from django.core.management import call_command

from kapcare.notes.demo import load_demo_notes
from kapcare.notes.models import EmdrSession, Part, SessionNote


@pytest.mark.django_db
def test_load_demo_tells_the_story_once() -> None:
    call_command("load_demo", stdout=StringIO())

    notes = SessionNote.objects.all()
    assert notes.exists()
    assert not notes.filter(signed_at__isnull=True).exists()
    kinds = set(notes.values_list("kind", flat=True))
    assert {"preparation", "medicine", "integration"} <= kinds
    watcher = Part.objects.filter(name="The Watcher").first()
    assert watcher is not None
    assert watcher.appearances.count() >= 3
    assert EmdrSession.objects.filter(sud_start=7, sud_end=3).exists()

    count = notes.count()
    assert load_demo_notes() == 0
    assert SessionNote.objects.count() == count
