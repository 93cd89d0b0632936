"""Is this client already on file? One check for every way a client is added.

The same legal name (ignoring case and runs of spaces) and the same date of birth
within a practice is very likely the same person: the page, the API and an import all
ask :func:`find_duplicate_client` before adding one, and add it anyway only when the
person adding it says the two are different people.
"""

import datetime as dt

from django.db.models.functions import Lower

from kapcare.people.models import Client

__all__ = [
    "DUPLICATE_MESSAGE",
    "PossibleDuplicate",
    "find_duplicate_client",
    "find_duplicate_clients",
    "same_name",
]

# Enough to open the record; a practice with more copies than this has another problem.
MAX_MATCHES = 10

DUPLICATE_MESSAGE = (
    "A client with this legal name and date of birth is already on file. Open that record, "
    "or confirm that this is a different person."
)


def same_name(text: str) -> str:
    """A legal name as compared: case and runs of spaces do not matter."""
    return " ".join(text.split()).lower()


class PossibleDuplicate(Exception):
    """Refused: clients with this legal name and date of birth are already on file."""

    def __init__(self, existing_ids: list[int]) -> None:
        super().__init__(DUPLICATE_MESSAGE)
        self.existing_ids = existing_ids


def find_duplicate_clients(
    *, practice_id: int, given_name: str, family_name: str, date_of_birth: dt.date
) -> list[int]:
    """The ids of the practice's clients with this legal name and date of birth, oldest first."""
    return list(
        Client.objects.annotate(given=Lower("legal_given_name"), family=Lower("legal_family_name"))
        .filter(
            practice_id=practice_id,
            date_of_birth=date_of_birth,
            given=same_name(given_name),
            family=same_name(family_name),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_MATCHES]
    )


def find_duplicate_client(
    *, practice_id: int, given_name: str, family_name: str, date_of_birth: dt.date
) -> int | None:
    """The id of the practice's first client with this legal name and date of birth."""
    found = find_duplicate_clients(
        practice_id=practice_id,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
    )
    return found[0] if found else None
