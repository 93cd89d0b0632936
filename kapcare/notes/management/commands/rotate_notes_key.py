from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kapcare.notes.crypto import KEY_ENV, PREVIOUS_KEYS_ENV, KeyRing
from kapcare.notes.rotation import RotationFailed, rotate_notes


class Command(BaseCommand):
    help = (
        f"Re-encrypt every psychotherapy note under {KEY_ENV} and prove it by reading each "
        f"back. Put the old key(s) in {PREVIOUS_KEYS_ENV} (comma-separated) and the new one "
        f"in {KEY_ENV}; once this succeeds, the old keys can be removed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ring = KeyRing.from_environment()
        try:
            report = rotate_notes(ring)
        except RotationFailed as error:
            raise CommandError(
                f"Rotation stopped, nothing in the failing batch changed: {error}"
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {report.re_encrypted} of {report.total} psychotherapy notes; "
                f"all {report.verified} read back with the current key ({ring.current_id})."
            )
        )
