"""Secrets never reach a log line (issue 12: completion-link and feed secrets in logs)."""

import logging
import types
from typing import Any, cast

import pytest

from kapcare.log_masking import MaskedAccessLogger, MaskSecretsFilter, mask_secrets


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ('"GET /complete/Zq8xK2mN4pLr7sTu/ HTTP/1.1" 200', '"GET /complete/***/ HTTP/1.1" 200'),
        ("Not Found: /complete/Zq8xK2mN4pLr7sTu/", "Not Found: /complete/***/"),
        ("GET /complete/done/", "GET /complete/done/"),
        ("GET /feeds/calendar/s3cr3tValue_x.ics", "GET /feeds/calendar/***.ics"),
        (
            "GET /accounts/password/reset/key/1-c3b0a9-8f1e2d/",
            "GET /accounts/password/reset/key/***/",
        ),
        ("Authorization: Bearer kapc_AbC-123_xyz", "Authorization: Bearer ***"),
        ("token kapc_AbC-123_xyz was used", "token kapc_*** was used"),
        ("password=hunter2-hunter2&next=/", "password=***&next=/"),
        ('{"password": "hunter2", "email": "a@b.org"}', '{"password": "***", "email": "a@b.org"}'),
        ("EMAIL_HOST_PASSWORD=abc SECRET_KEY=xyz", "EMAIL_HOST_PASSWORD=*** SECRET_KEY=***"),
        ("GET /clients/12/ HTTP/1.1", "GET /clients/12/ HTTP/1.1"),
    ],
)  # fmt: skip
def test_mask_secrets(line: str, masked: str) -> None:
    assert mask_secrets(line) == masked


def _record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad token kapc_AbCdEf123")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, args, exc_info)


def test_the_filter_masks_the_formatted_message_and_the_traceback() -> None:
    # Given Django's own 404 line, with the path as an argument, and a traceback
    record = _record("Not Found: %s", "/complete/Zq8xK2mN4pLr7sTu/", exc=True)

    # When it passes the filter the handlers carry
    assert MaskSecretsFilter().filter(record) is True

    # Then neither the line nor the traceback holds the secrets
    assert record.getMessage() == "Not Found: /complete/***/"
    assert record.exc_text is not None
    assert "kapc_AbCdEf123" not in record.exc_text
    assert "kapc_***" in record.exc_text


def test_the_settings_put_the_filter_on_every_handler() -> None:
    from django.conf import settings

    handlers = cast(dict[str, dict[str, Any]], settings.LOGGING["handlers"])
    assert handlers
    assert all("mask_secrets" in h.get("filters", []) for h in handlers.values())


def test_gunicorns_access_log_masks_the_request_line() -> None:
    # gunicorn's own atoms, for a completion link with a query
    config = types.SimpleNamespace(
        errorlog="-", loglevel="info", accesslog=None, syslog=False, capture_output=False,
        logconfig=None, logconfig_dict={}, logconfig_json=None,
        disable_redirect_access_to_syslog=False,
        access_log_format="", user=0, group=0, syslog_addr=None, syslog_prefix=None,
        syslog_facility="user", dogstatsd_tags="", statsd_host=None,
    )  # fmt: skip
    logger = MaskedAccessLogger.__new__(MaskedAccessLogger)
    logger.cfg = config
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/complete/Zq8xK2mN4pLr7sTu/?token=abc",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/complete/Zq8xK2mN4pLr7sTu/",
        "QUERY_STRING": "token=abc",
    }
    response = types.SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = types.SimpleNamespace(headers=[("AUTHORIZATION", "Bearer kapc_Secret123")])
    elapsed = types.SimpleNamespace(seconds=0, microseconds=5)

    atoms = logger.atoms(response, request, environ, elapsed)

    assert atoms["r"] == "GET /complete/***/?token=*** HTTP/1.1"
    assert atoms["U"] == "/complete/***/"
    assert atoms["q"] == "token=***"
    assert atoms["{authorization}i"] == "Bearer kapc_***"
