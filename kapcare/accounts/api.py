"""/api/v1/me/api-tokens: my personal access tokens, listed and revoked.

Making a token is a page (``/accounts/api-tokens/``) or a command, never an API call:
a token that could make tokens could renew itself forever and outlive its expiry.
"""

import datetime as dt
from typing import NoReturn

from django.http import Http404, HttpRequest
from ninja import Query, Router

from kapcare.accounts.models import ApiToken, User
from kapcare.accounts.tokens import revoke_token
from kapcare.audit.models import AuditAction, AuditOutcome
from kapcare.audit.services import AuditSource, record_event, request_ip
from kapcare.core import clock
from kapcare.core.api_errors import LIST_ERRORS, WRITE_ERRORS
from kapcare.core.api_fields import RecordId
from kapcare.core.api_schema import Schema
from kapcare.core.pagination import Page, PageQuery, page_of

router = Router(tags=["api tokens"])


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revoked_because: str
    live: bool

    @staticmethod
    def of(token: ApiToken, now: dt.datetime) -> "ApiTokenOut":
        return ApiTokenOut(
            id=token.pk,
            name=token.name,
            prefix=token.prefix,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
            revoked_because=token.revoked_because,
            live=token.revoked_at is None and token.expires_at > now,
        )


def _owner(request: HttpRequest) -> User:
    user = request.user
    if isinstance(user, User) and hasattr(user, "staff"):
        return user
    _refuse(request, "api-token:not-staff")


def _refuse(request: HttpRequest, detail: str) -> NoReturn:
    user = request.user if isinstance(request.user, User) else None
    record_event(
        source=AuditSource(user=user, source_ip=request_ip(request)),
        action=AuditAction.DENIED,
        outcome=AuditOutcome.DENIED,
        detail=detail,
    )
    raise Http404


@router.get("/me/api-tokens", response={200: Page[ApiTokenOut], **LIST_ERRORS})
def list_my_api_tokens(request: HttpRequest, page: Query[PageQuery]) -> dict[str, object]:
    """My tokens, newest first: live, expired and revoked (never the secret)."""
    user = _owner(request)
    rows, count = page_of(ApiToken.objects.filter(user=user).order_by("-created_at"), page)
    now = clock.now()
    return {"items": [ApiTokenOut.of(t, now) for t in rows], "count": count}


@router.post("/me/api-tokens/{token_id}/revoke", response={200: ApiTokenOut, **WRITE_ERRORS})
def revoke_my_api_token(request: HttpRequest, token_id: RecordId) -> ApiTokenOut:
    """Revoke one of my live tokens (it may be the one sending this request)."""
    user = _owner(request)
    if not revoke_token(user=user, token_id=token_id, source_ip=request_ip(request)):
        _refuse(request, f"api-token:revoke-refused:{token_id}")
    return ApiTokenOut.of(ApiToken.objects.get(pk=token_id, user=user), clock.now())
