"""The clock of a signed-in session: when it began and when its person was last active.

Kept in the session itself; ``people.idle_timeout`` signs a person out when the practice's
idle limit or the absolute limit (``SESSION_COOKIE_AGE``) has passed (ONC 170.315(d)(5)).
The sign-in starts the clock here, so the first page after it writes nothing more.
"""

import time

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

LAST_SEEN = "kapcare_last_seen"
SIGNED_IN_AT = "kapcare_signed_in_at"
# Why a sign-out happened, when it was not the person's own ("idle", "session limit").
_REASON = "_kapcare_sign_out_reason"


def wall_seconds() -> float:
    """Seconds since the epoch, for session timing only.

    Not ``core.clock.now``: tests hold that at a fixed moment for the clinical rules,
    while an idle timer must keep running; tests move this one on its own.
    """
    return time.time()


def start(session: SessionBase) -> None:
    now = wall_seconds()
    session[LAST_SEEN] = now
    session[SIGNED_IN_AT] = now


def mark_sign_out_reason(request: HttpRequest, reason: str) -> None:
    setattr(request, _REASON, reason)


def sign_out_reason(request: HttpRequest | None) -> str | None:
    return getattr(request, _REASON, None) if request is not None else None
