"""The one way a pathway service refuses the date of a closing act (a diagnosis or problem
resolved, an intervention ended, a consent revoked): the pure ``rules.check_dated_act``,
answered as a ``FieldError`` beside the date."""

import datetime as dt

from django.utils import timezone

from kapcare.core.errors import FieldError
from kapcare.pathway.rules import DatedAct, check_dated_act

__all__ = ["require_dated_act"]


def require_dated_act(
    act: DatedAct,
    *,
    on: dt.date,
    now: dt.datetime,
    started_on: dt.date,
    done_on: dt.date | None,
) -> None:
    """Raise ``FieldError`` when ``act`` may not be dated ``on``: today is ``now``'s
    date in the practice's zone. Call it with the record locked, so ``done_on`` is
    the stored one."""
    refused = check_dated_act(
        act, on=on, today=timezone.localdate(now), started_on=started_on, done_on=done_on
    )
    if refused is not None:
        raise FieldError(refused.field, refused.message)
