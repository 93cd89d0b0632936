"""What the pre-dose checklist needs from measures: today's PHQ-9 and ASQ.

The open risk flags and the DES-II come with the pathway's facts (``pathway.facts``).
No permission check here: the caller has already reached the client through
``people.access``.
"""

import datetime as dt

from kapcare.measures.models import MeasureResponse

# The pre-dose checklist's "today's PHQ-9 / ASQ" (issue 5).
TODAYS_CODES = frozenset({"PHQ-9", "ASQ"})


def measures_done_between(client_id: int, start: dt.datetime, end: dt.datetime) -> frozenset[str]:
    """Which of today's checklist measures (PHQ-9, ASQ) the client completed in [start, end)."""
    return frozenset(
        MeasureResponse.objects.filter(
            client_id=client_id,
            instrument_code__in=TODAYS_CODES,
            completed_at__gte=start,
            completed_at__lt=end,
        ).values_list("instrument_code", flat=True)
    )
