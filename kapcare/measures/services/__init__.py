"""Every change in measures: loading a practice's instrument, and measures in care.

One module per concern: ``instruments``, ``assignments``, ``responses``, ``links``,
``flags``. Each change takes keyword-only arguments, an explicit actor (or, for a link,
the link's token) and the time, reaches the client through ``people.access`` and
writes its audit rows inside the same transaction.

Loading is the one way a definition is stored. Recording a response (by staff or by
the client's link) is the one place scores are stored and risk flags raised.
"""

from kapcare.measures.services.assignments import (
    assign_measure,
    end_assignment,
)
from kapcare.measures.services.flags import (
    MAX_NOTE_LENGTH,
    notify_care_team,
    review_flag,
)
from kapcare.measures.services.instruments import (
    LoadResult,
    check_instrument_document,
    load_instrument_definition,
)
from kapcare.measures.services.links import (
    IssuedLink,
    LinkUnusable,
    get_usable_link,
    issue_link,
    link_digest,
    record_link_response,
    withdraw_link,
)
from kapcare.measures.services.responses import (
    Recorded,
    instrument_for,
    record_own_response,
    record_response,
)

__all__ = [
    "MAX_NOTE_LENGTH",
    "IssuedLink",
    "LinkUnusable",
    "LoadResult",
    "Recorded",
    "assign_measure",
    "check_instrument_document",
    "end_assignment",
    "get_usable_link",
    "instrument_for",
    "issue_link",
    "link_digest",
    "load_instrument_definition",
    "notify_care_team",
    "record_link_response",
    "record_own_response",
    "record_response",
    "review_flag",
    "withdraw_link",
]
