"""Liveness and readiness for load balancers and monitoring.

``GET /healthz`` (or ``HEAD``) needs no sign-in, is never cached and is exempt
from the production HTTPS redirect. It names the failing part, never the
driver's message (which can hold host names or credentials).

``GET /livez`` answers that the process serves requests, without touching the
database: a restart is the cure for a dead process, not for a dead database. Being
the least a Django view can do through the whole middleware stack, it is also the
floor ``make bench-load`` measures every other request against.
"""

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("health check: database unreachable (%s)", type(error).__name__)
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@never_cache
@require_safe
def livez(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
