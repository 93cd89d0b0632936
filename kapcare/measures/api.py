"""/api/v1/instruments: what can be scored, and stateless scoring.

Scoring stores nothing and reads no client record, so it is not audited; it
still needs a signed-in staff member or a staff member's token.
"""

from django.http import HttpRequest
from ninja import Router

from kapcare.api_errors import ApiFieldError
from kapcare.measures import registry
from kapcare.measures.schemas import InstrumentList, InstrumentOut, ScoreIn, ScoreOut
from kapcare.measures.scoring import AnswerError
from kapcare.people.access import NotFound, actor_for_request

router = Router(tags=["measures"])


def _require_staff(request: HttpRequest) -> None:
    actor = actor_for_request(request)
    if actor is None or actor.staff is None:
        # Signed in but not staff (e.g. a portal account): nothing here is theirs.
        raise NotFound


@router.get("/instruments", response=InstrumentList)
def list_instruments(request: HttpRequest) -> dict[str, object]:
    """Every instrument that can be scored: codes, names, item counts and sources."""
    _require_staff(request)
    items = [InstrumentOut.of(i) for i in registry.list_instruments()]
    return {"items": items, "count": len(items)}


@router.post("/instruments/{code}/score", response=ScoreOut, exclude_unset=True)
def score_instrument(request: HttpRequest, code: str, payload: ScoreIn) -> ScoreOut:
    """Score one set of answers (one per item, in the published order). Nothing is stored.

    A wrong number of answers, an answer off the item's scale or a missing required
    answer is a 422 naming the item (``answers.3`` is the fourth answer).
    """
    _require_staff(request)
    try:
        instrument = registry.get_instrument(code)
    except registry.UnknownInstrument:
        raise NotFound from None
    try:
        result = instrument.score(payload.answers)
    except AnswerError as exc:
        raise ApiFieldError(exc.field, exc.message) from None
    return ScoreOut.of(instrument, result)
